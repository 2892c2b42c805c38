// The core's socket calls on Winsock. native_error is the WSA code itself
// (WSAGetLastError), which is what the compat layer hands back unchanged.
#include "core/os_socket.hpp"
#include "core/socket_io_internal.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <climits>

namespace wsx::detail::os {

namespace {

int clamp_len(std::size_t len) {
  return len > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(len);
}

// TCP states as SIO_TCP_INFO reports them (TCPSTATE in mstcpip.h, which
// mingw-w64 only declares for Windows 10 1703 targets and later).
enum class TcpState : ULONG {
  closed = 0,
  syn_sent = 2,
  close_wait = 7,
  closing = 8,
  last_ack = 9,
  time_wait = 10,
};

// The TCP state, where the OS will say (SIO_TCP_INFO: Windows 10 1703 and
// later; not Wine 8). False when it will not.
bool tcp_state(native_socket s, TcpState* out) {
  constexpr DWORD kSioTcpInfo = _WSAIORW(IOC_VENDOR, 39);
  DWORD version = 0;
  // TCP_INFO_v0 starts with the state; the rest is room for what follows.
  union {
    ULONG state;
    unsigned char bytes[256];
  } info{};
  DWORD got = 0;
  if (WSAIoctl(s, kSioTcpInfo, &version, sizeof version, &info, sizeof info, &got, nullptr,
               nullptr) != 0 ||
      got < sizeof info.state) {
    return false;
  }
  *out = static_cast<TcpState>(info.state);
  return true;
}

bool peer_gone(TcpState t) {
  return t == TcpState::close_wait || t == TcpState::last_ack || t == TcpState::time_wait ||
         t == TcpState::closing || t == TcpState::closed;
}

// Family, type and protocol in one call; fails with WSAENOTSOCK for
// anything that is not a socket.
bool protocol_info(native_socket s, WSAPROTOCOL_INFOW* out, native_error* err) {
  int len = sizeof *out;
  if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(out), &len) != 0) {
    *err = WSAGetLastError();
    return false;
  }
  return true;
}

// Windows has no inode: a socket's identity is its kind. A number closed and
// reused behind wsx's back by a socket of another kind is noticed; one of
// the same kind is not (the backend still drops its poll: AFD reports the
// close).
std::uint64_t identity_from(const WSAPROTOCOL_INFOW& p) {
  return 1u | (static_cast<std::uint64_t>(static_cast<std::uint16_t>(p.iAddressFamily)) << 8) |
         (static_cast<std::uint64_t>(static_cast<std::uint16_t>(p.iSocketType)) << 24) |
         (static_cast<std::uint64_t>(static_cast<std::uint16_t>(p.iProtocol)) << 40);
}

}  // namespace

native_error startup() {
  WSADATA data;
  return WSAStartup(MAKEWORD(2, 2), &data);
}
void cleanup() {
  WSACleanup();
}

native_error err_would_block() {
  return WSAEWOULDBLOCK;
}
native_error err_in_progress() {
  return WSAEINPROGRESS;
}
native_error err_invalid() {
  return WSAEINVAL;
}
native_error err_not_socket() {
  return WSAENOTSOCK;
}
native_error err_bad_descriptor() {
  return WSAENOTSOCK;  // Winsock has no EBADF: a bad handle is not a socket
}
native_error err_conn_reset() {
  return WSAECONNRESET;
}
native_error err_conn_aborted() {
  return WSAECONNABORTED;
}
native_error err_conn_refused() {
  return WSAECONNREFUSED;
}
native_error err_shutdown() {
  return WSAESHUTDOWN;
}
native_error err_no_memory() {
  return WSAENOBUFS;
}
native_error err_fault() {
  return WSAEFAULT;
}
native_error last_error() {
  return WSAGetLastError();
}
bool is_would_block(native_error e) {
  return e == WSAEWOULDBLOCK;
}
// Winsock's own recv fails a short datagram buffer with WSAEMSGSIZE.
int datagram_length_flag() {
  return 0;
}

bool is_broken_pipe(native_error e) {
  // Winsock's word for sending on a connection that is gone; Wine also
  // gives it after a reset whose error it consumed.
  return e == WSAESHUTDOWN;
}

bool is_connection_failure(native_error e) {
  return e == WSAECONNRESET || e == WSAECONNABORTED || e == WSAETIMEDOUT || e == WSAENETRESET;
}

PollBits poll_now(native_socket s) {
  // WSAPoll refuses POLLPRI; POLLRDBAND is its name for urgent data.
  WSAPOLLFD p{s, POLLRDNORM | POLLRDBAND | POLLWRNORM, 0};
  PollBits b;
  if (WSAPoll(&p, 1, 0) <= 0) return b;
  // POLLHUP is the peer's FIN (or a reset, with POLLERR). End of stream is
  // readable, as POSIX reports it, so the core can give FD_CLOSE for it.
  b.in = p.revents & (POLLRDNORM | POLLHUP);
  b.out = p.revents & POLLWRNORM;
  b.pri = p.revents & POLLRDBAND;
  b.rdhup = p.revents & POLLHUP;
  b.err = p.revents & POLLERR;
  b.hup = (p.revents & POLLHUP) && (p.revents & POLLERR);
  return b;
}

long bytes_available(native_socket s) {
  u_long n = 0;
  if (ioctlsocket(s, FIONREAD, &n) != 0) return -1;
  return n > static_cast<u_long>(LONG_MAX) ? LONG_MAX : static_cast<long>(n);
}

bool normal_data_waiting(native_socket s) {
  // Winsock's FIONREAD counts the normal data (urgent data out of band is
  // not part of it) and is not cut at a mark.
  return bytes_available(s) > 0;
}

bool datagram_pending(native_socket s) {
  // FIONREAD cannot tell an empty datagram from none; the poll can.
  return poll_now(s).in;
}

bool oob_pending(native_socket s) {
  char c;
  return ::recv(s, &c, 1, MSG_OOB | MSG_PEEK) == 1;
}

// Winsock keeps the urgent byte for MSG_OOB however normal reads fall, so
// the core never needs to take it out of the stream first.
bool at_urgent_mark(native_socket) {
  return false;
}

native_error take_socket_error(native_socket s) {
  // Winsock keeps SO_ERROR after it is read; the core reads it only once
  // per failure, so "take" holds all the same.
  int e = 0;
  int l = sizeof e;
  if (getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&e), &l) != 0) {
    return WSAGetLastError();
  }
  return e;
}

bool peer_has_closed(native_socket s) {
  TcpState t;
  // Without SIO_TCP_INFO, trust the report that asked: AFD and WSAPoll
  // give the disconnect for the peer's FIN, not for our own SD_RECEIVE.
  if (!tcp_state(s, &t)) return true;
  return peer_gone(t);
}

native_error close_error_for(native_error e) {
  return e == WSAECONNRESET ? WSAECONNRESET : WSAECONNABORTED;
}

std::uint64_t identity_of(native_socket s) {
  WSAPROTOCOL_INFOW p;
  native_error ignored;
  return protocol_info(s, &p, &ignored) ? identity_from(p) : 0;
}

native_error inspect(native_socket s, SocketFacts* out) {
  WSAPROTOCOL_INFOW p;
  native_error err = 0;
  if (!protocol_info(s, &p, &err)) return err;
  SocketFacts f;
  f.identity = identity_from(p);
  f.stream = p.iSocketType == SOCK_STREAM;
  int v = 0;
  int l = sizeof v;
  if (getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, reinterpret_cast<char*>(&v), &l) == 0) {
    f.listening = v != 0;
  }
  l = sizeof v;
  if (getsockopt(s, SOL_SOCKET, SO_OOBINLINE, reinterpret_cast<char*>(&v), &l) == 0) {
    f.oob_inline = v != 0;
  }
  // Winsock cannot tell whether a socket is non-blocking; selecting makes it
  // so anyway (S5).
  f.nonblocking = false;
  sockaddr_storage a{};
  int al = sizeof a;
  if (getsockname(s, reinterpret_cast<sockaddr*>(&a), &al) == 0) {
    if (a.ss_family == AF_INET) f.bound = reinterpret_cast<sockaddr_in*>(&a)->sin_port != 0;
    if (a.ss_family == AF_INET6) f.bound = reinterpret_cast<sockaddr_in6*>(&a)->sin6_port != 0;
  }
  if (!f.listening) {
    al = sizeof a;
    f.connected = getpeername(s, reinterpret_cast<sockaddr*>(&a), &al) == 0;
  }
  TcpState t;
  if (f.stream && !f.listening && tcp_state(s, &t)) {
    f.connecting = t == TcpState::syn_sent;
    f.peer_closed = f.connected && peer_gone(t);
  }
  *out = f;
  return 0;
}

native_error set_nonblocking(native_socket s, bool on) {
  u_long v = on ? 1 : 0;
  return ioctlsocket(s, FIONBIO, &v) == 0 ? 0 : WSAGetLastError();
}

native_socket open(int family, int type, int protocol, native_error* err) {
  // Overlapped, so AFD and IOCP may be used on it; not inherited by child
  // processes, like SOCK_CLOEXEC on Linux.
  SOCKET s = WSASocketW(family, type, protocol, nullptr, 0,
                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) *err = WSAGetLastError();
  return s;
}

int close(native_socket s, native_error* err) {
  if (closesocket(s) != 0) {
    *err = WSAGetLastError();
    return -1;
  }
  return 0;
}

#define WSX_CALL(expr)                   \
  int r_ = (expr);                       \
  if (r_ != 0) *err = WSAGetLastError(); \
  return r_ == 0 ? 0 : -1

int bind(native_socket s, const sockaddr* a, socklen len, native_error* err) {
  WSX_CALL(::bind(s, a, len));
}
int listen(native_socket s, int backlog, native_error* err) {
  WSX_CALL(::listen(s, backlog));
}
int connect(native_socket s, const sockaddr* a, socklen len, native_error* err) {
  WSX_CALL(::connect(s, a, len));
}
int shutdown(native_socket s, int how, native_error* err) {
  WSX_CALL(::shutdown(s, how));
}
int get_option(native_socket s, int level, int name, void* value, socklen* len, native_error* err) {
  WSX_CALL(::getsockopt(s, level, name, static_cast<char*>(value), len));
}
int set_option(native_socket s, int level, int name, const void* value, socklen len,
               native_error* err) {
  WSX_CALL(::setsockopt(s, level, name, static_cast<const char*>(value), len));
}
#undef WSX_CALL

native_socket accept(native_socket s, sockaddr* a, socklen* len, bool nonblocking,
                     native_error* err) {
  SOCKET c = ::accept(s, a, len);
  if (c == INVALID_SOCKET) {
    *err = WSAGetLastError();
    return c;
  }
  // Winsock says an accepted socket inherits the listener's properties;
  // saying it explicitly costs one call and does not depend on that.
  if (nonblocking) set_nonblocking(c, true);
  return c;
}

long recv(native_socket s, void* buf, std::size_t len, int flags, native_error* err) {
  int r = ::recv(s, static_cast<char*>(buf), clamp_len(len), flags);
  if (r == SOCKET_ERROR) *err = WSAGetLastError();
  return r;
}

long recvfrom(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
              socklen* fromlen, native_error* err) {
  int r = ::recvfrom(s, static_cast<char*>(buf), clamp_len(len), flags, from, fromlen);
  if (r == SOCKET_ERROR) *err = WSAGetLastError();
  return r;
}

long send(native_socket s, const void* buf, std::size_t len, int flags, native_error* err) {
  int r = ::send(s, static_cast<const char*>(buf), clamp_len(len), flags);
  if (r == SOCKET_ERROR) *err = WSAGetLastError();
  return r;
}

long sendto(native_socket s, const void* buf, std::size_t len, int flags, const sockaddr* to,
            socklen tolen, native_error* err) {
  int r = ::sendto(s, static_cast<const char*>(buf), clamp_len(len), flags, to, tolen);
  if (r == SOCKET_ERROR) *err = WSAGetLastError();
  return r;
}

namespace {
constexpr std::size_t kMaxBuffers = 64;

bool to_wsabufs(const Buffer* bufs, std::size_t count, WSABUF* out, native_error* err) {
  if (count > kMaxBuffers) {
    *err = WSAEINVAL;
    return false;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (bufs[i].len > ULONG_MAX) {
      *err = WSAEINVAL;
      return false;
    }
    out[i].buf = static_cast<char*>(bufs[i].data);
    out[i].len = static_cast<ULONG>(bufs[i].len);
  }
  return true;
}
}  // namespace

long recv_vector(native_socket s, const Buffer* bufs, std::size_t count, int* flags, sockaddr* from,
                 socklen* fromlen, native_error* err) {
  WSABUF wb[kMaxBuffers];
  if (!to_wsabufs(bufs, count, wb, err)) return -1;
  DWORD got = 0;
  DWORD fl = static_cast<DWORD>(*flags);
  int r = from ? WSARecvFrom(s, wb, static_cast<DWORD>(count), &got, &fl, from, fromlen, nullptr,
                             nullptr)
               : WSARecv(s, wb, static_cast<DWORD>(count), &got, &fl, nullptr, nullptr);
  if (r != 0) {
    *err = WSAGetLastError();
    return -1;
  }
  *flags = static_cast<int>(fl);
  return got > static_cast<DWORD>(LONG_MAX) ? LONG_MAX : static_cast<long>(got);
}

long send_vector(native_socket s, const Buffer* bufs, std::size_t count, int flags,
                 const sockaddr* to, socklen tolen, native_error* err) {
  WSABUF wb[kMaxBuffers];
  if (!to_wsabufs(bufs, count, wb, err)) return -1;
  DWORD sent = 0;
  int r = to ? WSASendTo(s, wb, static_cast<DWORD>(count), &sent, static_cast<DWORD>(flags), to,
                         tolen, nullptr, nullptr)
             : WSASend(s, wb, static_cast<DWORD>(count), &sent, static_cast<DWORD>(flags), nullptr,
                       nullptr);
  if (r != 0) {
    *err = WSAGetLastError();
    return -1;
  }
  return sent > static_cast<DWORD>(LONG_MAX) ? LONG_MAX : static_cast<long>(sent);
}

bool local_address(native_socket s, sockaddr* a, socklen* len) {
  return getsockname(s, a, len) == 0;
}

bool has_peer(native_socket s) {
  sockaddr_storage a{};
  socklen len = sizeof a;
  return ::getpeername(s, reinterpret_cast<sockaddr*>(&a), &len) == 0;
}

void abort_on_close(native_socket s) {
  linger l{1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l), sizeof l);
}

}  // namespace wsx::detail::os

namespace wsx::detail {

bool socket_kind_is_stream(int type) {
  return type == SOCK_STREAM;
}
bool socket_kind_is_nonblocking(int) {
  return false;  // Winsock has no SOCK_NONBLOCK
}

std::uint32_t shutdown_flags(int how) {
  switch (how) {
    case SD_RECEIVE:
      return sf::kShutRecv;
    case SD_SEND:
      return sf::kShutSend;
    case SD_BOTH:
      return sf::kShutRecv | sf::kShutSend;
    default:
      return 0;
  }
}

bool connect_outcome_is_known(native_error e) {
  switch (e) {
    case WSAEALREADY:
    case WSAEISCONN:
    case WSAENOTSOCK:
    case WSAEFAULT:
    case WSAEINVAL:
      return false;
    default:
      return true;
  }
}

}  // namespace wsx::detail
