// An echo server on wsx's native C++ API: one event per socket, all of them
// in one wait set, one thread. It is the demo the README's first command
// runs, and the "wsx runtime used natively" server of the benchmarks.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"
#include "wsx/sockets.hpp"
#include "wsx/wait_set.hpp"

namespace {

using namespace wsx;

constexpr EventMask kConnEvents =
    mask_of(NetEvent::read) | mask_of(NetEvent::write) | mask_of(NetEvent::close);

struct Conn {
  native_socket s = kInvalidSocket;
  EventHandle ev;
  std::vector<char> pending;  // echo bytes the socket would not take yet
  std::size_t off = 0;
};

class EchoServer {
 public:
  bool start(int port, int backlog) {
    IoResult r = open_socket(AF_INET, SOCK_STREAM, 0);
    if (!r.ok()) return fail("socket", r.error);
    listener_ = static_cast<native_socket>(r.value);
    int one = 1;
    set_option(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (!(r = bind_socket(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a)).ok()) {
      return fail("bind", r.error);
    }
    if (!(r = listen_socket(listener_, backlog)).ok()) return fail("listen", r.error);
    socklen len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    set_ = create_wait_set();
    listener_ev_ = create_event();
    wait_set_add(set_, listener_ev_, kListenerKey);
    if (native_error e = select_events(listener_, NotifyTarget::event(listener_ev_),
                                       mask_of(NetEvent::accept))) {
      return fail("select", e);
    }
    return true;
  }

  int port() const { return port_; }

  void run(const volatile std::sig_atomic_t* stop) {
    std::vector<ReadyEvent> ready(1024);
    while (!*stop) {
      WaitSetOutcome o = wait_set_wait(set_, ready, Timeout::millis(200));
      for (std::size_t i = 0; i < o.count; ++i) {
        if (ready[i].key == kListenerKey) {
          on_accept();
        } else {
          on_socket(static_cast<native_socket>(ready[i].key));
        }
      }
    }
  }

 private:
  static constexpr std::uintptr_t kListenerKey = ~std::uintptr_t{0};

  bool fail(const char* what, native_error e) {
    std::fprintf(stderr, "runtime_echo: %s failed: error %d\n", what, e);
    return false;
  }

  void on_accept() {
    NetworkEvents ne;
    enumerate_events(listener_, listener_ev_, &ne);
    if (!(ne.events & mask_of(NetEvent::accept))) return;
    // FD_ACCEPT is level-triggered: one accept per report is enough, and a
    // backlog is reported again at once. Taking several per report is cheaper.
    for (int k = 0; k < 64; ++k) {
      IoResult r = accept_socket(listener_, nullptr, nullptr);
      if (!r.ok()) break;
      auto s = static_cast<native_socket>(r.value);
      int one = 1;
      set_option(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Conn& c = conns_[s];
      c.s = s;
      c.ev = create_event();
      wait_set_add(set_, c.ev, static_cast<std::uintptr_t>(s));
      // The accepted socket inherited FD_ACCEPT on the listener's event;
      // give it its own event and the events an echo needs.
      select_events(s, NotifyTarget::event(c.ev), kConnEvents);
    }
  }

  void on_socket(native_socket s) {
    auto it = conns_.find(s);
    if (it == conns_.end()) return;
    Conn& c = it->second;
    NetworkEvents ne;
    if (enumerate_events(s, c.ev, &ne) != 0) return;
    if (ne.events & mask_of(NetEvent::write)) flush(c);
    if (ne.events & mask_of(NetEvent::read)) echo(c);
    if (ne.events & mask_of(NetEvent::close)) {
      // Echo what is left, then go.
      while (c.pending.empty() && echo(c)) {
      }
      close(c);
    }
  }

  // One receive per FD_READ (it is re-reported while data remains).
  bool echo(Conn& c) {
    if (!c.pending.empty()) return false;  // back-pressure: wait for FD_WRITE
    IoResult r = receive(c.s, buf_, sizeof buf_, 0);
    if (!r.ok() || r.value == 0) return false;
    send_or_keep(c, buf_, static_cast<std::size_t>(r.value));
    return true;
  }

  void send_or_keep(Conn& c, const char* p, std::size_t n) {
    IoResult w = send_bytes(c.s, p, n, 0);
    std::size_t sent = w.ok() ? static_cast<std::size_t>(w.value) : 0;
    if (sent < n) c.pending.assign(p + sent, p + n), c.off = 0;
  }

  void flush(Conn& c) {
    while (c.off < c.pending.size()) {
      IoResult w = send_bytes(c.s, c.pending.data() + c.off, c.pending.size() - c.off, 0);
      if (!w.ok()) return;  // FD_WRITE comes back when there is room
      c.off += static_cast<std::size_t>(w.value);
    }
    c.pending.clear();
    c.off = 0;
    echo(c);  // FD_READ waits for a receive call; make it
  }

  void close(Conn& c) {
    wait_set_remove(set_, c.ev);
    close_event(c.ev);
    close_socket(c.s);
    conns_.erase(c.s);
  }

  native_socket listener_ = kInvalidSocket;
  EventHandle listener_ev_;
  WaitSetHandle set_;
  int port_ = 0;
  std::unordered_map<native_socket, Conn> conns_;
  char buf_[65536];
};

volatile std::sig_atomic_t g_stop = 0;

}  // namespace

int main(int argc, char** argv) {
  int port = 0, backlog = 4096;
  flags::Parser p("runtime_echo", "Echo server on wsx's native API (events + one wait set).");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("backlog", &backlog, "listen backlog");
  p.parse(argc, argv);
  wsx::bench::raise_fd_limit();

  Runtime rt;
  if (rt.error()) return 1;
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  static EchoServer server;
  if (!server.start(port, backlog)) return 1;
  std::printf("listening on port %d\n", server.port());
  std::fflush(stdout);
  server.run(&g_stop);
  return 0;
}
