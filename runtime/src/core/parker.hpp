// How a waiting thread sleeps and how another thread wakes it.
//
// Every thread that blocks in the runtime (an event wait, a wait set, a
// message pump) arms its Parker, checks what it waits for, then parks. A
// notifier calls unpark(), which wakes the thread wherever it sleeps: on a
// futex as a follower, or inside the backend's kernel wait as the leader
// (then through the backend's wake-up descriptor). Parking first tries to
// become the leader: that is the leader/follower scheme of DESIGN.md step 4,
// so the thread that waits is the thread that reads the kernel's readiness.
#pragma once

#include <atomic>
#include <cstdint>

#include "wsx/timeout.hpp"

namespace wsx::detail {

class Parker {
 public:
  static Parker& self();

  // Must be called before the caller checks its condition, so that a
  // notification between the check and park() is not lost.
  void arm() { state_.store(kArmed, std::memory_order_seq_cst); }
  // Called by any thread; safe on a parker that is not parked (it then only
  // makes the owner's next park() return at once).
  void unpark();
  // Sleeps until unpark() or the deadline; while asleep it may drive the
  // backend. Returns true when woken (possibly spuriously), false on time-out.
  bool park(const Deadline& deadline);
  // Leaves the armed state without sleeping.
  void disarm() { state_.store(kIdle, std::memory_order_relaxed); }

  // Intrusive links for the driver's follower list (guarded by its mutex).
  Parker* next_follower = nullptr;
  Parker* prev_follower = nullptr;
  bool is_follower = false;

 private:
  enum : std::uint32_t { kIdle, kArmed, kParkedFutex, kParkedBackend, kNotified };

  bool lead(const Deadline& deadline);
  bool follow(const Deadline& deadline);

  std::atomic<std::uint32_t> state_{kIdle};
};

}  // namespace wsx::detail
