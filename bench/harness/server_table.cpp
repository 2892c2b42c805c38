#include "harness/server_table.hpp"

#include <algorithm>

#include <unistd.h>

#include "harness/text.hpp"

namespace wsx::bench {

const std::vector<ServerSpec>& server_table() {
  static const std::vector<ServerSpec> table{
      {"epoll", "bench/epoll_echo", {}, "raw edge-triggered epoll (the reference)"},
      {"poll", "bench/poll_echo", {}, "poll(), level-triggered"},
      {"libuv", "bench/libuv_echo", {}, "libuv (Debian libuv1-dev)"},
      {"asio", "bench/asio_echo", {}, "standalone asio (Debian libasio-dev)"},
      {"wsx-native", "samples/runtime_echo", {}, "wsx runtime, native C++ API (events + wait set)"},
      {"wsx-eventselect", "samples/event_select_server", {}, "wsx compat, WSAEventSelect"},
      {"wsx-asyncselect",
       "samples/async_select_chat",
       {"--echo"},
       "wsx compat, WSAAsyncSelect on a message queue"},
      {"winsock-eventselect",
       "bench/winsock_eventselect_echo.exe",
       {},
       "Wine: the system's WSAEventSelect, a thread per 63 sockets (the Wine reference)",
       true},
      {"winsock-asyncselect",
       "bench/winsock_asyncselect_echo.exe",
       {},
       "Wine: the system's WSAAsyncSelect, one thread, a message-only window",
       true},
      {"wsx-eventselect-win",
       "samples/event_select_server.exe",
       {},
       "Wine: wsx compat built for Windows, WSAEventSelect",
       true},
      {"wsx-asyncselect-win",
       "samples/async_select_chat.exe",
       {"--echo"},
       "Wine: wsx compat built for Windows, WSAAsyncSelect on a message queue",
       true},
  };
  return table;
}

std::vector<Server> discover_servers(const Builds& builds, const std::string& only,
                                     std::vector<std::string>* unknown) {
  std::vector<std::string> wanted = split_list(only);
  for (const auto& w : wanted) {
    bool known = std::any_of(server_table().begin(), server_table().end(),
                             [&](const ServerSpec& s) { return s.name == w; });
    if (!known) unknown->push_back(w);
  }
  std::vector<Server> out;
  for (const auto& spec : server_table()) {
    bool named = std::find(wanted.begin(), wanted.end(), spec.name) != wanted.end();
    if (!wanted.empty() && !named) continue;
    if (spec.windows && builds.windows_dir.empty() && !named) continue;
    Server s;
    s.spec = spec;
    if (!spec.windows) {
      s.exe = builds.linux_dir + "/" + spec.path;
      s.launch = {s.exe};
      s.built = ::access(s.exe.c_str(), X_OK) == 0;
    } else if (builds.windows_dir.empty()) {
      s.exe = "(no --windows-build given)";
    } else {
      s.exe = builds.windows_dir + "/" + spec.path;
      s.launch = {builds.wine, s.exe};
      s.built = ::access(s.exe.c_str(), R_OK) == 0 && ::access(builds.wine.c_str(), X_OK) == 0;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace wsx::bench
