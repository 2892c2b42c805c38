#include "compat/winsock_api.hpp"

#include <chrono>

namespace wsx::test {
namespace {

// wsx's message calls in the table's shapes.
int WSX_API wsx_take_messages(HWND hwnd, MSG* out, int capacity, DWORD timeout_ms) {
  return wsx_GetMessages(hwnd, out, static_cast<UINT>(capacity), 0, 0, timeout_ms);
}
BOOL WSX_API wsx_peek_message(HWND hwnd, MSG* out) {
  return wsx_PeekMessage(out, hwnd, 0, 0, PM_NOREMOVE);
}

#ifdef _WIN32
// The system's side: a message-only window, which needs no desktop and
// receives posted messages only, pumped by the thread that made it.
LRESULT CALLBACK sink_procedure(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return DefWindowProcA(hwnd, message, wparam, lparam);
}

HWND WSX_API system_open_window() {
  static const ATOM window_class = [] {
    WNDCLASSA c{};
    c.lpfnWndProc = sink_procedure;
    c.hInstance = GetModuleHandleA(nullptr);
    c.lpszClassName = "wsx_test_sink";
    return RegisterClassA(&c);
  }();
  if (!window_class) return nullptr;
  return CreateWindowExA(0, "wsx_test_sink", "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                         GetModuleHandleA(nullptr), nullptr);
}

BOOL WSX_API system_close_window(HWND hwnd) {
  return DestroyWindow(hwnd);
}

BOOL WSX_API system_post_message(HWND hwnd, UINT message, WPARAM wparam, LPARAM lparam) {
  return PostMessageA(hwnd, message, wparam, lparam);
}

// PeekMessage, and between looks MsgWaitForMultipleObjectsEx with what is
// left of the time-out: bounded, and woken by the first posted message
// (MWMO_INPUTAVAILABLE: also by one that was already there).
int WSX_API system_take_messages(HWND hwnd, MSG* out, int capacity, DWORD timeout_ms) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int n = 0;
    while (n < capacity && PeekMessageA(&out[n], hwnd, 0, 0, PM_REMOVE))
      ++n;
    if (n > 0) return n;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0) return 0;
    MsgWaitForMultipleObjectsEx(0, nullptr, static_cast<DWORD>(left), QS_ALLPOSTMESSAGE,
                                MWMO_INPUTAVAILABLE);
  }
}

BOOL WSX_API system_peek_message(HWND hwnd, MSG* out) {
  return PeekMessageA(out, hwnd, 0, 0, PM_NOREMOVE);
}
#endif

}  // namespace

const WinsockApi kWsxApi = {
    "wsx",
    false,
    wsx_WSAStartup,
    wsx_WSACleanup,
    wsx_WSAGetLastError,
    wsx_socket,
    wsx_closesocket,
    wsx_bind,
    wsx_listen,
    wsx_connect,
    wsx_accept,
    wsx_WSAAccept,
    wsx_shutdown,
    wsx_getsockname,
    wsx_recv,
    wsx_recvfrom,
    wsx_WSARecv,
    wsx_WSARecvFrom,
    wsx_send,
    wsx_sendto,
    wsx_WSASend,
    wsx_WSASendTo,
    wsx_ioctlsocket,
    wsx_setsockopt,
    wsx_getsockopt,
    wsx_WSACreateEvent,
    wsx_WSASetEvent,
    wsx_WSAResetEvent,
    wsx_WSACloseEvent,
    wsx_WSAWaitForMultipleEvents,
    wsx_WSAEventSelect,
    wsx_WSAEnumNetworkEvents,
    wsx_WSASetLastError,
    wsx_WSAAsyncSelect,
    wsx_CreateMessageQueue,
    wsx_DestroyMessageQueue,
    wsx_PostMessage,
    wsx_take_messages,
    wsx_peek_message,
};

#ifdef _WIN32
const WinsockApi kSystemApi = {
    "system",
    true,
    WSAStartup,
    WSACleanup,
    WSAGetLastError,
    socket,
    closesocket,
    bind,
    listen,
    connect,
    accept,
    WSAAccept,
    shutdown,
    getsockname,
    recv,
    recvfrom,
    WSARecv,
    WSARecvFrom,
    send,
    sendto,
    WSASend,
    WSASendTo,
    ioctlsocket,
    setsockopt,
    getsockopt,
    WSACreateEvent,
    WSASetEvent,
    WSAResetEvent,
    WSACloseEvent,
    WSAWaitForMultipleEvents,
    WSAEventSelect,
    WSAEnumNetworkEvents,
    WSASetLastError,
    WSAAsyncSelect,
    system_open_window,
    system_close_window,
    system_post_message,
    system_take_messages,
    system_peek_message,
};
#endif

}  // namespace wsx::test
