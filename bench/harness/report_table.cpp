// The terminal table: one block per point, one line per server, medians with
// their min-max spread, and the paired ratios to raw epoll.
#include <string>

#include "harness/report.hpp"
#include "harness/text.hpp"

namespace wsx::bench {
namespace {

std::string ranged(const Spread& s, std::string (*fmt)(double)) {
  if (s.n == 0) return "-";
  if (s.n == 1) return fmt(s.median);
  return fmt(s.median) + " (" + fmt(s.min) + "-" + fmt(s.max) + ")";
}

std::string ratio(const Spread& s) {
  if (s.n == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s.median);
  return buf;
}

std::string plain(double v) {
  return figure(v);
}
std::string whole(double v) {
  return with_commas(v);
}

}  // namespace

void print_table(std::FILE* f, const ReportInput& in) {
  const auto& points = *in.points;
  const auto& servers = *in.servers;
  const Options& o = *in.options;
  std::fprintf(f, "\nwsx-bench: echo servers on loopback, %d run%s per figure, median (min-max)\n",
               o.repeats, o.repeats == 1 ? "" : "s");
  std::fprintf(f,
               "x epoll: the server's figure over raw epoll's in the same round, median of those "
               "ratios\n(throughput: higher is better; CPU per message: lower is better)\n\n");
  std::fprintf(f, "  %-16s %-27s %7s %8s %9s %9s %9s  %-20s %7s %5s %5s\n", "server", "msg/s",
               "x epoll", "MB/s", "p50", "p99", "p99.9", "server CPU us/msg", "x epoll", "err",
               "stall");
  for (const auto& r : *in.rows) {
    if (r.server == 0) {
      const Point& p = points[r.point];
      std::fprintf(f, "%s%s\n", p.label.c_str(),
                   p.scenario == "churn" ? "  (figures per connection)" : "");
    }
    std::string name = servers[r.server].spec.name;
    std::fprintf(
        f, "  %-16s %-27s %7s %8s %9s %9s %9s  %-20s %7s %5llu %5llu%s\n", name.c_str(),
        ranged(r.msgs, whole).c_str(), ratio(r.tput_ratio).c_str(),
        r.mbps.n ? figure(r.mbps.median).c_str() : "-",
        r.p50.n ? micros(r.p50.median).c_str() : "-", r.p99.n ? micros(r.p99.median).c_str() : "-",
        r.p999.n ? micros(r.p999.median).c_str() : "-", ranged(r.cpu_us, plain).c_str(),
        ratio(r.cpu_ratio).c_str(), static_cast<unsigned long long>(r.errors + r.idle_lost),
        static_cast<unsigned long long>(r.stalled), r.failed ? "  FAILED" : "");
    for (const auto& n : r.notes)
      std::fprintf(f, "      ! %s\n", n.c_str());
  }
  if (!in.not_run.empty()) {
    std::fprintf(f, "\nnot run:\n");
    for (const auto& n : in.not_run)
      std::fprintf(f, "  %s\n", n.c_str());
  }
  std::fprintf(f, "\nmachine: %d CPUs, %s, Linux %s%s%s\n", in.machine.cpus,
               in.machine.cpu_model.c_str(), in.machine.kernel.c_str(),
               in.machine.os.empty() ? "" : ", ", in.machine.os.c_str());
  std::fprintf(f, "placement: %s\n", in.placement.c_str());
  std::fprintf(f, "command: %s\n", in.command.c_str());
}

}  // namespace wsx::bench
