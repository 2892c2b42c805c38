// The servers wsx-bench compares, as a table: a server whose executable is
// not in the build is listed as "not built" and skipped, so servers being
// written on other branches join the comparison once they are merged.
#pragma once

#include <string>
#include <vector>

namespace wsx::bench {

struct ServerSpec {
  std::string name;               // short, used in tables, files and --servers
  std::string path;               // executable, relative to the build directory
  std::vector<std::string> args;  // before "--port P", which the harness adds
  std::string what;               // one line for --help and the report
};

// Every server, the raw-epoll reference first (the baseline of every ratio).
const std::vector<ServerSpec>& server_table();

inline constexpr const char* kBaseline = "epoll";

struct Server {
  ServerSpec spec;
  std::string exe;  // absolute path
  bool built = false;
};

// The table's servers as found under build_dir, in table order. `only`
// (comma-separated names, empty: all) narrows the list; unknown names are
// returned in *unknown.
std::vector<Server> discover_servers(const std::string& build_dir, const std::string& only,
                                     std::vector<std::string>* unknown);

}  // namespace wsx::bench
