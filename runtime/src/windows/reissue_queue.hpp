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
// the application's reaction, so it leaves an entry whose completion left a
// reported event waiting for its re-enabling call (FD_READ, FD_OOB,
// FD_ACCEPT) until kGraceNs have passed; the others (cancelled, failed, or
// an FD_WRITE, which a successful send does not re-enable) go at once.
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

  // Leader only, after a completion of e; `told`: it waits for the
  // application's re-enabling call.
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

  Fifo untold_;  // issued by the next wait of either kind
  Fifo told_;    // waiting for the application's call, oldest first
};

}  // namespace wsx::detail
