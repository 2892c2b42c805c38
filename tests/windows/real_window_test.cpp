// WSAAsyncSelect with a real window on Windows (issue: a real window handle
// keeps working): wsx posts through the system's PostMessage, and
// wsx_GetMessage / wsx_PeekMessage on a window handle go to the system.
#include <gtest/gtest.h>

#include "wsx/winsock.h"

#include <chrono>
#include <thread>

namespace {

using namespace std::chrono_literals;

constexpr UINT kMsg = WM_USER + 3;

HWND make_message_window() {
  WNDCLASSW wc{};
  wc.lpfnWndProc = DefWindowProcW;
  wc.lpszClassName = L"WsxTestMessageWindow";
  RegisterClassW(&wc);  // a second registration fails harmlessly
  return CreateWindowExW(0, L"WsxTestMessageWindow", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                         nullptr, nullptr);
}

// Pumps the window's messages (through wsx, which hands a window to the
// system) until one for `s` arrives or the time runs out.
bool next_message(HWND w, SOCKET s, MSG* out) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (wsx_PeekMessage(out, w, kMsg, kMsg, PM_REMOVE)) {
      if (out->wParam == static_cast<WPARAM>(s)) return true;
      continue;
    }
    std::this_thread::sleep_for(2ms);
  }
  return false;
}

TEST(RealWindow, AsyncSelectPostsThroughTheSystemQueue) {
  WSADATA d;
  ASSERT_EQ(wsx_WSAStartup(MAKEWORD(2, 2), &d), 0);
  HWND w = make_message_window();
  ASSERT_NE(w, nullptr);

  SOCKET l = wsx_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(wsx_bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(wsx_listen(l, 4), 0);
  int len = sizeof a;
  ASSERT_EQ(wsx_getsockname(l, reinterpret_cast<sockaddr*>(&a), &len), 0);

  SOCKET c = wsx_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(wsx_WSAAsyncSelect(c, w, kMsg, FD_CONNECT | FD_WRITE), 0);
  wsx_connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);

  // M3 through the system's queue: FD_CONNECT, then FD_WRITE.
  MSG m;
  ASSERT_TRUE(next_message(w, c, &m)) << "no message reached the window";
  EXPECT_EQ(WSAGETSELECTEVENT(m.lParam), FD_CONNECT);
  EXPECT_EQ(WSAGETSELECTERROR(m.lParam), 0);
  ASSERT_TRUE(next_message(w, c, &m));
  EXPECT_EQ(WSAGETSELECTEVENT(m.lParam), FD_WRITE);

  wsx_closesocket(c);
  wsx_closesocket(l);
  DestroyWindow(w);
  wsx_WSACleanup();
}

TEST(RealWindow, WindowAndQueueHandlesAreToldApart) {
  WSADATA d;
  ASSERT_EQ(wsx_WSAStartup(MAKEWORD(2, 2), &d), 0);
  HWND w = make_message_window();
  HWND q = wsx_CreateMessageQueue();
  ASSERT_NE(q, nullptr);
  // wsx_PostMessage to the window reaches the system queue; to the queue,
  // the wsx queue.
  ASSERT_TRUE(wsx_PostMessage(w, kMsg, 1, 0));
  ASSERT_TRUE(wsx_PostMessage(q, kMsg, 2, 0));
  MSG m;
  ASSERT_TRUE(wsx_PeekMessage(&m, w, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 1u);
  ASSERT_TRUE(wsx_PeekMessage(&m, q, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 2u);
  EXPECT_TRUE(wsx_DestroyMessageQueue(q));
  DestroyWindow(w);
  wsx_WSACleanup();
}

}  // namespace
