// Message queues (message_queue.hpp). Each shard is a ring under a spin lock
// held for a few instructions; `queued` lets a pump skip an empty queue
// without taking any lock, and pairs with the sleepers' count (both
// seq_cst) so that a post never misses a pump that is about to sleep.
#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "core/driver.hpp"
#include "core/event_object.hpp"
#include "core/handle_table.hpp"
#include "core/message_ring.hpp"
#include "core/message_sink.hpp"
#include "core/os_window.hpp"
#include "wsx/message_queue.hpp"

namespace wsx {
namespace detail {
namespace {

constexpr std::size_t kShards = 8;

struct alignas(64) QueueShard {
  SpinLock lock;
  MessageRing ring;
};

struct QueueSlot {
  std::atomic<std::uint32_t> handle_gen{0};
  std::atomic<std::int64_t> queued{0};
  std::atomic<std::uint32_t> next_shard{0};
  std::array<QueueShard, kShards> shards;
  SleeperList pumps;
};

using QueueTable = HandleTable<QueueSlot, 6>;

QueueTable& queue_table() {
  static QueueTable* table = new QueueTable();
  return *table;
}

std::uint32_t now_ms() {
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

std::size_t thread_shard() {
  thread_local std::size_t shard = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return shard;
}

bool live(const QueueSlot* slot, std::uint64_t handle) {
  return slot->handle_gen.load(std::memory_order_acquire) ==
         static_cast<std::uint32_t>(handle >> 32);
}

Status post(std::uint64_t handle, const QueuedMessage& m, std::size_t shard_key) {
  QueueSlot* slot = queue_table().lookup(handle);
  if (!slot) return Status::invalid_handle;
  QueueShard& shard = slot->shards[shard_key % kShards];
  {
    std::lock_guard<SpinLock> g(shard.lock);
    // Checked under the lock: a destroy clears the shards under it too.
    if (!live(slot, handle)) return Status::invalid_handle;
    if (!shard.ring.push(m)) return Status::no_memory;
  }
  slot->queued.fetch_add(1, std::memory_order_seq_cst);
  if (!slot->pumps.maybe_empty()) slot->pumps.wake_one();
  return Status::ok;
}

// Takes (or copies) what passes the filter, shard by shard from a rotating
// start, until `out` is full.
std::size_t take(QueueSlot* slot, std::uint64_t handle, std::span<QueuedMessage> out,
                 MessageFilter filter, bool remove) {
  if (slot->queued.load(std::memory_order_seq_cst) <= 0) return 0;
  std::size_t n = 0;
  const std::uint32_t first = slot->next_shard.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < kShards && n < out.size(); ++k) {
    QueueShard& shard = slot->shards[(first + k) % kShards];
    std::size_t taken = 0;
    {
      std::lock_guard<SpinLock> g(shard.lock);
      if (!live(slot, handle)) return 0;
      MessageRing& ring = shard.ring;
      for (std::size_t i = 0; i < ring.size() && n < out.size();) {
        if (!filter.accepts(ring.at(i).message)) {
          ++i;
          continue;
        }
        out[n++] = ring.at(i);
        if (!remove) {
          ++i;
        } else {
          ++taken;
          if (i == 0) {
            ring.pop_front();
          } else {
            ring.erase(i);
          }
        }
      }
    }
    if (taken) slot->queued.fetch_sub(static_cast<std::int64_t>(taken), std::memory_order_seq_cst);
  }
  return n;
}

}  // namespace

void post_socket_message(std::uint64_t target, std::uint32_t message, native_socket s, NetEvent e,
                         native_error error) {
  // lParam = WSAMAKESELECTREPLY(event, error); the compat layer turns the
  // native error into a WSA code when the message is read.
  const auto lparam =
      static_cast<std::intptr_t>((static_cast<std::uint32_t>(mask_of(e)) & 0xffff) |
                                 ((static_cast<std::uint32_t>(error) & 0xffff) << 16));
  QueuedMessage m{target, message, static_cast<std::uintptr_t>(s), lparam, now_ms(), true};
  if (post(target, m, static_cast<std::size_t>(s)) == Status::invalid_handle) {
    os::post_to_window(target, message, static_cast<std::uintptr_t>(s), lparam);
  }
}

bool is_message_target(std::uint64_t target) {
  return queue_table().lookup(target) != nullptr || os::is_window(target);
}

}  // namespace detail

using detail::queue_table;
using detail::QueueSlot;

QueueHandle create_message_queue() {
  QueueSlot* slot = nullptr;
  std::uint64_t h = queue_table().allocate(&slot);
  if (!h) return {};
  slot->queued.store(0, std::memory_order_relaxed);
  return QueueHandle{h};
}

Status destroy_message_queue(QueueHandle q) {
  QueueSlot* slot = queue_table().retire(q.value);
  if (!slot) return Status::invalid_handle;
  for (auto& shard : slot->shards) {
    std::lock_guard<detail::SpinLock> g(shard.lock);
    shard.ring.release();
  }
  slot->queued.store(0, std::memory_order_seq_cst);
  slot->pumps.wake_and_detach_all();
  queue_table().recycle(q.value);
  return Status::ok;
}

bool is_message_queue(QueueHandle q) {
  return queue_table().lookup(q.value) != nullptr;
}

Status post_message(QueueHandle q, std::uint32_t message, std::uintptr_t wparam,
                    std::intptr_t lparam) {
  QueuedMessage m{q.value, message, wparam, lparam, detail::now_ms(), false};
  return detail::post(q.value, m, detail::thread_shard());
}

QueueOutcome get_messages(QueueHandle q, std::span<QueuedMessage> out, MessageFilter filter,
                          bool remove, Timeout timeout) {
  QueueSlot* slot = queue_table().lookup(q.value);
  if (!slot) return {0, Status::invalid_handle};
  if (out.empty() || out.data() == nullptr) return {0, Status::invalid_argument};
  if (timeout.is_zero()) {
    if (detail::Driver* d = detail::current_driver()) d->poll_if_stale();
  }
  std::size_t n = detail::take(slot, q.value, out, filter, remove);
  if (n > 0 || timeout.is_zero()) return {n, Status::ok};

  Deadline deadline = Deadline::after(timeout);
  detail::Parker& parker = detail::Parker::self();
  detail::Subscription sub;
  sub.parker = &parker;
  slot->pumps.add(&sub);
  Status error = Status::ok;
  for (;;) {
    parker.arm();
    if (!detail::live(slot, q.value)) {
      error = Status::invalid_handle;
      break;
    }
    n = detail::take(slot, q.value, out, filter, remove);
    if (n > 0) break;
    if (!parker.park(deadline)) {
      n = detail::take(slot, q.value, out, filter, remove);
      break;
    }
  }
  parker.disarm();
  slot->pumps.remove(&sub);
  // More may be waiting than this pump took: pass the wake-up on.
  if (n > 0 && slot->queued.load(std::memory_order_seq_cst) > 0 && !slot->pumps.maybe_empty()) {
    slot->pumps.wake_one();
  }
  return {n, error};
}

std::size_t purge_socket_messages(QueueHandle q, native_socket s) {
  QueueSlot* slot = queue_table().lookup(q.value);
  if (!slot) return 0;
  detail::QueueShard& shard = slot->shards[static_cast<std::size_t>(s) % detail::kShards];
  std::size_t removed = 0;
  {
    std::lock_guard<detail::SpinLock> g(shard.lock);
    if (!detail::live(slot, q.value)) return 0;
    for (std::size_t i = 0; i < shard.ring.size();) {
      const QueuedMessage& m = shard.ring.at(i);
      if (m.socket_notification && m.wparam == static_cast<std::uintptr_t>(s)) {
        shard.ring.erase(i);
        ++removed;
      } else {
        ++i;
      }
    }
  }
  if (removed)
    slot->queued.fetch_sub(static_cast<std::int64_t>(removed), std::memory_order_seq_cst);
  return removed;
}

std::size_t queued_messages(QueueHandle q) {
  QueueSlot* slot = queue_table().lookup(q.value);
  if (!slot) return 0;
  std::int64_t n = slot->queued.load(std::memory_order_relaxed);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace wsx
