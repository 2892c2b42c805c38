#include "windows/poll_entry.hpp"

#include <cstdint>

namespace wsx::detail {

namespace {

// The state word:
//   bits  0..15  the AFD mask of the request in flight (0 until published)
//   bit   16     in flight: a thread or the kernel owns the buffers
//   bit   17     issued: the kernel has the request (its packet will come)
//   bit   18     recheck: the wanted set may have grown after the owner
//                computed its mask; the owner looks again once issued
//   bit   19     cancelled: a cancel was sent for the request in flight
//   bits 20..31  sequence: bumped by each claim, so that an owner whose
//                request already completed cannot touch its successor (it
//                would have to sleep through 4,096 requests in between)
constexpr std::uint32_t kMaskBits = 0xffffu;
constexpr std::uint32_t kInFlight = 1u << 16;
constexpr std::uint32_t kIssued = 1u << 17;
constexpr std::uint32_t kRecheck = 1u << 18;
constexpr std::uint32_t kCancelled = 1u << 19;
constexpr std::uint32_t kSeqShift = 20;
constexpr std::uint32_t kSeqBits = 0xfffu << kSeqShift;

constexpr NTSTATUS kStatusSuccess = 0;
constexpr NTSTATUS kStatusPending = 0x103;

std::uint32_t claim_of(std::uint32_t idle) {
  return ((idle + (1u << kSeqShift)) & kSeqBits) | kInFlight;
}
bool same_request(std::uint32_t a, std::uint32_t b) {
  return (a & kInFlight) && (b & kInFlight) && (a & kSeqBits) == (b & kSeqBits);
}
bool covers(ULONG polled, ULONG wanted) {
  return (wanted & ~polled) == 0;
}

}  // namespace

ULONG afd_mask_of(const Readiness& want) {
  ULONG m = 0;
  if (want.readable) m |= afd::kReceive | afd::kAccept;
  if (want.writable) m |= afd::kSend;
  if (want.priority) m |= afd::kReceiveExpedited;
  if (want.peer_closed) m |= afd::kDisconnect;
  if (want.hangup) m |= afd::kAbort;
  if (want.error) m |= afd::kConnectFail;
  // Asked for with anything else: a request on a handle that gets closed
  // then completes instead of lingering.
  if (m) m |= afd::kLocalClose;
  return m;
}

Readiness readiness_of_afd(ULONG ev) {
  Readiness r;
  r.readable = ev & (afd::kReceive | afd::kAccept | afd::kDisconnect);  // EOF reads as data does
  r.writable = ev & (afd::kSend | afd::kConnect);
  r.priority = ev & afd::kReceiveExpedited;
  r.peer_closed = ev & afd::kDisconnect;
  r.hangup = ev & afd::kAbort;
  r.error = ev & (afd::kAbort | afd::kConnectFail);
  return r;
}

ULONG PollEntry::wanted_mask() const {
  std::uint32_t g = gen.load(std::memory_order_acquire);
  if (g == 0 || closed_gen.load(std::memory_order_acquire) == g) return 0;
  return afd_mask_of(wanted_readiness(socket, g));
}

bool PollEntry::stale(std::uint32_t now) const {
  return gen.load(std::memory_order_acquire) != poll_gen.load(std::memory_order_relaxed) ||
         !covers(now & kMaskBits, wanted_mask());
}

bool PollEntry::awaits_reenabling(ULONG polled) const {
  // FD_READ, FD_OOB and FD_ACCEPT wait for their re-enabling call once
  // reported; a dropped SEND (FD_WRITE) comes back only after a send fails,
  // which the usual reaction to FD_WRITE does not.
  return (polled & ~wanted_mask() & (afd::kReceive | afd::kAccept | afd::kReceiveExpedited)) != 0;
}

void PollEntry::reconsider() {
  // Pairs with the fence in complete(): either the leader's next look at the
  // core sees the change our caller made, or we see its request in flight.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  std::uint32_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    if (!(cur & kInFlight)) {
      std::uint32_t claimed = claim_of(cur);
      if (state.compare_exchange_weak(cur, claimed, std::memory_order_acq_rel)) {
        issue(claimed);
        return;
      }
      continue;
    }
    if (cur & kCancelled) return;  // its completion re-derives the mask
    if (!(cur & kIssued)) {
      // The owner is between deciding and issuing: it looks again after.
      if (state.compare_exchange_weak(cur, cur | kRecheck, std::memory_order_acq_rel)) return;
      continue;
    }
    if (!stale(cur)) return;
    if (state.compare_exchange_weak(cur, cur | kCancelled, std::memory_order_acq_rel)) {
      afd::cancel(helper.load(std::memory_order_acquire), &iosb);
      return;
    }
  }
}

void PollEntry::issue_if_idle() {
  std::uint32_t cur = state.load(std::memory_order_acquire);
  while (!(cur & kInFlight)) {
    std::uint32_t claimed = claim_of(cur);
    if (state.compare_exchange_weak(cur, claimed, std::memory_order_acq_rel)) {
      issue(claimed);
      return;
    }
  }
}

void PollEntry::issue(std::uint32_t claimed) {
  ULONG mask = 0;
  for (;;) {
    // Clear the request to look again before looking: one that arrives
    // after this point is seen after the request is issued.
    state.fetch_and(~kRecheck, std::memory_order_acq_rel);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    mask = wanted_mask();
    if (mask != 0) break;
    // Nothing to watch: back to idle, unless someone asked to look again.
    std::uint32_t expect = claimed;
    if (state.compare_exchange_strong(expect, claimed & kSeqBits, std::memory_order_acq_rel)) {
      return;
    }
  }
  std::uint32_t g = gen.load(std::memory_order_acquire);
  poll_gen.store(g, std::memory_order_relaxed);
  info.timeout.QuadPart = INT64_MAX;
  info.handle_count = 1;
  info.exclusive = FALSE;
  info.handles[0].handle = reinterpret_cast<HANDLE>(base.load(std::memory_order_acquire));
  info.handles[0].events = mask;
  info.handles[0].status = 0;
  state.fetch_or(mask, std::memory_order_acq_rel);

  NTSTATUS st = afd::poll(helper.load(std::memory_order_acquire), &info, &iosb);
  if (st != kStatusPending && st != kStatusSuccess) {
    // Refused outright: no packet will come, the buffers are ours again. The
    // handle is not one AFD can poll (closed, or not a socket), so stop
    // until add() or a rearm finds a live one.
    closed_gen.store(g, std::memory_order_release);
    state.store(claimed & kSeqBits, std::memory_order_release);
    return;
  }
  std::uint32_t cur = state.load(std::memory_order_acquire);
  for (;;) {
    // Already completed (and perhaps re-issued by another thread): the
    // completion re-derived the mask, nothing left to check.
    if (!same_request(cur, claimed)) return;
    if (state.compare_exchange_weak(cur, (cur | kIssued) & ~kRecheck, std::memory_order_acq_rel)) {
      break;
    }
  }
  if (cur & kRecheck) reconsider();
}

PollEntry::Result PollEntry::complete() {
  // Acquire what the owner published with the mask (release) before it
  // issued the request: poll_gen.
  (void)state.load(std::memory_order_acquire);
  Result r;
  r.gen = poll_gen.load(std::memory_order_relaxed);
  NTSTATUS st = iosb.Status;
  // A cancelled or failed request leaves the buffers as they were sent.
  if (st == kStatusSuccess && info.handle_count >= 1) r.events = info.handles[0].events;
  const bool closed = (r.events & afd::kLocalClose) != 0;
  // The handle is gone and its number may already name another socket,
  // which must not be polled under this one's name: only add() or a rearm
  // that finds a live socket there starts again. Said before the buffers are
  // released, so no thread can issue on the dead handle.
  if (closed) closed_gen.store(r.gen, std::memory_order_release);
  // The buffers are free from here on: keep the sequence, drop the rest.
  r.polled = state.fetch_and(kSeqBits, std::memory_order_acq_rel) & kMaskBits;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (closed) r.events = 0;
  // Relisted for any live registration; a closed one polls nothing anyway,
  // and a newer one (the number reused and added while this request was in
  // flight, its rearm cut short by it) needs its first request.
  r.relist = gen.load(std::memory_order_acquire) != 0;
  return r;
}

}  // namespace wsx::detail
