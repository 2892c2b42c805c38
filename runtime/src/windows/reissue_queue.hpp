// The leader's entries whose request completed and is not re-issued yet,
// and when each may be.
//
// Re-issuing waits for the leader's next wait(): by then the application
// has usually made the call that re-enables what it was just told (a
// receive after FD_READ), and that call issues one request for everything.
// Issued earlier, the request asks only for what is wanted between the
// report and that call (a reset while FD_READ waits for its receive), and
// the call must cancel it: three kernel round trips instead of one.
//
// A wait that may block issues every listed entry, since nothing would be
// watched while it sleeps. A wait that does not block (a call that reads
// the kernel on its way, Driver::poll_if_stale) runs between the report and
// the application's reaction, so it leaves the entries whose completion
// told the application something until kGraceNs have passed; entries whose
// completion told nothing (cancelled, failed) are issued at once.
#pragma once

#include <cstdint>

#include "windows/poll_entry.hpp"

namespace wsx::detail {

class ReissueQueue {
 public:
  // How late an application that never blocks may learn of what is still
  // watched while its re-enabling call is outstanding (a reset while FD_READ
  // waits for its receive). Long enough to cover a busy server's pass over
  // its ready sockets: under Wine, 1,000 echo connections take hundreds of
  // milliseconds a pass, and at 50 ms a fifth of the messages still paid
  // for a request and its cancel (docs/windows-backend.md).
  static constexpr std::int64_t kGraceNs = 500'000'000;

  // Leader only, after a completion of e.
  void push(PollEntry* e, bool told, std::int64_t now_ns);
  // Before a wait that may block.
  void issue_all();
  // Before a wait that does not block.
  void issue_due(std::int64_t now_ns);

 private:
  struct Fifo {
    PollEntry* head = nullptr;
    PollEntry* tail = nullptr;
  };
  static void append(Fifo& f, PollEntry* e);
  static void unlink(Fifo& f, PollEntry* e);
  static PollEntry* pop(Fifo& f);

  Fifo untold_;  // issued at the next wait of either kind
  Fifo told_;    // in the order reported, so the oldest is first
};

}  // namespace wsx::detail
