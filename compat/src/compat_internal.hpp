// What every compat file needs: the start-up gate, the thread's last error,
// error mapping, and the conversions between Winsock's handle types and the
// runtime's.
#pragma once

#include <cstdint>

#include "wsx/event.hpp"
#include "wsx/platform.hpp"
#include "wsx/winsock.h"

namespace wsx::compat {

// X1: true between a successful WSAStartup and the matching last WSACleanup.
bool initialised();

void set_last_error(int wsa_error);
// Sets the last error and returns SOCKET_ERROR, for the common int-returning case.
int fail(int wsa_error);

// A native error as the WSA code Winsock gives for it.
int wsa_from_native(native_error e);

// 0, or WSAEFAULT for a socket address that is missing or too short.
int check_address(const sockaddr* a, int len);

// SOCKET -> native descriptor; false when the value cannot name a socket.
inline bool native_of(SOCKET s, native_socket* out) {
#ifdef _WIN32
  if (s == INVALID_SOCKET) return false;
  *out = s;
  return true;
#else
  if (s > static_cast<SOCKET>(0x7fffffff)) return false;
  *out = static_cast<native_socket>(s);
  return true;
#endif
}

inline SOCKET socket_of(native_socket s) {
  return static_cast<SOCKET>(s);
}

inline EventHandle event_of(WSAEVENT e) {
  return EventHandle{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(e))};
}
inline WSAEVENT wsaevent_of(EventHandle e) {
  return reinterpret_cast<WSAEVENT>(static_cast<std::uintptr_t>(e.value));
}

}  // namespace wsx::compat

// Every Winsock call starts here (rule X1).
#define WSX_REQUIRE_STARTUP(failure)                    \
  do {                                                  \
    if (!::wsx::compat::initialised()) {                \
      ::wsx::compat::set_last_error(WSANOTINITIALISED); \
      return failure;                                   \
    }                                                   \
  } while (0)

// A SOCKET argument that cannot name a socket (rule X2).
#define WSX_NATIVE_SOCKET(s, out, failure)        \
  do {                                            \
    if (!::wsx::compat::native_of((s), &(out))) { \
      ::wsx::compat::set_last_error(WSAENOTSOCK); \
      return failure;                             \
    }                                             \
  } while (0)
