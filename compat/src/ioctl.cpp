// WSAIoctl: the re-enabling calls of FD_ADDRESS_LIST_CHANGE,
// FD_ROUTING_INTERFACE_CHANGE and FD_QOS (R3, R4, R6), the queries that go
// with them, and the ioctlsocket commands Winsock also takes here.
#include <cstring>
#include <vector>

#include "compat_internal.hpp"
#include "wsx/net_changes.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

namespace {

// SIO_ADDRESS_LIST_QUERY's layout: the list, its entries, then the
// addresses they point to (each on an 8-byte boundary). Too small a buffer:
// WSAEFAULT with the size needed in *returned, as Winsock does.
int address_list(wsx::native_socket n, void* out, DWORD room, DWORD* returned) {
  std::vector<wsx::SocketAddress> list;
  if (wsx::native_error e = wsx::query_address_list(n, &list)) return fail(wsa_from_native(e));
  const std::size_t head = SIZEOF_SOCKET_ADDRESS_LIST(list.size());
  std::size_t need = head;
  for (const wsx::SocketAddress& a : list)
    need += (static_cast<std::size_t>(a.len) + 7) & ~std::size_t{7};
  *returned = static_cast<DWORD>(need);
  if (!out || room < need) return fail(WSAEFAULT);
  auto* base = static_cast<char*>(out);
  auto* result = static_cast<SOCKET_ADDRESS_LIST*>(out);
  result->iAddressCount = static_cast<INT>(list.size());
  std::size_t at = head;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::memcpy(base + at, &list[i].addr, static_cast<std::size_t>(list[i].len));
    result->Address[i].lpSockaddr = reinterpret_cast<LPSOCKADDR>(base + at);
    result->Address[i].iSockaddrLength = static_cast<INT>(list[i].len);
    at += (static_cast<std::size_t>(list[i].len) + 7) & ~std::size_t{7};
  }
  return 0;
}

int route_query(wsx::native_socket n, const void* in, DWORD in_len, void* out, DWORD room,
                DWORD* returned) {
  wsx::SocketAddress a;
  wsx::native_error e =
      wsx::query_route(n, static_cast<const sockaddr*>(in), static_cast<wsx::socklen>(in_len), &a);
  if (e) return fail(wsa_from_native(e));
  *returned = static_cast<DWORD>(a.len);
  if (!out || room < static_cast<DWORD>(a.len)) return fail(WSAEFAULT);
  std::memcpy(out, &a.addr, static_cast<std::size_t>(a.len));
  return 0;
}

// The CHANGE ioctls: 0 when a blocking call saw its change, WSAEWOULDBLOCK
// on a non-blocking socket (the event follows the change).
int change_result(const wsx::IoResult& r, DWORD* returned) {
  *returned = 0;
  return r.ok() ? 0 : fail(wsa_from_native(r.error));
}

// FIONBIO, FIONREAD, SIOCATMARK: ioctlsocket's argument is WSAIoctl's input
// (FIONBIO) or output (the others).
int socket_command(SOCKET s, DWORD code, void* in, DWORD in_len, void* out, DWORD room,
                   DWORD* returned) {
  u_long arg = 0;
  *returned = 0;
  if (code == static_cast<DWORD>(WSX_FIONBIO)) {
    if (!in || in_len < sizeof arg) return fail(WSAEFAULT);
    std::memcpy(&arg, in, sizeof arg);
    return wsx_ioctlsocket(s, WSX_FIONBIO, &arg);
  }
  if (!out || room < sizeof arg) return fail(WSAEFAULT);
  const long cmd = code == static_cast<DWORD>(WSX_FIONREAD) ? WSX_FIONREAD : WSX_SIOCATMARK;
  if (wsx_ioctlsocket(s, cmd, &arg) != 0) return SOCKET_ERROR;
  std::memcpy(out, &arg, sizeof arg);
  *returned = sizeof arg;
  return 0;
}

}  // namespace

int WSX_API wsx_WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                         LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                         LPWSAOVERLAPPED lpOverlapped,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
  WSX_REQUIRE_STARTUP(SOCKET_ERROR);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, SOCKET_ERROR);
  // Overlapped I/O is not part of wsx (docs/semantics.md).
  if (lpOverlapped || lpCompletionRoutine) return fail(WSAEOPNOTSUPP);
  if (!lpcbBytesReturned) return fail(WSAEFAULT);
  switch (dwIoControlCode) {
    case SIO_ADDRESS_LIST_CHANGE:
      return change_result(wsx::watch_address_list(n), lpcbBytesReturned);
    case SIO_ROUTING_INTERFACE_CHANGE:
      return change_result(wsx::watch_route(n, static_cast<const sockaddr*>(lpvInBuffer),
                                            static_cast<wsx::socklen>(cbInBuffer)),
                           lpcbBytesReturned);
    case SIO_ADDRESS_LIST_QUERY:
      return address_list(n, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned);
    case SIO_ROUTING_INTERFACE_QUERY:
      return route_query(n, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned);
    case SIO_GET_QOS:
    case SIO_GET_GROUP_QOS: {
      std::size_t got = 0;
      wsx::native_error e =
          wsx::query_qos(n, dwIoControlCode == SIO_GET_GROUP_QOS, lpvOutBuffer, cbOutBuffer, &got);
      *lpcbBytesReturned = static_cast<DWORD>(got);
      return e ? fail(wsa_from_native(e)) : 0;
    }
    default:
      break;
  }
  if (dwIoControlCode == static_cast<DWORD>(WSX_FIONBIO) ||
      dwIoControlCode == static_cast<DWORD>(WSX_FIONREAD) ||
      dwIoControlCode == static_cast<DWORD>(WSX_SIOCATMARK)) {
    return socket_command(s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer,
                          lpcbBytesReturned);
  }
  return fail(WSAEINVAL);
}
