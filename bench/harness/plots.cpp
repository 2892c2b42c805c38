// Plots of the ping-pong sweep against connection count (log scale): one
// line per server, the median with its min-max spread as error bars. The
// data and the gnuplot script stay in the output directory, so a plot can
// be remade or restyled by hand.
#include <cstdio>
#include <string>
#include <vector>

#include "harness/report.hpp"
#include "harness/subprocess.hpp"

namespace wsx::bench {
namespace {

constexpr double kGnuplotTimeoutS = 30;

struct Plot {
  const char* file;
  const char* title;
  const char* ylabel;
  int column;  // of the data files: median; min and max follow it
  bool log_y;
};

constexpr Plot kPlots[] = {
    {"throughput.png", "Ping-pong echo: throughput", "messages per second", 2, false},
    {"p99.png", "Ping-pong echo: 99th percentile round trip", "p99 round trip (us)", 5, true},
    {"cpu.png", "Ping-pong echo: server CPU per message", "server CPU us per message", 8, false},
};

std::string describe_sweep(const ReportInput& in) {
  for (const auto& p : *in.points) {
    if (p.sweep) {
      return std::to_string(p.load.message_size) + "-byte messages, " +
             std::to_string(p.load.inflight) + " in flight per connection";
    }
  }
  return {};
}

}  // namespace

std::string make_plots(const std::string& out_dir, const ReportInput& in) {
  std::string sweep = describe_sweep(in);
  if (sweep.empty()) return "no ping-pong sweep in this suite; no plots";
  // One data file per server: connections, then median/min/max of msg/s,
  // p99 and CPU per message. Servers without a single figure get no line.
  std::vector<std::string> names;
  for (const auto& srv : *in.servers) {
    std::string path = out_dir + "/plot-" + srv.spec.name + ".dat";
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return "cannot write " + path;
    std::fprintf(f,
                 "# connections msgs_med msgs_min msgs_max p99_med p99_min p99_max "
                 "cpu_med cpu_min cpu_max\n");
    for (const auto& r : *in.rows) {
      const Point& p = (*in.points)[r.point];
      if (!p.sweep || (*in.servers)[r.server].spec.name != srv.spec.name || r.msgs.n == 0) {
        continue;
      }
      if (names.empty() || names.back() != srv.spec.name) names.push_back(srv.spec.name);
      std::fprintf(f, "%d %g %g %g %g %g %g %g %g %g\n", p.x, r.msgs.median, r.msgs.min, r.msgs.max,
                   r.p99.median, r.p99.min, r.p99.max, r.cpu_us.median, r.cpu_us.min, r.cpu_us.max);
    }
    std::fclose(f);
  }
  if (names.empty()) return "no ping-pong figures to plot";
  std::string script_path = out_dir + "/plots.gp";
  std::FILE* g = std::fopen(script_path.c_str(), "w");
  if (!g) return "cannot write " + script_path;
  std::fprintf(g,
               "# Made by wsx-bench; run 'gnuplot plots.gp' in this directory to remake.\n"
               "set terminal pngcairo size 820,480 font 'sans,10'\n"
               "set logscale x\nset xlabel 'connections'\nset grid\n"
               "set key outside right top\nset yrange [0:*]\n");
  for (const auto& plot : kPlots) {
    std::fprintf(g, "set output '%s'\nset title \"%s\\n%s; %d CPUs, --pin=%s\"\nset ylabel '%s'\n",
                 plot.file, plot.title, sweep.c_str(), in.machine.cpus, in.options->pin.c_str(),
                 plot.ylabel);
    std::fprintf(g, plot.log_y ? "set logscale y\nset yrange [*:*]\n"
                               : "unset logscale y\nset yrange [0:*]\n");
    std::fprintf(g, "plot ");
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[i];
      std::fprintf(g, "%s'plot-%s.dat' using 1:%d:%d:%d with yerrorlines title '%s'",
                   i ? ", \\\n     " : "", n.c_str(), plot.column, plot.column + 1, plot.column + 2,
                   n.c_str());
    }
    std::fprintf(g, "\n");
  }
  std::fclose(g);
  CommandResult r = run_command({"gnuplot", "plots.gp"}, kGnuplotTimeoutS, "gnuplot.log", out_dir);
  if (!r.ran) return "plots not made: " + r.why + " (install gnuplot-nox)";
  if (r.exit_status != 0) return "plots not made: gnuplot failed, see " + out_dir + "/gnuplot.log";
  return "plots: " + out_dir + "/throughput.png, p99.png, cpu.png";
}

}  // namespace wsx::bench
