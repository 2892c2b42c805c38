// The servers wsx-bench compares, as a table: a server whose executable is
// not in the build is listed as "not built" and skipped, so servers being
// written on other branches join the comparison once they are merged.
// Windows servers come from a mingw build (--windows-build) and run under
// Wine; they are compared with the system's WSAEventSelect server, not
// with raw epoll (Wine's socket path is far slower than Linux's).
#pragma once

#include <string>
#include <vector>

namespace wsx::bench {

struct ServerSpec {
  std::string name;               // short, used in tables, files and --servers
  std::string path;               // executable, relative to the (Linux or Windows) build directory
  std::vector<std::string> args;  // before "--port P", which the harness adds
  std::string what;               // one line for --help and the report
  bool windows = false;           // a Windows executable, run under Wine
};

// Every server: the Linux ones, raw epoll first (their baseline), then the
// Windows ones, the system's WSAEventSelect first (theirs).
const std::vector<ServerSpec>& server_table();

inline constexpr const char* kBaseline = "epoll";
inline constexpr const char* kWineBaseline = "winsock-eventselect";

struct Server {
  ServerSpec spec;
  std::string exe;                  // absolute path of the server's executable
  std::vector<std::string> launch;  // what runs: {exe} or {wine, exe}
  bool built = false;
  const char* baseline() const { return spec.windows ? kWineBaseline : kBaseline; }
};

struct Builds {
  std::string linux_dir;    // the build wsx-bench belongs to
  std::string windows_dir;  // a mingw build; empty: no Windows servers
  std::string wine;         // the Wine loader that runs them
};

// The table's servers as found in the builds, in table order. `only`
// (comma-separated names, empty: all) narrows the list; unknown names are
// returned in *unknown. Windows servers are left out when no Windows build
// is given, unless `only` names them (they are then "not built").
std::vector<Server> discover_servers(const Builds& builds, const std::string& only,
                                     std::vector<std::string>* unknown);

}  // namespace wsx::bench
