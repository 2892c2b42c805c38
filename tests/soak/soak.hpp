// The soak: many connections with random traffic, half-closes, resets and
// reconnects, for a bounded time, against an echo server written the way a
// Winsock application is (WSAEventSelect, one event per socket, a wait set,
// several threads waiting on it). The clients are plain Linux sockets, so
// nothing wsx does on one side can hide a fault on the other.
//
// Checked, and any failure stops the run with the connection's story:
//  - every byte: the server checks each byte it receives against the
//    client's stream, the client each byte echoed back, and the totals at
//    the graceful end;
//  - every FD_CLOSE exactly once, with WSAECONNRESET for a reset and 0 for
//    a graceful close, and none for a socket the server closed itself;
//  - no stalled connection: a connection that owes data and makes no
//    progress for the stall limit fails the run;
//  - memory flat: the process's RSS and wsx::figures() are sampled, and
//    after the warm-up their growth must stay within a bound.
#pragma once

#include <cstdint>
#include <string>

namespace wsx::soak {

struct Options {
  int connections = 1000;  // kept open at once
  double seconds = 10;     // how long new connections are started
  int server_threads = 4;  // threads waiting on the server's wait set
  std::uint64_t seed = 1;
  double stall_seconds = 10;  // no progress for this long with data owed: a stall
  double warmup_fraction = 0.3;
  bool check_rss = true;  // off under sanitizers (their allocators grow)
  bool verbose = false;
};

struct Report {
  bool ok = true;
  std::string failure;
  std::uint64_t connections = 0;  // connections completed
  std::uint64_t graceful = 0, resets = 0, early_closes = 0;
  std::uint64_t bytes_sent = 0;     // client to server, checked by the server
  std::uint64_t bytes_echoed = 0;   // server to client, checked by the client
  std::uint64_t close_events = 0;   // FD_CLOSE seen by the server
  std::uint64_t server_closed = 0;  // server sides finished (each after its FD_CLOSE)
  std::uint64_t lost = 0;           // connections left owing bytes or an FD_CLOSE (must be 0)
  double seconds = 0;
  long rss_start_kb = 0, rss_peak_kb = 0, rss_end_kb = 0;  // after warm-up
  std::uint64_t wsx_bytes_start = 0, wsx_bytes_peak = 0, wsx_bytes_end = 0;
  int peak_open = 0;
};

Report run(const Options& o);
std::string describe(const Report& r);

}  // namespace wsx::soak
