// What the kernel says about a socket, read around wsx: the harness waits
// for these facts to match the model before it compares events, so that a
// comparison never races the network (loopback is fast, not synchronous).
// Reading them has no effect on wsx: no socket error is consumed, no data
// read, no readiness edge taken.
#pragma once

#include <cstdint>

namespace wsx::model {

struct TcpFacts {
  bool ok = false;
  int state = 0;                     // TCP_ESTABLISHED, ... (Linux numbering)
  std::uint64_t bytes_received = 0;  // payload (and FIN) that arrived
  std::uint32_t unacked = 0;         // segments in flight; for a listener: its accept queue
  std::uint32_t notsent = 0;         // bytes held back (e.g. by a closed window)
  std::uint32_t send_window = 0;     // the peer's advertised receive window
  long outq = 0;                     // bytes not yet acknowledged (incl. held back)
  long inq = 0;                      // SIOCINQ: readable bytes (up to an urgent mark)
  int poll = 0;                      // poll() revents (POLLIN 1, POLLPRI 2, POLLOUT 4, ...)
};

// socket is a native descriptor (wsx's SOCKET on Linux).
TcpFacts tcp_facts(std::uintptr_t socket);
// The peer's port of a connected socket (0 when unknown).
std::uint16_t peer_port(std::uintptr_t socket);
// The receive memory a socket holds (grows with every datagram that arrives).
long receive_memory(std::uintptr_t socket);

bool tcp_state_is_established(int state);
// The peer's FIN has arrived (CLOSE_WAIT, LAST_ACK, CLOSING, TIME_WAIT, CLOSE).
bool tcp_state_after_fin(int state);
bool tcp_state_is_closed(int state);
bool tcp_state_is_connecting(int state);

}  // namespace wsx::model
