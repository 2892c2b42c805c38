// Where the server and the load generator run. Left to the scheduler, a
// ping-pong pair lands on one core in some runs and on two in others, and
// on a virtual machine the two cases differ by a factor of three or more
// (a wake-up across virtual CPUs is costly), so a run's figure would depend
// on a coin flip. Pinning makes the placement the same for every server.
#pragma once

#include <string>

#include <sys/types.h>

namespace wsx::bench {

enum class Pinning {
  same,   // server and load generator share one CPU (the last allowed one)
  split,  // server on the last allowed CPU, load generator on the others
  none,   // the scheduler decides
};

bool parse_pinning(const std::string& s, Pinning* out);
const char* pinning_name(Pinning p);

class CpuPlan {
 public:
  // Works from the CPUs this process may use; *note says what was done.
  CpuPlan(Pinning p, std::string* note);
  // Pins the calling process (the harness and its load threads) to the
  // load generator's CPUs.
  void pin_self() const;
  // Pins a started server.
  void pin_server(pid_t pid) const;

 private:
  Pinning mode_;
  int server_cpu_ = -1;
};

}  // namespace wsx::bench
