// The OS side of address-list and routing-interface change notification
// (change_notify.hpp): one subscription for the whole runtime, read through
// the backend like socket readiness, and the queries behind the QUERY
// ioctls. Implemented by linux/netlink_watch.cpp (rtnetlink) and
// windows/net_watch.cpp (the system's own SIO_*_CHANGE ioctls, overlapped).
//
// start, stop, drain and note_ready run with the core's change lock held
// (change_notify.cpp), so the implementations keep no lock of their own. The
// queries keep no state and may run anywhere.
#pragma once

#include <cstddef>
#include <vector>

#include "core/backend.hpp"
#include "wsx/net_changes.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail::netwatch {

// What drain() found since the last call, one bit per family and topic.
// kAddresses*: the list of addresses one can bind to did change (members
// came or went). kRoutes*: routes or address attributes of that family
// changed, so the interface that reaches a destination may have changed:
// look each watched destination up again.
inline constexpr unsigned kAddressesV4 = 1u << 0;
inline constexpr unsigned kAddressesV6 = 1u << 1;
inline constexpr unsigned kRoutesV4 = 1u << 2;
inline constexpr unsigned kRoutesV6 = 1u << 3;

// Subscribes and registers with the backend, which calls src->on_ready()
// when there is something to read. 0 when already started.
native_error start(Backend& backend, BackendSource* src);
// Ends the subscription (the last stop of the runtime).
void stop(Backend& backend);
bool started();
// Whether routing changes can be watched (an OS without them: the error).
native_error routes_supported();
// The report the backend handed to on_ready (Windows: which operation
// completed); before drain.
void note_ready(void* report);
// Reads everything the OS has reported up to now.
unsigned drain();

using Address = ::wsx::SocketAddress;

// AF_INET or AF_INET6, or an error (not a socket, another family).
native_error socket_family(native_socket s, int* family);
// SIO_ADDRESS_LIST_QUERY: the addresses of s's family one can bind to.
native_error local_addresses(native_socket s, int family, std::vector<Address>* out);
// SIO_ROUTING_INTERFACE_QUERY: the local address used to reach dest (port
// 0), or err_unreachable(). s may be kInvalidSocket (a lookup for the
// core's own re-check, whatever socket asked).
native_error route_source(native_socket s, const sockaddr* dest, socklen len, Address* out);
// SIO_GET_QOS / SIO_GET_GROUP_QOS: what the platform answers.
native_error qos(native_socket s, bool group, void* out, std::size_t len, std::size_t* returned);

native_error err_unreachable();
// A blocking ioctl ended by closesocket or the last cleanup.
native_error err_interrupted();
native_error err_not_supported();
// A second blocking request for the same socket and event (WSAEALREADY).
native_error err_busy();

}  // namespace wsx::detail::netwatch
