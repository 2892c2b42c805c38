// Messages per second through one message queue with 1, 2 and 8 consumers
// (Google Benchmark), beside oneTBB's concurrent_bounded_queue doing the same
// job: the comparison that decided the queue's design (docs/architecture.md).
#include <benchmark/benchmark.h>

#include <atomic>
#include <thread>
#include <vector>

#include "wsx/message_queue.hpp"
#include "wsx/sockets.hpp"

#ifdef WSX_HAVE_TBB
#include <tbb/concurrent_queue.h>
#endif

namespace {

constexpr int kMessages = 400'000;
constexpr int kProducers = 2;

// kProducers threads post kMessages in all; `consumers` threads pump them in
// batches of 32. Time per iteration covers all of it.
void BM_WsxQueue(benchmark::State& state) {
  wsx::Runtime rt;
  const int consumers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    wsx::QueueHandle q = wsx::create_message_queue();
    std::atomic<int> taken{0};
    std::vector<std::thread> ts;
    for (int c = 0; c < consumers; ++c) {
      ts.emplace_back([&] {
        wsx::QueuedMessage out[32];
        while (taken.load(std::memory_order_relaxed) < kMessages) {
          wsx::QueueOutcome o = wsx::get_messages(q, out, {}, true, wsx::Timeout::millis(10));
          if (o.count) taken.fetch_add(static_cast<int>(o.count), std::memory_order_relaxed);
        }
      });
    }
    for (int p = 0; p < kProducers; ++p) {
      ts.emplace_back([&] {
        for (int i = 0; i < kMessages / kProducers; ++i) {
          wsx::post_message(q, 0x400, static_cast<std::uintptr_t>(i), 0);
        }
      });
    }
    for (auto& t : ts)
      t.join();
    wsx::destroy_message_queue(q);
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_WsxQueue)
    ->ArgName("consumers")
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

#ifdef WSX_HAVE_TBB
struct Msg {
  std::uint32_t message;
  std::uintptr_t wparam;
  std::intptr_t lparam;
};

// The same job on tbb::concurrent_bounded_queue (blocking pop, one message
// at a time: it has no batch take and no filter).
void BM_TbbQueue(benchmark::State& state) {
  const int consumers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    tbb::concurrent_bounded_queue<Msg> q;
    std::atomic<int> taken{0};
    std::vector<std::thread> ts;
    for (int c = 0; c < consumers; ++c) {
      ts.emplace_back([&] {
        Msg m;
        while (taken.load(std::memory_order_relaxed) < kMessages) {
          if (q.try_pop(m)) {
            taken.fetch_add(1, std::memory_order_relaxed);
          } else {
            std::this_thread::yield();
          }
        }
      });
    }
    for (int p = 0; p < kProducers; ++p) {
      ts.emplace_back([&] {
        for (int i = 0; i < kMessages / kProducers; ++i) {
          q.push(Msg{0x400, static_cast<std::uintptr_t>(i), 0});
        }
      });
    }
    for (auto& t : ts)
      t.join();
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}
BENCHMARK(BM_TbbQueue)
    ->ArgName("consumers")
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
#endif

}  // namespace

BENCHMARK_MAIN();
