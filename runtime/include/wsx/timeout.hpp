// Time-outs as the runtime's wait calls take them.
#pragma once

#include <chrono>
#include <cstdint>

namespace wsx {

// A time-out in milliseconds; kInfinite waits for ever, 0 polls.
struct Timeout {
  static constexpr std::int64_t kInfiniteMs = -1;
  std::int64_t ms = kInfiniteMs;

  static constexpr Timeout infinite() { return Timeout{kInfiniteMs}; }
  static constexpr Timeout zero() { return Timeout{0}; }
  static constexpr Timeout millis(std::int64_t v) { return Timeout{v < 0 ? kInfiniteMs : v}; }
  constexpr bool is_infinite() const { return ms < 0; }
  constexpr bool is_zero() const { return ms == 0; }
};

// An absolute point on the monotonic clock, or none (wait for ever).
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline never() { return Deadline{}; }
  static Deadline after(Timeout t) {
    Deadline d;
    if (!t.is_infinite()) {
      d.finite_ = true;
      d.at_ = Clock::now() + std::chrono::milliseconds(t.ms);
    }
    return d;
  }

  bool is_finite() const { return finite_; }
  bool expired() const { return finite_ && Clock::now() >= at_; }
  // Nanoseconds left, or -1 for "no deadline"; never negative otherwise.
  std::int64_t remaining_ns() const {
    if (!finite_) return -1;
    auto left = at_ - Clock::now();
    return left.count() < 0 ? 0
                            : std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  }
  // Milliseconds left rounded up, so a short sleep never turns into a busy poll.
  int remaining_ms_ceil() const {
    std::int64_t ns = remaining_ns();
    if (ns < 0) return -1;
    std::int64_t ms = (ns + 999'999) / 1'000'000;
    return ms > 0x7fffffff ? 0x7fffffff : static_cast<int>(ms);
  }

 private:
  bool finite_ = false;
  Clock::time_point at_{};
};

}  // namespace wsx
