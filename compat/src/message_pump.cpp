// wsx message queues under Win32's names: the window that WSAAsyncSelect
// posts to, and the pump that reads it.
#include <vector>

#include "compat_internal.hpp"
#include "wsx/message_queue.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

namespace {

thread_local HWND t_thread_queue = nullptr;

wsx::QueueHandle queue_of(HWND h) {
  return wsx::QueueHandle{static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(h))};
}

// NULL means the calling thread's queue, as it means the thread's windows
// in Win32.
HWND resolve(HWND h) {
  return h ? h : t_thread_queue;
}

// A notification carries a native error in its high word; the application
// reads a WSA code there (M1, X4).
MSG to_msg(const wsx::QueuedMessage& m) {
  MSG out{};
  out.hwnd = reinterpret_cast<HWND>(static_cast<std::uintptr_t>(m.queue));
  out.message = m.message;
  out.wParam = static_cast<WPARAM>(m.wparam);
  out.lParam = static_cast<LPARAM>(m.lparam);
  if (m.socket_notification) {
    int wsa =
        wsa_from_native(static_cast<int>((static_cast<std::uint32_t>(m.lparam) >> 16) & 0xffff));
    out.lParam = WSAMAKESELECTREPLY(LOWORD(m.lparam), wsa);
  }
  out.time = m.time_ms;
  return out;
}

wsx::MessageFilter filter_of(UINT min, UINT max) {
  return wsx::MessageFilter{min, max};
}

wsx::Timeout timeout_of(DWORD ms) {
  return ms == WSA_INFINITE ? wsx::Timeout::infinite() : wsx::Timeout::millis(ms);
}

bool is_queue(HWND h) {
  return h && wsx::is_message_queue(queue_of(h));
}

}  // namespace

HWND WSX_API wsx_CreateMessageQueue(void) {
  WSX_REQUIRE_STARTUP(nullptr);
  wsx::QueueHandle q = wsx::create_message_queue();
  if (!q) {
    set_last_error(WSA_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  HWND h = reinterpret_cast<HWND>(static_cast<std::uintptr_t>(q.value));
  if (!t_thread_queue || !is_queue(t_thread_queue)) t_thread_queue = h;
  return h;
}

BOOL WSX_API wsx_DestroyMessageQueue(HWND hWnd) {
  WSX_REQUIRE_STARTUP(FALSE);
  if (wsx::destroy_message_queue(queue_of(hWnd)) != wsx::Status::ok) {
    set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
  }
  if (t_thread_queue == hWnd) t_thread_queue = nullptr;
  return TRUE;
}

BOOL WSX_API wsx_SetThreadMessageQueue(HWND hWnd) {
  WSX_REQUIRE_STARTUP(FALSE);
  if (hWnd && !is_queue(hWnd)) {
    set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
  }
  t_thread_queue = hWnd;
  return TRUE;
}

int WSX_API wsx_GetMessages(HWND hWnd, LPMSG lpMsgs, UINT capacity, UINT wMsgFilterMin,
                            UINT wMsgFilterMax, DWORD dwTimeout) {
  WSX_REQUIRE_STARTUP(-1);
  if (!lpMsgs || capacity == 0) {
    set_last_error(WSAEFAULT);
    return -1;
  }
  hWnd = resolve(hWnd);
  thread_local std::vector<wsx::QueuedMessage> got;
  got.resize(capacity);
  wsx::QueueOutcome o = wsx::get_messages(
      queue_of(hWnd), got, filter_of(wMsgFilterMin, wMsgFilterMax), true, timeout_of(dwTimeout));
  if (o.error != wsx::Status::ok) {
    set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return -1;
  }
  for (std::size_t i = 0; i < o.count; ++i)
    lpMsgs[i] = to_msg(got[i]);
  return static_cast<int>(o.count);
}

BOOL WSX_API wsx_GetMessage(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax) {
  WSX_REQUIRE_STARTUP(-1);
  if (!lpMsg) {
    set_last_error(WSAEFAULT);
    return -1;
  }
#ifdef _WIN32
  if (hWnd && !is_queue(hWnd)) {
    BOOL r = GetMessageW(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax);
    if (r == -1) set_last_error(static_cast<int>(GetLastError()));
    return r;
  }
#endif
  if (wsx_GetMessages(hWnd, lpMsg, 1, wMsgFilterMin, wMsgFilterMax, WSA_INFINITE) < 0) return -1;
  return lpMsg->message == WM_QUIT ? 0 : 1;
}

BOOL WSX_API wsx_PeekMessage(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg) {
  WSX_REQUIRE_STARTUP(FALSE);
  if (!lpMsg) {
    set_last_error(WSAEFAULT);
    return FALSE;
  }
#ifdef _WIN32
  if (hWnd && !is_queue(hWnd)) {
    BOOL r = PeekMessageW(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg);
    if (!r) set_last_error(static_cast<int>(GetLastError()));
    return r;
  }
#endif
  wsx::QueuedMessage m;
  wsx::QueueOutcome o =
      wsx::get_messages(queue_of(resolve(hWnd)), {&m, 1}, filter_of(wMsgFilterMin, wMsgFilterMax),
                        (wRemoveMsg & PM_REMOVE) != 0, wsx::Timeout::zero());
  if (o.error != wsx::Status::ok) {
    set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return FALSE;
  }
  if (o.count == 0) return FALSE;
  *lpMsg = to_msg(m);
  return TRUE;
}

BOOL WSX_API wsx_PostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam) {
  WSX_REQUIRE_STARTUP(FALSE);
#ifdef _WIN32
  if (hWnd && !is_queue(hWnd)) {
    BOOL r = PostMessageW(hWnd, Msg, wParam, lParam);
    if (!r) set_last_error(static_cast<int>(GetLastError()));
    return r;
  }
#endif
  wsx::Status s = wsx::post_message(queue_of(hWnd), Msg, static_cast<std::uintptr_t>(wParam),
                                    static_cast<std::intptr_t>(lParam));
  if (s == wsx::Status::ok) return TRUE;
  set_last_error(s == wsx::Status::no_memory ? WSA_NOT_ENOUGH_MEMORY : ERROR_INVALID_WINDOW_HANDLE);
  return FALSE;
}

int WSX_API wsx_PurgeSocketMessages(HWND hWnd, SOCKET s) {
  WSX_REQUIRE_STARTUP(-1);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, -1);
  if (!is_queue(hWnd)) {
    set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return -1;
  }
  return static_cast<int>(wsx::purge_socket_messages(queue_of(hWnd), n));
}
