// Micro-benchmarks of the runtime's hot paths (Google Benchmark):
//   the record + re-enable transition of the event record word,
//   event set -> waiting thread wake-up latency,
//   a wait-set wait with 1 signalled member among 1,000 and among 100,000,
//   and the memory a registered socket costs at 100,000 sockets.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/event_record.hpp"
#include "core/registry.hpp"
#include "wsx/sockets.hpp"
#include "wsx/wait_set.hpp"

namespace {

using namespace wsx;

// One notification's worth of work on the record word: record (CAS), take
// (CAS, as WSAEnumNetworkEvents does), re-enable (one fetch_and, as recv does).
void BM_RecordReenable(benchmark::State& state) {
  detail::SocketState st;
  std::uint32_t epoch = detail::record_install(st, detail::NotifyMode::event, 1, 0,
                                               mask_of(NetEvent::read) | mask_of(NetEvent::close));
  detail::Delivery d;
  native_error errors[kNetEventCount];
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::record_event(st, epoch, NetEvent::read, 0, &d));
    benchmark::DoNotOptimize(detail::record_take(st, errors));
    detail::record_reenable(st, mask_of(NetEvent::read));
  }
}
BENCHMARK(BM_RecordReenable);

// Half a round trip between two threads through two events: thread A sets
// `ping` and waits on `pong`; thread B waits on `ping`, resets it, sets
// `pong`. Reported time per iteration is one full round trip (two wakes).
void BM_EventSetToWakeRoundTrip(benchmark::State& state) {
  Runtime rt;
  EventHandle ping = create_event(), pong = create_event();
  std::atomic<bool> stop{false};
  std::thread peer([&] {
    EventHandle list[1] = {ping};
    while (!stop.load(std::memory_order_relaxed)) {
      if (wait_for_events(list, false, Timeout::millis(100)).kind != WaitOutcome::Kind::signalled) {
        continue;
      }
      reset_event(ping);
      set_event(pong);
    }
  });
  EventHandle list[1] = {pong};
  for (auto _ : state) {
    set_event(ping);
    wait_for_events(list, false, Timeout::infinite());
    reset_event(pong);
  }
  stop = true;
  set_event(ping);
  peer.join();
  close_event(ping);
  close_event(pong);
}
BENCHMARK(BM_EventSetToWakeRoundTrip)->UseRealTime();

// The re-enabling calls' own cost: 64 bytes sent on one end of a loopback
// TCP pair and received on the other, both selected (FD_READ on the
// receiver, FD_WRITE on the sender) so that wsx's bookkeeping runs, beside
// the same two system calls made directly (Arg 0) in the same process: the
// ratio of the two is the figure, the machine's speed cancels out.
void BM_StreamSendReceive(benchmark::State& state) {
  const bool through_wsx = state.range(0) != 0;
  Runtime rt;
  native_socket listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(listener, 1);
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  native_socket sender = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(sender, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    state.SkipWithError("connect");
    return;
  }
  native_socket receiver = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  EventHandle ev = create_event();
  if (through_wsx) {
    select_events(receiver, NotifyTarget::event(ev), mask_of(NetEvent::read));
    select_events(sender, NotifyTarget::event(ev), mask_of(NetEvent::write));
  }
  char out[64] = {};
  char in[256];  // larger than a message: TCP copies until the queue is empty
  for (auto _ : state) {
    if (through_wsx) {
      benchmark::DoNotOptimize(send_bytes(sender, out, sizeof out, 0));
      benchmark::DoNotOptimize(receive(receiver, in, sizeof in, 0));
    } else {
      benchmark::DoNotOptimize(::send(sender, out, sizeof out, 0));
      benchmark::DoNotOptimize(::recv(receiver, in, sizeof in, 0));
    }
  }
  if (through_wsx) {
    close_socket(sender);
    close_socket(receiver);
  } else {
    ::close(sender);
    ::close(receiver);
  }
  close_event(ev);
}
BENCHMARK(BM_StreamSendReceive)->Arg(0)->Arg(1);

// W4: a wait's cost follows the number signalled, not the number
// registered. The same member is signalled each time, so what changes
// between 1,000 and 100,000 members is only the size of the set.
void BM_WaitSetOneSignalled(benchmark::State& state) {
  Runtime rt;
  const auto members = static_cast<std::size_t>(state.range(0));
  const bool cold = state.range(1) != 0;
  WaitSetHandle set = create_wait_set();
  std::vector<EventHandle> evs(members);
  for (std::size_t i = 0; i < members; ++i) {
    evs[i] = create_event();
    wait_set_add(set, evs[i], i);
  }
  ReadyEvent out[16];
  std::size_t k = members / 2;
  for (auto _ : state) {
    EventHandle e = evs[k];
    // The cold variant signals a different member each time, all over the
    // set: it adds the cache misses of touching a cold event, which any
    // readiness scheme pays for a cold socket.
    if (cold) k = (k + 7919) % members;
    set_event(e);
    WaitSetOutcome o = wait_set_wait(set, out, Timeout::infinite());
    benchmark::DoNotOptimize(o.count);
    reset_event(e);
  }
  close_wait_set(set);
  for (auto& e : evs)
    close_event(e);
}
BENCHMARK(BM_WaitSetOneSignalled)
    ->ArgNames({"members", "cold"})
    ->Args({1000, 0})
    ->Args({100000, 0})
    ->Args({1000, 1})
    ->Args({100000, 1});

// Memory per registered socket: each socket selected with its own event,
// the events in one wait set (the scalable server's shape). Counts the
// runtime's own bytes (socket table, events, wait set); the kernel's socket
// memory is not included.
//
// RealSockets uses real UDP sockets, as many as RLIMIT_NOFILE allows (this
// sandbox caps it at 20,000 even for root). TableSlots registers 100,000
// descriptor numbers directly (the same code path minus the system calls),
// which is how the 100,000-socket figure is measured where the limit is lower.
void BM_MemoryPerSocket_RealSockets(benchmark::State& state) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  const int count =
      std::min<int>(static_cast<int>(state.range(0)), static_cast<int>(rl.rlim_cur) - 256);
  Runtime rt;
  for (auto _ : state) {
    RuntimeFigures before = figures();
    WaitSetHandle set = create_wait_set();
    std::vector<native_socket> socks;
    std::vector<EventHandle> evs;
    for (int i = 0; i < count; ++i) {
      IoResult r = open_socket(AF_INET, SOCK_DGRAM, 0);
      if (!r.ok()) break;
      auto s = static_cast<native_socket>(r.value);
      EventHandle e = create_event();
      wait_set_add(set, e, static_cast<std::uintptr_t>(s));
      select_events(s, NotifyTarget::event(e), mask_of(NetEvent::read));
      socks.push_back(s);
      evs.push_back(e);
    }
    RuntimeFigures after = figures();
    double n = static_cast<double>(socks.size());
    state.counters["sockets"] = n;
    state.counters["bytes_per_socket"] =
        static_cast<double>(after.bytes_allocated - before.bytes_allocated) / n;
    for (auto s : socks)
      close_socket(s);
    for (auto e : evs)
      close_event(e);
    close_wait_set(set);
  }
}
BENCHMARK(BM_MemoryPerSocket_RealSockets)
    ->Arg(100000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_MemoryPerSocket_TableSlots(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  Runtime rt;
  for (auto _ : state) {
    RuntimeFigures before = figures();
    WaitSetHandle set = create_wait_set();
    std::vector<EventHandle> evs;
    // Descriptor numbers above anything this process has open.
    const int base = 1 << 20;
    for (int i = 0; i < count; ++i) {
      detail::SocketState* st = detail::register_socket(base + i, detail::sf::kStream);
      EventHandle e = create_event();
      wait_set_add(set, e, static_cast<std::uintptr_t>(base + i));
      detail::record_install(*st, detail::NotifyMode::event, e.value, 0, mask_of(NetEvent::read));
      evs.push_back(e);
    }
    RuntimeFigures after = figures();
    state.counters["sockets"] = count;
    state.counters["bytes_per_socket"] =
        static_cast<double>(after.bytes_allocated - before.bytes_allocated) / count;
    for (int i = 0; i < count; ++i) {
      detail::unregister_socket(base + i, *detail::socket_table().find(base + i));
    }
    for (auto e : evs)
      close_event(e);
    close_wait_set(set);
  }
}
BENCHMARK(BM_MemoryPerSocket_TableSlots)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
