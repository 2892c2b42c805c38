// The socket table: direct-indexed by descriptor. Lookups are two loads and
// no lock; second-level chunks are allocated on first use and never freed,
// so a reader racing with a close always reads a valid SocketState.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/socket_state.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail {

class SocketTable {
 public:
  static constexpr unsigned kChunkBits = 10;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;
  static constexpr std::size_t kMaxChunks = std::size_t{1} << 14;  // 16M sockets

  // The state of a socket the table has seen, or nullptr. Never allocates.
  SocketState* find(native_socket s) const {
    std::size_t i = index_of(s);
    std::size_t c = i >> kChunkBits;
    if (c >= kMaxChunks) return nullptr;
    SocketState* chunk = chunks_[c].load(std::memory_order_acquire);
    return chunk ? &chunk[i & (kChunkSize - 1)] : nullptr;
  }
  // The slot for s, allocating its chunk if needed; nullptr when s is out of
  // range or memory is short.
  SocketState* slot(native_socket s);

  static bool in_range(native_socket s) { return index_of(s) < kChunkSize * kMaxChunks; }
  static std::size_t index_of(native_socket s) {
#ifdef _WIN32
    return static_cast<std::size_t>(s) >> 2;  // socket handles are multiples of 4
#else
    return static_cast<std::size_t>(static_cast<unsigned>(s));
#endif
  }

  // Calls f(socket, state) for every slot of every allocated chunk.
  template <class F>
  void for_each_slot(F&& f) const {
    for (std::size_t c = 0; c < kMaxChunks; ++c) {
      SocketState* chunk = chunks_[c].load(std::memory_order_acquire);
      if (!chunk) continue;
      for (std::size_t j = 0; j < kChunkSize; ++j)
        f(socket_at((c << kChunkBits) + j), chunk[j]);
    }
  }
  static native_socket socket_at(std::size_t index) {
#ifdef _WIN32
    return static_cast<native_socket>(index << 2);
#else
    return static_cast<native_socket>(index);
#endif
  }

  // Bytes held by chunks (for the memory-per-socket figure).
  std::size_t bytes_reserved() const {
    return chunk_count_.load(std::memory_order_relaxed) * kChunkSize * sizeof(SocketState);
  }

 private:
  std::atomic<SocketState*> chunks_[kMaxChunks] = {};
  std::atomic<std::size_t> chunk_count_{0};
};

SocketTable& socket_table();

}  // namespace wsx::detail
