// The event object behind an EventHandle, and the table that holds them.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/handle_table.hpp"
#include "core/parker.hpp"
#include "core/spin_lock.hpp"

namespace wsx::detail {

// A waiting thread's entry in one object's list of sleepers.
struct Subscription {
  Parker* parker = nullptr;
  Subscription* next = nullptr;
  Subscription* prev = nullptr;
  bool linked = false;
};

// An intrusive list of subscriptions under a spin lock; nsubs lets the
// notifier skip the lock when nobody sleeps (the common case).
class SleeperList {
 public:
  void add(Subscription* s);
  void remove(Subscription* s);
  // Wakes one sleeper (or all); returns whether anybody was there.
  bool wake_one();
  void wake_all();
  // Wakes everybody and forgets them (the object is going away).
  void wake_and_detach_all();
  bool maybe_empty() const { return count_.load(std::memory_order_seq_cst) == 0; }

 private:
  // Ordered so the list packs into 24 bytes (EventSlot must stay one line).
  std::atomic<std::uint32_t> count_{0};
  SpinLock lock_;
  Subscription* head_ = nullptr;
  Subscription* tail_ = nullptr;
};

struct alignas(64) EventSlot {
  std::atomic<std::uint32_t> handle_gen{0};
  std::atomic<std::uint32_t> signalled{0};
  std::uint32_t index = 0;
  // Membership in at most one wait set (wait_set.cpp owns these fields).
  std::atomic<std::uint32_t> queued{0};    // 1 while on that set's ready stack
  std::atomic<std::uint64_t> wait_set{0};  // handle of the wait set, 0 when none
  std::atomic<std::uintptr_t> key{0};      // the caller's key for this member
  EventSlot* ready_next = nullptr;         // owned by whoever holds the node
  SleeperList sleepers;

  std::uint64_t handle() const {
    return (std::uint64_t{handle_gen.load(std::memory_order_acquire)} << 32) |
           (std::uint64_t{index} + 1);
  }
};

static_assert(sizeof(EventSlot) == 64, "an event must fit one cache line");

using EventTable = HandleTable<EventSlot>;
EventTable& event_table();

// Wait-set hooks the event calls (wait_set.cpp).
void wait_set_on_signal(EventSlot* ev);
void wait_set_detach(EventSlot* ev);

}  // namespace wsx::detail
