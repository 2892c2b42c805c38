// Manual-reset event objects: the runtime's WSAEVENT.
//
// Any thread may set, reset, close or wait on an event at any time. A wait
// on many events costs O(n) per call, as Winsock's does; code that waits on
// the same events again and again should use a WaitSet (wait_set.hpp).
#pragma once

#include <cstdint>
#include <span>

#include "wsx/status.hpp"
#include "wsx/timeout.hpp"

namespace wsx {

struct EventHandle {
  std::uint64_t value = 0;
  explicit operator bool() const { return value != 0; }
  friend bool operator==(EventHandle, EventHandle) = default;
};

// A new manual-reset event, initially not signalled; a null handle when out
// of memory.
EventHandle create_event();
Status set_event(EventHandle e);
Status reset_event(EventHandle e);
Status close_event(EventHandle e);
// 1 when signalled, 0 when not, -1 for an invalid handle.
int event_state(EventHandle e);

struct WaitOutcome {
  enum class Kind { signalled, timeout, failed } kind = Kind::failed;
  std::size_t index = 0;      // lowest signalled index (signalled, wait_all = false)
  Status error = Status::ok;  // why it failed
};

// Waits until one (wait_all = false: reports the lowest signalled index) or
// all of the events are signalled, or the time-out passes. Fails with
// invalid_argument for an empty list and invalid_handle for a handle that is
// not a live event, also one that is closed while the wait is in progress.
WaitOutcome wait_for_events(std::span<const EventHandle> events, bool wait_all, Timeout timeout);

}  // namespace wsx
