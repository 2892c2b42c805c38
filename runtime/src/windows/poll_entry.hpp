// One socket's AFD poll: the request buffers the kernel writes into, and the
// state word that says who may touch them.
//
// AFD poll is one-shot: a request completes once and must be issued again.
// It is also level-like: a request for a condition that already holds
// completes at once. So each request asks for exactly what the core wants now
// (wanted_readiness, backend.hpp), and is re-issued after every completion
// and whenever that set grows (Backend::rearm).
//
// Who may touch what, without a lock:
//   * A thread that moves the state word from idle to in-flight (a "claim",
//     one CAS) owns the buffers: it decides the mask and issues the request.
//     Any thread may claim: the leader after a completion, or the thread
//     whose call made the core want more (rearm), which saves a wake-up.
//   * Once issued, the kernel owns the buffers until the completion packet is
//     dequeued. Only the leader dequeues; it reads the result, then returns
//     the entry to idle with one atomic operation.
//   * A thread that finds a request in flight that no longer asks for enough
//     cancels it (NtCancelIoFileEx); the cancelled completion comes back like
//     any other and the next request asks for the current set. A cancel that
//     misses (the request completed) or that hits a newer request costs one
//     round trip and loses nothing, because every request is re-derived from
//     the core's state at the moment it is issued.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/backend.hpp"
#include "windows/afd.hpp"

namespace wsx::detail {

struct PollEntry {
  // Owned by the kernel while a request is in flight. First member: the
  // completion packet's OVERLAPPED pointer is &iosb (afd::poll).
  IO_STATUS_BLOCK iosb;
  afd::PollInfo info;

  // See poll_entry.cpp for the bits.
  std::atomic<std::uint32_t> state;
  // The core's generation of the socket; 0 while it is not in the backend.
  std::atomic<std::uint32_t> gen;
  // The generation the request in flight was issued for.
  std::atomic<std::uint32_t> poll_gen;
  // What AFD polls (the socket's base handle).
  std::atomic<SOCKET> base;
  // The generation whose handle AFD said is gone (closed, or refused): it is
  // not polled again. A new registration (add) has a new generation, so a
  // close report that arrives after the number was reused blocks nothing.
  std::atomic<std::uint32_t> closed_gen;
  // The AFD helper of this entry's group; set by the first add, then fixed.
  std::atomic<HANDLE> helper;
  native_socket socket;  // fixed when the table creates the entry

  // The leader's queues of entries to re-issue (reissue_queue.hpp).
  PollEntry* next_listed;
  PollEntry* prev_listed;
  std::int64_t listed_ns;  // when its last completion was queued
  bool listed;
  bool listed_told;  // in the queue of completions that told something

  static PollEntry* from_iosb(IO_STATUS_BLOCK* p) { return reinterpret_cast<PollEntry*>(p); }

  // Any thread, after the core's wanted set may have grown or the socket left
  // the backend: issue a request if none is in flight, cancel the one in
  // flight if it asks for too little or for an old generation.
  void reconsider();
  // Leader, before waiting: issue a request for a listed entry if nobody did
  // since its completion.
  void issue_if_idle();

  struct Result {
    std::uint32_t gen = 0;  // the generation the request was issued for
    ULONG events = 0;       // AFD conditions that held (0: cancelled or failed)
    bool relist = false;    // the socket is still polled: issue the next request
    ULONG polled = 0;       // the AFD conditions the request asked for
  };
  // Leader, for a dequeued completion: reads the result and gives the
  // buffers back.
  Result complete();
  // Leader, after the core handled a completion: whether the core now wants
  // less on the receiving side than the request asked for, because a
  // reported event waits for its re-enabling call (a receive, an accept).
  bool awaits_reenabling(ULONG polled) const;

 private:
  void issue(std::uint32_t claimed);
  bool stale(std::uint32_t state_now) const;
  ULONG wanted_mask() const;
};

static_assert(std::is_standard_layout_v<PollEntry>);
static_assert(offsetof(PollEntry, iosb) == 0);

// The AFD mask for a set of wanted conditions, and the conditions an AFD
// completion reports.
ULONG afd_mask_of(const Readiness& want);
Readiness readiness_of_afd(ULONG events);

}  // namespace wsx::detail
