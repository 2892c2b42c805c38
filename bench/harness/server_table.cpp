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
  };
  return table;
}

std::vector<Server> discover_servers(const std::string& build_dir, const std::string& only,
                                     std::vector<std::string>* unknown) {
  std::vector<std::string> wanted = split_list(only);
  for (const auto& w : wanted) {
    bool known = std::any_of(server_table().begin(), server_table().end(),
                             [&](const ServerSpec& s) { return s.name == w; });
    if (!known) unknown->push_back(w);
  }
  std::vector<Server> out;
  for (const auto& spec : server_table()) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), spec.name) == wanted.end()) {
      continue;
    }
    Server s{spec, build_dir + "/" + spec.path, false};
    s.built = ::access(s.exe.c_str(), X_OK) == 0;
    out.push_back(s);
  }
  return out;
}

}  // namespace wsx::bench
