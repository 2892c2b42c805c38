#include "harness/runner.hpp"

#include "harness/server_process.hpp"

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
  ServerProcess proc;
  std::string why;
  if (!proc.start(srv.exe, srv.spec.args, plan.log_dir + "/" + srv.spec.name + ".log",
                  plan.start_timeout_s, &why)) {
    s.failure = why;
    return s;
  }
  if (plan.cpus) plan.cpus->pin_server(proc.pid());
  load::Config cfg = plan.points[pi].load;
  cfg.port = proc.port();
  double cpu_open = -1;
  cfg.on_window = [&](bool opening) {
    double now = proc.cpu_seconds();
    if (opening) {
      cpu_open = now;
    } else if (cpu_open >= 0 && now >= 0) {
      s.server_cpu_s = now - cpu_open;
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
