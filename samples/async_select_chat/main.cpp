// A chat server written the classic WSAAsyncSelect way — a window procedure
// that switches on WSAGETSELECTEVENT(lParam) — running on a wsx message
// queue instead of a window, with any number of pump threads and no 10,000-
// message quota. Every line a client sends goes to every other client.
// --echo turns it into an echo server (the benchmarks drive it that way).
// See README.md for what changed from the window-based original.

// Winsock's header first: on Windows it must precede <windows.h>.
#include "wsx/winsock.h"  // IWYU pragma: keep

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/flags.hpp"
#include "wsx/winsock_redirect.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <sys/resource.h>
#endif

namespace {

constexpr UINT WM_SOCKET = WM_USER + 1;
constexpr std::size_t kMaxPending = 1 << 20;  // a client this far behind is dropped

struct Client {
  SOCKET socket = INVALID_SOCKET;
  std::mutex mu;              // handlers of one client run one at a time
  std::vector<char> pending;  // bytes the socket would not take yet
  std::size_t sent = 0;
  std::string line;  // chat: the line being received
  bool closed = false;
};

struct Server {
  bool echo = false;
  SOCKET listener = INVALID_SOCKET;
  HWND queue = nullptr;
  std::shared_mutex clients_mu;
  std::unordered_map<SOCKET, std::shared_ptr<Client>> clients;
  std::atomic<bool> stop{false};
};

Server g;

std::shared_ptr<Client> find_client(SOCKET s) {
  std::shared_lock lock(g.clients_mu);
  auto it = g.clients.find(s);
  return it == g.clients.end() ? nullptr : it->second;
}

// Sends what the socket takes now; keeps the rest for FD_WRITE. Caller
// holds c.mu. False when the client has to go.
bool send_or_keep(Client& c, const char* p, std::size_t n) {
  if (c.pending.empty()) {
    int w = send(c.socket, p, static_cast<int>(n), 0);
    if (w == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) return false;
    std::size_t done = w == SOCKET_ERROR ? 0 : static_cast<std::size_t>(w);
    p += done;
    n -= done;
  }
  if (n == 0) return true;
  if (c.pending.size() - c.sent + n > kMaxPending) return false;
  c.pending.insert(c.pending.end(), p, p + n);
  return true;
}

void close_client(const std::shared_ptr<Client>& c) {
  {
    std::unique_lock lock(g.clients_mu);
    auto it = g.clients.find(c->socket);
    if (it != g.clients.end() && it->second == c) g.clients.erase(it);
  }
  // Under the client's lock: a broadcast holding this client must not send
  // to a number that a new client may get once it is closed.
  std::lock_guard lock(c->mu);
  if (c->closed) return;
  c->closed = true;
  // Messages of this socket may still be queued; they would name that
  // number too, so they go now.
  wsx_PurgeSocketMessages(g.queue, c->socket);
  closesocket(c->socket);
}

void broadcast(const Client& from, const std::string& text) {
  std::vector<std::shared_ptr<Client>> everyone;
  {
    std::shared_lock lock(g.clients_mu);
    everyone.reserve(g.clients.size());
    for (auto& [s, c] : g.clients) {
      if (c.get() != &from) everyone.push_back(c);
    }
  }
  for (auto& c : everyone) {
    std::lock_guard lock(c->mu);
    if (!c->closed && !send_or_keep(*c, text.data(), text.size())) {
      shutdown(c->socket, SD_BOTH);  // its FD_CLOSE will remove it
    }
  }
}

void on_accept() {
  // One accept per FD_ACCEPT: it is level-triggered, a backlog is reported
  // again at once.
  SOCKET s = accept(g.listener, nullptr, nullptr);
  if (s == INVALID_SOCKET) return;
  int on = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<char*>(&on), sizeof on);
  auto c = std::make_shared<Client>();
  c->socket = s;
  {
    std::unique_lock lock(g.clients_mu);
    g.clients[s] = c;
  }
  // The new socket inherited FD_ACCEPT | FD_CLOSE; give it a client's mask.
  WSAAsyncSelect(s, g.queue, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE);
}

// One recv per FD_READ; true while the connection lives.
bool on_read(Client& c, char* buf, std::size_t size) {
  if (!c.pending.empty() && c.pending.size() - c.sent > kMaxPending / 2) return true;
  int n = recv(c.socket, buf, static_cast<int>(size), 0);
  if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
  if (n == 0) return true;  // end of data: FD_CLOSE follows
  if (g.echo) return send_or_keep(c, buf, static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    c.line.push_back(buf[i]);
    if (buf[i] != '\n' && c.line.size() < 4096) continue;
    std::string text = std::to_string(c.socket) + ": " + c.line;
    if (text.back() != '\n') text.push_back('\n');
    c.line.clear();
    // Broadcasting locks other clients: not under this one's lock.
    c.mu.unlock();
    broadcast(c, text);
    c.mu.lock();
  }
  return true;
}

bool on_write(Client& c) {
  while (c.sent < c.pending.size()) {
    int w =
        send(c.socket, c.pending.data() + c.sent, static_cast<int>(c.pending.size() - c.sent), 0);
    if (w == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
    c.sent += static_cast<std::size_t>(w);
  }
  c.pending.clear();
  c.sent = 0;
  return true;
}

// The window procedure, as a WSAAsyncSelect program has it.
LRESULT window_procedure(HWND, UINT message, WPARAM wParam, LPARAM lParam) {
  thread_local std::vector<char> buf(65536);
  if (message != WM_SOCKET) return 0;
  auto s = static_cast<SOCKET>(wParam);
  if (s == g.listener) {
    if (WSAGETSELECTEVENT(lParam) == FD_ACCEPT && WSAGETSELECTERROR(lParam) == 0) on_accept();
    return 0;
  }
  std::shared_ptr<Client> c = find_client(s);
  if (!c) return 0;  // a message that outlived its socket (S4, S6)
  std::unique_lock lock(c->mu);
  if (c->closed) return 0;
  bool alive = true;
  switch (WSAGETSELECTEVENT(lParam)) {
    case FD_READ:
      alive = on_read(*c, buf.data(), buf.size());
      break;
    case FD_WRITE:
      alive = on_write(*c);
      if (alive) alive = on_read(*c, buf.data(), buf.size());  // FD_READ waits for a recv
      break;
    case FD_CLOSE:
      // Whatever is still queued for us is read first, then we go.
      while (alive && on_read(*c, buf.data(), buf.size()) && c->pending.empty()) {
        u_long left = 0;
        if (ioctlsocket(c->socket, FIONREAD, &left) != 0 || left == 0) break;
      }
      alive = false;
      break;
    default:
      break;
  }
  if (!alive) {
    lock.unlock();
    close_client(c);
  }
  return 0;
}

void pump() {
  MSG msgs[64];
  while (!g.stop.load(std::memory_order_relaxed)) {
    int n = wsx_GetMessages(g.queue, msgs, 64, 0, 0, 200);
    if (n < 0) return;
    for (int i = 0; i < n; ++i) {
      if (msgs[i].message == WM_QUIT) {
        g.stop = true;
        return;
      }
      window_procedure(msgs[i].hwnd, msgs[i].message, msgs[i].wParam, msgs[i].lParam);
    }
  }
}

volatile std::sig_atomic_t g_signal = 0;

}  // namespace

int main(int argc, char** argv) {
  int port = 27016, threads = 1;
  bool echo = false;
  wsx::flags::Parser p("async_select_chat",
                       "Chat server on WSAAsyncSelect through wsx message queues (--echo: echo).");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("threads", &threads, "pump threads reading the one message queue");
  p.add("echo", &echo, "echo every byte back instead of broadcasting lines");
  p.parse(argc, argv);
  if (threads < 1) p.usage(2);
  g.echo = echo;

#ifndef _WIN32
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;  // 10,000 clients need more than the usual soft limit
    setrlimit(RLIMIT_NOFILE, &rl);
  }
#endif
  WSADATA wsa;
  if (int r = WSAStartup(MAKEWORD(2, 2), &wsa)) {
    std::fprintf(stderr, "WSAStartup failed: %d\n", r);
    return 1;
  }
  g.queue = wsx_CreateMessageQueue();  // where the original creates its window
  g.listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int on = 1;
  setsockopt(g.listener, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&on), sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(static_cast<unsigned short>(port));
  if (bind(g.listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      listen(g.listener, 4096) != 0 ||
      WSAAsyncSelect(g.listener, g.queue, WM_SOCKET, FD_ACCEPT | FD_CLOSE) != 0) {
    std::fprintf(stderr, "async_select_chat: listening failed: %d\n", WSAGetLastError());
    return 1;
  }
  int len = sizeof a;
  getsockname(g.listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  std::signal(SIGINT, [](int) { g_signal = 1; });
  std::signal(SIGTERM, [](int) { g_signal = 1; });
  std::vector<std::thread> pumps;
  for (int i = 1; i < threads; ++i)
    pumps.emplace_back(pump);
  // The main thread pumps too, and turns a signal into WM_QUIT for the rest.
  std::thread watcher([] {
    while (!g_signal && !g.stop)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 64; ++i)
      PostMessage(g.queue, WM_QUIT, 0, 0);
    g.stop = true;
  });
  pump();
  for (auto& t : pumps)
    t.join();
  watcher.join();
  WSACleanup();
  return 0;
}
