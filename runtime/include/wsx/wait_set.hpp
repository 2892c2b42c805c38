// Wait sets: register events once, wait on them many times.
//
// A wait returns every signalled member (up to the room given) in time
// proportional to the number signalled, not to the number registered: a
// member pushes itself onto the set's ready list when it becomes signalled,
// and the list is sharded so that threads signalling different members do
// not contend on one cache line. Members stay on the list while signalled
// (a wait reports a member again until it is reset), like
// WSAWaitForMultipleEvents on the same events would. An event belongs to at
// most one wait set at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wsx/event.hpp"
#include "wsx/status.hpp"
#include "wsx/timeout.hpp"

namespace wsx {

struct WaitSetHandle {
  std::uint64_t value = 0;
  explicit operator bool() const { return value != 0; }
  friend bool operator==(WaitSetHandle, WaitSetHandle) = default;
};

struct ReadyEvent {
  EventHandle event;
  std::uintptr_t key = 0;  // the key given to wait_set_add
};

struct WaitSetOutcome {
  std::size_t count = 0;  // entries written; 0 on time-out
  Status error = Status::ok;
};

WaitSetHandle create_wait_set();
// Wakes the set's waiters, which then fail with invalid_handle.
Status close_wait_set(WaitSetHandle set);
// invalid_state when the event is already in a wait set.
Status wait_set_add(WaitSetHandle set, EventHandle event, std::uintptr_t key);
// invalid_argument when the event is not a member of this set.
Status wait_set_remove(WaitSetHandle set, EventHandle event);
std::size_t wait_set_size(WaitSetHandle set);
WaitSetOutcome wait_set_wait(WaitSetHandle set, std::span<ReadyEvent> out, Timeout timeout);

}  // namespace wsx
