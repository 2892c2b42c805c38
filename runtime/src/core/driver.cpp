#include "core/driver.hpp"

namespace wsx::detail {

void Driver::release_lead() {
  leader_.store(false, std::memory_order_seq_cst);
  if (follower_count_.load(std::memory_order_seq_cst) == 0) return;
  std::lock_guard<std::mutex> lock(followers_mu_);
  // Promote one follower (the most recent, whose cache is warmest): it
  // wakes, re-checks its own condition, and takes the leadership if nobody
  // else did in the meantime.
  if (followers_) followers_->unpark();
}

void Driver::add_follower(Parker* p) {
  std::lock_guard<std::mutex> lock(followers_mu_);
  p->is_follower = true;
  p->prev_follower = nullptr;
  p->next_follower = followers_;
  if (followers_) followers_->prev_follower = p;
  followers_ = p;
  follower_count_.fetch_add(1, std::memory_order_seq_cst);
}

void Driver::remove_follower(Parker* p) {
  std::lock_guard<std::mutex> lock(followers_mu_);
  if (!p->is_follower) return;
  if (p->prev_follower) {
    p->prev_follower->next_follower = p->next_follower;
  } else {
    followers_ = p->next_follower;
  }
  if (p->next_follower) p->next_follower->prev_follower = p->prev_follower;
  p->is_follower = false;
  follower_count_.fetch_sub(1, std::memory_order_seq_cst);
}

void Driver::poll_once() {
  if (!try_lead()) return;
  int n = wait(0);
  if (n > 0) backend_->dispatch(n);
  release_lead();
}

}  // namespace wsx::detail
