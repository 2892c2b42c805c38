#include "harness/wine_prefix.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/subprocess.hpp"

namespace wsx::bench {
namespace {

namespace fs = std::filesystem;

// wineboot alone takes ~10 s on the project's machine; the script's own
// steps are bounded too.
constexpr double kPrefixTimeoutS = 300;
constexpr double kStopTimeoutS = 30;

std::string prefix_script() {
  return std::string(WSX_SOURCE_DIR) + "/scripts/wine-prefix.sh";
}

void set_default_env(const char* name, const char* value) {
  ::setenv(name, value, 0);
}

}  // namespace

WinePrefix::~WinePrefix() {
  if (made_) run_command({"bash", prefix_script(), "stop", dir_}, kStopTimeoutS, "/dev/null");
}

bool WinePrefix::open(const std::string& dir, std::string* note, std::string* why) {
  // Wine's own chatter would fill the servers' logs; Mono and Gecko are not
  // needed, and their installers would ask.
  set_default_env("WINEDEBUG", "-all");
  set_default_env("WINEDLLOVERRIDES", "mscoree,mshtml=");
  if (const char* given = std::getenv("WINEPREFIX"); given && *given) {
    dir_ = given;
    *note = "Wine prefix " + dir_ + " (from WINEPREFIX)";
    return true;
  }
  if (!fs::exists(prefix_script())) {
    *why = "cannot make a Wine prefix: no " + prefix_script() + " (set WINEPREFIX to use one)";
    return false;
  }
  std::error_code ec;
  dir_ = fs::absolute(dir, ec).string();
  std::string log = dir_ + ".log";
  CommandResult r = run_command({"bash", prefix_script(), "start", dir_}, kPrefixTimeoutS, log);
  made_ = true;  // even half made, its wineserver is to be stopped
  if (!r.ran || r.exit_status != 0) {
    *why = "scripts/wine-prefix.sh start " + dir_ + " failed" +
           (r.ran ? " with status " + std::to_string(r.exit_status) : ": " + r.why) +
           " (log: " + log + ")";
    return false;
  }
  ::setenv("WINEPREFIX", dir_.c_str(), 1);
  *note = "Wine prefix " + dir_ + " (fresh, scripts/wine-prefix.sh)";
  return true;
}

pid_t find_wineserver(const std::string& prefix) {
  const std::string want = "WINEPREFIX=" + prefix;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm(e.path() / "comm");
    std::string c;
    if (!std::getline(comm, c) || c.rfind("wineserver", 0) != 0) continue;
    std::ifstream env(e.path() / "environ");
    std::string var;
    while (std::getline(env, var, '\0')) {
      if (var == want) return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

}  // namespace wsx::bench
