// The Windows backend: one I/O completion port, fed by AFD poll requests
// (poll_entry.hpp) and drained in batches with GetQueuedCompletionStatusEx.
// A wake-up is a packet posted to the same port.
//
// Re-issuing after a completion is deferred (reissue_queue.hpp): by then
// the application has usually made the call that re-enables the event it
// was just told about (a receive after FD_READ), so one request asks for
// everything at once instead of one now and a cancel later.
#include <winsock2.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "core/backend.hpp"
#include "windows/afd.hpp"
#include "windows/poll_table.hpp"
#include "windows/reissue_queue.hpp"

namespace wsx::detail {

namespace {
constexpr ULONG kBatch = 256;
constexpr ULONG_PTR kWakeKey = 1;  // AFD helpers complete with key 0
// A runtime-owned source (watch()) completes with its BackendSource's
// address as the key: never 0 or 1.

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct Backend::State {
  explicit State(HANDLE p) : port(p), table(p) {}
  HANDLE port;
  PollTable table;
  std::atomic<bool> wake_pending{false};
  std::atomic<std::uint64_t> reports{0};  // written by the leader only
  // Leader only: entries whose request completed and is not re-issued yet.
  ReissueQueue reissue;
  OVERLAPPED_ENTRY packets[kBatch];
};

std::unique_ptr<Backend> Backend::create(native_error* err) {
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  if (!port) {
    *err = static_cast<native_error>(GetLastError());
    return nullptr;
  }
  return std::unique_ptr<Backend>(new Backend(std::make_unique<State>(port)));
}

Backend::Backend(std::unique_ptr<State> state) : state_(std::move(state)) {}

Backend::~Backend() {
  HANDLE port = state_->port;
  state_.reset();  // closes the helpers first: their requests end there
  CloseHandle(port);
}

native_error Backend::add(native_socket s, std::uint32_t gen) {
  native_error err = 0;
  // A socket AFD cannot poll is refused here, with the reason, rather than
  // left to wait for events that will never come.
  SOCKET base = afd::base_handle(s, &err);
  if (base == INVALID_SOCKET) return err;
  PollEntry* e = state_->table.prepare(s, &err);
  if (!e) return err;
  e->base.store(base, std::memory_order_release);
  // Publishes the entry: from here rearm() and completions use it. A request
  // still in flight for an earlier registration of this number finds the
  // new generation when it completes and is re-issued for it.
  e->gen.store(gen, std::memory_order_release);
  return 0;
}

void Backend::remove(native_socket s) {
  PollEntry* e = state_->table.find(s);
  if (!e) return;
  e->gen.store(0, std::memory_order_release);
  e->reconsider();  // cancels what is in flight: it polls for an old generation
}

void Backend::rearm(native_socket s, std::uint32_t gen) {
  PollEntry* e = state_->table.find(s);
  if (!e || e->gen.load(std::memory_order_acquire) != gen) return;
  if (e->closed_gen.load(std::memory_order_acquire) == gen) {
    // AFD said the handle was closed (behind wsx's back: wsx's own close
    // removes the socket first). If the number names a socket again and the
    // core still calls it this one, poll that.
    native_error ignored = 0;
    SOCKET base = afd::base_handle(s, &ignored);
    if (base == INVALID_SOCKET) return;
    e->base.store(base, std::memory_order_release);
    e->closed_gen.store(0, std::memory_order_release);
  }
  e->reconsider();
}

native_error Backend::watch(std::uintptr_t handle, BackendSource* src) {
  const auto key = reinterpret_cast<ULONG_PTR>(src);
  if (!CreateIoCompletionPort(reinterpret_cast<HANDLE>(handle), state_->port, key, 0)) {
    return static_cast<native_error>(GetLastError());
  }
  return 0;
}

// A handle cannot leave a completion port; closing it ends its operations,
// whose last completions still come back to the (static) source.
void Backend::unwatch(std::uintptr_t) {}

int Backend::wait(int timeout_ms) {
  State& st = *state_;
  if (timeout_ms == 0) {
    st.reissue.issue_due(now_ns());
  } else {
    st.reissue.issue_all();
  }
  ULONG n = 0;
  DWORD ms = timeout_ms < 0 ? INFINITE : static_cast<DWORD>(timeout_ms);
  if (!GetQueuedCompletionStatusEx(st.port, st.packets, kBatch, &n, ms, FALSE)) return 0;
  return static_cast<int>(n);
}

void Backend::dispatch(int count) {
  State& st = *state_;
  const std::int64_t now = now_ns();
  st.reports.store(st.reports.load(std::memory_order_relaxed) + static_cast<unsigned>(count),
                   std::memory_order_relaxed);
  for (int i = 0; i < count; ++i) {
    const OVERLAPPED_ENTRY& p = st.packets[i];
    if (!p.lpOverlapped) {
      // Clearing after the packet is consumed: a wake posted from here on
      // posts a new packet, one posted before found the flag set and was
      // already covered by this one.
      st.wake_pending.store(false, std::memory_order_seq_cst);
      continue;
    }
    if (p.lpCompletionKey > kWakeKey) {
      reinterpret_cast<BackendSource*>(p.lpCompletionKey)->on_ready(p.lpOverlapped);
      continue;
    }
    PollEntry* e = PollEntry::from_iosb(reinterpret_cast<IO_STATUS_BLOCK*>(p.lpOverlapped));
    PollEntry::Result r = e->complete();
    if (r.events) dispatch_readiness(e->socket, r.gen, readiness_of_afd(r.events));
    if (r.relist) st.reissue.push(e, r.events != 0 && e->awaits_reenabling(r.polled), now);
  }
}

std::uint64_t Backend::reports() const {
  return state_->reports.load(std::memory_order_relaxed);
}

void Backend::wake() {
  // Collapse bursts of wake-ups into one packet.
  if (state_->wake_pending.exchange(true, std::memory_order_seq_cst)) return;
  if (!PostQueuedCompletionStatus(state_->port, 0, kWakeKey, nullptr)) {
    state_->wake_pending.store(false, std::memory_order_seq_cst);
  }
}

}  // namespace wsx::detail
