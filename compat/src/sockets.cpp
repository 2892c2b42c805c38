// Creating, naming, connecting and closing sockets.
#include <cerrno>
#include <cstring>

#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

namespace wsx::compat {

// Winsock checks a socket address's length before anything else (WSAEFAULT).
int check_address(const sockaddr* a, int len) {
  if (!a || len < static_cast<int>(sizeof(sockaddr))) return WSAEFAULT;
  if (a->sa_family == AF_INET6 && len < static_cast<int>(sizeof(sockaddr_in6))) return WSAEFAULT;
  if (a->sa_family == AF_INET && len < static_cast<int>(sizeof(sockaddr_in))) return WSAEFAULT;
  return 0;
}

}  // namespace wsx::compat

namespace {

bool is_bound(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return reinterpret_cast<const sockaddr_in&>(a).sin_port != 0;
  if (a.ss_family == AF_INET6) return reinterpret_cast<const sockaddr_in6&>(a).sin6_port != 0;
  return true;  // other families (unix) have no ephemeral binding to tell apart
}

SOCKET open(int af, int type, int protocol) {
  WSX_REQUIRE_STARTUP(INVALID_SOCKET);
  wsx::IoResult r = wsx::open_socket(af, type, protocol);
  if (!r.ok()) {
    set_last_error(wsa_from_native(r.error));
    return INVALID_SOCKET;
  }
  return socket_of(static_cast<wsx::native_socket>(r.value));
}

int result(const wsx::IoResult& r) {
  return r.ok() ? 0 : fail(wsa_from_native(r.error));
}

}  // namespace

SOCKET WSX_API wsx_socket(int af, int type, int protocol) {
  return open(af, type, protocol);
}

SOCKET WSX_API wsx_WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                              GROUP g, DWORD dwFlags) {
  WSX_REQUIRE_STARTUP(INVALID_SOCKET);
  // Socket groups and protocol catalogues are not part of wsx; the overlapped
  // and no-inherit flags need nothing (wsx sockets are always close-on-exec).
  if (lpProtocolInfo || g != 0 || (dwFlags & ~(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT))) {
    set_last_error(WSAEINVAL);
    return INVALID_SOCKET;
  }
  return open(af, type, protocol);
}

SOCKET WSX_API wsx_WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                              GROUP g, DWORD dwFlags) {
  return wsx_WSASocketA(af, type, protocol, reinterpret_cast<LPWSAPROTOCOL_INFOA>(lpProtocolInfo),
                        g, dwFlags);
}

int WSX_API wsx_closesocket(SOCKET s) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  return result(wsx::close_socket(n));
}

int WSX_API wsx_bind(SOCKET s, const struct sockaddr* name, int namelen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (int e = check_address(name, namelen)) return fail(e);
  return result(wsx::bind_socket(n, name, static_cast<wsx::socklen>(namelen)));
}

int WSX_API wsx_listen(SOCKET s, int backlog) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  // Winsock listens only on a bound socket; POSIX would bind an ephemeral port.
  sockaddr_storage a{};
  wsx::socklen len = sizeof a;
  if (::getsockname(n, reinterpret_cast<sockaddr*>(&a), &len) == 0 && !is_bound(a)) {
    return fail(WSAEINVAL);
  }
  return result(wsx::listen_socket(n, backlog));
}

int WSX_API wsx_connect(SOCKET s, const struct sockaddr* name, int namelen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (int e = check_address(name, namelen)) return fail(e);
  return result(wsx::connect_socket(n, name, static_cast<wsx::socklen>(namelen)));
}

int WSX_API wsx_WSAConnect(SOCKET s, const struct sockaddr* name, int namelen,
                           LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                           LPQOS lpGQOS) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  // TCP carries no connect data; QoS is not provided (no flow specs exist).
  if ((lpCallerData && lpCallerData->len) || lpSQOS || lpGQOS) return fail(WSAEOPNOTSUPP);
  if (lpCalleeData) lpCalleeData->len = 0;
  return wsx_connect(s, name, namelen);
}

int WSX_API wsx_shutdown(SOCKET s, int how) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (how < SD_RECEIVE || how > SD_BOTH) return fail(WSAEINVAL);
  return result(wsx::shutdown_socket(n, how));
}

namespace {

template <class Call>
int name_query(SOCKET s, struct sockaddr* name, int* namelen, Call call) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (!name || !namelen || *namelen < 0) return fail(WSAEFAULT);
  sockaddr_storage a{};
  wsx::socklen len = sizeof a;
  if (call(n, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
#ifdef _WIN32
    return fail(WSAGetLastError());
#else
    return fail(wsa_from_native(errno));
#endif
  }
  if (*namelen < static_cast<int>(len)) return fail(WSAEFAULT);
  std::memcpy(name, &a, static_cast<std::size_t>(len));
  *namelen = static_cast<int>(len);
  return 0;
}

}  // namespace

int WSX_API wsx_getsockname(SOCKET s, struct sockaddr* name, int* namelen) {
  return name_query(s, name, namelen, [](wsx::native_socket n, sockaddr* a, wsx::socklen* l) {
    return ::getsockname(n, a, l);
  });
}

int WSX_API wsx_getpeername(SOCKET s, struct sockaddr* name, int* namelen) {
  return name_query(s, name, namelen, [](wsx::native_socket n, sockaddr* a, wsx::socklen* l) {
    return ::getpeername(n, a, l);
  });
}
