// WSAAsyncSelect (rules S1-S8, R1-R11 and M1-M4 in message mode).
#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

int WSX_API wsx_WSAAsyncSelect(SOCKET s, HWND hWnd, unsigned int wMsg, long lEvent) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (lEvent & ~static_cast<long>(FD_ALL_EVENTS)) return fail(WSAEINVAL);  // X3
  // S4: lEvent 0 cancels, whatever hWnd and wMsg say.
  wsx::NotifyTarget target = wsx::NotifyTarget::none();
  if (lEvent) {
    if (!hWnd) return fail(WSAEINVAL);
    target = wsx::NotifyTarget::message_to(
        static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(hWnd)), wMsg);
  }
  // The runtime refuses a target that is neither a live queue nor a window
  // (X3: WSAEINVAL).
  wsx::native_error e = wsx::select_events(n, target, static_cast<wsx::EventMask>(lEvent));
  return e ? fail(wsa_from_native(e)) : 0;
}
