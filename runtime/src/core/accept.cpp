// accept and WSAAccept's condition function (S7, R3, R4, R5).
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "core/os_socket.hpp"
#include "core/readiness.hpp"
#include "core/registry.hpp"
#include "core/socket_io_internal.hpp"
#include "wsx/sockets.hpp"

namespace wsx {

using namespace detail;

namespace {

// A connection the condition function deferred (CF_DEFER). The OS has
// already accepted it (POSIX has no way to look at a connection without
// accepting it), so the runtime holds it and offers it again first.
struct Held {
  native_socket s = kInvalidSocket;
  sockaddr_storage peer{};
  socklen peer_len = 0;
};

std::mutex g_held_mu;
std::unordered_map<native_socket, Held>& held_connections() {
  static auto* map = new std::unordered_map<native_socket, Held>();
  return *map;
}

bool take_held(native_socket listener, Held* out) {
  std::lock_guard<std::mutex> lock(g_held_mu);
  auto it = held_connections().find(listener);
  if (it == held_connections().end()) return false;
  *out = it->second;
  held_connections().erase(it);
  return true;
}

// R4/R5: every accept call re-enables FD_ACCEPT, and a connection still
// waiting is reported again at once.
void reenable_accept(native_socket listener, const Tracked& t) {
  if (!t.selected) return;
  record_reenable(*t.st, mask_of(NetEvent::accept));
  if (t.st->has(sf::kDeferred) || os::poll_now(listener).in) {
    signal_event(listener, *t.st, t.epoch, NetEvent::accept);
  }
  rearm_backend(listener, *t.st);
}

}  // namespace

void detail::drop_deferred(native_socket listener) {
  Held h;
  if (!take_held(listener, &h)) return;
  native_error ignored;
  os::close(h.s, &ignored);
}

IoResult accept_socket(native_socket s, sockaddr* addr, socklen* len,
                       const AcceptCondition* condition) {
  Tracked t = track(s);
  const bool nonblocking = t.st && t.st->has(sf::kNonBlocking);
  Held c;
  if (!(t.st && t.st->has(sf::kDeferred) && take_held(s, &c))) {
    c.peer_len = sizeof c.peer;
    native_error err = 0;
    c.s = os::accept(s, reinterpret_cast<sockaddr*>(&c.peer), &c.peer_len, nonblocking, &err);
    if (c.s == kInvalidSocket) {
      reenable_accept(s, t);
      return fail(err);
    }
  } else {
    t.st->clear_flags(sf::kDeferred);
  }

  if (condition && condition->decide) {
    sockaddr_storage local{};
    socklen local_len = sizeof local;
    if (!os::local_address(c.s, reinterpret_cast<sockaddr*>(&local), &local_len)) local_len = 0;
    AcceptCondition::Verdict v =
        condition->decide(condition->context, s, reinterpret_cast<const sockaddr*>(&c.peer),
                          c.peer_len, reinterpret_cast<const sockaddr*>(&local), local_len);
    if (v == AcceptCondition::Verdict::defer) {
      if (!t.st) {
        SocketState* st = nullptr;
        if (adopt_socket(s, &st) == 0) t.st = st;
      }
      if (t.st) {
        std::lock_guard<std::mutex> lock(g_held_mu);
        held_connections()[s] = c;
        t.st->set_flags(sf::kDeferred);
        // R3: no re-enabling when the condition function deferred.
        return fail(kDeferredError);
      }
      v = AcceptCondition::Verdict::reject;
    }
    if (v == AcceptCondition::Verdict::reject) {
      os::abort_on_close(c.s);
      native_error ignored2;
      os::close(c.s, &ignored2);
      reenable_accept(s, t);
      return fail(os::err_conn_refused());
    }
  }

  if (addr && len) {
    socklen n = *len < c.peer_len ? *len : c.peer_len;
    if (n > 0) std::memcpy(addr, &c.peer, static_cast<std::size_t>(n));
    *len = c.peer_len;
  }

  std::uint32_t flags = sf::kOwned | sf::kStream | sf::kConnected | sf::kBound;
  if (t.st && t.st->has(sf::kOobInline)) flags |= sf::kOobInline;
  if (nonblocking) flags |= sf::kNonBlocking;
  SocketState* nst = register_socket(c.s, flags);
  if (nst && t.selected) {
    // S7: same target and mask as the listener, in force at once.
    Selection sel = record_selection(*t.st);
    if (sel.mask != 0 && ensure_in_backend(c.s, *nst) == 0) {
      std::uint32_t epoch = record_install(*nst, sel.delivery.mode, sel.delivery.target,
                                           sel.delivery.message, sel.mask);
      evaluate_now(c.s, *nst, epoch, /*at_select=*/false);
      rearm_backend(c.s, *nst);
    }
  }
  reenable_accept(s, t);
  return IoResult{static_cast<std::int64_t>(c.s), 0};
}

}  // namespace wsx
