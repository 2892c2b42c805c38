#include "harness/summary.hpp"

#include <map>

namespace wsx::bench {
namespace {

constexpr std::size_t kMaxNotes = 3;

void note(Row& r, const std::string& s) {
  if (r.notes.size() < kMaxNotes) r.notes.push_back(s);
}

}  // namespace

std::vector<Row> summarize(const std::vector<Sample>& samples, std::size_t points,
                           std::size_t servers, const std::vector<std::size_t>& baseline_of) {
  // Samples by (point, server, repeat): the repeat pairs a run with the
  // baseline's run of the same round.
  std::map<std::tuple<std::size_t, std::size_t, int>, const Sample*> by;
  for (const auto& s : samples)
    by[{s.point, s.server, s.repeat}] = &s;

  std::vector<Row> rows;
  for (std::size_t p = 0; p < points; ++p) {
    for (std::size_t v = 0; v < servers; ++v) {
      Row r;
      r.point = p;
      r.server = v;
      const std::size_t baseline = baseline_of[v];
      std::vector<double> msgs, mbps, p50, p99, p999, cpu, ws, tr, cr;
      for (const auto& s : samples) {
        if (s.point != p || s.server != v) continue;
        if (!s.skipped.empty()) {
          r.skipped = s.skipped;
          continue;
        }
        ++r.runs;
        r.errors += s.result.errors;
        r.stalled += s.result.stalled;
        r.idle_lost += s.result.idle_lost;
        if (!s.ok()) ++r.failed;
        if (!s.failure.empty()) note(r, s.failure);
        for (const auto& e : s.result.error_samples)
          note(r, e);
        if (s.result.messages == 0) {
          if (s.failure.empty()) note(r, "no reply was verified in the window");
          continue;
        }
        msgs.push_back(s.result.messages_per_s);
        mbps.push_back(s.result.mb_per_s);
        p50.push_back(s.result.p50_us);
        p99.push_back(s.result.p99_us);
        p999.push_back(s.result.p999_us);
        double c = s.cpu_us_per_message();
        if (c >= 0) cpu.push_back(c);
        if (double w = s.wineserver_us_per_message(); w >= 0) ws.push_back(w);
        auto base = by.find({p, baseline, s.repeat});
        if (baseline < servers && base != by.end() && base->second->result.messages > 0) {
          const Sample& b = *base->second;
          tr.push_back(s.result.messages_per_s / b.result.messages_per_s);
          double bc = b.cpu_us_per_message();
          if (c >= 0 && bc > 0) cr.push_back(c / bc);
        }
      }
      r.msgs = spread_of(msgs);
      r.mbps = spread_of(mbps);
      r.p50 = spread_of(p50);
      r.p99 = spread_of(p99);
      r.p999 = spread_of(p999);
      r.cpu_us = spread_of(cpu);
      r.wineserver_us = spread_of(ws);
      r.tput_ratio = spread_of(tr);
      r.cpu_ratio = spread_of(cr);
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

}  // namespace wsx::bench
