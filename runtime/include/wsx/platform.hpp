// The few OS types that cross the runtime's public boundary.
#pragma once

#include <cstdint>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

namespace wsx {

#ifdef _WIN32
using native_socket = SOCKET;
inline constexpr native_socket kInvalidSocket = INVALID_SOCKET;
using socklen = int;
#else
using native_socket = int;
inline constexpr native_socket kInvalidSocket = -1;
using socklen = socklen_t;
#endif

// An OS error as the platform reports it: errno on POSIX, WSAGetLastError()
// on Windows. Zero means success. The compat layer turns it into a WSA code.
using native_error = int;

// The error of an accept whose condition callback deferred the connection
// (Winsock's WSATRY_AGAIN). POSIX has no errno for it, so on Linux the
// runtime uses Winsock's number, which no errno value reaches.
#ifdef _WIN32
inline constexpr native_error kDeferredError = WSATRY_AGAIN;
#else
inline constexpr native_error kDeferredError = 11002;
#endif

}  // namespace wsx
