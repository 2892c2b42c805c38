// Address-list and routing-interface changes: the runtime's side of
// WSAIoctl with SIO_ADDRESS_LIST_QUERY / _CHANGE, SIO_ROUTING_INTERFACE_QUERY
// / _CHANGE and SIO_GET_QOS, and of the events FD_ADDRESS_LIST_CHANGE,
// FD_ROUTING_INTERFACE_CHANGE and FD_QOS (rules R3, R4, R6).
//
// A watch call asks for the next change and re-enables its event. On a
// non-blocking socket (every selected socket is one, S5) it fails at once
// with would-block, and the event is reported once when a change happens
// after the call; not again until the call is made again and another change
// happens. On a blocking socket it returns when the change happens.
#pragma once

#include <cstddef>
#include <vector>

#include "wsx/platform.hpp"
#include "wsx/sockets.hpp"

namespace wsx {

struct SocketAddress {
  sockaddr_storage addr{};
  socklen len = 0;
};

// The addresses of s's family that an application can bind to (loopback
// and addresses still in duplicate address detection are left out).
native_error query_address_list(native_socket s, std::vector<SocketAddress>* out);

// The local address the OS would send from to reach dest (port 0);
// unreachable-style error when no route reaches it.
native_error query_route(native_socket s, const sockaddr* dest, socklen len, SocketAddress* out);

// The next change of the address list of s's family (FD_ADDRESS_LIST_CHANGE).
IoResult watch_address_list(native_socket s);

// The next change of the local address that reaches dest, or dest becoming
// unreachable (FD_ROUTING_INTERFACE_CHANGE, with an unreachable-style error
// then). The family's wildcard address watches every routing change.
IoResult watch_route(native_socket s, const sockaddr* dest, socklen len);

// SIO_GET_QOS (group: SIO_GET_GROUP_QOS): re-enables FD_QOS (FD_GROUP_QOS)
// and returns what the platform answers; *returned is the bytes written.
native_error query_qos(native_socket s, bool group, void* out, std::size_t len,
                       std::size_t* returned);

}  // namespace wsx
