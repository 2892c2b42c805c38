#include "harness/suite.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <sys/resource.h>

#include "harness/text.hpp"

namespace wsx::bench {
namespace {

// How many local ports connect() can choose from towards one server.
int ephemeral_ports() {
  std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range");
  int lo = 0, hi = 0;
  if (!(f >> lo >> hi) || hi < lo) return 28000;  // Linux's default range
  return hi - lo + 1;
}

int fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  return rl.rlim_cur > 1'000'000 ? 1'000'000 : static_cast<int>(rl.rlim_cur);
}

std::string conns(int n) {
  return with_commas(n) + (n == 1 ? " connection" : " connections");
}

}  // namespace

void apply_preset(Options& o) {
  if (o.smoke) {
    o.repeats = 1;
    o.warmup_s = 0.05;
    o.duration_s = 0.2;
    o.connections = "1,100";
    o.bulk_connections = 4;
    o.bulk_size = 4096;
    o.bulk_inflight = 4;
    o.idle_active = 10;
    o.idle_idle = 200;
    o.burst_connections = 100;
    o.burst = 4;
    o.churn_rate = 500;
    o.plots = false;
    // A Wine run costs seconds (1 s windows, a Wine process to start): the
    // smoke checks the Windows servers on the two points that matter most.
    o.wine_scenarios = "pingpong,idle";
  } else if (o.quick) {
    o.repeats = 1;
    o.warmup_s = 0.1;
    o.duration_s = 0.3;
    o.connections = "1,1000,10000";
    // Bulk is the one point --quick leaves out, to stay within 40 s for
    // seven servers; each run's cost is mostly setting up 10,000 connections.
    o.scenarios = "pingpong,idle,burst,churn";
  }
}

std::vector<Point> make_points(const Options& o, std::vector<std::string>* why) {
  std::vector<std::string> scen = split_list(o.scenarios);
  auto wants = [&](const char* s) { return std::find(scen.begin(), scen.end(), s) != scen.end(); };
  // Each connection costs a descriptor at both ends (client and server may
  // share the limit's value, not the descriptors), plus a few spare.
  const int max_conns = std::min(fd_limit() - 64, ephemeral_ports() - 1000);

  load::Config base;
  base.warmup_s = o.warmup_s;
  base.duration_s = o.duration_s;
  base.threads = o.threads;
  base.stall_s = o.stall_s;

  auto point = [&](std::string id, std::string scenario, std::string label) {
    Point p;
    p.id = std::move(id);
    p.scenario = std::move(scenario);
    p.label = std::move(label);
    p.load = base;
    return p;
  };
  std::vector<Point> points;
  auto add = [&](Point p) {
    if (p.load.connections > max_conns) {
      why->push_back(p.label + ": skipped, needs " + with_commas(p.load.connections) +
                     " connections; descriptor limit and port range allow " +
                     with_commas(max_conns));
      return;
    }
    points.push_back(std::move(p));
  };

  if (wants("pingpong")) {
    for (const auto& c : split_list(o.connections)) {
      int n = std::atoi(c.c_str());
      if (n <= 0) continue;
      Point p = point("pingpong-" + std::to_string(n), "pingpong", "ping-pong, " + conns(n));
      p.sweep = true;
      p.x = n;
      p.load.connections = n;
      p.load.message_size = o.size;
      p.load.inflight = o.inflight;
      add(p);
    }
  }
  if (wants("bulk")) {
    Point p = point("bulk-" + std::to_string(o.bulk_connections), "bulk",
                    "bulk, " + conns(o.bulk_connections) + " x " + std::to_string(o.bulk_size) +
                        " B x " + std::to_string(o.bulk_inflight) + " in flight");
    p.load.connections = o.bulk_connections;
    p.load.message_size = o.bulk_size;
    p.load.inflight = o.bulk_inflight;
    add(p);
  }
  if (wants("idle")) {
    Point p =
        point("idle-" + std::to_string(o.idle_active) + "-" + std::to_string(o.idle_idle), "idle",
              "idle-heavy, " + with_commas(o.idle_active) + " active + " +
                  with_commas(o.idle_idle) + " idle");
    p.load.connections = o.idle_active + o.idle_idle;
    p.load.active = o.idle_active;
    p.load.message_size = o.size;
    add(p);
  }
  if (wants("burst")) {
    Point p = point("burst-" + std::to_string(o.burst_connections), "burst",
                    "burst fan-in, " + conns(o.burst_connections) + " x " +
                        std::to_string(o.burst) + " at once");
    p.load.mode = load::Mode::burst;
    p.load.connections = o.burst_connections;
    p.load.burst = o.burst;
    p.load.message_size = o.size;
    add(p);
  }
  if (wants("churn")) {
    std::string rate = o.churn_rate > 0 ? with_commas(o.churn_rate) + "/s" : "flat out";
    Point p = point("churn", "churn", "churn, connect-echo-close at " + rate);
    p.load.mode = load::Mode::churn;
    p.load.churn_rate = o.churn_rate;
    p.load.churn_concurrency = o.churn_concurrency;
    p.load.message_size = o.size;
    add(p);
  }
  return points;
}

}  // namespace wsx::bench
