// The WSAEnumNetworkEvents example of the Winsock documentation, grown into
// an echo server: a listening socket and every client socket each have an
// event object selected with WSAEventSelect; one thread waits on all of them
// and handles what WSAEnumNetworkEvents reports. The code is Winsock code:
// winsock_redirect.h maps the names onto wsx. See README.md for how it
// differs from the original (which stops at 64 sockets per thread).
// Winsock's header first, as on Windows it must precede <windows.h>, which
// the C++ library's thread support may pull in.
#include "wsx/winsock.h"  // IWYU pragma: keep

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/flags.hpp"
#include "wsx/winsock_redirect.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <sys/resource.h>
#endif

namespace {

volatile std::sig_atomic_t g_stop = 0;

struct Connection {
  SOCKET socket = INVALID_SOCKET;
  WSAEVENT event = WSA_INVALID_EVENT;
  std::vector<char> pending;  // bytes the socket would not take yet
  std::size_t sent = 0;
};

class EchoServer {
 public:
  explicit EchoServer(bool use_wait_multiple) : use_wait_multiple_(use_wait_multiple) {}

  bool start(int port) {
    //-------------------------
    // Create a listening socket, bind it, create its event and associate
    // FD_ACCEPT and FD_CLOSE with it, then listen (as the original does).
    listen_socket_ = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listen_socket_ == INVALID_SOCKET) return fail("socket");
    int on = 1;
    setsockopt(listen_socket_, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&on), sizeof on);
    sockaddr_in inet_addr{};
    inet_addr.sin_family = AF_INET;
    inet_addr.sin_addr.s_addr = htonl(INADDR_ANY);
    inet_addr.sin_port = htons(static_cast<unsigned short>(port));
    if (bind(listen_socket_, reinterpret_cast<SOCKADDR*>(&inet_addr), sizeof inet_addr) != 0) {
      return fail("bind");
    }
    listen_event_ = WSACreateEvent();
    if (listen_event_ == WSA_INVALID_EVENT) return fail("WSACreateEvent");
    if (WSAEventSelect(listen_socket_, listen_event_, FD_ACCEPT | FD_CLOSE) != 0) {
      return fail("WSAEventSelect");
    }
    if (listen(listen_socket_, 4096) != 0) return fail("listen");
    int len = sizeof inet_addr;
    getsockname(listen_socket_, reinterpret_cast<SOCKADDR*>(&inet_addr), &len);
    port_ = ntohs(inet_addr.sin_port);

    // Where the original keeps arrays of WSA_MAXIMUM_WAIT_EVENTS, wsx keeps
    // a wait set: every event registered once, each wait returns all that
    // are signalled.
    wait_set_ = wsx_WaitSetCreate();
    if (!wait_set_) return fail("wsx_WaitSetCreate");
    wsx_WaitSetAdd(wait_set_, listen_event_, kListenerKey);
    return true;
  }

  int port() const { return port_; }

  void run() {
    std::vector<WSX_READY_EVENT> ready(1024);
    while (!g_stop) {
      if (use_wait_multiple_) {
        wait_multiple();
        continue;
      }
      int n = wsx_WaitSetWait(wait_set_, ready.data(), static_cast<DWORD>(ready.size()), 200);
      if (n == SOCKET_ERROR) {
        std::fprintf(stderr, "wait failed: %d\n", WSAGetLastError());
        return;
      }
      for (int i = 0; i < n; ++i)
        dispatch(ready[static_cast<std::size_t>(i)].key);
    }
  }

 private:
  static constexpr uintptr_t kListenerKey = 0;

  bool fail(const char* what) {
    std::fprintf(stderr, "event_select_server: %s failed with error %d\n", what, WSAGetLastError());
    return false;
  }

  // The original loop, unchanged in shape: WSAWaitForMultipleEvents over the
  // whole array (here with no 64-event limit, O(n) per call), then every
  // signalled event from the returned index on.
  void wait_multiple() {
    events_.clear();
    keys_.clear();
    events_.push_back(listen_event_);
    keys_.push_back(kListenerKey);
    for (auto& [s, c] : connections_) {
      events_.push_back(c.event);
      keys_.push_back(reinterpret_cast<uintptr_t>(&c));
    }
    DWORD index = WSAWaitForMultipleEvents(static_cast<DWORD>(events_.size()), events_.data(),
                                           FALSE, 200, FALSE);
    // Past 258 events WSA_WAIT_TIMEOUT is also WSA_WAIT_EVENT_0 + 258
    // (docs/migration.md): it is a time-out only when that event is not
    // signalled. Taken for a time-out, it would be returned again at once,
    // forever, and no socket would be served.
    if (index == WSA_WAIT_TIMEOUT && !signalled(index - WSA_WAIT_EVENT_0)) return;
    if (index == WSA_WAIT_FAILED) {
      std::fprintf(stderr, "WSAWaitForMultipleEvents(%lu) failed: %d\n",
                   static_cast<unsigned long>(events_.size()), WSAGetLastError());
      return;
    }
    std::vector<uintptr_t> todo;
    for (DWORD i = index - WSA_WAIT_EVENT_0; i < events_.size(); ++i) {
      if (signalled(i)) todo.push_back(keys_[i]);
    }
    for (uintptr_t k : todo)
      dispatch(k);
  }

  bool signalled(DWORD i) {
    return i < events_.size() &&
           WSAWaitForMultipleEvents(1, &events_[i], TRUE, 0, FALSE) == WSA_WAIT_EVENT_0;
  }

  void dispatch(uintptr_t key) {
    if (key == kListenerKey) {
      on_listener();
      return;
    }
    on_connection(*reinterpret_cast<Connection*>(key));
  }

  void on_listener() {
    WSANETWORKEVENTS network_events;
    if (WSAEnumNetworkEvents(listen_socket_, listen_event_, &network_events) != 0) return;
    if (!(network_events.lNetworkEvents & FD_ACCEPT)) return;
    if (network_events.iErrorCode[FD_ACCEPT_BIT] != 0) return;
    // FD_ACCEPT is level-triggered: one accept per report would do; taking
    // a few per report saves wake-ups when clients arrive in bursts.
    for (int k = 0; k < 64; ++k) {
      SOCKET s = accept(listen_socket_, nullptr, nullptr);
      if (s == INVALID_SOCKET) break;  // WSAEWOULDBLOCK: FD_ACCEPT comes back when there is more
      int on = 1;
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<char*>(&on), sizeof on);
      auto [it, fresh] = connections_.try_emplace(s);
      Connection& c = it->second;
      c.socket = s;
      c.event = WSACreateEvent();
      // The accepted socket inherited FD_ACCEPT|FD_CLOSE on the listener's
      // event; give it its own event and the events an echo needs.
      WSAEventSelect(s, c.event, FD_READ | FD_WRITE | FD_CLOSE);
      wsx_WaitSetAdd(wait_set_, c.event, reinterpret_cast<uintptr_t>(&c));
    }
  }

  void on_connection(Connection& c) {
    WSANETWORKEVENTS network_events;
    if (WSAEnumNetworkEvents(c.socket, c.event, &network_events) != 0) return;
    long ev = network_events.lNetworkEvents;
    if (ev & FD_WRITE) flush(c);
    if (ev & FD_READ) echo_once(c);
    if (ev & FD_CLOSE) {
      // FD_CLOSE comes after the last byte was read, but an FD_READ may be
      // in the same report: echo what is left, then close.
      while (c.pending.empty() && echo_once(c)) {
      }
      close_connection(c);
    }
  }

  // One recv per FD_READ: FD_READ is reported again while data remains.
  bool echo_once(Connection& c) {
    if (!c.pending.empty()) return false;  // wait for FD_WRITE first
    int n = recv(c.socket, buffer_, sizeof buffer_, 0);
    if (n <= 0) return false;
    int w = send(c.socket, buffer_, n, 0);
    int sent = w == SOCKET_ERROR ? 0 : w;
    if (sent < n) {
      c.pending.assign(buffer_ + sent, buffer_ + n);
      c.sent = 0;
    }
    return true;
  }

  void flush(Connection& c) {
    while (c.sent < c.pending.size()) {
      int w =
          send(c.socket, c.pending.data() + c.sent, static_cast<int>(c.pending.size() - c.sent), 0);
      if (w == SOCKET_ERROR) return;  // FD_WRITE again when there is room
      c.sent += static_cast<std::size_t>(w);
    }
    c.pending.clear();
    c.sent = 0;
    echo_once(c);  // FD_READ waits for a recv call: make it
  }

  void close_connection(Connection& c) {
    wsx_WaitSetRemove(wait_set_, c.event);
    WSACloseEvent(c.event);
    closesocket(c.socket);
    connections_.erase(c.socket);
  }

  bool use_wait_multiple_;
  SOCKET listen_socket_ = INVALID_SOCKET;
  WSAEVENT listen_event_ = WSA_INVALID_EVENT;
  WSXWAITSET wait_set_ = nullptr;
  int port_ = 0;
  std::unordered_map<SOCKET, Connection> connections_;
  std::vector<WSAEVENT> events_;
  std::vector<uintptr_t> keys_;
  char buffer_[65536];
};

}  // namespace

int main(int argc, char** argv) {
  int port = 27015;
  std::string wait = "set";
  wsx::flags::Parser p("event_select_server",
                       "Echo server on WSAEventSelect through wsx: one thread, any number of "
                       "clients.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("wait", &wait,
        "set: one wsx wait set (scalable); multiple: WSAWaitForMultipleEvents "
        "over all events, as the original (O(n) per wait)");
  p.parse(argc, argv);
  if (wait != "set" && wait != "multiple") p.usage(2);

#ifndef _WIN32
  // 10,000 clients need more descriptors than the usual soft limit.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
#endif
  WSADATA wsa_data;
  if (int r = WSAStartup(MAKEWORD(2, 2), &wsa_data)) {
    std::fprintf(stderr, "WSAStartup failed with error: %d\n", r);
    return 1;
  }
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  static EchoServer server(wait == "multiple");
  if (!server.start(port)) return 1;
  std::printf("listening on port %d\n", server.port());
  std::fflush(stdout);
  server.run();
  WSACleanup();
  return 0;
}
