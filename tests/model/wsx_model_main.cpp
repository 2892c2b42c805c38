// wsx-model: the differential test from the command line, for replays and
// long runs (docs/reliability.md).
//
//   wsx-model --seed N [--steps M] [--echo]     one seed, printing each step
//   wsx-model --runs K [--seed N] [--steps M]   seeds N .. N+K-1
//   wsx-model --seconds S [--seed N]            as many seeds as fit in S seconds
//   wsx-model --random ...                      start from a seed taken from the clock
//   wsx-model --corpus DIR [--runs K]           write the first K seeds' bytes as
//                                               fuzzing inputs (tests/fuzz/corpus)
//   wsx-model --input FILE [--echo]             run a fuzzing input (content salt 0,
//                                               as wsx-fuzz runs it)
//
// Exit status 1 on the first divergence, with the replay line and the steps.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compat/winsock_api.hpp"
#include "model/differential.hpp"

using namespace wsx::model;

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: wsx-model [--seed N] [--runs K] [--steps M] [--seconds S] [--random] "
               "[--echo] [--corpus DIR] [--input FILE]\n");
  return 2;
}

// The bytes a seed stands for, as a fuzzing input.
bool write_corpus(const char* dir, std::uint64_t first, long runs, std::size_t steps) {
  for (long i = 0; i < runs; ++i) {
    SeedSource source(first + static_cast<std::uint64_t>(i));
    std::vector<std::uint8_t> bytes(kHeaderBytes + steps * kStepBytes);
    source.next(bytes.data(), bytes.size());
    std::string path = std::string(dir) + "/seed-" + std::to_string(first + i);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  return true;
}

// A fuzzing input, replayed as wsx-fuzz runs it (its step cap included).
int run_input(const char* path, RunOptions o) {
  std::FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::perror(path);
    return 2;
  }
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
    bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  BufferSource source(bytes.data(), bytes.size());
  RunResult r = run_differential(wsx::test::kWsxApi, source, o, 0);
  if (o.echo) {
    for (const std::string& a : r.allowances)
      std::fprintf(stderr, "allowance used: %s\n", a.c_str());
  }
  if (!r.ok) {
    std::fputs(describe_failure(r, std::string("wsx-model --input ") + path + " --echo").c_str(),
               stderr);
    return 1;
  }
  std::printf(
      "wsx-model: %s: %llu steps, %llu operations executed against the model; no "
      "divergence\n",
      path, static_cast<unsigned long long>(r.stats.steps),
      static_cast<unsigned long long>(r.stats.executed));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seed = 1;
  long runs = 1;
  double seconds = 0;
  RunOptions o;
  o.max_steps = 200;
  const char* corpus = nullptr;
  const char* input = nullptr;
  bool steps_given = false;
  for (int i = 1; i < argc; ++i) {
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* a = argv[i];
    const char* v = nullptr;
    if (!std::strcmp(a, "--seed") && (v = value())) {
      seed = std::strtoull(v, nullptr, 10);
    } else if (!std::strcmp(a, "--runs") && (v = value())) {
      runs = std::strtol(v, nullptr, 10);
    } else if (!std::strcmp(a, "--steps") && (v = value())) {
      o.max_steps = std::strtoul(v, nullptr, 10);
      steps_given = true;
    } else if (!std::strcmp(a, "--seconds") && (v = value())) {
      seconds = std::strtod(v, nullptr);
      runs = 1L << 40;
    } else if (!std::strcmp(a, "--corpus") && (v = value())) {
      corpus = v;
    } else if (!std::strcmp(a, "--input") && (v = value())) {
      input = v;
    } else if (!std::strcmp(a, "--random")) {
      seed = static_cast<std::uint64_t>(
          std::chrono::steady_clock::now().time_since_epoch().count() & 0xffffffff);
    } else if (!std::strcmp(a, "--echo")) {
      o.echo = true;
    } else {
      return usage();
    }
  }
  if (corpus) return write_corpus(corpus, seed, runs, o.max_steps) ? 0 : 1;
  if (input) {
    if (!steps_given) o.max_steps = kFuzzMaxSteps;
    return run_input(input, o);
  }

  const auto start = std::chrono::steady_clock::now();
  RunStats total;
  long done = 0;
  std::vector<std::string> allowances;
  for (long i = 0; i < runs; ++i) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > 0 && elapsed > seconds) break;
    const std::uint64_t s = seed + static_cast<std::uint64_t>(i);
    SeedSource source(s);
    RunResult r = run_differential(wsx::test::kWsxApi, source, o, s);
    total.steps += r.stats.steps;
    total.executed += r.stats.executed;
    total.skipped += r.stats.skipped;
    total.calls += r.stats.calls;
    total.enumerations += r.stats.enumerations;
    total.reports += r.stats.reports;
    total.allowances += r.stats.allowances;
    ++done;
    if (o.echo) {
      for (const std::string& a : r.allowances)
        std::fprintf(stderr, "allowance used: %s\n", a.c_str());
    }
    if (!r.ok) {
      std::fputs(describe_failure(r, "wsx-model --seed " + std::to_string(s) + " --steps " +
                                         std::to_string(o.max_steps) + " --echo")
                     .c_str(),
                 stderr);
      return 1;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "wsx-model: %ld seeds from %llu, %llu steps: %llu operations executed against the model "
      "(%llu skipped), %llu calls checked, %llu records compared, %llu events predicted, %llu "
      "allowances used; no divergence; %.1f s\n",
      done, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(total.steps),
      static_cast<unsigned long long>(total.executed),
      static_cast<unsigned long long>(total.skipped), static_cast<unsigned long long>(total.calls),
      static_cast<unsigned long long>(total.enumerations),
      static_cast<unsigned long long>(total.reports),
      static_cast<unsigned long long>(total.allowances), elapsed);
  return 0;
}
