// Every knob of wsx-bench, with the defaults of the default suite; --quick
// and --smoke start from other defaults (apply_preset), and any flag given
// on the command line wins over both.
#pragma once

#include <string>

namespace wsx::bench {

struct Options {
  std::string build_dir;  // default: the build directory wsx-bench lives in
  std::string out_dir = "bench-results";
  std::string servers;  // comma-separated names; empty: every built server
  std::string scenarios = "pingpong,bulk,idle,burst,churn";
  bool quick = false;
  bool smoke = false;
  int repeats = 3;
  double warmup_s = 0.2;
  double duration_s = 0.5;
  // ping-pong sweep: connections x message size x messages in flight
  // (100 is left out by default to keep the suite within three minutes for
  // seven servers: --connections 1,100,1000,10000 adds it back.)
  std::string connections = "1,1000,10000";
  int size = 64;
  int inflight = 1;
  // bulk ping-pong: bigger messages, several in flight
  int bulk_connections = 10;
  int bulk_size = 4096;
  int bulk_inflight = 8;
  // idle-heavy: a few active connections among many idle ones
  int idle_active = 100;
  int idle_idle = 10000;
  // burst fan-in: every connection sends `burst` messages at once
  int burst_connections = 1000;
  int burst = 8;
  // churn: connect, exchange, close
  double churn_rate = 2000;
  int churn_concurrency = 64;
  std::string pin = "same";  // same, split or none (cpu_pinning.hpp says why)
  int threads = 1;           // client threads: with one server thread, the two share two cores
  double stall_s = 2;
  double start_timeout_s = 10;
  bool plots = true;
  // Windows servers (a mingw build) run under Wine; wsx-bench says so.
  std::string windows_build;
  std::string wine = "/usr/lib/wine/wine64";
  int wine_max_connections = 2000;
  double wine_start_timeout_s = 30;
  double wine_min_window_s = 1;
  std::string wine_scenarios = "pingpong,bulk,idle,burst,churn";
};

// --quick: one pass with short windows (about 40 s for seven servers).
// --smoke: tiny counts for CTest, a check that nothing breaks, no figures.
void apply_preset(Options& o);

}  // namespace wsx::bench
