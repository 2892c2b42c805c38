#include "core/parker.hpp"

#include "core/driver.hpp"
#include "core/futex.hpp"

namespace wsx::detail {

Parker& Parker::self() {
  thread_local Parker parker;
  return parker;
}

void Parker::unpark() {
  std::uint32_t prev = state_.exchange(kNotified, std::memory_order_acq_rel);
  if (prev == kParkedFutex) {
    futex_wake_one(state_);
  } else if (prev == kParkedBackend) {
    if (Driver* d = current_driver()) d->backend().wake();
  }
}

bool Parker::park(const Deadline& deadline) {
  for (;;) {
    if (state_.load(std::memory_order_acquire) == kNotified) return true;
    if (deadline.expired()) return false;
    Driver* driver = current_driver();
    if (driver && driver->try_lead()) return lead(deadline);
    if (follow(deadline)) return true;
    if (deadline.expired()) return false;
  }
}

// As leader: sleep in the kernel, dispatch what it returns, and repeat until
// this thread itself is notified or its deadline passes.
bool Parker::lead(const Deadline& deadline) {
  Driver* driver = current_driver();
  Backend& backend = driver->backend();
  bool notified = false;
  for (;;) {
    std::uint32_t expected = kArmed;
    if (!state_.compare_exchange_strong(expected, kParkedBackend, std::memory_order_seq_cst)) {
      notified = true;
      break;
    }
    int n = driver->wait(deadline.remaining_ms_ceil());
    // Back to armed before dispatching, so that notifications this thread
    // raises for itself while dispatching do not write the wake descriptor.
    expected = kParkedBackend;
    if (!state_.compare_exchange_strong(expected, kArmed, std::memory_order_seq_cst)) {
      notified = true;
    }
    if (n > 0) backend.dispatch(n);
    if (notified || state_.load(std::memory_order_acquire) == kNotified) {
      notified = true;
      break;
    }
    if (deadline.expired()) break;
    if (current_driver() != driver) {
      // The runtime stopped: give the caller a spurious wake so it re-parks
      // on its futex.
      notified = true;
      break;
    }
  }
  driver->release_lead();
  return notified;
}

// As follower: sleep on the futex until notified, promoted or timed out. The
// follower registers before it re-tries the leadership, so a leader that
// leaves between the two steps always finds it to promote.
bool Parker::follow(const Deadline& deadline) {
  Driver* driver = current_driver();
  if (driver) {
    driver->add_follower(this);
    if (driver->try_lead()) {
      driver->remove_follower(this);
      return lead(deadline);
    }
  }
  std::uint32_t expected = kArmed;
  bool notified = false;
  if (state_.compare_exchange_strong(expected, kParkedFutex, std::memory_order_seq_cst)) {
    futex_wait(state_, kParkedFutex, deadline.remaining_ns());
    expected = kParkedFutex;
    if (!state_.compare_exchange_strong(expected, kArmed, std::memory_order_seq_cst)) {
      notified = true;
    }
  } else {
    notified = true;
  }
  if (driver) driver->remove_follower(this);
  return notified;
}

}  // namespace wsx::detail
