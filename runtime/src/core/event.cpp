#include <vector>

#include "core/driver.hpp"
#include "core/event_object.hpp"
#include "wsx/event.hpp"

namespace wsx {
namespace detail {

EventTable& event_table() {
  // Never destroyed: threads racing with process exit may still look up.
  static EventTable* table = new EventTable();
  return *table;
}

void SleeperList::add(Subscription* s) {
  std::lock_guard<SpinLock> g(lock_);
  s->next = nullptr;
  s->prev = tail_;
  if (tail_) {
    tail_->next = s;
  } else {
    head_ = s;
  }
  tail_ = s;
  s->linked = true;
  count_.fetch_add(1, std::memory_order_seq_cst);
}

void SleeperList::remove(Subscription* s) {
  std::lock_guard<SpinLock> g(lock_);
  if (!s->linked) return;
  if (s->prev) {
    s->prev->next = s->next;
  } else {
    head_ = s->next;
  }
  if (s->next) {
    s->next->prev = s->prev;
  } else {
    tail_ = s->prev;
  }
  s->linked = false;
  count_.fetch_sub(1, std::memory_order_seq_cst);
}

bool SleeperList::wake_one() {
  std::lock_guard<SpinLock> g(lock_);
  if (!head_) return false;
  // Rotate so that the next wake-up goes to another sleeper.
  Subscription* s = head_;
  s->parker->unpark();
  if (head_ != tail_) {
    head_ = s->next;
    head_->prev = nullptr;
    s->prev = tail_;
    s->next = nullptr;
    tail_->next = s;
    tail_ = s;
  }
  return true;
}

void SleeperList::wake_all() {
  std::lock_guard<SpinLock> g(lock_);
  for (Subscription* s = head_; s; s = s->next)
    s->parker->unpark();
}

void SleeperList::wake_and_detach_all() {
  std::lock_guard<SpinLock> g(lock_);
  for (Subscription* s = head_; s;) {
    Subscription* next = s->next;
    s->linked = false;
    s->parker->unpark();
    s = next;
  }
  head_ = tail_ = nullptr;
  count_.store(0, std::memory_order_seq_cst);
}

}  // namespace detail

using detail::event_table;
using detail::EventSlot;

EventHandle create_event() {
  EventSlot* slot = nullptr;
  std::uint64_t h = event_table().allocate(&slot);
  if (!h) return {};
  // A slot's index never changes, so it is written once, when the slot is
  // first used (fresh slots are zeroed). A thread collecting a wait set may
  // still hold a reused slot from its last life and read the index to make
  // its handle (wait_set.cpp); writing it again, even with the same value,
  // would race with that read (found by the soak under TSan).
  const std::uint32_t index = detail::EventTable::index_of(h);
  if (slot->index != index) slot->index = index;
  slot->signalled.store(0, std::memory_order_release);
  return EventHandle{h};
}

Status set_event(EventHandle e) {
  EventSlot* slot = event_table().lookup(e.value);
  if (!slot) return Status::invalid_handle;
  // Only the not-signalled -> signalled transition has anyone to tell; a set
  // of an already signalled event costs one atomic exchange.
  if (slot->signalled.exchange(1, std::memory_order_seq_cst) == 0) {
    detail::wait_set_on_signal(slot);
    if (!slot->sleepers.maybe_empty()) slot->sleepers.wake_all();
  }
  return Status::ok;
}

Status reset_event(EventHandle e) {
  EventSlot* slot = event_table().lookup(e.value);
  if (!slot) return Status::invalid_handle;
  slot->signalled.store(0, std::memory_order_seq_cst);
  return Status::ok;
}

int event_state(EventHandle e) {
  EventSlot* slot = event_table().lookup(e.value);
  if (!slot) return -1;
  return slot->signalled.load(std::memory_order_seq_cst) ? 1 : 0;
}

Status close_event(EventHandle e) {
  EventSlot* slot = event_table().retire(e.value);
  if (!slot) return Status::invalid_handle;
  detail::wait_set_detach(slot);
  // Sleepers wake, find their handle stale and fail their wait (rule W2).
  slot->sleepers.wake_and_detach_all();
  slot->signalled.store(0, std::memory_order_seq_cst);
  event_table().recycle(e.value);
  return Status::ok;
}

namespace {

// One scan over the events: -2 when a handle is stale, -1 when the wait is
// not satisfied, otherwise the index to report.
long long scan(std::span<const EventHandle> handles, std::span<EventSlot* const> slots,
               bool wait_all) {
  bool all = true;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    std::uint32_t gen = static_cast<std::uint32_t>(handles[i].value >> 32);
    if (slots[i]->handle_gen.load(std::memory_order_acquire) != gen) return -2;
    bool on = slots[i]->signalled.load(std::memory_order_seq_cst) != 0;
    if (!wait_all && on) return static_cast<long long>(i);
    if (!on) all = false;
  }
  return (wait_all && all) ? 0 : -1;
}

WaitOutcome outcome_of(long long r) {
  if (r == -2) return {WaitOutcome::Kind::failed, 0, Status::invalid_handle};
  if (r == -1) return {WaitOutcome::Kind::timeout, 0, Status::ok};
  return {WaitOutcome::Kind::signalled, static_cast<std::size_t>(r), Status::ok};
}

}  // namespace

WaitOutcome wait_for_events(std::span<const EventHandle> events, bool wait_all, Timeout timeout) {
  if (events.empty() || events.data() == nullptr) {
    return {WaitOutcome::Kind::failed, 0, Status::invalid_argument};
  }
  std::vector<EventSlot*> slots(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    slots[i] = event_table().lookup(events[i].value);
    if (!slots[i]) return {WaitOutcome::Kind::failed, 0, Status::invalid_handle};
  }
  // A wait that does not block still reads the kernel once (DESIGN step 4),
  // so an application that only ever polls sees every event.
  if (timeout.is_zero()) {
    if (detail::Driver* d = detail::current_driver()) d->poll_if_stale();
  }
  long long r = scan(events, slots, wait_all);
  if (r != -1 || timeout.is_zero()) return outcome_of(r);

  Deadline deadline = Deadline::after(timeout);
  detail::Parker& parker = detail::Parker::self();
  std::vector<detail::Subscription> subs(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    subs[i].parker = &parker;
    slots[i]->sleepers.add(&subs[i]);
  }
  for (;;) {
    parker.arm();
    r = scan(events, slots, wait_all);
    if (r != -1) break;
    if (!parker.park(deadline)) {
      r = scan(events, slots, wait_all);
      break;
    }
  }
  parker.disarm();
  for (std::size_t i = 0; i < slots.size(); ++i)
    slots[i]->sleepers.remove(&subs[i]);
  return outcome_of(r);
}

}  // namespace wsx
