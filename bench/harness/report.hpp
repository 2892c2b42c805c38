// What a finished suite reports: a table for the terminal (and table.txt),
// JSON and CSV files, and gnuplot plots, all from the same ReportInput.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "harness/options.hpp"
#include "harness/runner.hpp"
#include "harness/summary.hpp"

namespace wsx::bench {

struct Machine {
  int cpus = 0;
  std::string cpu_model, kernel, os;
};
Machine describe_machine();

struct ReportInput {
  std::string command;     // the command line, as run
  std::string started_at;  // local time, ISO 8601
  double elapsed_s = 0;
  Machine machine;
  std::string placement;  // how server and load generator were pinned
  const Options* options = nullptr;
  const std::vector<Point>* points = nullptr;
  const std::vector<Server>* servers = nullptr;  // the ones that ran
  std::vector<std::string> not_run;              // servers not built, points skipped, in words
  const std::vector<Sample>* samples = nullptr;
  const std::vector<Row>* rows = nullptr;
};

void print_table(std::FILE* f, const ReportInput& in);
// Each returns false (and says why on stderr) when the file cannot be written.
bool write_json(const std::string& path, const ReportInput& in);
bool write_summary_csv(const std::string& path, const ReportInput& in);
bool write_runs_csv(const std::string& path, const ReportInput& in);
// PNGs of throughput, p99 and server CPU against connection count (the
// ping-pong sweep), through gnuplot. Returns what was made or why not.
std::string make_plots(const std::string& out_dir, const ReportInput& in);

}  // namespace wsx::bench
