// Helpers shared by the socket-call files (socket_io.cpp, accept.cpp).
#pragma once

#include <cstdint>

#include "core/socket_state.hpp"
#include "wsx/sockets.hpp"

namespace wsx::detail {

// A socket's state and selection as one call sees them at its start.
struct Tracked {
  SocketState* st = nullptr;
  bool selected = false;
  std::uint32_t epoch = 0;
};
Tracked track(native_socket s);
IoResult fail(native_error e);

// Platform facts about socket() arguments and errors (os_socket.cpp).
bool socket_kind_is_stream(int type);
bool socket_kind_is_nonblocking(int type);
std::uint32_t shutdown_flags(int how);
// Whether a failed connect call has an outcome to report with FD_CONNECT,
// as opposed to a call that never started a connection (bad arguments,
// already connecting or connected).
bool connect_outcome_is_known(native_error e);

}  // namespace wsx::detail
