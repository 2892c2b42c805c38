// Message queues: what WSAAsyncSelect posts to, in place of a window.
//
// Any number of threads may post to and pump one queue. There is no quota
// (Windows caps a thread's queue at 10,000 posted messages) and a message is
// never dropped. A queue is sharded: socket notifications go to the shard of
// their socket, other messages to the shard of the posting thread, so the
// messages of one socket, and those of one posting thread, come out in the
// order they went in; messages of different sockets may interleave in any
// order. A pump that finds nothing queued drives the backend itself, as a
// waiting thread does (DESIGN.md step 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "wsx/net_events.hpp"
#include "wsx/platform.hpp"
#include "wsx/status.hpp"
#include "wsx/timeout.hpp"

namespace wsx {

struct QueueHandle {
  std::uint64_t value = 0;
  explicit operator bool() const { return value != 0; }
  friend bool operator==(QueueHandle, QueueHandle) = default;
};

struct QueuedMessage {
  std::uint64_t queue = 0;  // the queue it was posted to
  std::uint32_t message = 0;
  std::uintptr_t wparam = 0;
  std::intptr_t lparam = 0;
  std::uint32_t time_ms = 0;  // when it was posted, on the monotonic clock
  // A WSAAsyncSelect notification: wparam is the socket, lparam the event
  // bit in its low word and a native error in its high word.
  bool socket_notification = false;
};

// Messages whose number lies in [min, max]; {0, 0} takes every message
// (Win32's wMsgFilterMin/wMsgFilterMax).
struct MessageFilter {
  std::uint32_t min = 0;
  std::uint32_t max = 0;
  bool accepts(std::uint32_t m) const { return (min == 0 && max == 0) || (m >= min && m <= max); }
};

struct QueueOutcome {
  std::size_t count = 0;  // messages written to `out`; 0 on time-out
  Status error = Status::ok;
};

QueueHandle create_message_queue();
// Wakes every pump of the queue (their calls fail with invalid_handle) and
// drops what is queued. Sockets still selected on it post nowhere.
Status destroy_message_queue(QueueHandle q);
bool is_message_queue(QueueHandle q);

Status post_message(QueueHandle q, std::uint32_t message, std::uintptr_t wparam,
                    std::intptr_t lparam);

// Takes (remove = true) or copies up to out.size() messages that pass the
// filter, oldest first within a shard; waits up to `timeout` for the first.
QueueOutcome get_messages(QueueHandle q, std::span<QueuedMessage> out, MessageFilter filter,
                          bool remove, Timeout timeout);

// Removes the queued notifications of socket s (wparam == s), for an
// application that cancelled or closed a socket and wants none of its
// messages after that. Returns how many were removed.
std::size_t purge_socket_messages(QueueHandle q, native_socket s);

// Messages queued now (a snapshot).
std::size_t queued_messages(QueueHandle q);

}  // namespace wsx
