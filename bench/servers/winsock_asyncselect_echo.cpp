// The system's WSAAsyncSelect echo server, written the classic way (Windows
// only, ws2_32 itself, not wsx): one GUI thread, a message-only window, the
// thread's GetMessage/DispatchMessage loop, and a window procedure that
// switches on WSAGETSELECTEVENT(lParam). wsx-bench runs it under Wine as the
// reference for what Winsock's window messages cost.
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <cstdio>
#include <unordered_map>
#include <vector>

#include "common/flags.hpp"

namespace {

constexpr UINT WM_SOCKET = WM_USER + 1;

struct Connection {
  std::vector<char> pending;  // bytes the socket would not take yet
  std::size_t sent = 0;
};

SOCKET g_listener = INVALID_SOCKET;
std::unordered_map<SOCKET, Connection> g_connections;
char g_buffer[65536];

// One recv per FD_READ: Winsock posts FD_READ again while data remains after
// a recv. Not while earlier bytes wait: FD_WRITE's flush reads next.
bool echo_once(SOCKET s, Connection& c) {
  if (!c.pending.empty()) return true;
  int n = recv(s, g_buffer, sizeof g_buffer, 0);
  if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
  if (n == 0) return true;  // end of data: FD_CLOSE follows
  int w = send(s, g_buffer, n, 0);
  if (w == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) return false;
  int sent = w == SOCKET_ERROR ? 0 : w;
  if (sent < n) {
    c.pending.assign(g_buffer + sent, g_buffer + n);
    c.sent = 0;
  }
  return true;
}

bool flush(SOCKET s, Connection& c) {
  while (c.sent < c.pending.size()) {
    int w = send(s, c.pending.data() + c.sent, static_cast<int>(c.pending.size() - c.sent), 0);
    if (w == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;  // FD_WRITE comes again
    c.sent += static_cast<std::size_t>(w);
  }
  c.pending.clear();
  c.sent = 0;
  // An FD_READ that came while bytes waited was left unread, and Winsock
  // posts no new one until recv is called: call it now.
  return echo_once(s, c);
}

void close_connection(SOCKET s) {
  // Messages already posted for s stay in the queue; they find no entry
  // below, or (when the number is reused) a recv that would block.
  g_connections.erase(s);
  closesocket(s);
}

void on_accept(HWND window) {
  // One accept per FD_ACCEPT: Winsock posts it again while more wait.
  SOCKET s = accept(g_listener, nullptr, nullptr);
  if (s == INVALID_SOCKET) return;
  BOOL on = TRUE;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<char*>(&on), sizeof on);
  g_connections[s] = Connection{};
  // The accepted socket inherits the listener's FD_ACCEPT; it gets the
  // events an echo needs.
  if (WSAAsyncSelect(s, window, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE) != 0) {
    close_connection(s);
  }
}

LRESULT CALLBACK window_procedure(HWND window, UINT message, WPARAM wParam, LPARAM lParam) {
  if (message != WM_SOCKET) return DefWindowProc(window, message, wParam, lParam);
  auto s = static_cast<SOCKET>(wParam);
  if (s == g_listener) {
    if (WSAGETSELECTEVENT(lParam) == FD_ACCEPT && WSAGETSELECTERROR(lParam) == 0) {
      on_accept(window);
    }
    return 0;
  }
  auto it = g_connections.find(s);
  if (it == g_connections.end()) return 0;  // a message that outlived its socket
  Connection& c = it->second;
  if (WSAGETSELECTERROR(lParam) != 0) {
    close_connection(s);
    return 0;
  }
  bool alive = true;
  switch (WSAGETSELECTEVENT(lParam)) {
    case FD_READ:
      alive = echo_once(s, c);
      break;
    case FD_WRITE:
      alive = flush(s, c);
      break;
    case FD_CLOSE:
      // The last bytes may have come with the close: echo them first.
      while (c.pending.empty()) {
        int n = recv(s, g_buffer, sizeof g_buffer, 0);
        if (n <= 0 || send(s, g_buffer, n, 0) != n) break;
      }
      alive = false;
      break;
    default:
      break;
  }
  if (!alive) close_connection(s);
  return 0;
}

int fail(const char* what) {
  std::fprintf(stderr, "winsock_asyncselect_echo: %s failed with error %d\n", what,
               WSAGetLastError());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  wsx::flags::Parser p("winsock_asyncselect_echo",
                       "Echo server on the system's WSAAsyncSelect: one thread, one window.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.parse(argc, argv);

  WSADATA wsa;
  if (int r = WSAStartup(MAKEWORD(2, 2), &wsa)) {
    std::fprintf(stderr, "WSAStartup failed: %d\n", r);
    return 1;
  }
  HINSTANCE instance = GetModuleHandle(nullptr);
  WNDCLASSA wc{};
  wc.lpfnWndProc = window_procedure;
  wc.hInstance = instance;
  wc.lpszClassName = "WsxBenchEchoWindow";
  if (!RegisterClassA(&wc)) return fail("RegisterClass");
  // A message-only window: it is never shown and gets no broadcasts, only
  // the messages WSAAsyncSelect posts to it.
  HWND window = CreateWindowExA(0, wc.lpszClassName, "", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                                instance, nullptr);
  if (!window) return fail("CreateWindowEx");

  g_listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (g_listener == INVALID_SOCKET) return fail("socket");
  BOOL on = TRUE;
  setsockopt(g_listener, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&on), sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(static_cast<u_short>(port));
  if (bind(g_listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return fail("bind");
  if (listen(g_listener, 4096) != 0) return fail("listen");
  if (WSAAsyncSelect(g_listener, window, WM_SOCKET, FD_ACCEPT) != 0) return fail("WSAAsyncSelect");
  int len = sizeof a;
  getsockname(g_listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  // The thread's message loop; it ends with the process (WM_QUIT never
  // comes: the harness stops the server by ending the process).
  MSG msg;
  while (GetMessage(&msg, nullptr, 0, 0) > 0) {
    TranslateMessage(&msg);
    DispatchMessage(&msg);
  }
  WSACleanup();
  return 0;
}
