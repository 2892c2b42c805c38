// ioctlsocket, setsockopt and getsockopt (rules S5, R8).
#include <cstring>

#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

#ifndef _WIN32
#include <sys/ioctl.h>
#endif

using namespace wsx::compat;

namespace {

// The commands arrive with Windows' values (WSX_FIONBIO, ...) or, in code
// that also includes the platform's <sys/ioctl.h>, with the platform's.
enum class Ioctl { nbio, nread, atmark, unknown };

Ioctl ioctl_of(long cmd) {
  if (cmd == WSX_FIONBIO) return Ioctl::nbio;
  if (cmd == WSX_FIONREAD) return Ioctl::nread;
  if (cmd == WSX_SIOCATMARK) return Ioctl::atmark;
#ifndef _WIN32
  if (cmd == static_cast<long>(0x5421)) return Ioctl::nbio;    // Linux FIONBIO
  if (cmd == static_cast<long>(0x541B)) return Ioctl::nread;   // Linux FIONREAD
  if (cmd == static_cast<long>(0x8905)) return Ioctl::atmark;  // Linux SIOCATMARK
#endif
  return Ioctl::unknown;
}

// Options Winsock treats as BOOL/int, where it accepts a 1-byte value.
bool is_int_option(int level, int optname) {
  if (level == IPPROTO_TCP) return optname == TCP_NODELAY;
  if (level != SOL_SOCKET) return false;
  switch (optname) {
    case SO_OOBINLINE:
    case SO_KEEPALIVE:
    case SO_REUSEADDR:
    case SO_BROADCAST:
    case SO_DONTROUTE:
    case SO_RCVBUF:
    case SO_SNDBUF:
    case SO_ERROR:
    case SO_TYPE:
    case SO_ACCEPTCONN:
      return true;
    default:
      return false;
  }
}

}  // namespace

int WSX_API wsx_ioctlsocket(SOCKET s, long cmd, u_long* argp) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (!argp) return fail(WSAEFAULT);
  wsx::IoResult r;
  switch (ioctl_of(cmd)) {
    case Ioctl::nbio:
      r = wsx::set_nonblocking(n, *argp != 0);  // refused while selected (S5)
      break;
    case Ioctl::nread:
      r = wsx::bytes_readable(n);
      break;
    case Ioctl::atmark:
      r = wsx::at_oob_mark(n);
      break;
    case Ioctl::unknown:
      return fail(WSAEINVAL);
  }
  if (!r.ok()) return fail(wsa_from_native(r.error));
  if (ioctl_of(cmd) != Ioctl::nbio) *argp = static_cast<u_long>(r.value);
  return 0;
}

int WSX_API wsx_setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (optlen < 0 || (!optval && optlen > 0)) return fail(WSAEFAULT);
  int widened = 0;
  const void* value = optval;
  wsx::socklen len = static_cast<wsx::socklen>(optlen);
  if (is_int_option(level, optname) && optlen > 0 && optlen < static_cast<int>(sizeof(int))) {
    // Winsock takes a one-byte BOOL; the kernel wants an int.
    widened = optval[0] != 0;
    value = &widened;
    len = sizeof widened;
  }
  wsx::IoResult r = wsx::set_option(n, level, optname, value, len);
  return r.ok() ? 0 : fail(wsa_from_native(r.error));
}

int WSX_API wsx_getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  if (!optval || !optlen || *optlen < 0) return fail(WSAEFAULT);
  if (is_int_option(level, optname) && *optlen < static_cast<int>(sizeof(int))) {
    return fail(WSAEFAULT);
  }
  wsx::socklen len = static_cast<wsx::socklen>(*optlen);
  wsx::IoResult r = wsx::get_option(n, level, optname, optval, &len);
  if (!r.ok()) return fail(wsa_from_native(r.error));
  *optlen = static_cast<int>(len);
  if (level == SOL_SOCKET && optname == SO_ERROR) {
    int v;
    std::memcpy(&v, optval, sizeof v);
    v = wsa_from_native(v);  // the pending error, as a WSA code
    std::memcpy(optval, &v, sizeof v);
  }
  return 0;
}
