#include <atomic>
#include <mutex>

#include "core/change_notify.hpp"
#include "core/event_record.hpp"
#include "core/memory.hpp"
#include "core/os_socket.hpp"
#include "core/registry.hpp"
#include "wsx/sockets.hpp"

namespace wsx {
namespace detail {
namespace {

std::mutex g_lifetime_mu;
int g_refs = 0;
// Created on the first start and kept for the life of the process: a thread
// still leading or dispatching when the last stop runs must not find it gone.
Driver* g_driver = nullptr;
std::atomic<Driver*> g_current{nullptr};

}  // namespace

Driver* current_driver() {
  return g_current.load(std::memory_order_acquire);
}

SocketState* register_socket(native_socket s, std::uint32_t flags) {
  SocketState* st = socket_table().slot(s);
  if (!st) return nullptr;
  record_install(*st, NotifyMode::none, 0, 0, 0);
  st->gen.fetch_add(1, std::memory_order_acq_rel);
  st->sticky_error.store(0, std::memory_order_relaxed);
  st->identity.store(0, std::memory_order_relaxed);
  st->flags.store(flags | sf::kRegistered, std::memory_order_release);
  return st;
}

native_error adopt_socket(native_socket s, SocketState** out) {
  SocketState* st = known_socket(s);
  if (st) {
    std::uint64_t id = st->identity.load(std::memory_order_acquire);
    std::uint64_t now = os::identity_of(s);
    if (now == 0) return os::err_not_socket();
    if (id == 0) {
      st->identity.store(now, std::memory_order_release);
      *out = st;
      return 0;
    }
    if (id == now) {
      *out = st;
      return 0;
    }
    // The number now names another socket; forget the old one's state.
  }
  os::SocketFacts f;
  if (native_error e = os::inspect(s, &f)) return e;
  std::uint32_t flags = 0;
  if (f.stream) flags |= sf::kStream;
  if (f.listening) flags |= sf::kListening;
  if (f.connecting) flags |= sf::kConnecting;
  if (f.connected) flags |= sf::kConnected | sf::kBound;
  if (f.peer_closed) flags |= sf::kPeerClosed;
  if (f.bound) flags |= sf::kBound;
  if (f.oob_inline) flags |= sf::kOobInline;
  if (f.nonblocking) flags |= sf::kNonBlocking;
  st = register_socket(s, flags);
  if (!st) return os::err_no_memory();
  st->identity.store(f.identity, std::memory_order_release);
  *out = st;
  return 0;
}

void unregister_socket(native_socket s, SocketState& st) {
  record_install(st, NotifyMode::none, 0, 0, 0);
  std::uint32_t fl = st.flags.exchange(0, std::memory_order_acq_rel);
  st.gen.fetch_add(1, std::memory_order_acq_rel);
  if ((fl & sf::kInBackend)) {
    if (Driver* d = current_driver()) d->backend().remove(s);
  }
  if (fl & sf::kDeferred) drop_deferred(s);
  if (fl & sf::kChangeWatch) change_notify_forget(s);
}

native_error ensure_in_backend(native_socket s, SocketState& st) {
  if (st.has(sf::kInBackend)) return 0;
  Driver* d = current_driver();
  if (!d) return os::err_invalid();
  native_error e = d->backend().add(s, st.gen.load(std::memory_order_acquire));
  if (e == 0) st.set_flags(sf::kInBackend);
  return e;
}

void rearm_backend(native_socket s, SocketState& st) {
  if (!st.has(sf::kInBackend)) return;
  if (Driver* d = current_driver()) d->backend().rearm(s, st.gen.load(std::memory_order_acquire));
}

}  // namespace detail

native_error start() {
  std::lock_guard<std::mutex> lock(detail::g_lifetime_mu);
  if (detail::g_refs == 0) {
    if (native_error e = detail::os::startup()) return e;
    if (!detail::g_driver) {
      native_error err = 0;
      std::unique_ptr<detail::Backend> backend = detail::Backend::create(&err);
      if (!backend) {
        detail::os::cleanup();
        return err;
      }
      detail::g_driver = new detail::Driver(std::move(backend));
    }
    detail::g_current.store(detail::g_driver, std::memory_order_release);
  }
  ++detail::g_refs;
  return 0;
}

void stop() {
  std::lock_guard<std::mutex> lock(detail::g_lifetime_mu);
  if (detail::g_refs == 0 || --detail::g_refs > 0) return;
  // Like WSACleanup: the sockets wsx created are closed; sockets it only
  // adopted get their selection cancelled and are left open.
  detail::socket_table().for_each_slot([](native_socket s, detail::SocketState& st) {
    if (!st.has(detail::sf::kRegistered)) return;
    bool owned = st.has(detail::sf::kOwned);
    detail::unregister_socket(s, st);
    if (owned) {
      native_error ignored;
      detail::os::close(s, &ignored);
    }
  });
  // The address/route subscription goes with the sockets that asked for it.
  detail::change_notify_stop(detail::g_driver->backend());
  detail::g_current.store(nullptr, std::memory_order_release);
  // A leader asleep in the kernel wakes, finds the runtime stopped and
  // carries on as a plain futex waiter.
  detail::g_driver->backend().wake();
  detail::os::cleanup();
}

bool running() {
  return detail::current_driver() != nullptr;
}

RuntimeFigures figures() {
  RuntimeFigures f;
  f.bytes_allocated = detail::bytes_allocated();
  f.socket_table_bytes = detail::socket_table().bytes_reserved();
  return f;
}

}  // namespace wsx
