// The load generator every benchmark uses: TCP ping-pong against an echo
// server, with every byte it gets back checked (connection id, sequence
// number, checksum, payload) and round-trip latency taken per message.
// It drives its sockets with raw edge-triggered epoll, not with wsx, so it
// treats every server the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wsx::load {

struct Config {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 1;    // connections opened and kept open
  int active = -1;        // of those, how many send (-1: all); the rest stay idle
  int message_size = 64;  // bytes per message, header included (at least 32)
  int inflight = 1;       // messages outstanding per active connection
  double warmup_s = 0.5;  // traffic before the measured window
  double duration_s = 3;  // the measured window
  int threads = 1;        // client threads (connections are split among them)
  double connect_timeout_s = 20;
  double stall_s = 2;  // an active connection with no reply for this long is stalled
};

struct Result {
  std::uint64_t messages = 0;  // replies verified inside the measured window
  std::uint64_t bytes = 0;     // their bytes (one direction)
  double seconds = 0;
  double messages_per_s = 0;
  double mb_per_s = 0;  // 10^6 bytes per second, one direction
  double p50_us = 0, p99_us = 0, p999_us = 0;
  std::uint64_t errors = 0;     // corrupt, reordered or missing bytes, resets, failed connects
  std::uint64_t stalled = 0;    // active connections that went silent
  std::uint64_t idle_lost = 0;  // idle connections the server closed
  std::vector<std::string> error_samples;  // the first few errors, in words
};

Result run(const Config& config);

}  // namespace wsx::load
