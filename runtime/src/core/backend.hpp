// The boundary between the platform-neutral core and one OS readiness
// mechanism (epoll on Linux, IOCP + AFD poll on Windows). Each platform
// directory implements exactly this class; nothing above it sees epoll or
// IOCP. The backend reports what the OS says about a socket as a Readiness
// and hands it to dispatch_readiness() (readiness.cpp).
#pragma once

#include <cstdint>
#include <memory>

#include "wsx/platform.hpp"

namespace wsx::detail {

// What the OS reported for one socket, in platform-neutral terms.
struct Readiness {
  bool readable = false;     // data, a pending connection, or end of stream
  bool writable = false;     // send space, or a completed connect
  bool priority = false;     // urgent (out-of-band) data
  bool peer_closed = false;  // the peer's FIN (end of data) has arrived
  bool hangup = false;       // both directions are down
  bool error = false;        // a pending socket error (reset, refused, timed out)
};

// A runtime-owned OS handle the backend watches beside the sockets: the
// subscription to address and route changes (change_notify.hpp). It is not
// in the socket table and has no generation, so its reports do not go
// through dispatch_readiness; the backend calls on_ready() instead, on the
// leader's thread like any report. `report` is what the OS handed over:
// nullptr on Linux (the descriptor is readable), the completed OVERLAPPED
// on Windows.
class BackendSource {
 public:
  virtual void on_ready(void* report) = 0;

 protected:
  ~BackendSource() = default;
};

class Backend {
 public:
  struct State;

  // Returns nullptr and sets *err when the OS refuses (no descriptors, ...).
  static std::unique_ptr<Backend> create(native_error* err);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Starts reporting readiness of s; gen travels with every report so a
  // report for a closed socket whose descriptor was reused is recognised.
  native_error add(native_socket s, std::uint32_t gen);
  void remove(native_socket s);
  // Called when the core wants conditions it had stopped listening for
  // (interest-driven backends re-submit their poll; epoll needs nothing).
  void rearm(native_socket s, std::uint32_t gen);

  // Starts reporting a runtime-owned handle to src (Linux: a descriptor,
  // edge-triggered for input; Windows: a handle whose overlapped operations
  // complete on the port). src must outlive every report already dequeued:
  // the core's sources are static objects. unwatch() stops the reports
  // (Windows: closing the handle does; unwatch only forgets it).
  native_error watch(std::uintptr_t handle, BackendSource* src);
  void unwatch(std::uintptr_t handle);

  // Leader only: waits for readiness for at most timeout_ms (-1 for ever,
  // 0 to poll). Returns how many reports are buffered for dispatch().
  int wait(int timeout_ms);
  // Leader only: hands the buffered reports to the core.
  void dispatch(int count);
  // Any thread: makes a concurrent wait() return soon.
  void wake();

  // How many OS reports (epoll events, AFD completions) dispatch() has
  // handled so far. Tests use it: a backend that keeps being told about a
  // condition nobody waits for is a busy loop, whichever process it burns.
  std::uint64_t reports() const;

 private:
  explicit Backend(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Implemented by the core: one readiness report for a socket.
void dispatch_readiness(native_socket s, std::uint32_t gen, const Readiness& r);

// Implemented by the core: the conditions it wants reported for s now
// (wanted_conditions in readiness.hpp); none when gen is stale. A backend
// whose OS readiness is level-like and one-shot (AFD poll) asks the OS for
// exactly these, and asks again after rearm(); epoll never calls it.
Readiness wanted_readiness(native_socket s, std::uint32_t gen);

}  // namespace wsx::detail
