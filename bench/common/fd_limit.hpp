// Raises the soft limit on open descriptors to the hard limit. The usual
// soft limit (1,024) is far below the 10,000+ connections the benchmarks
// open, while the hard limit is normally much higher; every server and the
// harness call this first, and processes they start inherit the raised limit.
#pragma once

#include <sys/resource.h>

namespace wsx::bench {

// Returns the soft limit in force afterwards (0 if it cannot be read).
inline rlim_t raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur;
}

}  // namespace wsx::bench
