// The Linux backend: one edge-triggered epoll instance and an eventfd to
// wake its leader. Every socket is registered once for all conditions with
// EPOLLET; which of them become events is decided in the core, so a
// re-enabling call never costs an epoll_ctl.
#include <atomic>
#include <cerrno>
#include <cstdint>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/backend.hpp"

namespace wsx::detail {

namespace {
// Reports per epoll_wait. Small on purpose: dispatch touches each reported
// socket's state and event, and the application then handles them; with
// 256 the kernel work of the batch (a few KB per message) evicted those
// lines before the application reached them, and at 10,000 connections
// wsx cost 15% more CPU per message than raw epoll. At 64 it costs the same
// (wsx-bench ping-pong, docs/benchmarks.md).
constexpr int kBatch = 64;
constexpr std::uint64_t kWakeToken = ~std::uint64_t{0};
// A socket's key is generation << 32 | descriptor. A runtime-owned source
// (watch()) has slot << 32 | kSourceFd: no descriptor is 0xfffffffe, and the
// wake token's low half is 0xffffffff.
constexpr std::uint32_t kSourceFd = 0xfffffffeu;
constexpr int kMaxSources = 4;
}  // namespace

struct Backend::State {
  int epfd = -1;
  int wakefd = -1;
  std::atomic<bool> wake_pending{false};
  std::atomic<std::uint64_t> reports{0};  // written by the leader only
  // Runtime-owned sources by slot; a slot's descriptor is -1 when free.
  // Written under the core's change lock (watch/unwatch are rare), read by
  // the leader: a report dequeued after unwatch finds nullptr and is dropped.
  std::atomic<BackendSource*> sources[kMaxSources] = {};
  int source_fds[kMaxSources] = {-1, -1, -1, -1};
  epoll_event events[kBatch];
};

std::unique_ptr<Backend> Backend::create(native_error* err) {
  auto st = std::make_unique<State>();
  st->epfd = ::epoll_create1(EPOLL_CLOEXEC);
  if (st->epfd < 0) {
    *err = errno;
    return nullptr;
  }
  st->wakefd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (st->wakefd < 0) {
    *err = errno;
    ::close(st->epfd);
    return nullptr;
  }
  // Level-triggered on purpose: a wake written while the leader was busy
  // dispatching must still end its next epoll_wait.
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (::epoll_ctl(st->epfd, EPOLL_CTL_ADD, st->wakefd, &ev) < 0) {
    *err = errno;
    ::close(st->wakefd);
    ::close(st->epfd);
    return nullptr;
  }
  return std::unique_ptr<Backend>(new Backend(std::move(st)));
}

Backend::Backend(std::unique_ptr<State> state) : state_(std::move(state)) {}

Backend::~Backend() {
  ::close(state_->wakefd);
  ::close(state_->epfd);
}

native_error Backend::add(native_socket s, std::uint32_t gen) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (std::uint64_t{gen} << 32) | static_cast<std::uint32_t>(s);
  if (::epoll_ctl(state_->epfd, EPOLL_CTL_ADD, s, &ev) == 0) return 0;
  if (errno == EEXIST) {
    // Same descriptor registered under an older generation (closed outside
    // wsx and reused): re-key it.
    if (::epoll_ctl(state_->epfd, EPOLL_CTL_MOD, s, &ev) == 0) return 0;
  }
  return errno;
}

void Backend::remove(native_socket s) {
  epoll_event ev{};
  ::epoll_ctl(state_->epfd, EPOLL_CTL_DEL, s, &ev);
}

void Backend::rearm(native_socket, std::uint32_t) {}

native_error Backend::watch(std::uintptr_t handle, BackendSource* src) {
  State& st = *state_;
  const int fd = static_cast<int>(handle);
  for (int i = 0; i < kMaxSources; ++i) {
    if (st.source_fds[i] != -1) continue;
    st.source_fds[i] = fd;
    st.sources[i].store(src, std::memory_order_release);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = (std::uint64_t(i) << 32) | kSourceFd;
    if (::epoll_ctl(st.epfd, EPOLL_CTL_ADD, fd, &ev) == 0) return 0;
    const native_error e = errno;
    st.sources[i].store(nullptr, std::memory_order_release);
    st.source_fds[i] = -1;
    return e;
  }
  return ENOSPC;
}

void Backend::unwatch(std::uintptr_t handle) {
  State& st = *state_;
  const int fd = static_cast<int>(handle);
  for (int i = 0; i < kMaxSources; ++i) {
    if (st.source_fds[i] != fd) continue;
    epoll_event ev{};
    ::epoll_ctl(st.epfd, EPOLL_CTL_DEL, fd, &ev);
    st.sources[i].store(nullptr, std::memory_order_release);
    st.source_fds[i] = -1;
  }
}

int Backend::wait(int timeout_ms) {
  int n = ::epoll_wait(state_->epfd, state_->events, kBatch, timeout_ms);
  return n < 0 ? 0 : n;
}

void Backend::dispatch(int count) {
  state_->reports.store(state_->reports.load(std::memory_order_relaxed) + count,
                        std::memory_order_relaxed);
  for (int i = 0; i < count; ++i) {
    const epoll_event& ev = state_->events[i];
    if (ev.data.u64 == kWakeToken) {
      // Drain first, then allow new writes: the other order could leave the
      // flag set with the counter empty, and every later wake would be
      // swallowed. A wake that lands between the two is not needed: its
      // target parker is already notified and the leader checks that before
      // it waits again.
      std::uint64_t drained;
      [[maybe_unused]] ssize_t r = ::read(state_->wakefd, &drained, sizeof drained);
      state_->wake_pending.store(false, std::memory_order_seq_cst);
      continue;
    }
    if (static_cast<std::uint32_t>(ev.data.u64) == kSourceFd) {
      const auto slot = static_cast<std::size_t>(ev.data.u64 >> 32);
      if (slot < kMaxSources) {
        if (BackendSource* src = state_->sources[slot].load(std::memory_order_acquire)) {
          src->on_ready(nullptr);
        }
      }
      continue;
    }
    Readiness r;
    r.readable = ev.events & EPOLLIN;
    r.writable = ev.events & EPOLLOUT;
    r.priority = ev.events & EPOLLPRI;
    r.peer_closed = ev.events & EPOLLRDHUP;
    r.hangup = ev.events & EPOLLHUP;
    r.error = ev.events & EPOLLERR;
    dispatch_readiness(static_cast<native_socket>(static_cast<std::uint32_t>(ev.data.u64)),
                       static_cast<std::uint32_t>(ev.data.u64 >> 32), r);
  }
}

std::uint64_t Backend::reports() const {
  return state_->reports.load(std::memory_order_relaxed);
}

void Backend::wake() {
  // Collapse bursts of wake-ups into one write.
  if (state_->wake_pending.exchange(true, std::memory_order_seq_cst)) return;
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(state_->wakefd, &one, sizeof one);
}

}  // namespace wsx::detail
