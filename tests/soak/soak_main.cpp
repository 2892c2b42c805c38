// wsx-soak: the soak test (soak.hpp). CI runs a short one; the long one is
// the same program with bigger numbers (docs/reliability.md):
//
//   wsx-soak [--connections N] [--seconds S] [--threads T] [--seed X]
//            [--stall S] [--no-rss] [--verbose]
//
// Exit status 0 when nothing was lost, 1 with the failure otherwise.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "soak/soak.hpp"

int main(int argc, char** argv) {
  wsx::soak::Options o;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (!std::strcmp(a, "--connections") && v) {
      o.connections = std::atoi(v);
      ++i;
    } else if (!std::strcmp(a, "--seconds") && v) {
      o.seconds = std::atof(v);
      ++i;
    } else if (!std::strcmp(a, "--threads") && v) {
      o.server_threads = std::atoi(v);
      ++i;
    } else if (!std::strcmp(a, "--seed") && v) {
      o.seed = std::strtoull(v, nullptr, 10);
      ++i;
    } else if (!std::strcmp(a, "--stall") && v) {
      o.stall_seconds = std::atof(v);
      ++i;
    } else if (!std::strcmp(a, "--no-rss")) {
      o.check_rss = false;
    } else if (!std::strcmp(a, "--verbose")) {
      o.verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: wsx-soak [--connections N] [--seconds S] [--threads T] [--seed X] "
                   "[--stall S] [--no-rss] [--verbose]\n");
      return 2;
    }
  }
  wsx::soak::Report r = wsx::soak::run(o);
  std::printf("%s\n", wsx::soak::describe(r).c_str());
  return r.ok ? 0 : 1;
}
