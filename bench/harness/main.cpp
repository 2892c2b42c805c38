// wsx-bench: the benchmark harness. Starts each comparison server in its own
// process, drives it with the verifying load generator over a suite of
// points, measures throughput, latency and the server's CPU time per
// message, and reports medians of interleaved repeats, with ratios to raw
// epoll, as a table, JSON, CSV and plots.
//
//   wsx-bench [flags]         the default suite (--quick, --smoke: shorter)
//   wsx-bench list [flags]    the servers (built or not) and the points
//   wsx-bench micro [args]    the Google Benchmark micro-suite
//
// With --windows-build DIR (a mingw build), it also runs the Windows
// servers under Wine: the system's WSAEventSelect and WSAAsyncSelect and
// wsx's samples built for Windows, compared with the first of them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"
#include "harness/cpu_pinning.hpp"
#include "harness/micro.hpp"
#include "harness/options.hpp"
#include "harness/progress.hpp"
#include "harness/report.hpp"
#include "harness/runner.hpp"
#include "harness/server_process.hpp"
#include "harness/server_table.hpp"
#include "harness/suite.hpp"
#include "harness/summary.hpp"
#include "harness/text.hpp"
#include "harness/wine_prefix.hpp"

namespace {

using namespace wsx::bench;
namespace fs = std::filesystem;

constexpr double kMicroTimeoutS = 900;

// wsx-bench lives in <build>/bench; the servers' paths are relative to <build>.
fs::path own_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

std::string local_time_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  return buf;
}

void add_flags(wsx::flags::Parser& p, Options& o) {
  p.add("quick", &o.quick, "one short pass without the bulk point (under 40 s for seven servers)");
  p.add("smoke", &o.smoke, "tiny suite that checks every server works (CTest); no plots");
  p.add("servers", &o.servers, "comma-separated servers to run (empty: every built one)");
  p.add("scenarios", &o.scenarios, "comma-separated: pingpong,bulk,idle,burst,churn");
  p.add("repeats", &o.repeats, "interleaved passes; figures are medians over them");
  p.add("warmup", &o.warmup_s, "seconds of traffic before each measured window");
  p.add("duration", &o.duration_s, "seconds measured per run");
  p.add("connections", &o.connections, "ping-pong sweep: comma-separated connection counts");
  p.add("size", &o.size, "ping-pong, idle, burst, churn: message size in bytes (>= 32)");
  p.add("inflight", &o.inflight, "ping-pong: messages in flight per connection");
  p.add("bulk-connections", &o.bulk_connections, "bulk: connections");
  p.add("bulk-size", &o.bulk_size, "bulk: message size in bytes");
  p.add("bulk-inflight", &o.bulk_inflight, "bulk: messages in flight per connection");
  p.add("idle-active", &o.idle_active, "idle-heavy: active connections");
  p.add("idle-idle", &o.idle_idle, "idle-heavy: idle connections besides them");
  p.add("burst-connections", &o.burst_connections, "burst: connections sending at once");
  p.add("burst", &o.burst, "burst: messages each connection sends per wave");
  p.add("churn-rate", &o.churn_rate, "churn: connections per second (0: as fast as possible)");
  p.add("churn-concurrency", &o.churn_concurrency, "churn: connections open at once, at most");
  p.add("pin", &o.pin,
        "same: server and load generator on one CPU; split: a CPU each; none: scheduler");
  p.add("threads", &o.threads, "load generator threads");
  p.add("stall", &o.stall_s, "seconds without a reply that make a connection stalled");
  p.add("start-timeout", &o.start_timeout_s, "seconds a server may take to start listening");
  p.add("out", &o.out_dir, "output directory for JSON, CSV, logs and plots");
  p.add("build-dir", &o.build_dir, "build directory holding the servers (empty: wsx-bench's own)");
  p.add(
      "windows-build", &o.windows_build,
      "a mingw build (build/mingw): also run its Windows servers under Wine\n"
      "                           (winsock-eventselect, winsock-asyncselect, wsx-eventselect-win,\n"
      "                           wsx-asyncselect-win), compared with winsock-eventselect; in "
      "WINEPREFIX\n"
      "                           if set, else in a fresh prefix made in <out>/wine-prefix");
  p.add("wine", &o.wine, "the Wine loader for --windows-build");
  p.add("wine-max-connections", &o.wine_max_connections,
        "Windows servers skip points with more connections (Wine is ~17x slower)");
  p.add("wine-min-window", &o.wine_min_window_s,
        "Windows servers: --warmup and --duration are at least this many seconds");
  p.add("wine-scenarios", &o.wine_scenarios,
        "the scenarios Windows servers run (--smoke: pingpong,idle); the rest are skipped");
  p.add("wine-start-timeout", &o.wine_start_timeout_s,
        "seconds a Windows server may take to start listening under Wine");
  p.add("plots", &o.plots, "make PNG plots with gnuplot (--plots=false: don't)");
}

std::string outcome_of(const Sample& s) {
  if (!s.skipped.empty()) return s.skipped;
  if (!s.failure.empty()) return "FAILED: " + s.failure;
  const auto& r = s.result;
  std::string line = with_commas(r.messages_per_s) + " msg/s, p99 " + micros(r.p99_us);
  double cpu = s.cpu_us_per_message();
  if (cpu >= 0) line += ", cpu " + figure(cpu) + " us/msg";
  if (!s.ok()) {
    line += "  ERRORS " + std::to_string(r.errors) + ", stalled " + std::to_string(r.stalled) +
            ", idle lost " + std::to_string(r.idle_lost);
    if (!r.error_samples.empty()) line += ": " + r.error_samples.front();
  }
  return line;
}

int list(const std::vector<Server>& servers, const std::vector<Point>& points,
         const std::vector<std::string>& skipped) {
  std::printf("servers (table order; ratios are to %s, or for Windows servers to %s):\n", kBaseline,
              kWineBaseline);
  for (const auto& s : servers) {
    std::printf("  %-20s %-10s %s\n      %s\n", s.spec.name.c_str(),
                s.built ? "built" : "not built", s.spec.what.c_str(), s.exe.c_str());
  }
  std::printf("points:\n");
  for (const auto& p : points)
    std::printf("  %-22s %s\n", p.id.c_str(), p.label.c_str());
  for (const auto& s : skipped)
    std::printf("  %s\n", s.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "micro") {
    return run_micro(own_dir().string(), std::vector<std::string>(argv + 2, argv + argc),
                     kMicroTimeoutS);
  }
  Options o;
  // --quick and --smoke choose the defaults; flags given explicitly override them.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick" || a == "--quick=true" || a == "--quick=1") o.quick = true;
    if (a == "--smoke" || a == "--smoke=true" || a == "--smoke=1") o.smoke = true;
  }
  apply_preset(o);
  wsx::flags::Parser p("wsx-bench",
                       "Compares echo servers (raw epoll, poll, libuv, asio, wsx) under verified "
                       "load;\nwith --windows-build, also Windows servers under Wine (the "
                       "system's Winsock and wsx).\nCommands: (none) run the suite; 'list' show "
                       "servers and points; 'micro [args]' run\nthe wsx_micro* Google Benchmark "
                       "programs.");
  add_flags(p, o);
  std::vector<std::string> rest = p.parse(argc, argv);
  const bool listing = !rest.empty() && rest[0] == "list";
  if (!rest.empty() && !listing) {
    std::fprintf(stderr, "wsx-bench: unknown command '%s'\n", rest[0].c_str());
    p.usage(2);
  }
  Pinning pinning;
  if (!parse_pinning(o.pin, &pinning)) {
    std::fprintf(stderr, "wsx-bench: --pin must be same, split or none\n");
    p.usage(2);
  }
  o.repeats = std::max(o.repeats, 1);
  if (o.duration_s <= 0 || o.warmup_s < 0) {
    std::fprintf(stderr, "wsx-bench: --duration must be > 0 and --warmup >= 0\n");
    return 2;
  }
  if (o.build_dir.empty()) o.build_dir = own_dir().parent_path().string();
  // Before anything opens sockets; the servers started later inherit it.
  raise_fd_limit();

  std::vector<std::string> unknown;
  Builds builds{o.build_dir, o.windows_build, o.wine};
  if (!builds.windows_dir.empty()) builds.windows_dir = fs::absolute(builds.windows_dir).string();
  std::vector<Server> all = discover_servers(builds, o.servers, &unknown);
  for (const auto& u : unknown) {
    std::fprintf(stderr, "wsx-bench: no server named '%s' (see 'wsx-bench list')\n", u.c_str());
    return 2;
  }
  std::vector<std::string> not_run;
  std::vector<Point> points = make_points(o, &not_run);
  if (listing) return list(all, points, not_run);

  std::vector<Server> servers;
  for (const auto& s : all) {
    if (s.built) {
      servers.push_back(s);
    } else {
      not_run.push_back(s.spec.name + ": not built (no " + s.exe + ")");
    }
  }
  if (servers.empty() || points.empty()) {
    std::fprintf(stderr, "wsx-bench: nothing to run (%zu servers built, %zu points)\n",
                 servers.size(), points.size());
    return 1;
  }
  // Each server's baseline: raw epoll, or for the Windows servers the
  // system's WSAEventSelect under the same Wine (out of range: none ran).
  std::vector<std::size_t> baseline_of(servers.size(), servers.size());
  bool any_windows = false;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    any_windows = any_windows || servers[i].spec.windows;
    for (std::size_t j = 0; j < servers.size(); ++j) {
      if (servers[j].spec.name == servers[i].baseline()) baseline_of[i] = j;
    }
  }

  std::error_code ec;
  fs::create_directories(fs::path(o.out_dir) / "logs", ec);
  if (ec) {
    std::fprintf(stderr, "wsx-bench: cannot create %s: %s\n", o.out_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }

  WinePrefix wine;
  std::string wine_note;
  // Wine's desktop process ends with the last program that has a window,
  // and a program that creates one while no desktop runs waits ~10 s for a
  // new one: without a window kept open through the suite, the WSAAsyncSelect
  // server would pay that at almost every start (not in its figures, but
  // in the suite's time).
  ServerProcess desktop_keeper;
  if (any_windows) {
    std::string why;
    if (!wine.open((fs::path(o.out_dir) / "wine-prefix").string(), &wine_note, &why)) {
      std::fprintf(stderr, "wsx-bench: %s\n", why.c_str());
      return 1;
    }
    for (const auto& s : servers) {
      if (s.spec.name != "winsock-asyncselect") continue;
      if (!desktop_keeper.start(s.launch.front(), {s.launch.begin() + 1, s.launch.end()},
                                (fs::path(o.out_dir) / "logs" / "wine-desktop-keeper.log").string(),
                                o.wine_start_timeout_s, &why)) {
        std::fprintf(stderr, "wsx-bench: the window that keeps Wine's desktop up: %s\n",
                     why.c_str());
      }
    }
  }

  std::string placement;
  CpuPlan cpus(pinning, &placement);
  cpus.pin_self();

  std::string command;
  for (int i = 0; i < argc; ++i)
    command += (i ? " " : "") + std::string(argv[i]);
  ReportInput in;
  in.command = command;
  in.started_at = local_time_iso();
  in.machine = describe_machine();
  in.placement = placement;
  in.options = &o;
  in.points = &points;
  in.servers = &servers;

  std::printf("wsx-bench: %zu servers x %zu points x %d repeat%s, %.2f s measured per run%s\n",
              servers.size(), points.size(), o.repeats, o.repeats == 1 ? "" : "s", o.duration_s,
              o.smoke   ? " (smoke)"
              : o.quick ? " (quick)"
                        : "");
  std::printf("  %s\n", placement.c_str());
  if (!wine_note.empty()) std::printf("  %s\n", wine_note.c_str());
  for (const auto& n : not_run)
    std::printf("  not run: %s\n", n.c_str());
  std::fflush(stdout);

  RunPlan plan;
  plan.points = points;
  plan.servers = servers;
  plan.repeats = o.repeats;
  plan.log_dir = (fs::path(o.out_dir) / "logs").string();
  plan.start_timeout_s = o.start_timeout_s;
  plan.cpus = &cpus;
  plan.wine_max_connections = o.wine_max_connections;
  plan.wine_start_timeout_s = o.wine_start_timeout_s;
  plan.wine_min_window_s = o.wine_min_window_s;
  plan.wine_scenarios = split_list(o.wine_scenarios);
  plan.wine_prefix = wine.dir();
  Progress progress(stdout);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Sample> samples =
      run_plan(plan, [&](const Sample& s, bool done, int index, int total) {
        char name[32];
        std::snprintf(name, sizeof name, "%-20s", servers[s.server].spec.name.c_str());
        std::string what = "rep " + std::to_string(s.repeat + 1) + "/" + std::to_string(o.repeats) +
                           "  " + name + points[s.point].label;
        if (!done) {
          progress.starting(index, total, what);
          return;
        }
        if (!s.ok() && s.skipped.empty()) progress.note("  ! " + what + ": " + outcome_of(s));
        progress.finished(index, total, what, outcome_of(s));
      });
  progress.done();
  in.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<Row> rows = summarize(samples, points.size(), servers.size(), baseline_of);
  in.samples = &samples;
  in.rows = &rows;
  in.not_run = not_run;

  print_table(stdout, in);
  std::string out = o.out_dir;
  if (std::FILE* t = std::fopen((out + "/table.txt").c_str(), "w")) {
    print_table(t, in);
    std::fclose(t);
  }
  write_json(out + "/results.json", in);
  write_summary_csv(out + "/summary.csv", in);
  write_runs_csv(out + "/runs.csv", in);
  std::printf("results: %s/results.json, summary.csv, runs.csv, table.txt\n", out.c_str());
  if (o.plots) std::printf("%s\n", make_plots(out, in).c_str());
  std::printf("suite took %.0f s\n", in.elapsed_s);

  int bad = 0;
  for (const auto& s : samples)
    bad += s.ok() || !s.skipped.empty() ? 0 : 1;
  if (bad)
    std::printf("wsx-bench: %d run%s had errors, stalls or failures\n", bad, bad == 1 ? "" : "s");
  return bad ? 1 : 0;
}
