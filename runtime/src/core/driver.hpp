// Leader/follower over the backend: at most one thread at a time waits in
// the kernel (the leader) and dispatches what it returns; other waiting
// threads sleep on their own futex (followers). When the leader leaves it
// promotes a follower, so as long as somebody waits, somebody reads the
// kernel. There is no background thread.
#pragma once

#include <atomic>
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

  // A call that must not block reads whatever the kernel has ready now,
  // unless another thread is already the leader (it will dispatch).
  void poll_once();

 private:
  std::unique_ptr<Backend> backend_;
  std::atomic<bool> leader_{false};
  std::mutex followers_mu_;
  Parker* followers_ = nullptr;
  std::atomic<std::uint32_t> follower_count_{0};
};

// The running driver, or nullptr while the runtime is stopped.
Driver* current_driver();

}  // namespace wsx::detail
