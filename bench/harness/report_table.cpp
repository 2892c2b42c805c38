// The terminal table: one block per point, one line per server, medians with
// their min-max spread, and the paired ratios to raw epoll; Windows servers
// under Wine in a block of their own, with ratios to the system's
// WSAEventSelect (Wine's socket path is far slower than Linux's, so a ratio
// to epoll would measure Wine, not the server).
#include <algorithm>
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

// After a point's Windows servers: the wineserver's CPU per message, which
// the server CPU column leaves out.
void print_wineserver(std::FILE* f, const std::vector<const Row*>& rows,
                      const std::vector<Server>& servers) {
  std::string line;
  for (const Row* r : rows) {
    if (r->wineserver_us.n == 0) continue;
    line += "  " + servers[r->server].spec.name + " " + figure(r->wineserver_us.median);
  }
  if (!line.empty())
    std::fprintf(f, "    wineserver CPU us/msg, not in the column above:%s\n", line.c_str());
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
               "ratios\n(throughput: higher is better; CPU per message: lower is better)\n");
  bool any_windows = false;
  for (const auto& s : servers)
    any_windows = any_windows || s.spec.windows;
  if (any_windows) {
    std::fprintf(f,
                 "under Wine: Windows servers, ratios to %s instead; their CPU is the Wine "
                 "process's own,\nthe wineserver's share is shown apart\n",
                 kWineBaseline);
  }
  std::fprintf(f, "\n");
  // The names' column fits the longest (Wine's are longer than 16).
  int w = 16;
  for (const auto& s : servers)
    w = std::max(w, static_cast<int>(s.spec.name.size()));
  std::fprintf(f, "  %-*s %-27s %7s %8s %9s %9s %9s  %-20s %7s %5s %5s\n", w, "server", "msg/s",
               "x epoll", "MB/s", "p50", "p99", "p99.9", "server CPU us/msg", "x epoll", "err",
               "stall");
  std::vector<const Row*> wine_rows;  // the current point's
  for (const auto& r : *in.rows) {
    if (r.server == 0) {
      const Point& p = points[r.point];
      std::fprintf(f, "%s%s\n", p.label.c_str(),
                   p.scenario == "churn" ? "  (figures per connection)" : "");
    }
    const bool windows = servers[r.server].spec.windows;
    if (windows && (r.server == 0 || !servers[r.server - 1].spec.windows)) {
      std::fprintf(f, "  under Wine (x: over %s)\n", kWineBaseline);
      wine_rows.clear();
    }
    std::string name = servers[r.server].spec.name;
    if (!r.skipped.empty()) {
      std::fprintf(f, "  %-*s %s\n", w, name.c_str(), r.skipped.c_str());
    } else {
      std::fprintf(f, "  %-*s %-27s %7s %8s %9s %9s %9s  %-20s %7s %5llu %5llu%s\n", w,
                   name.c_str(), ranged(r.msgs, whole).c_str(), ratio(r.tput_ratio).c_str(),
                   r.mbps.n ? figure(r.mbps.median).c_str() : "-",
                   r.p50.n ? micros(r.p50.median).c_str() : "-",
                   r.p99.n ? micros(r.p99.median).c_str() : "-",
                   r.p999.n ? micros(r.p999.median).c_str() : "-", ranged(r.cpu_us, plain).c_str(),
                   ratio(r.cpu_ratio).c_str(),
                   static_cast<unsigned long long>(r.errors + r.idle_lost),
                   static_cast<unsigned long long>(r.stalled), r.failed ? "  FAILED" : "");
    }
    for (const auto& n : r.notes)
      std::fprintf(f, "      ! %s\n", n.c_str());
    if (windows) wine_rows.push_back(&r);
    if (windows && r.server + 1 == servers.size()) print_wineserver(f, wine_rows, servers);
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
