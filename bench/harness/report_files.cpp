// The machine-readable reports: results.json (everything: settings, every
// run, every summary row) and two CSV files (summary.csv, runs.csv).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "harness/report.hpp"
#include "harness/text.hpp"

namespace wsx::bench {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File open_for_writing(const std::string& path) {
  File f(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!f) std::fprintf(stderr, "wsx-bench: cannot write %s\n", path.c_str());
  return f;
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) about
// "literal" + std::string.
std::string q(const std::string& s) {
  std::string out(1, '"');
  out += json_escape(s);
  out += '"';
  return out;
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out(1, '[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += q(items[i]);
  }
  out += ']';
  return out;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string spread_json(const Spread& s) {
  if (s.n == 0) return "null";
  return "{\"n\":" + std::to_string(s.n) + ",\"median\":" + num(s.median) +
         ",\"min\":" + num(s.min) + ",\"max\":" + num(s.max) + ",\"q1\":" + num(s.q1) +
         ",\"q3\":" + num(s.q3) + "}";
}

std::string point_json(const Point& p) {
  const load::Config& c = p.load;
  return "{\"id\":" + q(p.id) + ",\"scenario\":" + q(p.scenario) + ",\"label\":" + q(p.label) +
         ",\"mode\":" + q(load::mode_name(c.mode)) +
         ",\"connections\":" + std::to_string(c.connections) +
         ",\"active\":" + std::to_string(c.active < 0 ? c.connections : c.active) +
         ",\"message_size\":" + std::to_string(c.message_size) +
         ",\"inflight\":" + std::to_string(c.inflight) + ",\"burst\":" + std::to_string(c.burst) +
         ",\"churn_rate\":" + num(c.churn_rate) +
         ",\"churn_concurrency\":" + std::to_string(c.churn_concurrency) +
         ",\"warmup_s\":" + num(c.warmup_s) + ",\"duration_s\":" + num(c.duration_s) +
         ",\"client_threads\":" + std::to_string(c.threads) + "}";
}

std::string sample_json(const Sample& s, const ReportInput& in) {
  const load::Result& r = s.result;
  std::string errs = json_list(r.error_samples);
  return "{\"point\":" + q((*in.points)[s.point].id) +
         ",\"server\":" + q((*in.servers)[s.server].spec.name) +
         ",\"repeat\":" + std::to_string(s.repeat) + ",\"ok\":" + (s.ok() ? "true" : "false") +
         ",\"messages\":" + std::to_string(r.messages) + ",\"seconds\":" + num(r.seconds) +
         ",\"messages_per_s\":" + num(r.messages_per_s) + ",\"mb_per_s\":" + num(r.mb_per_s) +
         ",\"p50_us\":" + num(r.p50_us) + ",\"p99_us\":" + num(r.p99_us) +
         ",\"p999_us\":" + num(r.p999_us) + ",\"server_cpu_s\":" + num(s.server_cpu_s) +
         ",\"server_cpu_us_per_message\":" + num(s.cpu_us_per_message()) +
         ",\"wineserver_cpu_us_per_message\":" + num(s.wineserver_us_per_message()) +
         ",\"skipped\":" + q(s.skipped) + ",\"errors\":" + std::to_string(r.errors) +
         ",\"stalled\":" + std::to_string(r.stalled) +
         ",\"idle_lost\":" + std::to_string(r.idle_lost) + ",\"wall_s\":" + num(s.wall_s) +
         ",\"failure\":" + q(s.failure) + ",\"error_samples\":" + errs + "}";
}

std::string row_json(const Row& r, const ReportInput& in) {
  std::string notes = json_list(r.notes);
  const Server& srv = (*in.servers)[r.server];
  // The *_to_epoll keys hold the Linux servers' ratios only; every row's
  // ratio to its own baseline is in the *_to_baseline keys.
  const Spread none;
  const bool to_epoll = !srv.spec.windows;
  return "{\"point\":" + q((*in.points)[r.point].id) + ",\"server\":" + q(srv.spec.name) +
         ",\"baseline\":" + q(srv.baseline()) + ",\"skipped\":" + q(r.skipped) +
         ",\"runs\":" + std::to_string(r.runs) + ",\"failed_runs\":" + std::to_string(r.failed) +
         ",\"messages_per_s\":" + spread_json(r.msgs) + ",\"mb_per_s\":" + spread_json(r.mbps) +
         ",\"p50_us\":" + spread_json(r.p50) + ",\"p99_us\":" + spread_json(r.p99) +
         ",\"p999_us\":" + spread_json(r.p999) +
         ",\"server_cpu_us_per_message\":" + spread_json(r.cpu_us) +
         ",\"wineserver_cpu_us_per_message\":" + spread_json(r.wineserver_us) +
         ",\"throughput_ratio_to_epoll\":" + spread_json(to_epoll ? r.tput_ratio : none) +
         ",\"cpu_ratio_to_epoll\":" + spread_json(to_epoll ? r.cpu_ratio : none) +
         ",\"throughput_ratio_to_baseline\":" + spread_json(r.tput_ratio) +
         ",\"cpu_ratio_to_baseline\":" + spread_json(r.cpu_ratio) +
         ",\"errors\":" + std::to_string(r.errors) + ",\"stalled\":" + std::to_string(r.stalled) +
         ",\"idle_lost\":" + std::to_string(r.idle_lost) + ",\"notes\":" + notes + "}";
}

}  // namespace

bool write_json(const std::string& path, const ReportInput& in) {
  File f = open_for_writing(path);
  if (!f) return false;
  const Machine& m = in.machine;
  std::fprintf(f.get(), "{\n\"command\":%s,\n\"started_at\":%s,\n\"elapsed_s\":%s,\n",
               q(in.command).c_str(), q(in.started_at).c_str(), num(in.elapsed_s).c_str());
  std::fprintf(f.get(), "\"machine\":{\"cpus\":%d,\"cpu_model\":%s,\"kernel\":%s,\"os\":%s},\n",
               m.cpus, q(m.cpu_model).c_str(), q(m.kernel).c_str(), q(m.os).c_str());
  std::fprintf(f.get(), "\"placement\":%s,\n", q(in.placement).c_str());
  std::fprintf(f.get(), "\"repeats\":%d,\n\"baseline\":%s,\n\"wine_baseline\":%s,\n\"servers\":[",
               in.options->repeats, q(kBaseline).c_str(), q(kWineBaseline).c_str());
  for (std::size_t i = 0; i < in.servers->size(); ++i) {
    const auto& s = (*in.servers)[i];
    std::fprintf(f.get(), "%s{\"name\":%s,\"executable\":%s,\"what\":%s,\"wine\":%s}", i ? "," : "",
                 q(s.spec.name).c_str(), q(s.exe).c_str(), q(s.spec.what).c_str(),
                 s.spec.windows ? "true" : "false");
  }
  std::fprintf(f.get(), "],\n\"not_run\":[");
  for (std::size_t i = 0; i < in.not_run.size(); ++i)
    std::fprintf(f.get(), "%s%s", i ? "," : "", q(in.not_run[i]).c_str());
  std::fprintf(f.get(), "],\n\"points\":[\n");
  for (std::size_t i = 0; i < in.points->size(); ++i)
    std::fprintf(f.get(), "%s%s", i ? ",\n" : "", point_json((*in.points)[i]).c_str());
  std::fprintf(f.get(), "],\n\"summary\":[\n");
  for (std::size_t i = 0; i < in.rows->size(); ++i)
    std::fprintf(f.get(), "%s%s", i ? ",\n" : "", row_json((*in.rows)[i], in).c_str());
  std::fprintf(f.get(), "],\n\"runs\":[\n");
  for (std::size_t i = 0; i < in.samples->size(); ++i)
    std::fprintf(f.get(), "%s%s", i ? ",\n" : "", sample_json((*in.samples)[i], in).c_str());
  std::fprintf(f.get(), "]\n}\n");
  return std::ferror(f.get()) == 0;
}

bool write_summary_csv(const std::string& path, const ReportInput& in) {
  File f = open_for_writing(path);
  if (!f) return false;
  std::fprintf(f.get(),
               "point,scenario,connections,active,message_size,server,runs,failed_runs,"
               "msgs_per_s_median,msgs_per_s_min,msgs_per_s_max,mb_per_s_median,p50_us,p99_us,"
               "p999_us,cpu_us_per_msg_median,cpu_us_per_msg_min,cpu_us_per_msg_max,"
               "throughput_ratio_to_epoll,cpu_ratio_to_epoll,errors,stalled,idle_lost,"
               "baseline,throughput_ratio_to_baseline,cpu_ratio_to_baseline,"
               "wineserver_cpu_us_per_msg_median,skipped\n");
  for (const auto& r : *in.rows) {
    const Point& p = (*in.points)[r.point];
    auto ratio = [](const Spread& s) { return s.n ? num(s.median) : std::string(); };
    const Server& srv = (*in.servers)[r.server];
    const bool to_epoll = !srv.spec.windows;
    std::fprintf(
        f.get(),
        "%s,%s,%d,%d,%d,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%llu,%llu,%llu,%s,%s,%s,%s,%"
        "d\n",
        p.id.c_str(), p.scenario.c_str(), p.load.connections,
        p.load.active < 0 ? p.load.connections : p.load.active, p.load.message_size,
        (*in.servers)[r.server].spec.name.c_str(), r.runs, r.failed, num(r.msgs.median).c_str(),
        num(r.msgs.min).c_str(), num(r.msgs.max).c_str(), num(r.mbps.median).c_str(),
        num(r.p50.median).c_str(), num(r.p99.median).c_str(), num(r.p999.median).c_str(),
        num(r.cpu_us.median).c_str(), num(r.cpu_us.min).c_str(), num(r.cpu_us.max).c_str(),
        to_epoll ? ratio(r.tput_ratio).c_str() : "", to_epoll ? ratio(r.cpu_ratio).c_str() : "",
        static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.stalled),
        static_cast<unsigned long long>(r.idle_lost), srv.baseline(), ratio(r.tput_ratio).c_str(),
        ratio(r.cpu_ratio).c_str(), ratio(r.wineserver_us).c_str(), r.skipped.empty() ? 0 : 1);
  }
  return std::ferror(f.get()) == 0;
}

bool write_runs_csv(const std::string& path, const ReportInput& in) {
  File f = open_for_writing(path);
  if (!f) return false;
  std::fprintf(f.get(),
               "point,server,repeat,ok,messages,seconds,msgs_per_s,mb_per_s,p50_us,p99_us,p999_us,"
               "server_cpu_s,cpu_us_per_msg,errors,stalled,idle_lost\n");
  for (const auto& s : *in.samples) {
    const load::Result& r = s.result;
    std::fprintf(
        f.get(), "%s,%s,%d,%d,%llu,%s,%s,%s,%s,%s,%s,%s,%s,%llu,%llu,%llu\n",
        (*in.points)[s.point].id.c_str(), (*in.servers)[s.server].spec.name.c_str(), s.repeat,
        s.ok() ? 1 : 0, static_cast<unsigned long long>(r.messages), num(r.seconds).c_str(),
        num(r.messages_per_s).c_str(), num(r.mb_per_s).c_str(), num(r.p50_us).c_str(),
        num(r.p99_us).c_str(), num(r.p999_us).c_str(), num(s.server_cpu_s).c_str(),
        num(s.cpu_us_per_message()).c_str(), static_cast<unsigned long long>(r.errors),
        static_cast<unsigned long long>(r.stalled), static_cast<unsigned long long>(r.idle_lost));
  }
  return std::ferror(f.get()) == 0;
}

}  // namespace wsx::bench
