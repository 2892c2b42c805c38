// Handles for runtime objects (events, wait sets, queues).
//
// A handle is (generation << 32) | (index + 1). Slots live in chunks that are
// never returned while the process runs ("type-stable memory"): a thread that
// raced with a close may still touch a recycled slot, and must find there a
// valid object whose generation tells it the handle is stale. That is what
// lets set/reset/lookup run without locks or reference counts. The
// generation is odd while the slot is live and even while it is free, so a
// handle of a closed object never matches again.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#include "core/memory.hpp"

namespace wsx::detail {

// Slot must be default-constructible and have `std::atomic<uint32_t> handle_gen`.
template <class Slot, unsigned kChunkBits = 10, unsigned kMaxChunks = 1u << 14>
class HandleTable {
 public:
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;

  HandleTable() = default;
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;
  ~HandleTable() {
    for (auto& c : chunks_) {
      Slot* chunk = c.load(std::memory_order_relaxed);
      if (!chunk) continue;
      for (std::uint32_t i = 0; i < kChunkSize; ++i)
        chunk[i].~Slot();
      deallocate(chunk);
    }
  }

  // Allocates a live slot; returns its handle (0 when out of memory).
  std::uint64_t allocate(Slot** out) {
    std::uint32_t index;
    {
      std::lock_guard<std::mutex> lock(free_mu_);
      if (!free_.empty()) {
        index = free_.back();
        free_.pop_back();
      } else {
        if (next_ >= kChunkSize * kMaxChunks) return 0;
        index = next_;
        if ((index & (kChunkSize - 1)) == 0 && !grow(index >> kChunkBits)) return 0;
        ++next_;
      }
    }
    Slot* s = at(index);
    std::uint32_t gen = s->handle_gen.load(std::memory_order_relaxed) + 1;  // even -> odd
    s->handle_gen.store(gen, std::memory_order_release);
    *out = s;
    return (std::uint64_t{gen} << 32) | (std::uint64_t{index} + 1);
  }

  // The slot of a live handle, or nullptr for 0, foreign and stale handles.
  Slot* lookup(std::uint64_t handle) const {
    std::uint32_t index = static_cast<std::uint32_t>(handle) - 1;
    std::uint32_t gen = static_cast<std::uint32_t>(handle >> 32);
    if ((gen & 1u) == 0) return nullptr;
    Slot* s = find(index);
    if (!s || s->handle_gen.load(std::memory_order_acquire) != gen) return nullptr;
    return s;
  }

  // Marks the handle dead. Exactly one caller wins for a given handle; that
  // caller gets the slot back, cleans it up, then calls recycle().
  Slot* retire(std::uint64_t handle) {
    std::uint32_t gen = static_cast<std::uint32_t>(handle >> 32);
    if ((gen & 1u) == 0) return nullptr;
    Slot* s = find(static_cast<std::uint32_t>(handle) - 1);
    if (!s) return nullptr;
    if (!s->handle_gen.compare_exchange_strong(gen, gen + 1, std::memory_order_acq_rel)) {
      return nullptr;
    }
    return s;
  }

  void recycle(std::uint64_t handle) {
    std::lock_guard<std::mutex> lock(free_mu_);
    free_.push_back(static_cast<std::uint32_t>(handle) - 1);
  }

  static std::uint32_t index_of(std::uint64_t handle) {
    return static_cast<std::uint32_t>(handle) - 1;
  }

  Slot* find(std::uint32_t index) const {
    std::uint32_t c = index >> kChunkBits;
    if (c >= kMaxChunks) return nullptr;
    Slot* chunk = chunks_[c].load(std::memory_order_acquire);
    return chunk ? &chunk[index & (kChunkSize - 1)] : nullptr;
  }

  std::uint32_t high_water() const {
    std::lock_guard<std::mutex> lock(free_mu_);
    return next_;
  }

 private:
  Slot* at(std::uint32_t index) const { return find(index); }

  bool grow(std::uint32_t chunk_index) {
    void* mem = allocate_zeroed(sizeof(Slot) * kChunkSize, alignof(Slot));
    if (!mem) return false;
    Slot* chunk = static_cast<Slot*>(mem);
    for (std::uint32_t i = 0; i < kChunkSize; ++i)
      new (&chunk[i]) Slot();
    chunks_[chunk_index].store(chunk, std::memory_order_release);
    return true;
  }

  std::atomic<Slot*> chunks_[kMaxChunks] = {};
  mutable std::mutex free_mu_;
  std::vector<std::uint32_t> free_;
  std::uint32_t next_ = 0;
};

}  // namespace wsx::detail
