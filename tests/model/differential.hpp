// The differential test: operations from a seed or a fuzzer's bytes run on
// real loopback sockets through the Winsock API (wsx's, or any table of the
// same functions), and after every step wsx's events are compared with what
// the reference model predicts.
//
// A step is: the operation; then waiting until the kernel shows what the
// model says the network must have done (bytes arrived, FIN, RST, pending
// connections: world_probe.hpp); then a short wait on an event nobody sets,
// during which wsx reads and dispatches everything the kernel reported (the
// quiet period: an event that should not come has its chance to); then the
// comparison: every event object's state, and (one step in four, and
// whenever the model has optional reports outstanding) every socket's
// record through WSAEnumNetworkEvents.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compat/winsock_api.hpp"
#include "model/ops.hpp"

namespace wsx::model {

struct RunStats {
  std::uint64_t steps = 0;         // steps decoded
  std::uint64_t executed = 0;      // operations run on wsx and the model
  std::uint64_t skipped = 0;       // steps whose operation did not apply
  std::uint64_t calls = 0;         // Winsock calls whose result the model checked
  std::uint64_t enumerations = 0;  // records compared bit for bit
  std::uint64_t reports = 0;       // events the model predicted
  std::uint64_t allowances = 0;    // optional reports that came (each named)
};

struct RunResult {
  bool ok = true;
  std::string failure;           // what diverged, at which step
  std::vector<std::string> log;  // one line per step
  std::vector<std::string> allowances;
  RunStats stats;
};

// Steps per fuzzing input (wsx-fuzz, and wsx-model --input): every step
// waits for the network and for wsx to dispatch, so longer inputs would
// only slow the search.
inline constexpr std::size_t kFuzzMaxSteps = 64;

struct RunOptions {
  std::size_t max_steps = 200;
  bool echo = false;  // print each step as it runs (replays)
};

// Runs up to max_steps steps (fewer when the source runs dry).
RunResult run_differential(const test::WinsockApi& api, ByteSource& source, const RunOptions& o,
                           std::uint64_t salt);

// The report of a failed run: what diverged, the replay command, the steps.
std::string describe_failure(const RunResult& r, const std::string& replay);

}  // namespace wsx::model
