#include "load/loadgen.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsx::load {
namespace {

constexpr std::uint32_t kMagic = 0x31585357;  // "WSX1"
constexpr int kMaxConnectsInFlight = 256;

// Every message starts with this header; the payload after it is a pattern
// derived from (connection, sequence), so a byte echoed into the wrong place
// is caught, not only a lost one.
struct Header {
  std::uint32_t magic;
  std::uint32_t conn;
  std::uint32_t len;
  std::uint32_t checksum;
  std::uint64_t seq;
  std::uint64_t sent_ns;
};
static_assert(sizeof(Header) == 32);

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

inline std::uint8_t pattern(std::uint32_t conn, std::uint64_t seq, std::size_t i) {
  return static_cast<std::uint8_t>(i * 7 + seq * 13 + conn * 31);
}

std::uint32_t fnv1a(const std::uint8_t* p, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

enum class Phase { connecting, warmup, measure, stop };

struct Shared {
  const Config* cfg = nullptr;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::atomic<Phase> phase{Phase::connecting};
  std::atomic<int> threads_connected{0};
  std::atomic<std::uint64_t> window_start{0}, window_end{0};
  std::mutex mu;  // guards the merged result
  Result result;
  std::vector<std::uint64_t> latencies;
};

struct Conn {
  int fd = -1;
  std::uint32_t id = 0;
  bool active = false;
  bool connecting = false;
  bool connected = false;
  bool failed = false;
  std::vector<std::uint8_t> out;
  std::size_t out_off = 0;
  std::vector<std::uint8_t> in;
  std::uint64_t next_send = 0;
  std::uint64_t next_recv = 0;
  std::uint64_t last_progress = 0;
};

class Worker {
 public:
  Worker(Shared& sh, std::uint32_t first_id, int count, int active_count)
      : sh_(sh), cfg_(*sh.cfg), conns_(static_cast<std::size_t>(count)) {
    for (int i = 0; i < count; ++i) {
      conns_[static_cast<std::size_t>(i)].id = first_id + static_cast<std::uint32_t>(i);
      conns_[static_cast<std::size_t>(i)].active = i < active_count;
    }
    latencies_.reserve(1 << 20);
  }

  void run() {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (!connect_all()) {
      sh_.threads_connected.fetch_add(1);
      finish();
      return;
    }
    sh_.threads_connected.fetch_add(1);
    while (sh_.phase.load() == Phase::connecting)
      poll(1);
    for (auto& c : conns_) {
      if (c.active && c.connected) {
        c.last_progress = now_ns();
        for (int k = 0; k < cfg_.inflight; ++k)
          queue_message(c);
        flush(c);
      }
    }
    while (sh_.phase.load() != Phase::stop)
      poll(10);
    finish();
  }

 private:
  void error(Conn& c, const std::string& what) {
    ++errors_;
    if (samples_.size() < 5) samples_.push_back("conn " + std::to_string(c.id) + ": " + what);
    c.failed = true;
    if (c.fd >= 0) {
      ::epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
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
    std::uint8_t* p = c.out.data() + at;
    std::uint8_t* payload = p + sizeof(Header);
    for (std::size_t i = 0; i < size - sizeof(Header); ++i)
      payload[i] = pattern(c.id, c.next_send, i);
    Header h{kMagic,
             c.id,
             static_cast<std::uint32_t>(size),
             fnv1a(payload, size - sizeof(Header)),
             c.next_send,
             now_ns()};
    std::memcpy(p, &h, sizeof h);
    ++c.next_send;
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

  // Verifies every complete reply; queues the next message for each.
  bool consume(Conn& c) {
    const std::size_t size = static_cast<std::size_t>(cfg_.message_size);
    std::size_t off = 0;
    bool sent_more = false;
    while (c.in.size() - off >= size) {
      const std::uint8_t* p = c.in.data() + off;
      Header h;
      std::memcpy(&h, p, sizeof h);
      const std::uint8_t* payload = p + sizeof(Header);
      std::size_t plen = size - sizeof(Header);
      if (h.magic != kMagic || h.conn != c.id || h.len != size) {
        error(c, "corrupt header");
        return false;
      }
      if (h.seq != c.next_recv) {
        error(c, "sequence " + std::to_string(h.seq) + ", expected " + std::to_string(c.next_recv));
        return false;
      }
      if (fnv1a(payload, plen) != h.checksum) {
        error(c, "checksum mismatch");
        return false;
      }
      for (std::size_t i = 0; i < plen; ++i) {
        if (payload[i] != pattern(c.id, h.seq, i)) {
          error(c, "payload byte " + std::to_string(i) + " differs");
          return false;
        }
      }
      std::uint64_t t = now_ns();
      c.last_progress = t;
      ++c.next_recv;
      Phase ph = sh_.phase.load(std::memory_order_relaxed);
      if (ph == Phase::measure) {
        ++messages_;
        latencies_.push_back(t - h.sent_ns);
      }
      if (ph != Phase::stop) {
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
      if (t - c.last_progress > limit) {
        ++stalled_;
        error(c, "stalled: no reply for " + std::to_string(cfg_.stall_s) + " s");
      }
    }
  }

  void finish() {
    std::uint64_t idle_lost = 0;
    for (auto& c : conns_) {
      if (c.fd < 0) continue;
      if (!c.active && c.connected) {
        char b;
        ssize_t r = ::recv(c.fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) ++idle_lost;
      }
      ::close(c.fd);
      c.fd = -1;
    }
    ::close(epfd_);
    std::lock_guard<std::mutex> lock(sh_.mu);
    sh_.result.messages += messages_;
    sh_.result.errors += errors_;
    sh_.result.stalled += stalled_;
    sh_.result.idle_lost += idle_lost;
    for (auto& s : samples_) {
      if (sh_.result.error_samples.size() < 10) sh_.result.error_samples.push_back(s);
    }
    sh_.latencies.insert(sh_.latencies.end(), latencies_.begin(), latencies_.end());
  }

  Shared& sh_;
  const Config& cfg_;
  std::vector<Conn> conns_;
  int epfd_ = -1;
  int connecting_ = 0;
  std::uint64_t messages_ = 0, errors_ = 0, stalled_ = 0;
  std::uint64_t last_stall_check_ = 0;
  std::vector<std::uint64_t> latencies_;
  std::vector<std::string> samples_;
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

}  // namespace

Result run(const Config& cfg_in) {
  Config cfg = cfg_in;
  cfg.message_size = std::max<int>(cfg.message_size, static_cast<int>(sizeof(Header)));
  cfg.inflight = std::max(cfg.inflight, 1);
  cfg.threads = std::max(1, std::min(cfg.threads, cfg.connections));
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

  // Active connections are spread evenly over the threads.
  std::vector<std::unique_ptr<Worker>> workers;
  std::uint32_t next_id = 0;
  for (int t = 0; t < cfg.threads; ++t) {
    int count = cfg.connections / cfg.threads + (t < cfg.connections % cfg.threads ? 1 : 0);
    int act = active / cfg.threads + (t < active % cfg.threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(sh, next_id, count, std::min(act, count)));
    next_id += static_cast<std::uint32_t>(count);
  }
  std::vector<std::thread> threads;
  for (auto& w : workers)
    threads.emplace_back([&w] { w->run(); });

  while (sh.threads_connected.load() < cfg.threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  sh.phase = Phase::warmup;
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.warmup_s));
  sh.window_start = now_ns();
  sh.phase = Phase::measure;
  std::this_thread::sleep_for(std::chrono::duration<double>(cfg.duration_s));
  sh.phase = Phase::stop;
  sh.window_end = now_ns();
  for (auto& t : threads)
    t.join();

  Result r = sh.result;
  r.seconds = static_cast<double>(sh.window_end - sh.window_start) / 1e9;
  r.bytes = r.messages * static_cast<std::uint64_t>(cfg.message_size);
  r.messages_per_s = r.seconds > 0 ? static_cast<double>(r.messages) / r.seconds : 0;
  r.mb_per_s = r.seconds > 0 ? static_cast<double>(r.bytes) / r.seconds / 1e6 : 0;
  r.p50_us = percentile_us(sh.latencies, 0.50);
  r.p99_us = percentile_us(sh.latencies, 0.99);
  r.p999_us = percentile_us(sh.latencies, 0.999);
  return r;
}

}  // namespace wsx::load
