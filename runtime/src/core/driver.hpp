// Leader/follower over the backend: at most one thread at a time waits in
// the kernel (the leader) and dispatches what it returns; other waiting
// threads sleep on their own futex (followers). When the leader leaves it
// promotes a follower, so as long as somebody waits, somebody reads the
// kernel. There is no background thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "core/backend.hpp"
#include "core/parker.hpp"

namespace wsx::detail {

class Driver {
 public:
  explicit Driver(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

  Backend& backend() { return *backend_; }

  bool try_lead() {
    bool expected = false;
    return leader_.compare_exchange_strong(expected, true, std::memory_order_seq_cst);
  }
  void release_lead();

  void add_follower(Parker* p);
  void remove_follower(Parker* p);

  // Leader only: the backend's wait, remembering when the kernel was read.
  int wait(int timeout_ms) {
    int n = backend_->wait(timeout_ms);
    last_read_ns_.store(now_ns(), std::memory_order_relaxed);
    return n;
  }

  // A call that must not block (enumerate, a wait with time-out 0) reads
  // what the kernel has ready, so that an application that never blocks in
  // wsx still sees every event (DESIGN step 4). It skips the system call
  // when another thread is the leader (it dispatches as events come) or
  // when the kernel was read less than kFreshNs ago (a waiting thread just
  // did): an event is then seen by a non-blocking call made more than
  // kFreshNs after it happened, at the latest.
  static constexpr std::int64_t kFreshNs = 1'000'000;
  void poll_if_stale() {
    if (now_ns() - last_read_ns_.load(std::memory_order_relaxed) < kFreshNs) return;
    poll_once();
  }
  void poll_once();

 private:
  static std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  std::unique_ptr<Backend> backend_;
  std::atomic<bool> leader_{false};
  std::atomic<std::int64_t> last_read_ns_{0};
  std::mutex followers_mu_;
  Parker* followers_ = nullptr;
  std::atomic<std::uint32_t> follower_count_{0};
};

// The running driver, or nullptr while the runtime is stopped.
Driver* current_driver();

}  // namespace wsx::detail
