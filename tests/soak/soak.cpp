// The soak's clients and its bookkeeping (soak.hpp says what is checked).
// Clients are plain non-blocking Linux sockets on one epoll, driven by one
// thread; each plays out a plan: how much to send, in what pieces, and how
// to end.
#include "soak/soak.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <unordered_map>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "soak/soak_server.hpp"
#include "wsx/sockets.hpp"

namespace wsx::soak {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return s >> 17;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

struct Client {
  int fd = -1;
  std::uint32_t id = 0;
  std::uint32_t total = 0;  // content bytes after the header
  Ending ending = Ending::graceful;
  std::uint64_t reset_at = 0;  // stream position of the reset (Ending::reset)
  std::uint64_t sent = 0;      // stream bytes sent, header included
  std::uint64_t echoed = 0;    // stream bytes echoed back and checked
  bool shut = false;           // shutdown(SHUT_WR) done
  Clock::time_point progress;
  std::uint8_t header[kHeaderSize] = {};
};

long rss_kb() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void raise_descriptor_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

class Clients {
 public:
  Clients(const Options& o, std::uint16_t port, Report* report)
      : o_(o), report_(report), rng_{o.seed * 0x9e3779b97f4a7c15ull + 1} {
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(port);
    addr_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ep_ = epoll_create1(EPOLL_CLOEXEC);
  }
  ~Clients() {
    for (auto& [fd, c] : clients_)
      ::close(fd);
    ::close(ep_);
  }

  // One round: top up the connections (while starting is allowed), move
  // data, and look for stalls. False on a failure (in report_->failure).
  bool round(bool start_new) {
    while (start_new && static_cast<int>(clients_.size()) < o_.connections) {
      if (!open_one()) return false;
    }
    report_->peak_open = std::max(report_->peak_open, static_cast<int>(clients_.size()));
    epoll_event evs[256];
    int n = epoll_wait(ep_, evs, 256, 5);
    for (int i = 0; i < n; ++i) {
      auto it = clients_.find(evs[i].data.fd);
      if (it == clients_.end()) continue;
      if (!step(it->second, evs[i].events)) return false;
    }
    return stalls();
  }

  bool idle() const { return clients_.empty(); }
  std::size_t open() const { return clients_.size(); }

 private:
  bool fail(const Client& c, const std::string& why) {
    report_->ok = false;
    report_->failure = "client " + std::to_string(c.id) + ": " + why + " (sent " +
                       std::to_string(c.sent) + ", echoed " + std::to_string(c.echoed) + " of " +
                       std::to_string(kHeaderSize + c.total) + ")";
    return false;
  }

  bool open_one() {
    Client c;
    c.id = next_id_++;
    // Mostly small exchanges, some large: connections come and go.
    const std::uint64_t size_class = rng_.below(10);
    c.total = static_cast<std::uint32_t>(size_class < 6   ? rng_.below(2048)
                                         : size_class < 9 ? rng_.below(32768)
                                                          : rng_.below(262144));
    const std::uint64_t e = rng_.below(20);
    c.ending = e < 13 ? Ending::graceful : e < 17 ? Ending::reset : Ending::abandon;
    c.reset_at = rng_.below(kHeaderSize + c.total + 1);
    const std::uint32_t h[4] = {kMagic, c.id, c.total, static_cast<std::uint32_t>(c.ending)};
    std::memcpy(c.header, h, sizeof h);
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return fail(c, std::string("socket: ") + std::strerror(errno));
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) != 0 &&
        errno != EINPROGRESS) {
      const int e2 = errno;
      ::close(c.fd);
      return fail(c, std::string("connect: ") + std::strerror(e2));
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = c.fd;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    c.progress = Clock::now();
    clients_[c.fd] = c;
    return true;
  }

  std::uint8_t byte_at(const Client& c, std::uint64_t k) const {
    return k < kHeaderSize ? c.header[k] : stream_byte(c.id, k);
  }

  void end(Client& c, bool reset) {
    if (reset) {
      linger l{1, 0};
      ::setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    ++report_->connections;
    const int fd = c.fd;
    clients_.erase(fd);
  }

  bool step(Client& c, std::uint32_t events) {
    const std::uint64_t stream_end = kHeaderSize + c.total;
    if (events & EPOLLOUT && c.sent < stream_end) {
      std::uint8_t buf[16384];
      const std::uint64_t limit = c.ending == Ending::reset ? c.reset_at : stream_end;
      const std::uint64_t want =
          std::min<std::uint64_t>({sizeof buf, limit - c.sent, 1 + rng_.below(sizeof buf)});
      for (std::uint64_t i = 0; i < want; ++i)
        buf[i] = byte_at(c, c.sent + i);
      const ssize_t n = want ? ::send(c.fd, buf, want, MSG_NOSIGNAL) : 0;
      if (n > 0) {
        c.sent += static_cast<std::uint64_t>(n);
        report_->bytes_sent += static_cast<std::uint64_t>(n);
        c.progress = Clock::now();
      } else if (n < 0 && errno != EAGAIN) {
        return fail(c, std::string("send: ") + std::strerror(errno));
      }
      if (c.ending == Ending::reset && c.sent >= c.reset_at) {
        ++report_->resets;
        end(c, true);
        return true;
      }
    }
    if (c.sent >= stream_end && !c.shut) {
      if (c.ending == Ending::abandon) {
        ++report_->early_closes;
        end(c, false);
        return true;
      }
      ::shutdown(c.fd, SHUT_WR);  // the half-close: the echo keeps coming
      c.shut = true;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = c.fd;
      epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      std::uint8_t buf[16384];
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        for (ssize_t i = 0; i < n; ++i) {
          if (buf[i] != byte_at(c, c.echoed + static_cast<std::uint64_t>(i))) {
            return fail(c, "echo byte " + std::to_string(c.echoed + i) + " differs");
          }
        }
        c.echoed += static_cast<std::uint64_t>(n);
        report_->bytes_echoed += static_cast<std::uint64_t>(n);
        c.progress = Clock::now();
        if (c.echoed > c.sent) return fail(c, "more echoed than sent");
      } else if (n == 0) {
        // The server's half-close: only after every byte came back.
        if (c.echoed != stream_end) return fail(c, "end of echo too early");
        ++report_->graceful;
        end(c, false);
        return true;
      } else if (errno != EAGAIN) {
        return fail(c, std::string("recv: ") + std::strerror(errno));
      }
    }
    return true;
  }

  // A connection that owes data (unsent, or echo not back) and has made no
  // progress for the limit is a stall: a lost notification somewhere.
  bool stalls() {
    if (since(last_stall_check_) < 0.5) return true;
    last_stall_check_ = Clock::now();
    for (const auto& [fd, c] : clients_) {
      if (since(c.progress) > o_.stall_seconds) {
        return fail(c, "stalled for " + std::to_string(o_.stall_seconds) + " s");
      }
    }
    return true;
  }

  const Options& o_;
  Report* report_;
  Rng rng_;
  sockaddr_in addr_{};
  int ep_ = -1;
  std::uint32_t next_id_ = 1;
  std::unordered_map<int, Client> clients_;
  Clock::time_point last_stall_check_ = Clock::now();
};

}  // namespace

Report run(const Options& o) {
  Report r;
  raise_descriptor_limit();
  WSADATA d;
  if (wsx_WSAStartup(MAKEWORD(2, 2), &d) != 0) {
    r.ok = false;
    r.failure = "WSAStartup failed";
    return r;
  }
  {
    Server server(o.server_threads, o.seed);
    std::string why;
    if (!server.start(&why)) {
      r.ok = false;
      r.failure = why;
    } else {
      Clients clients(o, server.port(), &r);
      const auto start = Clock::now();
      const double warmup = o.seconds * o.warmup_fraction;
      double next_sample = 0;
      bool sampling = false;
      // Rounds are bounded by time: the run's length, then a drain limit.
      const double drain_limit = o.seconds + o.stall_seconds + 30;
      for (;;) {
        const double t = since(start);
        const bool starting = t < o.seconds;
        if (!clients.round(starting)) {
          // The server's side of the story, if it has one (it may have
          // failed first on the same connection).
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          const std::string f = server.failure();
          if (!f.empty()) r.failure += "; server: " + f;
          break;
        }
        const std::string f = server.failure();
        if (!f.empty()) {
          r.ok = false;
          r.failure = "server: " + f;
          break;
        }
        if (t >= next_sample) {
          next_sample = t + 0.25;
          const long rss = rss_kb();
          const std::uint64_t mem = wsx::figures().bytes_allocated;
          if (!sampling && t >= warmup) {
            sampling = true;
            r.rss_start_kb = r.rss_peak_kb = rss;
            r.wsx_bytes_start = r.wsx_bytes_peak = mem;
          } else if (sampling && starting) {
            r.rss_peak_kb = std::max(r.rss_peak_kb, rss);
            r.wsx_bytes_peak = std::max(r.wsx_bytes_peak, mem);
          }
          if (o.verbose) {
            std::printf(
                "t=%.1fs open=%zu server=%d conns=%llu in=%llu out=%llu rss=%ldKB wsx=%llu\n", t,
                clients.open(), server.open_connections(),
                static_cast<unsigned long long>(r.connections),
                static_cast<unsigned long long>(server.stats().bytes_in.load()),
                static_cast<unsigned long long>(server.stats().bytes_out.load()), rss,
                static_cast<unsigned long long>(mem));
          }
        }
        if (!starting && clients.idle() && server.open_connections() == 0) break;
        if (t > drain_limit) {
          r.ok = false;
          r.failure = "connections did not finish: " + std::to_string(clients.open()) +
                      " clients, " + std::to_string(server.open_connections()) + " server sides";
          break;
        }
      }
      r.seconds = since(start);
      r.rss_end_kb = rss_kb();
      r.wsx_bytes_end = wsx::figures().bytes_allocated;
      // Connections that never finished: a byte or an FD_CLOSE that did not
      // come (each side finishes only once it has everything it is owed).
      r.lost = clients.open() + static_cast<std::uint64_t>(server.open_connections());
      server.stop();
      r.close_events = server.stats().close_events.load();
      r.server_closed = server.stats().closed.load();
      if (r.ok && r.close_events != r.server_closed) {
        // Every server side was finished by its one FD_CLOSE.
        r.ok = false;
        r.failure = std::to_string(r.close_events) + " FD_CLOSE for " +
                    std::to_string(r.server_closed) + " finished connections";
      }
      if (r.ok) {
        // Every byte the clients sent reached the server, and every
        // graceful connection got all of it back (checked per connection).
        const std::uint64_t in = server.stats().bytes_in.load();
        if (in != r.bytes_sent) {
          // Resets may cut data in flight; a graceful or abandoned client's
          // bytes must all be there. The per-connection checks cover those;
          // here only more-than-sent is impossible.
          if (in > r.bytes_sent) {
            r.ok = false;
            r.failure = "server received more than the clients sent";
          }
        }
        // Memory flat after the warm-up.
        const std::uint64_t wsx_bound = r.wsx_bytes_start / 10 + (1u << 20);
        if (r.wsx_bytes_peak > r.wsx_bytes_start + wsx_bound) {
          r.ok = false;
          r.failure = "wsx memory grew after warm-up: " + std::to_string(r.wsx_bytes_start) +
                      " -> " + std::to_string(r.wsx_bytes_peak) + " bytes";
        }
        const long rss_bound = r.rss_start_kb / 5 + 16 * 1024;
        if (o.check_rss && r.rss_peak_kb > r.rss_start_kb + rss_bound) {
          r.ok = false;
          r.failure = "RSS grew after warm-up: " + std::to_string(r.rss_start_kb) + " -> " +
                      std::to_string(r.rss_peak_kb) + " KB";
        }
      }
    }
  }
  wsx_WSACleanup();
  return r;
}

std::string describe(const Report& r) {
  char buf[1024];
  std::snprintf(
      buf, sizeof buf,
      "soak: %s; %llu connections (%llu graceful, %llu reset, %llu abandoned), peak %d open, "
      "%.1f s, %llu bytes sent and checked, %llu bytes echoed and checked, %llu FD_CLOSE for "
      "%llu server sides (each once), %llu connections lost; RSS after warm-up %ld -> peak %ld KB "
      "(end %ld), wsx memory %llu -> "
      "peak %llu bytes (end %llu)",
      r.ok ? "ok" : ("FAILED: " + r.failure).c_str(),
      static_cast<unsigned long long>(r.connections), static_cast<unsigned long long>(r.graceful),
      static_cast<unsigned long long>(r.resets), static_cast<unsigned long long>(r.early_closes),
      r.peak_open, r.seconds, static_cast<unsigned long long>(r.bytes_sent),
      static_cast<unsigned long long>(r.bytes_echoed),
      static_cast<unsigned long long>(r.close_events),
      static_cast<unsigned long long>(r.server_closed), static_cast<unsigned long long>(r.lost),
      r.rss_start_kb, r.rss_peak_kb, r.rss_end_kb,
      static_cast<unsigned long long>(r.wsx_bytes_start),
      static_cast<unsigned long long>(r.wsx_bytes_peak),
      static_cast<unsigned long long>(r.wsx_bytes_end));
  return buf;
}

}  // namespace wsx::soak
