// The address-list and routing-interface events (R3, R4, R6), between the
// ioctls that ask for them (net_changes.hpp) and the OS subscription that
// reports changes (net_watch.hpp).
//
// Per socket that issued a SIO_*_CHANGE ioctl there is a Watch in a side
// table, outside the socket's cache line (kChangeWatch marks the socket, as
// kDeferred does for accept.cpp's table). For each of the two events:
//   armed    the ioctl was issued; the next change is this socket's
//   changed  a change came after it and is not reported yet, because the
//            event was not selected then; a select reports it (S8)
// A change clears armed: the event comes once, and not again until the
// ioctl is issued again (R6). Reporting goes through signal_event like any
// readiness, so the record word's contract (event_record.hpp) is untouched:
// the epoch is read from the word and a select racing with the report makes
// its CAS fail; the select then finds `changed` under the lock and reports
// into its own epoch.
//
// One mutex guards the table and the subscription. It is not on the socket
// readiness path: it is taken by these ioctls, by a select or close of a
// socket that issued one, and by the leader when the subscription has
// something to read. It is never held across a wait, and whoever holds it
// makes a few system calls at most (reading the subscription, a route
// lookup per armed destination), so a leader that finds it taken waits
// that long, never for an application.
#include "core/change_notify.hpp"

#include <cstring>
#include <mutex>
#include <span>
#include <unordered_map>

#include "core/net_watch.hpp"
#include "core/os_socket.hpp"
#include "core/readiness.hpp"
#include "core/registry.hpp"
#include "core/socket_io_internal.hpp"
#include "wsx/event.hpp"
#include "wsx/net_changes.hpp"

#ifndef _WIN32
#include <netinet/in.h>
#endif

namespace wsx {

using namespace detail;

namespace {

// One event's request on one socket.
struct Request {
  bool armed = false;
  bool changed = false;
  native_error error = 0;  // the error of the change (WSAENETUNREACH-style)
  // A blocking ioctl sleeps on `waiter` until the change; the waker writes
  // the outcome into the sleeper's *result under the lock.
  EventHandle waiter;
  native_error* result = nullptr;
};

struct Watch {
  std::uint32_t gen = 0;  // the socket's generation when it asked
  int family = 0;
  Request address;
  Request route;
  SocketAddress dest;            // what the routing request is about
  bool wildcard = false;         // the family's any-address: every routing change
  native_error route_error = 0;  // the answer when it asked: an error ...
  SocketAddress route_answer;    // ... or the local address
};

std::mutex g_mu;

std::unordered_map<native_socket, Watch>& watches() {
  static auto* table = new std::unordered_map<native_socket, Watch>();
  return *table;
}

void read_subscription();

class Source final : public BackendSource {
 public:
  // The leader: the subscription has something to read.
  void on_ready(void* report) override {
    std::lock_guard<std::mutex> lock(g_mu);
    if (report) netwatch::note_ready(report);
    read_subscription();
  }
};
Source g_source;

using Locked = std::unique_lock<std::mutex>;

unsigned address_bit(int family) {
  return family == AF_INET ? netwatch::kAddressesV4 : netwatch::kAddressesV6;
}
unsigned route_bit(int family) {
  return family == AF_INET ? netwatch::kRoutesV4 : netwatch::kRoutesV6;
}

bool is_wildcard(const sockaddr* a) {
  static const unsigned char zero[16] = {};
  if (a->sa_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr == 0;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, zero, 16) == 0;
}

bool same_address(const SocketAddress& a, const SocketAddress& b) {
  if (a.addr.ss_family != b.addr.ss_family) return false;
  if (a.addr.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&a.addr)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&b.addr)->sin_addr.s_addr;
  }
  auto* x = reinterpret_cast<const sockaddr_in6*>(&a.addr);
  auto* y = reinterpret_cast<const sockaddr_in6*>(&b.addr);
  return std::memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 && x->sin6_scope_id == y->sin6_scope_id;
}

// Ends a blocking ioctl with `outcome`.
void wake(Request& r, native_error outcome) {
  if (!r.waiter) return;
  *r.result = outcome;
  set_event(r.waiter);
  r.waiter = EventHandle{};
  r.result = nullptr;
}

void wake_all(Watch& w, native_error outcome) {
  wake(w.address, outcome);
  wake(w.route, outcome);
}

// Records and reports the change if the event is selected and enabled; else
// it stays `changed` for the next select (S8).
void report(native_socket s, SocketState& st, std::uint32_t epoch, Request& r, NetEvent e) {
  if (r.changed && signal_event(s, st, epoch, e, r.error)) r.changed = false;
}

// A change for a request that was armed: once (R6).
void on_change(native_socket s, SocketState& st, Request& r, NetEvent e, native_error error) {
  r.armed = false;
  if (r.waiter) {
    wake(r, 0);  // the blocking ioctl returns: that is its report
    return;
  }
  r.changed = true;
  r.error = error;
  report(s, st, st.load_word().epoch(), r, e);
}

// Routes of the watch's family may have changed: does the answer differ?
void check_route(native_socket s, SocketState& st, Watch& w) {
  if (w.wildcard) {
    on_change(s, st, w.route, NetEvent::routing_interface_change, 0);
    return;
  }
  SocketAddress now;
  native_error e = netwatch::route_source(
      kInvalidSocket, reinterpret_cast<const sockaddr*>(&w.dest.addr), w.dest.len, &now);
  if (e == netwatch::err_unreachable()) {
    // Reachable before, unreachable now: the change carries the error.
    if (w.route_error == 0) {
      on_change(s, st, w.route, NetEvent::routing_interface_change, e);
    }
  } else if (e == 0) {
    if (w.route_error != 0 || !same_address(now, w.route_answer)) {
      on_change(s, st, w.route, NetEvent::routing_interface_change, 0);
    }
  }
  // Any other error (out of descriptors, ...) says nothing about routes:
  // nothing is reported rather than something false.
}

// What the subscription read, applied to every armed request. Lock held.
void process(unsigned bits) {
  if (bits == 0) return;
  auto& table = watches();
  for (auto it = table.begin(); it != table.end();) {
    native_socket s = it->first;
    Watch& w = it->second;
    SocketState* st = known_socket(s);
    if (!st || st->gen.load(std::memory_order_acquire) != w.gen) {
      // Closed outside wsx and the number reused: the request died with it.
      wake_all(w, netwatch::err_interrupted());
      it = table.erase(it);
      continue;
    }
    if (w.address.armed && (bits & address_bit(w.family))) {
      on_change(s, *st, w.address, NetEvent::address_list_change, 0);
    }
    if (w.route.armed && (bits & (address_bit(w.family) | route_bit(w.family)))) {
      check_route(s, *st, w);
    }
    ++it;
  }
}

void read_subscription() {
  process(netwatch::drain());
}

Watch& watch_of(native_socket s, SocketState& st, int family) {
  const std::uint32_t gen = st.gen.load(std::memory_order_acquire);
  Watch& w = watches()[s];
  if (w.gen != gen) {
    wake_all(w, netwatch::err_interrupted());
    w = Watch{};
    w.gen = gen;
  }
  w.family = family;
  return w;
}

native_error check_destination(const sockaddr* dest, socklen len, int family) {
  if (!dest) return os::err_fault();
  const socklen need = dest->sa_family == AF_INET    ? socklen(sizeof(sockaddr_in))
                       : dest->sa_family == AF_INET6 ? socklen(sizeof(sockaddr_in6))
                                                     : socklen(0);
  if (need == 0 || dest->sa_family != family) return os::err_invalid();
  if (len < need) return os::err_fault();
  return 0;
}

// Both SIO_*_CHANGE ioctls.
IoResult arm(native_socket s, NetEvent e, const sockaddr* dest, socklen len) {
  Driver* driver = current_driver();
  if (!driver) return fail(os::err_invalid());
  SocketState* st = nullptr;
  if (native_error err = adopt_socket(s, &st)) return fail(err);
  // R3, R4: the ioctl re-enables its event, whatever it then returns.
  record_reenable(*st, mask_of(e));
  int family = 0;
  if (native_error err = netwatch::socket_family(s, &family)) return fail(err);
  const bool route = e == NetEvent::routing_interface_change;
  if (route) {
    if (native_error err = check_destination(dest, len, family)) return fail(err);
  }

  Locked lock(g_mu);
  if (native_error err = netwatch::start(driver->backend(), &g_source)) return fail(err);
  if (route) {
    if (native_error err = netwatch::routes_supported()) return fail(err);
  }
  // Whatever changed before this call belongs to earlier requests: read it
  // now, so that only a change after the call counts for this one (R6).
  read_subscription();
  Watch& w = watch_of(s, *st, family);
  Request& r = route ? w.route : w.address;
  // One blocking request per socket and event at a time.
  if (r.waiter) return fail(netwatch::err_busy());
  if (route) {
    std::memcpy(&w.dest.addr, dest, static_cast<std::size_t>(len));
    w.dest.len = len;
    w.wildcard = is_wildcard(dest);
    w.route_error = netwatch::route_source(kInvalidSocket, dest, len, &w.route_answer);
    if (w.route_error != 0 && w.route_error != netwatch::err_unreachable()) {
      return fail(w.route_error);
    }
  }
  r.armed = true;
  r.changed = false;
  r.error = 0;
  st->set_flags(sf::kChangeWatch);
  if (st->has(sf::kNonBlocking)) return fail(os::err_would_block());

  // A blocking socket: the call returns when the change happens (as on
  // Windows), or fails when the socket is closed under it.
  native_error outcome = 0;
  EventHandle waiter = create_event();
  if (!waiter) {
    r.armed = false;
    return fail(os::err_no_memory());
  }
  r.waiter = waiter;
  r.result = &outcome;
  lock.unlock();
  const EventHandle events[1] = {waiter};
  wait_for_events(std::span<const EventHandle>(events), false, Timeout::infinite());
  lock.lock();  // the waker wrote `outcome` under it
  close_event(waiter);
  return outcome ? fail(outcome) : IoResult{};
}

}  // namespace

namespace detail {

void change_notify_on_select(native_socket s, SocketState& st, std::uint32_t epoch) {
  if (!st.has(sf::kChangeWatch)) return;
  Locked lock(g_mu);
  auto it = watches().find(s);
  if (it == watches().end()) return;
  Watch& w = it->second;
  if (w.gen != st.gen.load(std::memory_order_acquire)) return;
  report(s, st, epoch, w.address, NetEvent::address_list_change);
  report(s, st, epoch, w.route, NetEvent::routing_interface_change);
}

void change_notify_forget(native_socket s) {
  Locked lock(g_mu);
  auto it = watches().find(s);
  if (it == watches().end()) return;
  wake_all(it->second, netwatch::err_interrupted());
  watches().erase(it);
}

void change_notify_stop(Backend& backend) {
  Locked lock(g_mu);
  for (auto& [s, w] : watches())
    wake_all(w, netwatch::err_interrupted());
  watches().clear();
  netwatch::stop(backend);
}

}  // namespace detail

native_error query_address_list(native_socket s, std::vector<SocketAddress>* out) {
  if (!running()) return os::err_invalid();
  int family = 0;
  if (native_error e = netwatch::socket_family(s, &family)) return e;
  return netwatch::local_addresses(s, family, out);
}

native_error query_route(native_socket s, const sockaddr* dest, socklen len, SocketAddress* out) {
  if (!running()) return os::err_invalid();
  int family = 0;
  if (native_error e = netwatch::socket_family(s, &family)) return e;
  if (native_error e = check_destination(dest, len, family)) return e;
  return netwatch::route_source(s, dest, len, out);
}

IoResult watch_address_list(native_socket s) {
  return arm(s, NetEvent::address_list_change, nullptr, 0);
}

IoResult watch_route(native_socket s, const sockaddr* dest, socklen len) {
  return arm(s, NetEvent::routing_interface_change, dest, len);
}

native_error query_qos(native_socket s, bool group, void* out, std::size_t len,
                       std::size_t* returned) {
  *returned = 0;
  if (!running()) return os::err_invalid();
  // R3, R4: SIO_GET_QOS re-enables FD_QOS whatever it returns. No provider
  // ever reports FD_QOS, so this only keeps the bookkeeping honest.
  if (SocketState* st = known_socket(s)) {
    record_reenable(*st, mask_of(group ? NetEvent::group_qos : NetEvent::qos));
  }
  int family = 0;
  native_error e = netwatch::socket_family(s, &family);
  if (e != 0 && e != netwatch::err_not_supported()) return e;
  return netwatch::qos(s, group, out, len, returned);
}

}  // namespace wsx
