// Event objects, WSAWaitForMultipleEvents without the 64-event limit, and the
// persistent wait sets (rules W1-W4).
#include <vector>

#include "compat_internal.hpp"
#include "wsx/wait_set.hpp"

using namespace wsx::compat;

namespace {

BOOL status_result(wsx::Status s) {
  if (s == wsx::Status::ok) return TRUE;
  set_last_error(WSA_INVALID_HANDLE);
  return FALSE;
}

wsx::Timeout timeout_of(DWORD ms) {
  return ms == WSA_INFINITE ? wsx::Timeout::infinite() : wsx::Timeout::millis(ms);
}

wsx::WaitSetHandle set_of(WSXWAITSET s) {
  return wsx::WaitSetHandle{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(s))};
}

int set_status(wsx::Status s) {
  switch (s) {
    case wsx::Status::ok:
      return 0;
    case wsx::Status::invalid_handle:
      return fail(WSA_INVALID_HANDLE);
    default:
      return fail(WSAEINVAL);
  }
}

}  // namespace

WSAEVENT WSX_API wsx_WSACreateEvent(void) {
  WSX_REQUIRE_STARTUP(WSA_INVALID_EVENT);
  wsx::EventHandle e = wsx::create_event();
  if (!e) set_last_error(WSA_NOT_ENOUGH_MEMORY);
  return wsaevent_of(e);
}

BOOL WSX_API wsx_WSASetEvent(WSAEVENT hEvent) {
  WSX_REQUIRE_STARTUP(FALSE);
  return status_result(wsx::set_event(event_of(hEvent)));
}

BOOL WSX_API wsx_WSAResetEvent(WSAEVENT hEvent) {
  WSX_REQUIRE_STARTUP(FALSE);
  return status_result(wsx::reset_event(event_of(hEvent)));
}

BOOL WSX_API wsx_WSACloseEvent(WSAEVENT hEvent) {
  WSX_REQUIRE_STARTUP(FALSE);
  return status_result(wsx::close_event(event_of(hEvent)));
}

DWORD WSX_API wsx_WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                           DWORD dwTimeout, BOOL fAlertable) {
  (void)fAlertable;  // nothing queues APCs to a wsx waiter
  WSX_REQUIRE_STARTUP(WSA_WAIT_FAILED);
  if (cEvents == 0 || !lphEvents) {
    set_last_error(WSA_INVALID_PARAMETER);
    return WSA_WAIT_FAILED;
  }
  thread_local std::vector<wsx::EventHandle> handles;
  handles.resize(cEvents);
  for (DWORD i = 0; i < cEvents; ++i)
    handles[i] = event_of(lphEvents[i]);
  wsx::WaitOutcome w = wsx::wait_for_events(handles, fWaitAll != FALSE, timeout_of(dwTimeout));
  switch (w.kind) {
    case wsx::WaitOutcome::Kind::signalled:
      return WSA_WAIT_EVENT_0 + static_cast<DWORD>(w.index);
    case wsx::WaitOutcome::Kind::timeout:
      return WSA_WAIT_TIMEOUT;
    case wsx::WaitOutcome::Kind::failed:
      break;
  }
  set_last_error(w.error == wsx::Status::invalid_handle ? WSA_INVALID_HANDLE
                                                        : WSA_INVALID_PARAMETER);
  return WSA_WAIT_FAILED;
}

WSXWAITSET WSX_API wsx_WaitSetCreate(void) {
  WSX_REQUIRE_STARTUP(nullptr);
  wsx::WaitSetHandle h = wsx::create_wait_set();
  if (!h) set_last_error(WSA_NOT_ENOUGH_MEMORY);
  return reinterpret_cast<WSXWAITSET>(static_cast<std::uintptr_t>(h.value));
}

int WSX_API wsx_WaitSetClose(WSXWAITSET set) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return set_status(wsx::close_wait_set(set_of(set)));
}

int WSX_API wsx_WaitSetAdd(WSXWAITSET set, WSAEVENT hEvent, uintptr_t key) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return set_status(wsx::wait_set_add(set_of(set), event_of(hEvent), key));
}

int WSX_API wsx_WaitSetRemove(WSXWAITSET set, WSAEVENT hEvent) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return set_status(wsx::wait_set_remove(set_of(set), event_of(hEvent)));
}

int WSX_API wsx_WaitSetWait(WSXWAITSET set, WSX_READY_EVENT* out, DWORD capacity, DWORD dwTimeout) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  if (!out || capacity == 0) return fail(WSA_INVALID_PARAMETER);
  thread_local std::vector<wsx::ReadyEvent> ready;
  ready.resize(capacity);
  wsx::WaitSetOutcome o = wsx::wait_set_wait(set_of(set), ready, timeout_of(dwTimeout));
  if (o.error != wsx::Status::ok) return set_status(o.error);
  for (std::size_t i = 0; i < o.count; ++i) {
    out[i].hEvent = wsaevent_of(ready[i].event);
    out[i].key = ready[i].key;
  }
  return static_cast<int>(o.count);
}
