#include "util/event_expect.hpp"

#include <gtest/gtest.h>

namespace wsx::test {

std::string describe(EventMask m) {
  if (m == 0) return "{}";
  std::string out = "{";
  for (int i = 0; i < kNetEventCount; ++i) {
    if (!(m & (EventMask{1} << i))) continue;
    if (out.size() > 1) out += ",";
    out += net_event_name(static_cast<NetEvent>(i));
  }
  return out + "}";
}

EventMask next_events(native_socket s, EventHandle ev, milliseconds timeout, NetworkEvents* out) {
  EventHandle list[1] = {ev};
  WaitOutcome w = wait_for_events(list, false, Timeout::millis(timeout.count()));
  if (w.kind == WaitOutcome::Kind::failed) {
    ADD_FAILURE() << "wait failed: " << status_name(w.error);
    return 0;
  }
  NetworkEvents ne;
  native_error e = enumerate_events(s, ev, &ne);
  if (e != 0) {
    ADD_FAILURE() << "enumerate failed: " << e;
    return 0;
  }
  if (out) {
    for (int i = 0; i < kNetEventCount; ++i) {
      if (ne.events & (EventMask{1} << i)) out->errors[i] = ne.errors[i];
    }
    out->events |= ne.events;
  }
  return ne.events;
}

void expect_events(native_socket s, EventHandle ev, EventMask expected, NetworkEvents* out,
                   milliseconds quiet) {
  EventMask seen = 0;
  auto deadline = std::chrono::steady_clock::now() + kEventTimeout;
  while ((seen & expected) != expected) {
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    EventMask got = next_events(s, ev, left, out);
    EXPECT_EQ(got & seen, 0u) << "reported twice: " << describe(got & seen);
    seen |= got;
  }
  EXPECT_EQ(seen, expected) << "expected " << describe(expected) << ", saw " << describe(seen);
  expect_no_events(s, ev, quiet);
}

void expect_no_events(native_socket s, EventHandle ev, milliseconds quiet) {
  NetworkEvents ne;
  EventMask extra = next_events(s, ev, quiet, &ne);
  EXPECT_EQ(extra, 0u) << "unexpected " << describe(extra);
}

}  // namespace wsx::test
