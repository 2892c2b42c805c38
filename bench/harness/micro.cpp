#include "harness/micro.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <unistd.h>

#include "harness/subprocess.hpp"

namespace wsx::bench {

int run_micro(const std::string& dir, const std::vector<std::string>& args, double timeout_s) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("wsx_micro", 0) == 0 && e.is_regular_file(ec) &&
        ::access(e.path().c_str(), X_OK) == 0) {
      found.push_back(e.path().string());
    }
  }
  if (found.empty()) {
    std::printf("wsx-bench micro: no micro-benchmarks built (no wsx_micro* in %s); skipped\n",
                dir.c_str());
    return 0;
  }
  std::sort(found.begin(), found.end());
  int failures = 0;
  for (const auto& exe : found) {
    std::printf("=== %s\n", exe.c_str());
    std::fflush(stdout);
    std::vector<std::string> argv{exe};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = run_command(argv, timeout_s);
    if (!r.ran || r.exit_status != 0) {
      ++failures;
      std::printf(
          "wsx-bench micro: %s %s\n", exe.c_str(),
          r.ran ? ("failed with status " + std::to_string(r.exit_status)).c_str() : r.why.c_str());
    }
  }
  return failures ? 1 : 0;
}

}  // namespace wsx::bench
