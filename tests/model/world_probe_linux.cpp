// Linux: TCP_INFO, SIOCOUTQ and SO_MEMINFO. This file includes the kernel's
// own <linux/tcp.h> (for tcp_info's byte counters, which glibc's copy lacks)
// and therefore nothing that includes <netinet/tcp.h>.
#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "model/world_probe.hpp"

namespace wsx::model {

namespace {
// The kernel's TCP states (include/net/tcp_states.h; not in the uapi headers).
enum : int {
  TCP_ESTABLISHED = 1,
  TCP_SYN_SENT = 2,
  TCP_SYN_RECV = 3,
  TCP_TIME_WAIT = 6,
  TCP_CLOSE = 7,
  TCP_CLOSE_WAIT = 8,
  TCP_LAST_ACK = 9,
  TCP_LISTEN = 10,
  TCP_CLOSING = 11,
};
}  // namespace

TcpFacts tcp_facts(std::uintptr_t socket) {
  const int fd = static_cast<int>(socket);
  TcpFacts f;
  tcp_info info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return f;
  f.ok = true;
  f.state = info.tcpi_state;
  f.bytes_received = info.tcpi_bytes_received;
  f.unacked = info.tcpi_unacked;
  f.notsent = info.tcpi_notsent_bytes;
  f.send_window = info.tcpi_snd_wnd;
  int outq = 0;
  if (f.state != TCP_LISTEN && ::ioctl(fd, SIOCOUTQ, &outq) == 0) f.outq = outq;
  int inq = 0;
  if (f.state != TCP_LISTEN && ::ioctl(fd, SIOCINQ, &inq) == 0) f.inq = inq;
  pollfd p{fd, POLLIN | POLLPRI | POLLOUT | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) == 1) f.poll = p.revents;
  return f;
}

std::uint16_t peer_port(std::uintptr_t socket) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getpeername(static_cast<int>(socket), reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  if (a.ss_family != AF_INET) return 0;
  return ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

long receive_memory(std::uintptr_t socket) {
  unsigned mem[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof mem;
  if (::getsockopt(static_cast<int>(socket), SOL_SOCKET, SO_MEMINFO, mem, &len) != 0) return -1;
  return static_cast<long>(mem[SK_MEMINFO_RMEM_ALLOC]);
}

bool tcp_state_is_established(int state) {
  return state == TCP_ESTABLISHED;
}

bool tcp_state_after_fin(int state) {
  switch (state) {
    case TCP_CLOSE_WAIT:
    case TCP_LAST_ACK:
    case TCP_CLOSING:
    case TCP_TIME_WAIT:
    case TCP_CLOSE:
      return true;
    default:
      return false;
  }
}

bool tcp_state_is_closed(int state) {
  return state == TCP_CLOSE;
}

bool tcp_state_is_connecting(int state) {
  return state == TCP_SYN_SENT || state == TCP_SYN_RECV;
}

}  // namespace wsx::model
