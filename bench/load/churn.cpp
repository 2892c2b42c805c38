// Connection churn: connect, send one message, check the echo, close, at a
// set rate. What is measured is the server's cost of a whole connection's
// life (accept, read, write, close), and the latency is that of the whole
// exchange, from connect() to the verified echo.
//
// The client closes first, as clients do, so its ports go through TIME_WAIT;
// Linux reuses those for new connections to a loopback address
// (net.ipv4.tcp_tw_reuse = 2, the default), and each server run listens on
// a new port, so a run's few thousand connections never run out of ports.
#include <algorithm>
#include <cerrno>
#include <cstring>

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

struct Slot {
  int fd = -1;
  std::uint32_t id = 0;
  bool connecting = false;
  std::uint64_t started_ns = 0;
  std::vector<std::uint8_t> out;
  std::size_t out_off = 0;
  std::vector<std::uint8_t> in;
};

class ChurnWorker {
 public:
  ChurnWorker(Shared& sh, double rate, int concurrency, std::uint32_t first_id)
      : sh_(sh),
        cfg_(*sh.cfg),
        rate_(rate),
        slots_(static_cast<std::size_t>(concurrency)),
        next_id_(first_id) {
    totals_.latencies_ns.reserve(1 << 16);
  }

  void run() {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    sh_.threads_connected.fetch_add(1);  // nothing to open ahead of time
    while (sh_.phase.load() == Phase::connecting) {
      ::usleep(1000);
    }
    t0_ = now_ns();
    while (sh_.phase.load() != Phase::stop) {
      start_due();
      poll();
      check_stalls();
    }
    for (auto& s : slots_) {
      if (s.fd >= 0) close_abortive(s.fd);
    }
    ::close(epfd_);
    sh_.merge(totals_);
  }

 private:
  // Starts the connections the rate calls for by now, as far as free slots
  // allow. A server that cannot keep up is not owed the starts it missed:
  // the debt is capped at one slot-full, and the achieved rate shows it.
  void start_due() {
    std::uint64_t due = ~std::uint64_t{0};
    if (rate_ > 0) {
      due = static_cast<std::uint64_t>(static_cast<double>(now_ns() - t0_) / 1e9 * rate_);
      if (due > started_ + slots_.size()) started_ = due - slots_.size();
    }
    for (auto& s : slots_) {
      if (started_ >= due) break;
      if (s.fd >= 0) continue;
      start(s);
      ++started_;
    }
  }

  void start(Slot& s) {
    s.id = next_id_++;
    s.started_ns = now_ns();
    s.in.clear();
    s.out.resize(static_cast<std::size_t>(cfg_.message_size));
    s.out_off = 0;
    s.fd = ::socket(sh_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s.fd < 0) {
      error(s, std::string("socket: ") + std::strerror(errno));
      return;
    }
    int one = 1;
    ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u32 = static_cast<std::uint32_t>(&s - slots_.data());
    ::epoll_ctl(epfd_, EPOLL_CTL_ADD, s.fd, &ev);
    wire::write_message(s.out.data(), s.out.size(), s.id, 0, s.started_ns);
    int r = ::connect(s.fd, reinterpret_cast<const sockaddr*>(&sh_.addr), sh_.addr_len);
    s.connecting = r != 0;
    if (r != 0 && errno != EINPROGRESS) {
      error(s, std::string("connect: ") + std::strerror(errno));
      return;
    }
    if (r == 0) flush(s);
  }

  void poll() {
    epoll_event evs[256];
    // A short wait while the rate still calls for new connections.
    int n = ::epoll_wait(epfd_, evs, 256, rate_ > 0 ? 1 : 10);
    for (int i = 0; i < n; ++i) {
      Slot& s = slots_[evs[i].data.u32];
      std::uint32_t e = evs[i].events;
      if (s.fd < 0) continue;
      if (s.connecting && (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        s.connecting = false;
        int err = 0;
        socklen_t l = sizeof err;
        ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err != 0) {
          error(s, std::string("connect: ") + std::strerror(err));
          continue;
        }
      }
      if (!s.connecting && (e & EPOLLOUT)) flush(s);
      if (s.fd >= 0 && (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) on_readable(s);
    }
  }

  void flush(Slot& s) {
    while (s.out_off < s.out.size()) {
      ssize_t n = ::send(s.fd, s.out.data() + s.out_off, s.out.size() - s.out_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          error(s, std::string("send: ") + std::strerror(errno));
        }
        return;
      }
      s.out_off += static_cast<std::size_t>(n);
    }
  }

  void on_readable(Slot& s) {
    std::uint8_t buf[65536];
    const std::size_t size = static_cast<std::size_t>(cfg_.message_size);
    for (;;) {
      ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
      if (n > 0) {
        s.in.insert(s.in.end(), buf, buf + n);
        if (s.in.size() > size) {
          error(s, "more bytes came back than were sent");
          return;
        }
        if (s.in.size() == size) {
          done(s);
          return;
        }
        continue;
      }
      if (n == 0) {
        error(s, "server closed the connection before echoing");
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        error(s, std::string("recv: ") + std::strerror(errno));
      }
      return;
    }
  }

  void done(Slot& s) {
    std::uint64_t sent_ns = 0;
    std::string bad = wire::check_message(s.in.data(), s.in.size(), s.id, 0, &sent_ns);
    if (!bad.empty()) {
      error(s, bad);
      return;
    }
    if (sh_.phase.load(std::memory_order_relaxed) == Phase::measure) {
      ++totals_.messages;
      totals_.latencies_ns.push_back(now_ns() - sent_ns);
    }
    ::close(s.fd);  // an orderly close: the server sees end of file
    s.fd = -1;
  }

  void check_stalls() {
    std::uint64_t t = now_ns();
    if (t - last_stall_check_ < 100'000'000) return;
    last_stall_check_ = t;
    std::uint64_t limit = static_cast<std::uint64_t>(cfg_.stall_s * 1e9);
    for (auto& s : slots_) {
      if (s.fd >= 0 && t - s.started_ns > limit && !reply_waiting(s.fd)) {
        ++totals_.stalled;
        error(s, "stalled: no echo for " + wire::seconds(cfg_.stall_s) + " s");
      }
    }
  }

  void error(Slot& s, const std::string& what) {
    ++totals_.errors;
    if (totals_.samples.size() < 5) {
      totals_.samples.push_back("churn conn " + std::to_string(s.id) + ": " + what);
    }
    if (s.fd >= 0) {
      ::epoll_ctl(epfd_, EPOLL_CTL_DEL, s.fd, nullptr);
      close_abortive(s.fd);
      s.fd = -1;
    }
  }

  Shared& sh_;
  const Config& cfg_;
  double rate_;
  std::vector<Slot> slots_;
  std::uint32_t next_id_;
  int epfd_ = -1;
  std::uint64_t t0_ = 0, started_ = 0, last_stall_check_ = 0;
  WorkerTotals totals_;
};

}  // namespace

void run_churn_worker(Shared& sh, double share, int concurrency, std::uint32_t first_id) {
  ChurnWorker w(sh, share, concurrency, first_id);
  w.run();
}

}  // namespace wsx::load
