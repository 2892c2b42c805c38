// The reference: an edge-triggered epoll echo server written the
// straightforward way (what a competent engineer writes by hand). Every
// server in the benchmarks is compared with this one.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

struct Conn {
  std::vector<char> pending;
  std::size_t off = 0;
};

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

}  // namespace

int main(int argc, char** argv) {
  int port = 0, backlog = 4096;
  wsx::flags::Parser p("epoll_echo", "Reference echo server: edge-triggered epoll, one thread.");
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
    std::perror("epoll_echo: bind/listen");
    return 1;
  }
  socklen_t len = sizeof a;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.fd = l;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
  std::unordered_map<int, Conn> conns;
  static char buf[65536];
  epoll_event evs[256];
  while (!g_stop) {
    int n = ::epoll_wait(ep, evs, 256, 200);
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == l) {
        for (;;) {
          int c = ::accept4(l, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
          cev.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
          conns[c];
        }
        continue;
      }
      Conn& c = conns[fd];
      bool dead = false;
      if ((evs[i].events & EPOLLOUT) && !flush(fd, c)) dead = true;
      if (!dead && (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
        // Edge-triggered: read until the socket is empty (or we must wait
        // for room to send).
        while (c.pending.empty()) {
          ssize_t r = ::recv(fd, buf, sizeof buf, 0);
          if (r > 0) {
            ssize_t w = ::send(fd, buf, static_cast<std::size_t>(r), MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN) {
              dead = true;
              break;
            }
            std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
            if (sent < static_cast<std::size_t>(r)) c.pending.assign(buf + sent, buf + r);
            continue;
          }
          if (r == 0 || errno != EAGAIN) dead = true;
          break;
        }
      }
      if (dead) {
        ::close(fd);
        conns.erase(fd);
      }
    }
  }
  return 0;
}
