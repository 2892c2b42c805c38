#include "windows/poll_table.hpp"

#include <new>

#include "core/memory.hpp"

namespace wsx::detail {

struct PollTable::Chunk {
  PollEntry entries[kChunkSize];
  std::atomic<HANDLE> helpers[kChunkSize / kGroupSize];
};

PollTable::~PollTable() {
  for (auto& slot : chunks_) {
    Chunk* c = slot.load(std::memory_order_acquire);
    if (!c) continue;
    // Closing a helper cancels what is still in flight on it.
    for (auto& h : c->helpers) {
      if (HANDLE helper = h.load(std::memory_order_acquire)) CloseHandle(helper);
    }
    c->~Chunk();
    deallocate(c);
  }
}

PollEntry* PollTable::find(native_socket s) const {
  std::size_t i = index_of(s);
  if ((i >> kChunkBits) >= kMaxChunks) return nullptr;
  Chunk* c = chunks_[i >> kChunkBits].load(std::memory_order_acquire);
  return c ? &c->entries[i & (kChunkSize - 1)] : nullptr;
}

PollEntry* PollTable::prepare(native_socket s, native_error* err) {
  std::size_t i = index_of(s);
  std::size_t ci = i >> kChunkBits;
  if (ci >= kMaxChunks) {
    *err = WSAENOBUFS;
    return nullptr;
  }
  Chunk* c = chunks_[ci].load(std::memory_order_acquire);
  if (!c) {
    void* mem = allocate_zeroed(sizeof(Chunk), alignof(Chunk));
    if (!mem) {
      *err = WSAENOBUFS;
      return nullptr;
    }
    // Zeroed memory is an idle entry; only the socket numbers are filled in.
    Chunk* fresh = new (mem) Chunk();
    for (std::size_t j = 0; j < kChunkSize; ++j)
      fresh->entries[j].socket = static_cast<native_socket>(((ci << kChunkBits) + j) << 2);
    if (chunks_[ci].compare_exchange_strong(c, fresh, std::memory_order_acq_rel)) {
      c = fresh;
    } else {
      fresh->~Chunk();
      deallocate(mem);  // another thread installed this chunk first
    }
  }
  std::size_t j = i & (kChunkSize - 1);
  std::atomic<HANDLE>& slot = c->helpers[j / kGroupSize];
  HANDLE helper = slot.load(std::memory_order_acquire);
  if (!helper) {
    DWORD e = 0;
    HANDLE mine = afd::open_helper(port_, &e);
    if (!mine) {
      *err = static_cast<native_error>(e);
      return nullptr;
    }
    if (slot.compare_exchange_strong(helper, mine, std::memory_order_acq_rel)) {
      helper = mine;
    } else {
      CloseHandle(mine);  // nothing was issued on it
    }
  }
  PollEntry* e = &c->entries[j];
  e->helper.store(helper, std::memory_order_release);
  return e;
}

}  // namespace wsx::detail
