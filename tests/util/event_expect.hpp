// "Exactly these events, then nothing for a while": the one helper every
// event test uses, so that a test that passes means no extra event either.
#pragma once

#include <chrono>
#include <string>

#include "wsx/sockets.hpp"

namespace wsx::test {

using std::chrono::milliseconds;

// How long a test waits for an event it expects, and how long it watches
// for one it does not. Generous bounds: a pass is fast, only a failure waits.
inline constexpr milliseconds kEventTimeout{5000};
inline constexpr milliseconds kQuietPeriod{100};

std::string describe(EventMask m);

// Waits for the event object, enumerates s with it, and returns what was
// recorded (errors in *out when given). Returns 0 after `timeout` with
// nothing recorded.
EventMask next_events(native_socket s, EventHandle ev, milliseconds timeout = kEventTimeout,
                      NetworkEvents* out = nullptr);

// Collects events for s until `expected` have all been seen, then checks
// that nothing more arrives within kQuietPeriod. Fails the test otherwise.
// errors[i] of the last enumeration that reported bit i goes to *out.
void expect_events(native_socket s, EventHandle ev, EventMask expected,
                   NetworkEvents* out = nullptr, milliseconds quiet = kQuietPeriod);
void expect_no_events(native_socket s, EventHandle ev, milliseconds quiet = kQuietPeriod);

}  // namespace wsx::test
