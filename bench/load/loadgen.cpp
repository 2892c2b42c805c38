#include "load/loadgen.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load/shared.hpp"
#include "load/wire.hpp"

namespace wsx::load {
namespace {

using wire::now_ns;

constexpr int kMaxConnectsInFlight = 256;

struct Conn {
  int fd = -1;
  std::uint32_t id = 0;
  bool active = false;
  bool connecting = false;
  bool connected = false;
  std::vector<std::uint8_t> out;
  std::size_t out_off = 0;
  std::vector<std::uint8_t> in;
  std::uint64_t next_send = 0;
  std::uint64_t next_recv = 0;
  std::uint64_t last_progress = 0;
};

// One client thread of the pingpong and burst patterns: opens its share of
// the connections, then keeps its active ones busy until the phase is stop.
class Worker {
 public:
  Worker(Shared& sh, std::uint32_t first_id, int count, int active_count)
      : sh_(sh), cfg_(*sh.cfg), conns_(static_cast<std::size_t>(count)) {
    for (int i = 0; i < count; ++i) {
      conns_[static_cast<std::size_t>(i)].id = first_id + static_cast<std::uint32_t>(i);
      conns_[static_cast<std::size_t>(i)].active = i < active_count;
    }
    totals_.latencies_ns.reserve(1 << 20);
  }

  void run() {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    bool connected = connect_all();
    sh_.threads_connected.fetch_add(1);
    if (!connected) {
      finish();
      return;
    }
    while (sh_.phase.load() == Phase::connecting)
      poll(1);
    if (cfg_.mode == Mode::burst) {
      start_wave();
    } else {
      for (auto& c : conns_) {
        if (!c.active || c.fd < 0) continue;
        c.last_progress = now_ns();
        for (int k = 0; k < cfg_.inflight; ++k)
          queue_message(c);
        flush(c);
      }
    }
    while (sh_.phase.load() != Phase::stop) {
      poll(10);
      // Started here, not from inside a reply's handling, so a wave never
      // begins while the previous one is still being walked.
      if (cfg_.mode == Mode::burst && wave_outstanding_ == 0) start_wave();
    }
    finish();
  }

 private:
  void error(Conn& c, const std::string& what) {
    ++totals_.errors;
    if (totals_.samples.size() < 5)
      totals_.samples.push_back("conn " + std::to_string(c.id) + ": " + what);
    // A dead connection's replies will never come: stop waiting for them.
    if (cfg_.mode == Mode::burst && c.active) wave_outstanding_ -= c.next_send - c.next_recv;
    c.next_recv = c.next_send;
    if (c.fd >= 0) {
      ::epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
      close_abortive(c.fd);
      c.fd = -1;
    }
  }

  bool start_connect(Conn& c) {
    c.fd = ::socket(sh_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
      error(c, std::string("socket: ") + std::strerror(errno));
      return false;
    }
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u32 = static_cast<std::uint32_t>(&c - conns_.data());
    ::epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    int r = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&sh_.addr), sh_.addr_len);
    if (r == 0) {
      c.connected = true;
    } else if (errno == EINPROGRESS) {
      c.connecting = true;
      ++connecting_;
    } else {
      error(c, std::string("connect: ") + std::strerror(errno));
      return false;
    }
    return true;
  }

  bool connect_all() {
    std::size_t next = 0;
    std::uint64_t deadline = now_ns() + static_cast<std::uint64_t>(cfg_.connect_timeout_s * 1e9);
    while (true) {
      while (next < conns_.size() && connecting_ < kMaxConnectsInFlight)
        start_connect(conns_[next++]);
      if (next == conns_.size() && connecting_ == 0) break;
      if (now_ns() > deadline) {
        for (auto& c : conns_) {
          if (c.connecting) error(c, "connect timed out");
        }
        return false;
      }
      poll(10);
    }
    return true;
  }

  void poll(int timeout_ms) {
    epoll_event evs[256];
    int n = ::epoll_wait(epfd_, evs, 256, timeout_ms);
    for (int i = 0; i < n; ++i) {
      Conn& c = conns_[evs[i].data.u32];
      if (c.fd < 0) continue;
      if (c.connecting && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        c.connecting = false;
        --connecting_;
        int e = 0;
        socklen_t l = sizeof e;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &e, &l);
        if (e != 0) {
          error(c, std::string("connect: ") + std::strerror(e));
          continue;
        }
        c.connected = true;
      }
      if (evs[i].events & EPOLLIN) on_readable(c);
      if (c.fd >= 0 && (evs[i].events & EPOLLOUT)) flush(c);
      if (c.fd >= 0 && (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) &&
          sh_.phase.load() != Phase::stop) {
        if (c.active || !(evs[i].events & EPOLLIN)) error(c, "server closed the connection");
      }
    }
    check_stalls();
  }

  void queue_message(Conn& c) {
    std::size_t size = static_cast<std::size_t>(cfg_.message_size);
    std::size_t at = c.out.size();
    c.out.resize(at + size);
    wire::write_message(c.out.data() + at, size, c.id, c.next_send, now_ns());
    ++c.next_send;
  }

  // Burst: every active connection sends its messages back to back, so the
  // server finds them all readable at once.
  void start_wave() {
    if (sh_.phase.load() == Phase::stop) return;
    std::uint64_t t = now_ns();
    for (auto& c : conns_) {
      if (!c.active || c.fd < 0) continue;
      c.last_progress = t;
      for (int k = 0; k < cfg_.burst; ++k)
        queue_message(c);
      wave_outstanding_ += static_cast<std::uint64_t>(cfg_.burst);
    }
    for (auto& c : conns_) {
      if (c.active && c.fd >= 0) flush(c);
    }
    // No live active connection left: nothing would ever end the wave.
    if (wave_outstanding_ == 0) wave_outstanding_ = ~std::uint64_t{0};
  }

  void flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        error(c, std::string("send: ") + std::strerror(errno));
        return;
      }
      c.out_off += static_cast<std::size_t>(n);
    }
    c.out.clear();
    c.out_off = 0;
  }

  void on_readable(Conn& c) {
    std::uint8_t buf[65536];
    for (;;) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (!c.active) {
          error(c, "bytes arrived on an idle connection");
          return;
        }
        c.in.insert(c.in.end(), buf, buf + n);
        if (!consume(c)) return;
        continue;
      }
      if (n == 0) {
        if (sh_.phase.load() != Phase::stop) error(c, "server closed the connection");
        return;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        error(c, std::string("recv: ") + std::strerror(errno));
      }
      return;
    }
  }

  // Verifies every complete reply; in pingpong, queues the next message for each.
  bool consume(Conn& c) {
    const std::size_t size = static_cast<std::size_t>(cfg_.message_size);
    std::size_t off = 0;
    bool sent_more = false;
    while (c.in.size() - off >= size) {
      if (c.next_recv == c.next_send) {
        error(c, "bytes arrived that were never sent");
        return false;
      }
      std::uint64_t sent_ns = 0;
      std::string bad = wire::check_message(c.in.data() + off, size, c.id, c.next_recv, &sent_ns);
      if (!bad.empty()) {
        error(c, bad);
        return false;
      }
      std::uint64_t t = now_ns();
      c.last_progress = t;
      ++c.next_recv;
      Phase ph = sh_.phase.load(std::memory_order_relaxed);
      if (ph == Phase::measure) {
        ++totals_.messages;
        totals_.latencies_ns.push_back(t - sent_ns);
      }
      if (cfg_.mode == Mode::burst) {
        --wave_outstanding_;
      } else if (ph != Phase::stop) {
        queue_message(c);
        sent_more = true;
      }
      off += size;
    }
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(off));
    if (sent_more) flush(c);
    return true;
  }

  void check_stalls() {
    std::uint64_t t = now_ns();
    if (t - last_stall_check_ < 100'000'000) return;
    last_stall_check_ = t;
    if (sh_.phase.load() == Phase::connecting) return;
    std::uint64_t limit = static_cast<std::uint64_t>(cfg_.stall_s * 1e9);
    for (auto& c : conns_) {
      if (c.fd < 0 || !c.active || c.next_recv == c.next_send) continue;
      if (t - c.last_progress > limit && !reply_waiting(c.fd)) {
        ++totals_.stalled;
        error(c, "stalled: no reply for " + wire::seconds(cfg_.stall_s) + " s");
      }
    }
  }

  void finish() {
    for (auto& c : conns_) {
      if (c.active && c.next_recv > 0) ++totals_.served;
      if (c.fd < 0) continue;
      if (!c.active && c.connected) {
        char b;
        ssize_t r = ::recv(c.fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) ++totals_.idle_lost;
      }
      close_abortive(c.fd);
      c.fd = -1;
    }
    ::close(epfd_);
    sh_.merge(totals_);
  }

  Shared& sh_;
  const Config& cfg_;
  std::vector<Conn> conns_;
  int epfd_ = -1;
  int connecting_ = 0;
  std::uint64_t wave_outstanding_ = 0;
  std::uint64_t last_stall_check_ = 0;
  WorkerTotals totals_;
};

bool resolve(const Config& cfg, Shared& sh, std::string* err) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(cfg.port);
  int r = ::getaddrinfo(cfg.host.c_str(), port.c_str(), &hints, &res);
  if (r != 0 || !res) {
    *err = std::string("cannot resolve ") + cfg.host + ": " + ::gai_strerror(r);
    return false;
  }
  std::memcpy(&sh.addr, res->ai_addr, res->ai_addrlen);
  sh.addr_len = static_cast<socklen_t>(res->ai_addrlen);
  ::freeaddrinfo(res);
  return true;
}

double percentile_us(std::vector<std::uint64_t>& v, double q) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1000.0;
}

// Share `total` among `parts` as evenly as possible; this is part `i`.
int share_of(int total, int parts, int i) {
  return total / parts + (i < total % parts ? 1 : 0);
}

}  // namespace

void close_abortive(int fd) {
  linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
}

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::pingpong:
      return "pingpong";
    case Mode::burst:
      return "burst";
    case Mode::churn:
      return "churn";
  }
  return "?";
}

bool parse_mode(const std::string& name, Mode* out) {
  for (Mode m : {Mode::pingpong, Mode::burst, Mode::churn}) {
    if (name == mode_name(m)) {
      *out = m;
      return true;
    }
  }
  return false;
}

Result run(const Config& cfg_in) {
  Config cfg = cfg_in;
  cfg.message_size = std::max<int>(cfg.message_size, static_cast<int>(sizeof(wire::Header)));
  cfg.inflight = std::max(cfg.inflight, 1);
  cfg.burst = std::max(cfg.burst, 1);
  cfg.churn_concurrency = std::max(cfg.churn_concurrency, 1);
  cfg.connections = std::max(cfg.connections, 1);
  const bool churn = cfg.mode == Mode::churn;
  int spread = churn ? cfg.churn_concurrency : cfg.connections;
  cfg.threads = std::max(1, std::min(cfg.threads, spread));
  int active = cfg.active < 0 ? cfg.connections : std::min(cfg.active, cfg.connections);

  Shared sh;
  sh.cfg = &cfg;
  std::string err;
  if (!resolve(cfg, sh, &err)) {
    Result r;
    r.errors = 1;
    r.error_samples.push_back(err);
    return r;
  }

  // Connections (and active ones) are spread evenly over the threads.
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::thread> threads;
  std::uint32_t next_id = 0;
  for (int t = 0; t < cfg.threads; ++t) {
    if (churn) {
      double share = cfg.churn_rate / cfg.threads;
      int conc = share_of(cfg.churn_concurrency, cfg.threads, t);
      // Ids far apart per thread: each churn connection gets a new one.
      std::uint32_t first = static_cast<std::uint32_t>(t) << 24;
      threads.emplace_back([&sh, share, conc, first] { run_churn_worker(sh, share, conc, first); });
      continue;
    }
    int count = share_of(cfg.connections, cfg.threads, t);
    int act = share_of(active, cfg.threads, t);
    workers.push_back(std::make_unique<Worker>(sh, next_id, count, std::min(act, count)));
    next_id += static_cast<std::uint32_t>(count);
  }
  for (auto& w : workers)
    threads.emplace_back([&w] { w->run(); });

  // Bounded: each worker counts itself in after at most connect_timeout_s.
  while (sh.threads_connected.load() < cfg.threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  sh.phase = Phase::warmup;
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.warmup_s));
  if (cfg.on_window) cfg.on_window(true);
  std::uint64_t window_start = now_ns();
  sh.phase = Phase::measure;
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.duration_s));
  sh.phase = Phase::stop;
  std::uint64_t window_end = now_ns();
  if (cfg.on_window) cfg.on_window(false);
  for (auto& t : threads)
    t.join();

  Result r = sh.result;
  r.seconds = static_cast<double>(window_end - window_start) / 1e9;
  r.bytes = r.messages * static_cast<std::uint64_t>(cfg.message_size);
  r.messages_per_s = r.seconds > 0 ? static_cast<double>(r.messages) / r.seconds : 0;
  r.mb_per_s = r.seconds > 0 ? static_cast<double>(r.bytes) / r.seconds / 1e6 : 0;
  r.p50_us = percentile_us(sh.latencies, 0.50);
  r.p99_us = percentile_us(sh.latencies, 0.99);
  r.p999_us = percentile_us(sh.latencies, 0.999);
  return r;
}

}  // namespace wsx::load
