// The Windows side of change notification (core/net_watch.hpp): the
// system's own SIO_ADDRESS_LIST_CHANGE and SIO_ROUTING_INTERFACE_CHANGE,
// issued overlapped on one helper socket per family whose completions come
// to the backend's port (Backend::watch) and are read by whichever thread
// leads. No thread of its own.
//
// The routing request names the family's wildcard address, which Winsock
// defines as "any routing change" (the core then looks each watched
// destination up again). An address completion only says that something
// about addresses changed, so the list is compared with the one kept from
// the last look; the core is told only when members came or went.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/net_watch.hpp"

namespace wsx::detail::netwatch {

namespace {

// One overlapped request of a helper. The kernel owns `ov` while
// in_flight is 1; it is issued again only at 0, also across a stop and a
// start (a request cancelled by closing its helper completes later, to the
// same static source).
struct Op {
  OVERLAPPED ov{};
  std::atomic<int> in_flight{0};
  std::atomic<bool> done{false};
  native_error refused = 0;  // the system will not do it: never issued again
};

struct Helper {
  SOCKET s = INVALID_SOCKET;
  int family = 0;
  Op addresses;
  Op routes;
  std::vector<Address> list;  // at the last look
};

struct State {
  Helper helpers[2];
  bool started = false;
};

// Touched only under the core's change lock (net_watch.hpp), except the
// atomics, which note_ready also moves.
State& state() {
  static State* s = [] {
    auto* st = new State();
    st->helpers[0].family = AF_INET;
    st->helpers[1].family = AF_INET6;
    return st;
  }();
  return *s;
}

unsigned address_bit(int family) {
  return family == AF_INET ? kAddressesV4 : kAddressesV6;
}
unsigned route_bit(int family) {
  return family == AF_INET ? kRoutesV4 : kRoutesV6;
}

// An NTSTATUS in an OVERLAPPED's Internal: the request failed. Wine 8
// accepts SIO_ROUTING_INTERFACE_CHANGE as pending and fails it with
// STATUS_NOT_SUPPORTED, written at once and sent as a completion packet;
// re-issuing it after every such packet would spin.
native_error failure_of(const OVERLAPPED& ov) {
  const auto status = static_cast<std::uint32_t>(ov.Internal);
  if ((status & 0xC0000000u) != 0xC0000000u) return 0;  // success, pending, warning
  if (status == 0xC0000120u) return 0;                  // STATUS_CANCELLED: we closed it
  return status == 0xC00000BBu ? WSAEOPNOTSUPP : WSASYSCALLFAILURE;
}

native_error query_list(SOCKET s, std::vector<Address>* out) {
  std::vector<char> buf(4096);
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD got = 0;
    if (WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, nullptr, 0, buf.data(), static_cast<DWORD>(buf.size()),
                 &got, nullptr, nullptr) == 0) {
      const auto* list = reinterpret_cast<const SOCKET_ADDRESS_LIST*>(buf.data());
      out->clear();
      for (INT i = 0; i < list->iAddressCount; ++i) {
        Address a;
        const INT len = list->Address[i].iSockaddrLength;
        if (len <= 0 || static_cast<std::size_t>(len) > sizeof a.addr) continue;
        std::memcpy(&a.addr, list->Address[i].lpSockaddr, static_cast<std::size_t>(len));
        a.len = len;
        out->push_back(a);
      }
      return 0;
    }
    const native_error e = WSAGetLastError();
    // Too small: the size needed is in `got` (the list may grow meanwhile).
    if (e != WSAEFAULT || got <= buf.size()) return e;
    buf.resize(got);
  }
  return WSAENOBUFS;
}

bool same_list(const std::vector<Address>& a, const std::vector<Address>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].len != b[i].len ||
        std::memcmp(&a[i].addr, &b[i].addr, static_cast<std::size_t>(a[i].len)) != 0) {
      return false;
    }
  }
  return true;
}

void issue(Helper& h, Op& op, bool route) {
  if (op.refused || h.s == INVALID_SOCKET || op.in_flight.load(std::memory_order_acquire) != 0) {
    return;
  }
  std::memset(&op.ov, 0, sizeof op.ov);
  op.in_flight.store(1, std::memory_order_release);
  sockaddr_storage any{};
  any.ss_family = static_cast<ADDRESS_FAMILY>(h.family);
  const DWORD any_len = h.family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  DWORD got = 0;
  const int r =
      route ? WSAIoctl(h.s, SIO_ROUTING_INTERFACE_CHANGE, &any, any_len, nullptr, 0, &got, &op.ov,
                       nullptr)
            : WSAIoctl(h.s, SIO_ADDRESS_LIST_CHANGE, nullptr, 0, nullptr, 0, &got, &op.ov, nullptr);
  // Pending or done at once: a completion packet follows either way.
  if (r == 0 || WSAGetLastError() == WSA_IO_PENDING) {
    op.refused = failure_of(op.ov);
    return;
  }
  op.refused = WSAGetLastError();
  op.in_flight.store(0, std::memory_order_release);
}

}  // namespace

native_error start(Backend& backend, BackendSource* src) {
  State& st = state();
  if (st.started) return 0;
  for (Helper& h : st.helpers) {
    h.addresses.refused = h.routes.refused = 0;
    h.s = WSASocketW(h.family, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    native_error e = h.s == INVALID_SOCKET ? WSAGetLastError() : 0;
    if (e == 0) e = backend.watch(static_cast<std::uintptr_t>(h.s), src);
    if (e != 0) {
      if (h.s != INVALID_SOCKET) closesocket(h.s);
      h.s = INVALID_SOCKET;
      if (h.family == AF_INET) return e;
      continue;  // no IPv6: nothing of it to watch
    }
    query_list(h.s, &h.list);
    issue(h, h.addresses, false);
    issue(h, h.routes, true);
  }
  if (native_error e = st.helpers[0].addresses.refused) {
    stop(backend);
    return e;
  }
  st.started = true;
  return 0;
}

void stop(Backend&) {
  State& st = state();
  for (Helper& h : st.helpers) {
    if (h.s != INVALID_SOCKET) closesocket(h.s);  // ends its requests
    h.s = INVALID_SOCKET;
    h.list.clear();
  }
  st.started = false;
}

bool started() {
  return state().started;
}

native_error routes_supported() {
  return state().helpers[0].routes.refused;
}

void note_ready(void* report) {
  for (Helper& h : state().helpers) {
    for (Op* op : {&h.addresses, &h.routes}) {
      if (report != &op->ov) continue;
      op->done.store(true, std::memory_order_release);
      op->in_flight.store(0, std::memory_order_release);
    }
  }
}

unsigned drain() {
  unsigned bits = 0;
  for (Helper& h : state().helpers) {
    for (Op* op : {&h.addresses, &h.routes}) {
      if (!op->done.exchange(false, std::memory_order_acq_rel)) continue;
      if (native_error e = failure_of(op->ov)) {
        op->refused = e;  // failed, not changed: not issued again
      } else {
        bits |= route_bit(h.family);
      }
    }
    if (h.s == INVALID_SOCKET) continue;
    // Looked at on every drain, completion or not: an ioctl's drain must
    // see a change whose completion is still on its way (R6).
    std::vector<Address> now;
    if (query_list(h.s, &now) == 0 && !same_list(now, h.list)) {
      bits |= address_bit(h.family) | route_bit(h.family);
      h.list.swap(now);
    }
    issue(h, h.addresses, false);
    issue(h, h.routes, true);
  }
  return bits;
}

native_error socket_family(native_socket s, int* family) {
  WSAPROTOCOL_INFOW info{};
  int len = sizeof info;
  if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &len) != 0) {
    return WSAGetLastError();
  }
  if (info.iAddressFamily != AF_INET && info.iAddressFamily != AF_INET6) return WSAEOPNOTSUPP;
  *family = info.iAddressFamily;
  return 0;
}

native_error local_addresses(native_socket s, int, std::vector<Address>* out) {
  return query_list(s, out);  // the system's own answer, for s's family
}

native_error route_source(native_socket s, const sockaddr* dest, socklen len, Address* out) {
  SOCKET q = s;
  if (q == INVALID_SOCKET) {
    q = WSASocketW(dest->sa_family, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                   WSA_FLAG_NO_HANDLE_INHERIT);
    if (q == INVALID_SOCKET) return WSAGetLastError();
  }
  DWORD got = 0;
  native_error e = 0;
  *out = Address{};
  if (WSAIoctl(q, SIO_ROUTING_INTERFACE_QUERY, const_cast<sockaddr*>(dest), static_cast<DWORD>(len),
               &out->addr, sizeof out->addr, &got, nullptr, nullptr) != 0) {
    e = WSAGetLastError();
  }
  if (q != s) closesocket(q);
  if (e == WSAENETUNREACH || e == WSAEHOSTUNREACH || e == WSAENETDOWN) return WSAENETUNREACH;
  if (e != 0) return e;
  out->len = static_cast<socklen>(got);
  if (out->addr.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&out->addr)->sin_port = 0;
  } else {
    reinterpret_cast<sockaddr_in6*>(&out->addr)->sin6_port = 0;
  }
  return 0;
}

native_error qos(native_socket s, bool group, void* out, std::size_t len, std::size_t* returned) {
  DWORD got = 0;
  native_error e = 0;
  if (WSAIoctl(s, group ? SIO_GET_GROUP_QOS : SIO_GET_QOS, nullptr, 0, out, static_cast<DWORD>(len),
               &got, nullptr, nullptr) != 0) {
    e = WSAGetLastError();
  }
  *returned = e ? 0 : got;
  return e;
}

native_error err_unreachable() {
  return WSAENETUNREACH;
}
native_error err_interrupted() {
  return WSAEINTR;
}
native_error err_not_supported() {
  return WSAEOPNOTSUPP;
}
native_error err_busy() {
  return WSAEALREADY;
}

}  // namespace wsx::detail::netwatch
