// Runs a helper program (gnuplot, a micro-benchmark) to completion within a
// time limit: a helper that hangs must not hang the harness.
#pragma once

#include <string>
#include <vector>

namespace wsx::bench {

struct CommandResult {
  bool ran = false;      // it started and ended within the limit
  int exit_status = -1;  // when ran
  std::string why;       // when not: cannot start, killed at the limit, ...
};

// argv[0] is looked up in PATH unless it contains '/'. Output goes where
// the harness's goes, or to `output_path` when not empty. It runs in
// `work_dir` when that is not empty (and output_path is then relative to it).
CommandResult run_command(const std::vector<std::string>& argv, double timeout_s,
                          const std::string& output_path = {}, const std::string& work_dir = {});

}  // namespace wsx::bench
