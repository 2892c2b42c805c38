#include "harness/runner.hpp"

#include <algorithm>

#include "harness/server_process.hpp"
#include "harness/wine_prefix.hpp"

namespace wsx::bench {
namespace {

constexpr double kStopTimeoutS = 3;

Sample run_one(const RunPlan& plan, std::size_t pi, std::size_t si, int rep) {
  auto t0 = std::chrono::steady_clock::now();
  Sample s;
  s.point = pi;
  s.server = si;
  s.repeat = rep;
  const Server& srv = plan.servers[si];
  const Point& point = plan.points[pi];
  if (srv.spec.windows && point.load.connections > plan.wine_max_connections) {
    s.skipped = "not run under Wine: " + std::to_string(point.load.connections) +
                " connections, more than --wine-max-connections " +
                std::to_string(plan.wine_max_connections);
    return s;
  }
  if (srv.spec.windows && std::find(plan.wine_scenarios.begin(), plan.wine_scenarios.end(),
                                    point.scenario) == plan.wine_scenarios.end()) {
    s.skipped = "not run under Wine: --wine-scenarios leaves out " + point.scenario;
    return s;
  }
  ServerProcess proc;
  std::string why;
  std::vector<std::string> args(srv.launch.begin() + 1, srv.launch.end());
  args.insert(args.end(), srv.spec.args.begin(), srv.spec.args.end());
  double start_timeout = srv.spec.windows ? plan.wine_start_timeout_s : plan.start_timeout_s;
  if (!proc.start(srv.launch.front(), args, plan.log_dir + "/" + srv.spec.name + ".log",
                  start_timeout, &why)) {
    s.failure = why;
    return s;
  }
  if (plan.cpus) plan.cpus->pin_server(proc.pid());
  load::Config cfg = point.load;
  if (srv.spec.windows) {
    cfg.warmup_s = std::max(cfg.warmup_s, plan.wine_min_window_s);
    cfg.duration_s = std::max(cfg.duration_s, plan.wine_min_window_s);
  }
  cfg.port = proc.port();
  double cpu_open = -1, wineserver_open = -1;
  // Looked up per run: a wineserver that is not persistent comes and goes.
  const pid_t wineserver = srv.spec.windows ? find_wineserver(plan.wine_prefix) : 0;
  cfg.on_window = [&](bool opening) {
    double now = proc.cpu_seconds();
    double ws = wineserver > 0 ? process_cpu_seconds(wineserver) : -1;
    if (opening) {
      cpu_open = now;
      wineserver_open = ws;
    } else {
      if (cpu_open >= 0 && now >= 0) s.server_cpu_s = now - cpu_open;
      if (wineserver_open >= 0 && ws >= 0) s.wineserver_cpu_s = ws - wineserver_open;
    }
  };
  s.result = load::run(cfg);
  if (std::string e = proc.exited(); !e.empty()) {
    s.failure = "server " + e + " during the run";
  } else if (std::string stop = proc.stop(kStopTimeoutS); !stop.empty()) {
    s.failure = stop;
  }
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace

std::vector<Sample> run_plan(const RunPlan& plan, const RunObserver& observe) {
  std::vector<Sample> out;
  const int total = plan.repeats * static_cast<int>(plan.points.size() * plan.servers.size());
  int index = 0;
  for (int rep = 0; rep < plan.repeats; ++rep) {
    for (std::size_t pi = 0; pi < plan.points.size(); ++pi) {
      for (std::size_t si = 0; si < plan.servers.size(); ++si) {
        Sample pending;
        pending.point = pi;
        pending.server = si;
        pending.repeat = rep;
        if (observe) observe(pending, false, index, total);
        out.push_back(run_one(plan, pi, si, rep));
        if (observe) observe(out.back(), true, index, total);
        ++index;
      }
    }
  }
  return out;
}

}  // namespace wsx::bench
