// The Linux side of change notification (core/net_watch.hpp): one rtnetlink
// socket subscribed to the IPv4 and IPv6 address and route groups and to
// links, in the epoll set like a socket (Backend::watch), read by whichever
// thread leads. No thread of its own.
//
// Links because Linux drops the IPv4 routes of an interface that goes down
// without a route message for them: the link message is the only word of
// it, so it sends both families' destinations to be looked up again.
//
// It keeps the set of bindable addresses per family, so that a message that
// only updates an address (IPv6 lifetimes, flags) is not taken for a change
// of the list, and an address that comes and goes between two reads is
// still a change. Routes are not kept: a route message only says "look the
// watched destinations up again", which the core does.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <set>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/net_watch.hpp"

// The kernel's NLMSG_OK compares the header's __u32 length with the int
// count it is given; clang flags that in the macro's expansion (GCC does not
// in a system header's). The count stays an int: NLMSG_NEXT can take it
// below zero, which NLMSG_OK must then see.
#ifdef __clang__
#pragma clang diagnostic ignored "-Wsign-compare"
#endif

namespace wsx::detail::netwatch {

namespace {

// One bindable address and the interface it is on.
struct Key {
  int ifindex = 0;
  int family = 0;
  unsigned char addr[16] = {};
  auto operator<=>(const Key&) const = default;
};
using KeySet = std::set<Key>;

// A buffer for netlink messages, aligned as the headers in it must be.
struct alignas(nlmsghdr) Buffer {
  char bytes[32768];
};

struct State {
  int fd = -1;  // the subscription; -1 while stopped
  KeySet v4, v6;
  Buffer buf;
};

// Touched only under the core's change lock (net_watch.hpp).
State& state() {
  static State* s = new State();
  return *s;
}

KeySet& set_of(State& st, int family) {
  return family == AF_INET ? st.v4 : st.v6;
}
unsigned address_bit(int family) {
  return family == AF_INET ? kAddressesV4 : kAddressesV6;
}
unsigned route_bit(int family) {
  return family == AF_INET ? kRoutesV4 : kRoutesV6;
}

// Whether applications can bind to it, and so whether SIO_ADDRESS_LIST_QUERY
// lists it: not while IPv6 duplicate address detection runs or has failed
// (bind fails then), and not the loopback addresses, which Windows leaves
// out of the list too.
bool bindable(const Key& k, std::uint32_t flags) {
  if (flags & IFA_F_DADFAILED) return false;
  if ((flags & IFA_F_TENTATIVE) && !(flags & IFA_F_OPTIMISTIC)) return false;
  if (k.family == AF_INET) return k.addr[0] != 127;
  static const unsigned char loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(k.addr, loopback6, sizeof loopback6) != 0;
}

// An RTM_NEWADDR / RTM_DELADDR message: the address and its flags.
bool parse_address(nlmsghdr* h, Key* key, std::uint32_t* flags) {
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return false;
  auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return false;
  const std::size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
  const void* local = nullptr;
  const void* address = nullptr;
  std::uint32_t fl = ifa->ifa_flags;
  int len = static_cast<int>(IFA_PAYLOAD(h));
  for (rtattr* a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    const bool fits = RTA_PAYLOAD(a) >= alen;
    if (a->rta_type == IFA_LOCAL && fits) local = RTA_DATA(a);
    if (a->rta_type == IFA_ADDRESS && fits) address = RTA_DATA(a);
    if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= sizeof fl) {
      std::memcpy(&fl, RTA_DATA(a), sizeof fl);  // supersedes the 8-bit ifa_flags
    }
  }
  // IFA_LOCAL is the local end of a point-to-point link; IFA_ADDRESS its peer.
  const void* mine = local ? local : address;
  if (!mine) return false;
  *key = Key{};
  key->ifindex = static_cast<int>(ifa->ifa_index);
  key->family = ifa->ifa_family;
  std::memcpy(key->addr, mine, alen);
  *flags = fl;
  return true;
}

// Every bindable address of `family`, from a dump on a socket of its own:
// a query must never read (and so lose) the subscription's messages.
native_error dump(int family, KeySet* out) {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return errno;
  // The kernel answers at once; the bound only keeps a broken kernel from
  // hanging a caller.
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct {
    nlmsghdr h;
    ifaddrmsg m;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETADDR;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.m.ifa_family = static_cast<unsigned char>(family);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &req, sizeof req, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    native_error e = errno;
    ::close(fd);
    return e;
  }
  auto* buf = new Buffer;
  native_error result = 0;
  for (bool done = false; !done;) {
    ssize_t n = ::recv(fd, buf->bytes, sizeof buf->bytes, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      result = errno == EAGAIN ? ETIMEDOUT : errno;
      break;
    }
    if (n == 0) break;
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf->bytes); NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(h));
        result = err->error ? -err->error : 0;
        done = true;
        break;
      }
      Key k;
      std::uint32_t flags = 0;
      if (h->nlmsg_type == RTM_NEWADDR && parse_address(h, &k, &flags) && k.family == family &&
          bindable(k, flags)) {
        out->insert(k);
      }
    }
  }
  delete buf;
  ::close(fd);
  return result;
}

// One datagram of notifications applied to the sets.
unsigned apply(State& st, char* data, ssize_t n) {
  unsigned bits = 0;
  int left = static_cast<int>(n);
  for (auto* h = reinterpret_cast<nlmsghdr*>(data); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
    switch (h->nlmsg_type) {
      case RTM_NEWADDR:
      case RTM_DELADDR: {
        Key k;
        std::uint32_t flags = 0;
        if (!parse_address(h, &k, &flags)) break;
        // Addresses decide which source a route uses: look routes up again.
        bits |= route_bit(k.family);
        KeySet& set = set_of(st, k.family);
        bool changed;
        if (h->nlmsg_type == RTM_NEWADDR && bindable(k, flags)) {
          changed = set.insert(k).second;
        } else {
          changed = set.erase(k) > 0;  // gone, or no longer bindable (DAD failed)
        }
        if (changed) bits |= address_bit(k.family);
        break;
      }
      case RTM_NEWLINK:
      case RTM_DELLINK:
        bits |= kRoutesV4 | kRoutesV6;  // its routes may have gone silently
        break;
      case RTM_NEWROUTE:
      case RTM_DELROUTE: {
        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) break;
        auto* rt = static_cast<rtmsg*>(NLMSG_DATA(h));
        if (rt->rtm_family == AF_INET || rt->rtm_family == AF_INET6) {
          bits |= route_bit(rt->rtm_family);
        }
        break;
      }
      default:
        break;
    }
  }
  return bits;
}

// The receive queue overflowed and messages were lost: read the lists again
// and compare. A change undone in between is lost with its messages.
unsigned resync(State& st) {
  unsigned bits = kRoutesV4 | kRoutesV6;
  for (int family : {AF_INET, AF_INET6}) {
    KeySet now;
    if (dump(family, &now) != 0) continue;
    KeySet& set = set_of(st, family);
    if (now != set) bits |= address_bit(family);
    set.swap(now);
  }
  return bits;
}

}  // namespace

native_error start(Backend& backend, BackendSource* src) {
  State& st = state();
  if (st.fd >= 0) return 0;
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) return errno;
  // A burst (an interface with many addresses going down) should not
  // overflow the queue; an overflow costs a full re-read (resync).
  int size = 1 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups =
      RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
    native_error e = errno;
    ::close(fd);
    return e;
  }
  // Subscribed first, listed second: a change in between is both in the
  // lists and in the queue, and applying it again changes nothing. (Nobody
  // waits for a change yet: the core starts this on the first ioctl.)
  KeySet v4, v6;
  if (native_error e = dump(AF_INET, &v4)) {
    ::close(fd);
    return e;
  }
  dump(AF_INET6, &v6);  // a kernel without IPv6 has no addresses to list
  if (native_error e = backend.watch(static_cast<std::uintptr_t>(fd), src)) {
    ::close(fd);
    return e;
  }
  st.fd = fd;
  st.v4.swap(v4);
  st.v6.swap(v6);
  return 0;
}

void stop(Backend& backend) {
  State& st = state();
  if (st.fd < 0) return;
  backend.unwatch(static_cast<std::uintptr_t>(st.fd));
  ::close(st.fd);
  st.fd = -1;
  st.v4.clear();
  st.v6.clear();
}

bool started() {
  return state().fd >= 0;
}

native_error routes_supported() {
  return 0;
}

void note_ready(void*) {}

unsigned drain() {
  State& st = state();
  unsigned bits = 0;
  while (st.fd >= 0) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(st.fd, st.buf.bytes, sizeof st.buf.bytes, MSG_DONTWAIT,
                           reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        bits |= resync(st);
        continue;
      }
      break;  // EAGAIN: all read; epoll reports the next message as a new edge
    }
    if (from.nl_pid != 0) continue;  // only the kernel speaks for these groups
    bits |= apply(st, st.buf.bytes, n);
  }
  return bits;
}

native_error socket_family(native_socket s, int* family) {
  int domain = 0;
  socklen_t len = sizeof domain;
  if (::getsockopt(s, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) return errno;
  if (domain != AF_INET && domain != AF_INET6) return EOPNOTSUPP;
  *family = domain;
  return 0;
}

native_error local_addresses(native_socket, int family, std::vector<Address>* out) {
  KeySet keys;
  if (native_error e = dump(family, &keys)) return e;
  out->clear();
  for (const Key& k : keys) {
    Address a;
    if (family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&a.addr);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, k.addr, 4);
      a.len = sizeof(sockaddr_in);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.addr);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, k.addr, 16);
      // A link-local address means nothing without its interface.
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr)) {
        sin6->sin6_scope_id = static_cast<std::uint32_t>(k.ifindex);
      }
      a.len = sizeof(sockaddr_in6);
    }
    out->push_back(a);
  }
  return 0;
}

native_error route_source(native_socket, const sockaddr* dest, socklen len, Address* out) {
  // A connected UDP socket asks the kernel the question exactly: connect
  // looks the route up and picks the source address, and sends nothing.
  int fd = ::socket(dest->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  native_error e = 0;
  out->len = sizeof out->addr;
  if (::connect(fd, dest, len) < 0) {
    e = errno;
  } else if (::getsockname(fd, reinterpret_cast<sockaddr*>(&out->addr), &out->len) < 0) {
    e = errno;
  }
  ::close(fd);
  switch (e) {
    case 0:
      break;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EACCES:         // a prohibit route
    case EPERM:          // a blackhole or policy route
    case EINVAL:         // a blackhole route
    case EADDRNOTAVAIL:  // a route, but no source address for it
      return ENETUNREACH;
    default:
      return e;
  }
  if (out->addr.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&out->addr)->sin_port = 0;
  } else {
    reinterpret_cast<sockaddr_in6*>(&out->addr)->sin6_port = 0;
  }
  return 0;
}

native_error qos(native_socket, bool, void*, std::size_t, std::size_t* returned) {
  // Linux has no QoS provider for sockets (RSVP never was one): the
  // request cannot be realised, which Winsock says with WSAEOPNOTSUPP.
  *returned = 0;
  return EOPNOTSUPP;
}

native_error err_unreachable() {
  return ENETUNREACH;
}
native_error err_interrupted() {
  return EINTR;
}
native_error err_not_supported() {
  return EOPNOTSUPP;
}
native_error err_busy() {
  return EALREADY;
}

}  // namespace wsx::detail::netwatch
