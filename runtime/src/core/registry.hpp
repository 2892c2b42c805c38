// Which sockets the runtime knows, and the running driver.
#pragma once

#include "core/driver.hpp"
#include "core/socket_state.hpp"
#include "core/socket_table.hpp"

namespace wsx::detail {

// The state of a socket the runtime knows, or nullptr.
inline SocketState* known_socket(native_socket s) {
  SocketState* st = socket_table().find(s);
  return (st && st->has(sf::kRegistered)) ? st : nullptr;
}

// Starts tracking s with the given facts (sf:: flags). A slot left behind by
// a socket closed outside wsx is taken over; the generation moves on so its
// stale readiness reports are dropped. nullptr when s is out of range.
SocketState* register_socket(native_socket s, std::uint32_t flags);

// Takes a socket created outside wsx into the table, asking the OS what it
// is (X2: not_socket for anything else). Also detects that a known
// descriptor now names another socket (closed and reopened outside wsx).
native_error adopt_socket(native_socket s, SocketState** out);

// Cancels the selection, stops backend reports and forgets the socket (S6).
void unregister_socket(native_socket s, SocketState& st);

// Makes sure the backend reports s.
native_error ensure_in_backend(native_socket s, SocketState& st);

// Tells the backend that the conditions the core wants for s may have grown
// (wanted_conditions, readiness.hpp). Called after every change that can
// grow them: re-enabling calls, select, FD_WRITE armed, connect, listen,
// bind. Costs a few atomic loads when nothing changed; a no-op on epoll.
void rearm_backend(native_socket s, SocketState& st);

// Deferred connections (WSAAccept + CF_DEFER), closed with their listener.
void drop_deferred(native_socket listener);

}  // namespace wsx::detail
