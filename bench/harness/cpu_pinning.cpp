#include "harness/cpu_pinning.hpp"

#include <sched.h>

namespace wsx::bench {
namespace {

cpu_set_t allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) CPU_SET(0, &set);
  return set;
}

}  // namespace

bool parse_pinning(const std::string& s, Pinning* out) {
  for (Pinning p : {Pinning::same, Pinning::split, Pinning::none}) {
    if (s == pinning_name(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

const char* pinning_name(Pinning p) {
  switch (p) {
    case Pinning::same:
      return "same";
    case Pinning::split:
      return "split";
    case Pinning::none:
      return "none";
  }
  return "?";
}

CpuPlan::CpuPlan(Pinning p, std::string* note) : mode_(p) {
  if (p == Pinning::none) {
    *note = "not pinned: the scheduler places server and load generator";
    return;
  }
  cpu_set_t set = allowed_cpus();
  for (int c = CPU_SETSIZE - 1; c >= 0; --c) {
    if (CPU_ISSET(c, &set)) {
      server_cpu_ = c;
      break;
    }
  }
  // The last CPU rather than CPU 0, which usually takes more of the
  // machine's interrupts and housekeeping.
  if (p == Pinning::split && CPU_COUNT(&set) < 2) {
    mode_ = Pinning::same;
    *note = "one CPU allowed: server and load generator share CPU " + std::to_string(server_cpu_);
    return;
  }
  *note = p == Pinning::same
              ? "server and load generator pinned together to CPU " + std::to_string(server_cpu_)
              : "server pinned to CPU " + std::to_string(server_cpu_) +
                    ", load generator to the other CPUs";
}

void CpuPlan::pin_self() const {
  if (mode_ == Pinning::none) return;
  cpu_set_t set;
  if (mode_ == Pinning::same) {
    CPU_ZERO(&set);
    CPU_SET(server_cpu_, &set);
  } else {
    set = allowed_cpus();
    CPU_CLR(server_cpu_, &set);
  }
  ::sched_setaffinity(0, sizeof set, &set);
}

void CpuPlan::pin_server(pid_t pid) const {
  if (mode_ == Pinning::none) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(server_cpu_, &set);
  ::sched_setaffinity(pid, sizeof set, &set);
}

}  // namespace wsx::bench
