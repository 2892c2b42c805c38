// Wait sets. Each member event is a node of an intrusive lock-free stack
// (one per shard); `queued` says whether the node is on a stack, and only the
// thread that flips it 0 -> 1 may push. Collectors take a whole stack with one
// exchange, so pushes never meet an ABA problem. Nodes of removed or closed
// members are dropped lazily by the collector that finds them; a node whose
// event moved on to another set is forwarded there, so no signal is lost.
#include <array>
#include <vector>

#include "core/driver.hpp"
#include "core/event_object.hpp"
#include "wsx/wait_set.hpp"

namespace wsx {
namespace detail {
namespace {

constexpr std::size_t kShards = 8;

struct alignas(64) ReadyStack {
  std::atomic<EventSlot*> head{nullptr};
};

struct WaitSetSlot {
  std::atomic<std::uint32_t> handle_gen{0};
  std::atomic<std::uint32_t> members{0};
  std::atomic<std::uint32_t> next_shard{0};
  std::array<ReadyStack, kShards> shards;
  SleeperList waiters;
};

using WaitSetTable = HandleTable<WaitSetSlot, 8>;

WaitSetTable& wait_set_table() {
  static WaitSetTable* table = new WaitSetTable();
  return *table;
}

ReadyStack& stack_of(WaitSetSlot* ws, EventSlot* ev) {
  return ws->shards[ev->index % kShards];
}

void push(ReadyStack& st, EventSlot* ev) {
  EventSlot* head = st.head.load(std::memory_order_relaxed);
  do {
    ev->ready_next = head;
  } while (!st.head.compare_exchange_weak(head, ev, std::memory_order_release,
                                          std::memory_order_relaxed));
}

// Takes a whole stack and returns it oldest-first.
EventSlot* take_fifo(ReadyStack& st) {
  if (!st.head.load(std::memory_order_relaxed)) return nullptr;
  EventSlot* node = st.head.exchange(nullptr, std::memory_order_acquire);
  EventSlot* fifo = nullptr;
  while (node) {
    EventSlot* next = node->ready_next;
    node->ready_next = fifo;
    fifo = node;
    node = next;
  }
  return fifo;
}

// A node left the stack of set `from`: clear its queued flag, then look
// again. The flag is cleared before the event's state is read, and a signaller
// sets the state before it tests the flag, so one of the two always pushes.
void release_node(EventSlot* ev, std::uint64_t from) {
  ev->queued.store(0, std::memory_order_seq_cst);
  std::uint64_t now = ev->wait_set.load(std::memory_order_seq_cst);
  if (now != 0 && now != from && ev->signalled.load(std::memory_order_seq_cst)) {
    wait_set_on_signal(ev);
  }
}

// Empties one stack, keeping the nodes that still belong to the set except
// `drop`. With keep_members false (the set is closing) every node goes.
void drain(std::uint64_t ws_handle, ReadyStack& st, EventSlot* drop, bool keep_members = true) {
  EventSlot* node = take_fifo(st);
  while (node) {
    EventSlot* next = node->ready_next;
    if (keep_members && node != drop &&
        node->wait_set.load(std::memory_order_seq_cst) == ws_handle) {
      push(st, node);
    } else {
      release_node(node, ws_handle);
    }
    node = next;
  }
}

}  // namespace

void wait_set_on_signal(EventSlot* ev) {
  std::uint64_t ws_handle = ev->wait_set.load(std::memory_order_seq_cst);
  if (ws_handle == 0) return;
  if (ev->queued.exchange(1, std::memory_order_seq_cst) != 0) return;
  WaitSetSlot* ws = wait_set_table().lookup(ws_handle);
  if (!ws) {
    release_node(ev, ws_handle);
    return;
  }
  push(stack_of(ws, ev), ev);
  // The set may have been closed while we pushed; its closer drained before
  // our push, so drain again rather than strand the node.
  if (wait_set_table().lookup(ws_handle) != ws) {
    drain(ws_handle, stack_of(ws, ev), nullptr);
    return;
  }
  if (!ws->waiters.maybe_empty()) ws->waiters.wake_one();
}

void wait_set_detach(EventSlot* ev) {
  std::uint64_t ws_handle = ev->wait_set.exchange(0, std::memory_order_seq_cst);
  if (ws_handle == 0) return;
  WaitSetSlot* ws = wait_set_table().lookup(ws_handle);
  if (!ws) return;
  ws->members.fetch_sub(1, std::memory_order_relaxed);
  if (ev->queued.load(std::memory_order_seq_cst)) drain(ws_handle, stack_of(ws, ev), ev);
}

namespace {

struct Collected {
  std::size_t count = 0;
  bool more = false;  // signalled members that did not fit
};

Collected collect(WaitSetSlot* ws, std::uint64_t ws_handle, std::span<ReadyEvent> out) {
  Collected c;
  // Signalled members go back on their stacks: those that did not fit first,
  // then those reported now, so that a small `out` cannot starve anyone.
  thread_local std::vector<EventSlot*> unreported, reported;
  unreported.clear();
  reported.clear();
  // Shards are visited round-robin. Once `out` is full the rest wait on
  // their stacks, and the next wait starts at the first shard that still
  // had something unreported.
  const std::uint32_t first = ws->next_shard.load(std::memory_order_relaxed) % kShards;
  std::uint32_t resume = (first + 1) % kShards;
  bool resume_set = false;
  for (std::uint32_t k = 0; k < kShards; ++k) {
    const std::uint32_t shard = (first + k) % kShards;
    if (c.count == out.size()) {
      c.more = true;
      if (!resume_set) resume = shard;
      break;
    }
    ReadyStack& st = ws->shards[shard];
    EventSlot* node = take_fifo(st);
    while (node) {
      EventSlot* next = node->ready_next;
      if (node->wait_set.load(std::memory_order_seq_cst) != ws_handle) {
        release_node(node, ws_handle);
      } else if (!node->signalled.load(std::memory_order_seq_cst)) {
        // Reset since it was pushed. Look once more after clearing the flag:
        // a set that raced with us may have skipped the push.
        release_node(node, ws_handle);
        if (node->signalled.load(std::memory_order_seq_cst)) wait_set_on_signal(node);
      } else if (c.count < out.size()) {
        out[c.count].event = EventHandle{node->handle()};
        out[c.count].key = node->key.load(std::memory_order_relaxed);
        ++c.count;
        reported.push_back(node);
      } else {
        c.more = true;
        unreported.push_back(node);
        if (!resume_set) {
          resume = shard;
          resume_set = true;
        }
      }
      node = next;
    }
  }
  ws->next_shard.store(resume, std::memory_order_relaxed);
  // Nodes stay queued (flag still 1) while they go back on their stacks.
  for (EventSlot* node : unreported)
    push(stack_of(ws, node), node);
  for (EventSlot* node : reported)
    push(stack_of(ws, node), node);
  return c;
}

}  // namespace
}  // namespace detail

using detail::EventSlot;
using detail::wait_set_table;
using detail::WaitSetSlot;

WaitSetHandle create_wait_set() {
  WaitSetSlot* slot = nullptr;
  std::uint64_t h = wait_set_table().allocate(&slot);
  if (!h) return {};
  slot->members.store(0, std::memory_order_relaxed);
  return WaitSetHandle{h};
}

Status close_wait_set(WaitSetHandle set) {
  WaitSetSlot* ws = wait_set_table().retire(set.value);
  if (!ws) return Status::invalid_handle;
  for (auto& st : ws->shards)
    detail::drain(set.value, st, nullptr, /*keep_members=*/false);
  // Members still point at the dead handle; wait_set_add treats a dead handle
  // as "no set", and their next signal finds the set gone.
  ws->waiters.wake_all();
  ws->members.store(0, std::memory_order_relaxed);
  wait_set_table().recycle(set.value);
  return Status::ok;
}

Status wait_set_add(WaitSetHandle set, EventHandle event, std::uintptr_t key) {
  WaitSetSlot* ws = wait_set_table().lookup(set.value);
  if (!ws) return Status::invalid_handle;
  EventSlot* ev = detail::event_table().lookup(event.value);
  if (!ev) return Status::invalid_handle;
  std::uint64_t cur = ev->wait_set.load(std::memory_order_seq_cst);
  if (cur != 0 && wait_set_table().lookup(cur)) return Status::invalid_state;
  ev->key.store(key, std::memory_order_relaxed);
  if (!ev->wait_set.compare_exchange_strong(cur, set.value, std::memory_order_seq_cst)) {
    return Status::invalid_state;
  }
  ws->members.fetch_add(1, std::memory_order_relaxed);
  if (ev->signalled.load(std::memory_order_seq_cst)) detail::wait_set_on_signal(ev);
  return Status::ok;
}

Status wait_set_remove(WaitSetHandle set, EventHandle event) {
  WaitSetSlot* ws = wait_set_table().lookup(set.value);
  if (!ws) return Status::invalid_handle;
  EventSlot* ev = detail::event_table().lookup(event.value);
  if (!ev) return Status::invalid_handle;
  std::uint64_t expected = set.value;
  if (!ev->wait_set.compare_exchange_strong(expected, 0, std::memory_order_seq_cst)) {
    return Status::invalid_argument;
  }
  ws->members.fetch_sub(1, std::memory_order_relaxed);
  if (ev->queued.load(std::memory_order_seq_cst)) {
    detail::drain(set.value, detail::stack_of(ws, ev), ev);
  }
  return Status::ok;
}

std::size_t wait_set_size(WaitSetHandle set) {
  WaitSetSlot* ws = wait_set_table().lookup(set.value);
  return ws ? ws->members.load(std::memory_order_relaxed) : 0;
}

WaitSetOutcome wait_set_wait(WaitSetHandle set, std::span<ReadyEvent> out, Timeout timeout) {
  WaitSetSlot* ws = wait_set_table().lookup(set.value);
  if (!ws) return {0, Status::invalid_handle};
  if (out.empty() || out.data() == nullptr) return {0, Status::invalid_argument};
  if (timeout.is_zero()) {
    if (detail::Driver* d = detail::current_driver()) d->poll_if_stale();
  }
  detail::Collected c = detail::collect(ws, set.value, out);
  if (c.count > 0 || timeout.is_zero()) {
    if (c.more && !ws->waiters.maybe_empty()) ws->waiters.wake_one();
    return {c.count, Status::ok};
  }

  Deadline deadline = Deadline::after(timeout);
  detail::Parker& parker = detail::Parker::self();
  detail::Subscription sub;
  sub.parker = &parker;
  ws->waiters.add(&sub);
  Status error = Status::ok;
  for (;;) {
    parker.arm();
    if (wait_set_table().lookup(set.value) != ws) {
      error = Status::invalid_handle;
      break;
    }
    c = detail::collect(ws, set.value, out);
    if (c.count > 0) break;
    if (!parker.park(deadline)) {
      c = detail::collect(ws, set.value, out);
      break;
    }
  }
  parker.disarm();
  ws->waiters.remove(&sub);
  // Members that did not fit go to another waiter, if one sleeps.
  if (c.more && !ws->waiters.maybe_empty()) ws->waiters.wake_one();
  return {c.count, error};
}

}  // namespace wsx
