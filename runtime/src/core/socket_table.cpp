#include "core/socket_table.hpp"

#include <new>

#include "core/memory.hpp"

namespace wsx::detail {

SocketTable& socket_table() {
  // Never destroyed: the backend may dispatch while the process exits.
  static SocketTable* table = new SocketTable();
  return *table;
}

SocketState* SocketTable::slot(native_socket s) {
  if (SocketState* st = find(s)) return st;
  if (!in_range(s)) return nullptr;
  std::size_t c = index_of(s) >> kChunkBits;
  void* mem = allocate_zeroed(sizeof(SocketState) * kChunkSize, alignof(SocketState));
  if (!mem) return nullptr;
  auto* chunk = static_cast<SocketState*>(mem);
  for (std::size_t i = 0; i < kChunkSize; ++i)
    new (&chunk[i]) SocketState();
  SocketState* expected = nullptr;
  if (chunks_[c].compare_exchange_strong(expected, chunk, std::memory_order_acq_rel)) {
    chunk_count_.fetch_add(1, std::memory_order_relaxed);
  } else {
    deallocate(mem);  // another thread installed this chunk first
  }
  return find(s);
}

}  // namespace wsx::detail
