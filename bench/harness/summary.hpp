// From runs to the figures the reports show: per point and server, the
// median of the repeats with its spread, and ratios to raw epoll.
#pragma once

#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/stats.hpp"

namespace wsx::bench {

struct Row {
  std::size_t point = 0, server = 0;
  int runs = 0, failed = 0;  // failed: runs with errors, stalls or a server failure
  Spread msgs, mbps, p50, p99, p999, cpu_us;  // over the runs that measured anything
  Spread wineserver_us;                       // Wine only: the wineserver's CPU per message
  // server / baseline, paired by repeat (both ran in the same round) and
  // then the median of those; n == 0 when there is no baseline to compare with.
  Spread tput_ratio, cpu_ratio;
  std::string skipped;  // the point was not run for this server, and why
  std::uint64_t errors = 0, stalled = 0, idle_lost = 0;
  std::vector<std::string> notes;  // first error samples and failures, in words
};

// One row per (point, server), point-major; baseline_of[server] indexes
// the server it is compared with (out of range: no ratios).
std::vector<Row> summarize(const std::vector<Sample>& samples, std::size_t points,
                           std::size_t servers, const std::vector<std::size_t>& baseline_of);

}  // namespace wsx::bench
