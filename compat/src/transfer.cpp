// recv/send and their WSA* forms: the re-enabling functions of FD_READ,
// FD_OOB and FD_WRITE (rules R3, R4, R5, R7).
#include <climits>
#include <cstring>

#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

namespace {

constexpr int kReceiveFlags = MSG_PEEK | MSG_OOB | MSG_WAITALL;
constexpr int kSendFlags = MSG_OOB | MSG_DONTROUTE;

// Winsock fails a datagram receive whose buffer was too small with
// WSAEMSGSIZE (the datagram is consumed, the buffer holds its first part);
// POSIX truncates quietly and says so in the message flags.
bool truncated(int out_flags) {
#ifdef _WIN32
  (void)out_flags;
  return false;  // Windows' own recv already failed with WSAEMSGSIZE
#else
  return (out_flags & MSG_TRUNC) != 0;
#endif
}

// One receive through the runtime's vector call, which reports truncation.
// Returns bytes, or SOCKET_ERROR with the last error set.
long receive(SOCKET s, const wsx::IoBuffer* bufs, std::size_t count, int* flags, sockaddr* from,
             int* fromlen) {
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (*flags & ~kReceiveFlags) return fail(WSAEOPNOTSUPP);
  if (from && (!fromlen || *fromlen < static_cast<int>(sizeof(sockaddr_in)))) {
    return fail(WSAEFAULT);
  }
  sockaddr_storage peer{};
  wsx::socklen len = sizeof peer;
  int in_flags = *flags;
  int out_flags = in_flags;
  wsx::IoResult r = wsx::receive_vector(n, bufs, count, &out_flags,
                                        from ? reinterpret_cast<sockaddr*>(&peer) : nullptr,
                                        from ? &len : nullptr);
  if (!r.ok()) return fail(wsa_from_native(r.error));
  if (from) {
    if (*fromlen < static_cast<int>(len)) return fail(WSAEFAULT);
    std::memcpy(from, &peer, static_cast<std::size_t>(len));
    *fromlen = static_cast<int>(len);
  }
  *flags = 0;
  if (truncated(out_flags)) {
    *flags = MSG_PARTIAL;
    return fail(WSAEMSGSIZE);
  }
  return static_cast<long>(r.value);
}

int send(SOCKET s, const wsx::IoBuffer* bufs, std::size_t count, int flags, const sockaddr* to,
         int tolen) {
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (flags & ~kSendFlags) return fail(WSAEOPNOTSUPP);
  if (to) {
    if (int e = check_address(to, tolen)) return fail(e);
  }
  wsx::IoResult r =
      wsx::send_vector(n, bufs, count, flags, to, to ? static_cast<wsx::socklen>(tolen) : 0);
  if (!r.ok()) return fail(wsa_from_native(r.error));
  return static_cast<int>(r.value);
}

// WSABUF arrays, checked as Winsock checks them.
int buffers_of(LPWSABUF b, DWORD count, wsx::IoBuffer* out, std::size_t room) {
  if (!b) return WSAEFAULT;
  if (count == 0 || count > room) return WSAEINVAL;
  for (DWORD i = 0; i < count; ++i) {
    if (!b[i].buf && b[i].len) return WSAEFAULT;
    out[i] = wsx::IoBuffer{b[i].buf, b[i].len};
  }
  return 0;
}

constexpr std::size_t kMaxBuffers = 64;

}  // namespace

// The single-buffer forms take the runtime's one-buffer calls (recvfrom and
// sendto rather than recvmsg and sendmsg: no message header to build).
namespace {

int receive_one(SOCKET s, char* buf, int len, int* flags, sockaddr* from, int* fromlen) {
  if (len < 0 || (!buf && len > 0)) return fail(WSAEFAULT);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (*flags & ~kReceiveFlags) return fail(WSAEOPNOTSUPP);
  if (from && (!fromlen || *fromlen < static_cast<int>(sizeof(sockaddr_in)))) {
    return fail(WSAEFAULT);
  }
  // The caller's address buffer goes to the OS as it is: a connected stream
  // ignores it (Windows leaves it alone, Linux reports length 0).
  const int room = from ? *fromlen : 0;
  wsx::socklen plen = static_cast<wsx::socklen>(room);
  bool truncated = false;
  wsx::IoResult r = wsx::receive_message(n, buf, static_cast<std::size_t>(len), *flags, from,
                                         from ? &plen : nullptr, &truncated);
  if (!r.ok()) return fail(wsa_from_native(r.error));
  if (from) {
    if (static_cast<int>(plen) > room) return fail(WSAEFAULT);  // the address did not fit
    *fromlen = static_cast<int>(plen);
  }
  *flags = 0;
  if (truncated) {
    *flags = MSG_PARTIAL;
    return fail(WSAEMSGSIZE);
  }
  return static_cast<int>(r.value);
}

int send_one(SOCKET s, const char* buf, int len, int flags, const sockaddr* to, int tolen) {
  if (len < 0 || (!buf && len > 0)) return fail(WSAEFAULT);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (flags & ~kSendFlags) return fail(WSAEOPNOTSUPP);
  if (to) {
    if (int e = check_address(to, tolen)) return fail(e);
  }
  wsx::IoResult r = wsx::send_to(n, buf, static_cast<std::size_t>(len), flags, to,
                                 to ? static_cast<wsx::socklen>(tolen) : 0);
  if (!r.ok()) return fail(wsa_from_native(r.error));
  return static_cast<int>(r.value);
}

}  // namespace

int WSX_API wsx_recv(SOCKET s, char* buf, int len, int flags) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return receive_one(s, buf, len, &flags, nullptr, nullptr);
}

int WSX_API wsx_recvfrom(SOCKET s, char* buf, int len, int flags, struct sockaddr* from,
                         int* fromlen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return receive_one(s, buf, len, &flags, from, fromlen);
}

int WSX_API wsx_WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                            LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr* lpFrom,
                            LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  if (lpOverlapped || lpCompletionRoutine) return fail(WSAEOPNOTSUPP);
  if (!lpNumberOfBytesRecvd || !lpFlags) return fail(WSAEFAULT);
  wsx::IoBuffer bufs[kMaxBuffers];
  if (int e = buffers_of(lpBuffers, dwBufferCount, bufs, kMaxBuffers)) return fail(e);
  int flags = static_cast<int>(*lpFlags);
  long n = dwBufferCount == 1 ? receive_one(s, lpBuffers[0].buf, static_cast<int>(lpBuffers[0].len),
                                            &flags, lpFrom, lpFromlen)
                              : receive(s, bufs, dwBufferCount, &flags, lpFrom, lpFromlen);
  *lpFlags = static_cast<DWORD>(flags);
  if (n < 0) return SOCKET_ERROR;
  *lpNumberOfBytesRecvd = static_cast<DWORD>(n);
  return 0;
}

int WSX_API wsx_WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                        LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  return wsx_WSARecvFrom(s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, nullptr,
                         nullptr, lpOverlapped, lpCompletionRoutine);
}

int WSX_API wsx_send(SOCKET s, const char* buf, int len, int flags) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return send_one(s, buf, len, flags, nullptr, 0);
}

int WSX_API wsx_sendto(SOCKET s, const char* buf, int len, int flags, const struct sockaddr* to,
                       int tolen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  return send_one(s, buf, len, flags, to, tolen);
}

int WSX_API wsx_WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                          LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr* lpTo,
                          int iTolen, LPWSAOVERLAPPED lpOverlapped,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  if (lpOverlapped || lpCompletionRoutine) return fail(WSAEOPNOTSUPP);
  if (!lpNumberOfBytesSent) return fail(WSAEFAULT);
  wsx::IoBuffer bufs[kMaxBuffers];
  if (int e = buffers_of(lpBuffers, dwBufferCount, bufs, kMaxBuffers)) return fail(e);
  int n = dwBufferCount == 1
              ? send_one(s, lpBuffers[0].buf, static_cast<int>(lpBuffers[0].len),
                         static_cast<int>(dwFlags), lpTo, iTolen)
              : send(s, bufs, dwBufferCount, static_cast<int>(dwFlags), lpTo, iTolen);
  if (n < 0) return SOCKET_ERROR;
  *lpNumberOfBytesSent = static_cast<DWORD>(n);
  return 0;
}

int WSX_API wsx_WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                        LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  return wsx_WSASendTo(s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, nullptr, 0,
                       lpOverlapped, lpCompletionRoutine);
}
