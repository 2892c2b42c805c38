// The differential test in CI: fixed seeds, bounded in count and time, in a
// few shards so ctest can run them side by side. Environment:
//   WSX_MODEL_SEED=N     run only seed N (the replay a failure prints)
//   WSX_MODEL_RUNS=K     seeds per shard (default 12)
//   WSX_MODEL_STEPS=M    steps per seed (default 150)
// Longer runs: the wsx-model program (docs/reliability.md).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compat/winsock_api.hpp"
#include "model/differential.hpp"

namespace wsx::model {
namespace {

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

constexpr int kShards = 4;
// Each shard stops starting new seeds after this long (sanitizer builds are
// several times slower than release); the count is the usual bound.
constexpr auto kShardBudget = std::chrono::seconds(25);

class Differential : public ::testing::TestWithParam<int> {};

TEST_P(Differential, RandomOperationsMatchTheModel) {
  const long only = env_or("WSX_MODEL_SEED", -1);
  const long runs = only >= 0 ? 1 : env_or("WSX_MODEL_RUNS", 12);
  RunOptions o;
  o.max_steps = static_cast<std::size_t>(env_or("WSX_MODEL_STEPS", 150));
  if (only >= 0 && GetParam() != 0) GTEST_SKIP() << "replaying one seed";
  RunStats total;
  long done = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < runs; ++i) {
    if (only < 0 && std::chrono::steady_clock::now() - start > kShardBudget) break;
    const std::uint64_t seed = only >= 0 ? static_cast<std::uint64_t>(only)
                                         : static_cast<std::uint64_t>(1000 * (GetParam() + 1) + i);
    SeedSource source(seed);
    RunResult r = run_differential(test::kWsxApi, source, o, seed);
    total.executed += r.stats.executed;
    total.calls += r.stats.calls;
    total.enumerations += r.stats.enumerations;
    total.reports += r.stats.reports;
    total.allowances += r.stats.allowances;
    ++done;
    if (!r.ok) {
      FAIL() << describe_failure(
          r, "WSX_MODEL_SEED=" + std::to_string(seed) +
                 " WSX_MODEL_STEPS=" + std::to_string(o.max_steps) +
                 " model_tests --gtest_filter='*Differential*'   or   wsx-model --seed " +
                 std::to_string(seed) + " --steps " + std::to_string(o.max_steps) + " --echo");
    }
  }
  std::printf(
      "differential shard %d: %ld seeds, %llu operations, %llu checked calls, %llu records "
      "compared, %llu events predicted, %llu allowances used\n",
      GetParam(), done, static_cast<unsigned long long>(total.executed),
      static_cast<unsigned long long>(total.calls),
      static_cast<unsigned long long>(total.enumerations),
      static_cast<unsigned long long>(total.reports),
      static_cast<unsigned long long>(total.allowances));
  EXPECT_GT(done, 0);
}

INSTANTIATE_TEST_SUITE_P(Shard, Differential, ::testing::Range(0, kShards));

}  // namespace
}  // namespace wsx::model
