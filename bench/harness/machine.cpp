// Where the figures came from: CPU count and model, kernel, distribution.
#include <fstream>
#include <string>

#include <sys/utsname.h>
#include <unistd.h>

#include "harness/report.hpp"

namespace wsx::bench {
namespace {

// The value of the first "key<spaces>: value" or "KEY=value" line with that key.
std::string value_of(const char* path, const std::string& key, char sep) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) != 0) continue;
    auto at = line.find(sep);
    if (at == std::string::npos) continue;
    std::string v = line.substr(at + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '"'))
      v.erase(v.begin());
    while (!v.empty() && (v.back() == ' ' || v.back() == '"'))
      v.pop_back();
    return v;
  }
  return {};
}

}  // namespace

Machine describe_machine() {
  Machine m;
  m.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  m.cpu_model = value_of("/proc/cpuinfo", "model name", ':');
  if (m.cpu_model.empty()) m.cpu_model = "unknown CPU";
  utsname u{};
  if (::uname(&u) == 0) m.kernel = u.release;
  m.os = value_of("/etc/os-release", "PRETTY_NAME", '=');
  return m;
}

}  // namespace wsx::bench
