// The load generator every benchmark uses: TCP traffic against an echo
// server, with every byte it gets back checked (connection id, sequence
// number, checksum, payload) and round-trip latency taken per message.
// It drives its sockets with raw edge-triggered epoll, not with wsx, so it
// treats every server the same.
//
// Traffic patterns:
//   pingpong  every active connection keeps `inflight` messages outstanding
//   burst     every active connection sends `burst` messages at once; the
//             next wave starts when every reply of this one is back
//   churn     new connections at `churn_rate` per second, each one sends one
//             message, checks the echo and closes (at most
//             `churn_concurrency` open at once)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wsx::load {

enum class Mode { pingpong, burst, churn };

struct Config {
  std::string host = "127.0.0.1";
  int port = 0;
  Mode mode = Mode::pingpong;
  int connections = 1;         // connections opened and kept open (pingpong, burst)
  int active = -1;             // of those, how many send (-1: all); the rest stay idle
  int message_size = 64;       // bytes per message, header included (at least 32)
  int inflight = 1;            // pingpong: messages outstanding per active connection
  int burst = 1;               // burst: messages each active connection sends per wave
  double churn_rate = 2000;    // churn: connections started per second (0: as fast as possible)
  int churn_concurrency = 64;  // churn: connections open at once, at most
  double warmup_s = 0.5;       // traffic before the measured window
  double duration_s = 3;       // the measured window
  int threads = 1;             // client threads (connections are split among them)
  double connect_timeout_s = 20;
  double stall_s = 2;  // an active connection with no reply for this long is stalled
  // Called on the controlling thread just before the measured window opens
  // (true) and just after it closes (false): where a caller samples the
  // server's CPU time so that it covers exactly the window.
  std::function<void(bool opening)> on_window;
};

struct Result {
  std::uint64_t messages = 0;  // replies verified inside the measured window (churn: connections)
  std::uint64_t bytes = 0;     // their bytes (one direction)
  double seconds = 0;
  double messages_per_s = 0;
  double mb_per_s = 0;  // 10^6 bytes per second, one direction
  // Round trip per message; for churn, from the start of connect() to the
  // verified echo.
  double p50_us = 0, p99_us = 0, p999_us = 0;
  std::uint64_t errors = 0;     // corrupt, reordered or missing bytes, resets, failed connects
  std::uint64_t stalled = 0;    // active connections that went silent
  std::uint64_t idle_lost = 0;  // idle connections the server closed
  std::uint64_t served = 0;     // active connections answered at least once (whole run)
  std::vector<std::string> error_samples;  // the first few errors, in words
};

Result run(const Config& config);

const char* mode_name(Mode m);
// false when `name` is not pingpong, burst or churn.
bool parse_mode(const std::string& name, Mode* out);

}  // namespace wsx::load
