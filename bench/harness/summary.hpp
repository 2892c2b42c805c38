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
  // server / epoll, paired by repeat (both ran in the same round) and then
  // the median of those; n == 0 when there is no baseline to compare with.
  Spread tput_ratio, cpu_ratio;
  std::uint64_t errors = 0, stalled = 0, idle_lost = 0;
  std::vector<std::string> notes;  // first error samples and failures, in words
};

// One row per (point, server), point-major; `baseline` indexes the
// reference server in the server list (or is out of range: no ratios).
std::vector<Row> summarize(const std::vector<Sample>& samples, std::size_t points,
                           std::size_t servers, std::size_t baseline);

}  // namespace wsx::bench
