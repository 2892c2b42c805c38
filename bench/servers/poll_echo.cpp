// Echo server on poll(), one thread: the portable, level-triggered baseline.
// Its cost per wake-up grows with the number of descriptors watched (the
// kernel scans them all, and so does the loop below), which is the point of
// having it in the comparison.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

struct Conn {
  std::vector<char> pending;  // echo bytes the socket would not take yet
  std::size_t off = 0;
};

// Sends what is pending; false when the connection is dead.
bool flush(int fd, Conn& c) {
  while (c.off < c.pending.size()) {
    ssize_t n = ::send(fd, c.pending.data() + c.off, c.pending.size() - c.off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN;
    c.off += static_cast<std::size_t>(n);
  }
  c.pending.clear();
  c.off = 0;
  return true;
}

// One receive per readiness report: poll() is level-triggered, so data left
// behind is reported again by the next call. False when the connection is dead.
bool echo(int fd, Conn& c, char* buf, std::size_t size) {
  ssize_t r = ::recv(fd, buf, size, 0);
  if (r == 0) return false;
  if (r < 0) return errno == EAGAIN;
  ssize_t w = ::send(fd, buf, static_cast<std::size_t>(r), MSG_NOSIGNAL);
  if (w < 0 && errno != EAGAIN) return false;
  std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
  if (sent < static_cast<std::size_t>(r)) {
    c.pending.assign(buf + sent, buf + r);
    c.off = 0;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, backlog = 4096;
  wsx::flags::Parser p("poll_echo", "Echo server on poll(), one thread.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("backlog", &backlog, "listen backlog");
  p.parse(argc, argv);
  wsx::bench::raise_fd_limit();
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });

  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(l, backlog) < 0) {
    std::perror("poll_echo: bind/listen");
    return 1;
  }
  socklen_t len = sizeof a;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  // pfds[0] is the listener; pfds[i] and conns[i] describe the same socket.
  std::vector<pollfd> pfds{{l, POLLIN, 0}};
  std::vector<Conn> conns(1);
  static char buf[65536];
  while (!g_stop) {
    int n = ::poll(pfds.data(), pfds.size(), 200);
    if (n <= 0) continue;
    int seen = 0;
    // Walk backwards so that removing entry i (the last one moves into its
    // place) never skips an entry not yet looked at.
    for (std::size_t i = pfds.size() - 1; i >= 1 && seen < n; --i) {
      short rev = pfds[i].revents;
      if (rev == 0) continue;
      ++seen;
      int fd = pfds[i].fd;
      Conn& c = conns[i];
      bool alive = true;
      if (rev & POLLOUT) alive = flush(fd, c);
      if (alive && c.pending.empty() && (rev & (POLLIN | POLLHUP | POLLERR))) {
        alive = echo(fd, c, buf, sizeof buf);
      }
      if (!alive) {
        ::close(fd);
        pfds[i] = pfds.back();
        conns[i] = std::move(conns.back());
        pfds.pop_back();
        conns.pop_back();
        continue;
      }
      // Back-pressure: while echo bytes wait, wait for room, not for input.
      pfds[i].events = c.pending.empty() ? POLLIN : POLLOUT;
    }
    if (pfds[0].revents & POLLIN) {
      for (;;) {
        int c = ::accept4(l, nullptr, nullptr, SOCK_NONBLOCK);
        if (c < 0) break;
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pfds.push_back({c, POLLIN, 0});
        conns.emplace_back();
      }
    }
  }
  return 0;
}
