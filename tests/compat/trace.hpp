// What a conformance scenario observed, step by step, so that the same
// scenario run against wsx and against the system's ws2_32 can be compared
// event for event (docs/semantics.md, "side by side").
//
// A step is a label and what was seen, both as text: the events a socket
// reported with the error codes of the reported bits, a call's return value
// with WSAGetLastError() when it failed, the order of WSAAsyncSelect
// messages. Text keeps the comparison exact and its failure messages
// readable, and lets the known-differences table quote what each side shows.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "compat/winsock_api.hpp"

namespace wsx::test {

struct Step {
  std::string what;  // the scenario's label for it ("select INVALID_SOCKET")
  std::string seen;  // "SOCKET_ERROR WSAENOTSOCK", "{CLOSE} CLOSE=WSAECONNRESET", ...
};

// Steps in the order the scenario made them. A scenario that ended early (a
// fatal check) simply has fewer steps; the comparison shows where.
struct Trace {
  std::vector<Step> steps;
  void add(std::string what, std::string seen) {
    steps.push_back({std::move(what), std::move(seen)});
  }
};

// Names as the pages write them: "WSAENOTSOCK", "WSA_INVALID_HANDLE"; a code
// without a name is its number.
std::string error_name(int code);

// "{READ|CLOSE}", "{}" for nothing.
std::string events_str(long mask);

// The error part of an events step: "CLOSE=WSAECONNRESET" for every reported
// bit whose iErrorCode is not 0, in bit order, space-separated.
std::string event_errors_str(const WSANETWORKEVENTS& ne);

// A whole record: "{CLOSE} CLOSE=WSAECONNRESET", "{READ}".
std::string network_events_str(const WSANETWORKEVENTS& ne);

// A call's outcome as a step shows it. The error is shown only when the call
// failed: after a success WSAGetLastError() is whatever it was before.
std::string int_result(int rc, int err);        // "0", "5", "SOCKET_ERROR WSAEFAULT"
std::string socket_result(SOCKET rc, int err);  // "a socket", "INVALID_SOCKET WSAEWOULDBLOCK"
std::string bool_result(BOOL rc, int err);      // "TRUE", "FALSE WSA_INVALID_HANDLE"
std::string wait_result(DWORD rc, int err);     // "WSA_WAIT_EVENT_0+3", "WSA_WAIT_TIMEOUT", ...
std::string events_handle_result(bool valid, int err);  // "an event", "WSA_INVALID_EVENT WSA..."

// One step where the two runs part.
struct Difference {
  std::size_t index = 0;  // step number (0-based)
  std::string what;       // the step's label (of the system's run; wsx's when it has none)
  std::string system;     // what the system showed ("(no step)" past its end)
  std::string wsx;        // what wsx showed
};

// Step by step. Labels must agree too: a scenario that took another path
// under one API (a label mismatch) differs at that step, and every later
// step is then reported as well, since they no longer line up.
std::vector<Difference> compare(const Trace& system, const Trace& wsx);

// Both traces side by side, differing steps marked, for a failure message.
std::string side_by_side(const Trace& system, const Trace& wsx);

}  // namespace wsx::test
