// WSAEventSelect and WSAEnumNetworkEvents (rules S1-S8, E1-E5).
#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

int WSX_API wsx_WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (lNetworkEvents & ~static_cast<long>(FD_ALL_EVENTS)) return fail(WSAEINVAL);  // X3
  // S4: a mask of 0 cancels, whatever the event handle.
  wsx::NotifyTarget target =
      lNetworkEvents ? wsx::NotifyTarget::event(event_of(hEventObject)) : wsx::NotifyTarget::none();
  if (lNetworkEvents && !hEventObject) return fail(WSAEINVAL);
  wsx::native_error e = wsx::select_events(n, target, static_cast<wsx::EventMask>(lNetworkEvents));
  return e ? fail(wsa_from_native(e)) : 0;
}

int WSX_API wsx_WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                     LPWSANETWORKEVENTS lpNetworkEvents) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (!lpNetworkEvents) return fail(WSAEFAULT);  // E3: nothing cleared, nothing reset
  wsx::NetworkEvents ne;
  if (wsx::native_error e = wsx::enumerate_events(n, event_of(hEventObject), &ne)) {
    return fail(wsa_from_native(e));
  }
  lpNetworkEvents->lNetworkEvents = static_cast<long>(ne.events);
  // E2: only the entries of reported events are written.
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (ne.events & (1u << i)) lpNetworkEvents->iErrorCode[i] = wsa_from_native(ne.errors[i]);
  }
  return 0;
}
