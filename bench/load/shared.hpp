// What the load generator's threads share: the configuration, the phase the
// controlling thread moves them through, and the merged result. Internal to
// bench/load.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <sys/ioctl.h>
#include <sys/socket.h>

#include "load/loadgen.hpp"

namespace wsx::load {

// Whether a reply already waits in fd's receive queue: a connection past its
// stall limit with one is the generator falling behind (a starved thread
// reads one epoll batch, then checks), not a server that stalled.
inline bool reply_waiting(int fd) {
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

enum class Phase { connecting, warmup, measure, stop };

// What one worker thread counted; merged into Shared under its lock.
struct WorkerTotals {
  std::uint64_t messages = 0, errors = 0, stalled = 0, idle_lost = 0;
  std::uint64_t served = 0;                 // active connections that got at least one reply
  std::vector<std::uint64_t> latencies_ns;  // inside the measured window only
  std::vector<std::string> samples;         // the first few errors, in words
};

struct Shared {
  const Config* cfg = nullptr;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::atomic<Phase> phase{Phase::connecting};
  std::atomic<int> threads_connected{0};
  std::mutex mu;  // guards the merged result
  Result result;
  std::vector<std::uint64_t> latencies;

  void merge(WorkerTotals& t) {
    std::lock_guard<std::mutex> lock(mu);
    result.messages += t.messages;
    result.errors += t.errors;
    result.stalled += t.stalled;
    result.idle_lost += t.idle_lost;
    result.served += t.served;
    for (auto& s : t.samples) {
      if (result.error_samples.size() < 10) result.error_samples.push_back(s);
    }
    latencies.insert(latencies.end(), t.latencies_ns.begin(), t.latencies_ns.end());
  }
};

// Closes a socket with a reset rather than a FIN. Used when a run ends: a
// normal close would leave each of 10,000+ client ports in TIME_WAIT for a
// minute, and runs follow each other faster than that.
void close_abortive(int fd);

// One churn thread's whole life (churn.cpp); `share` is this thread's part
// of the configured rate and concurrency.
void run_churn_worker(Shared& sh, double share, int concurrency, std::uint32_t first_id);

}  // namespace wsx::load
