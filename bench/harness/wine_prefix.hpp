// The Wine prefix the Windows servers run in. A prefix named by WINEPREFIX
// in the environment is used as it is; otherwise wsx-bench makes a fresh
// one with the project's scripts/wine-prefix.sh (a persistent wineserver,
// crashes that exit at once, no display driver) and ends its wineserver
// when the suite is over.
#pragma once

#include <string>

#include <sys/types.h>

namespace wsx::bench {

class WinePrefix {
 public:
  WinePrefix() = default;
  WinePrefix(const WinePrefix&) = delete;
  WinePrefix& operator=(const WinePrefix&) = delete;
  ~WinePrefix();  // stops the wineserver of a prefix it made

  // Makes (or adopts) the prefix and exports WINEPREFIX, WINEDEBUG and
  // WINEDLLOVERRIDES for the servers started after it. `dir` is where a
  // fresh prefix goes. False with *why on failure; *note says what was done.
  bool open(const std::string& dir, std::string* note, std::string* why);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool made_ = false;
};

// The wineserver serving `prefix` (a process of ours named wineserver*
// whose environment names that prefix), or 0 when none is found.
pid_t find_wineserver(const std::string& prefix);

}  // namespace wsx::bench
