// `wsx-bench micro`: the Google Benchmark micro-suite. Runs every
// executable named wsx_micro* in the given directory (the build's bench/),
// passing `args` to each; having none is not an error.
#pragma once

#include <string>
#include <vector>

namespace wsx::bench {

// Returns the process exit status: 0 when every one passed (or none exist).
int run_micro(const std::string& dir, const std::vector<std::string>& args, double timeout_s);

}  // namespace wsx::bench
