// Runs a suite: every point against every server, each run with a freshly
// started server process, interleaved (for each repeat, for each point:
// A B C ... ) so that a slow patch of a shared machine hits every server
// rather than one.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "harness/cpu_pinning.hpp"
#include "harness/server_table.hpp"
#include "harness/suite.hpp"
#include "load/loadgen.hpp"

namespace wsx::bench {

struct Sample {
  std::size_t point = 0;   // index into the points
  std::size_t server = 0;  // index into the servers
  int repeat = 0;
  load::Result result;
  double server_cpu_s = -1;  // utime + stime over the measured window; < 0: unknown
  // Under Wine: the wineserver's CPU over the same window (socket waits,
  // events and window messages go through it), which server_cpu_s leaves out.
  double wineserver_cpu_s = -1;
  std::string failure;  // server would not start, crashed or would not stop
  std::string skipped;  // not run, and why (a point too big for Wine)
  double wall_s = 0;    // the whole run: start, connect, warm up, measure, stop
  bool ok() const {
    return skipped.empty() && failure.empty() && result.errors == 0 && result.stalled == 0 &&
           result.idle_lost == 0 && result.messages > 0;
  }
  double cpu_us_per_message() const { return per_message(server_cpu_s); }
  double wineserver_us_per_message() const { return per_message(wineserver_cpu_s); }
  double per_message(double cpu_s) const {
    return cpu_s >= 0 && result.messages > 0 ? cpu_s * 1e6 / static_cast<double>(result.messages)
                                             : -1;
  }
};

struct RunPlan {
  std::vector<Point> points;
  std::vector<Server> servers;  // built ones only
  int repeats = 1;
  std::string log_dir;
  double start_timeout_s = 10;
  const CpuPlan* cpus = nullptr;  // where servers run (the harness pins itself)
  // Windows servers under Wine: points with more connections are skipped
  // (each run is bounded, but a Wine run at 10,000 connections takes
  // minutes to set up and says little more).
  int wine_max_connections = 0;
  double wine_start_timeout_s = 30;
  // Windows servers warm up and are measured for at least this long: under
  // Wine a server sometimes goes half a second without a reply, which would
  // empty the smoke's 0.2 s window (and its run would count as failed).
  double wine_min_window_s = 1;
  std::vector<std::string> wine_scenarios;  // the only ones Windows servers run
  std::string wine_prefix;  // where the Windows servers run (its wineserver is measured too)
};

// Called before (done == false) and after (done == true) each run.
using RunObserver = std::function<void(const Sample& s, bool done, int index, int total)>;

std::vector<Sample> run_plan(const RunPlan& plan, const RunObserver& observe);

}  // namespace wsx::bench
