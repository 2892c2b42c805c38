// What the tests themselves must say differently per platform: error numbers
// (errno on Linux, WSA codes on Windows) and handles that are not sockets.
#pragma once

#include "wsx/platform.hpp"

#ifndef _WIN32
#include <cerrno>
#endif

namespace wsx::test {

#ifdef _WIN32
inline constexpr native_error kErrWouldBlock = WSAEWOULDBLOCK;
inline constexpr native_error kErrConnRefused = WSAECONNREFUSED;
inline constexpr native_error kErrConnReset = WSAECONNRESET;
inline constexpr native_error kErrNotSocket = WSAENOTSOCK;
// Winsock has no EBADF: a handle that is not open is "not a socket".
inline constexpr native_error kErrBadDescriptor = WSAENOTSOCK;
#else
inline constexpr native_error kErrWouldBlock = EWOULDBLOCK;
inline constexpr native_error kErrConnRefused = ECONNREFUSED;
inline constexpr native_error kErrConnReset = ECONNRESET;
inline constexpr native_error kErrNotSocket = ENOTSOCK;
inline constexpr native_error kErrBadDescriptor = EBADF;
#endif

// A socket made and closed with the OS's own calls, behind wsx's back.
native_socket open_natively(int family, int type);
void close_natively(native_socket s);

// An open descriptor (Linux: a pipe) or handle (Windows: an event) that is
// not a socket; closed when it goes out of scope.
class NotASocket {
 public:
  NotASocket();
  ~NotASocket();
  NotASocket(const NotASocket&) = delete;
  NotASocket& operator=(const NotASocket&) = delete;
  native_socket value() const { return value_; }

 private:
  native_socket value_;
  native_socket other_;
};

// CPU time this process has used, in milliseconds.
double process_cpu_ms();

}  // namespace wsx::test
