// The Windows backend's per-socket poll entries, found by direct index (a
// socket handle's value divided by four; handles are multiples of four), in
// chunks allocated on first use and kept until the backend goes: a
// completion may name an entry at any time, so entries never move.
//
// Entries share AFD helper handles in groups of kGroupSize neighbours. Why
// share at all: one helper per socket doubles the handles a server holds.
// Why not one helper for everything: public reports (wepoll, mio) say
// cancelling a poll costs more the more polls are pending on its helper.
// The size and the measurement behind it: docs/windows-backend.md.
#pragma once

#include <atomic>
#include <cstddef>

#include "windows/poll_entry.hpp"

namespace wsx::detail {

class PollTable {
 public:
  static constexpr std::size_t kGroupSize = 32;
  static constexpr unsigned kChunkBits = 10;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;
  static constexpr std::size_t kMaxChunks = std::size_t{1} << 14;  // as many as the core's table

  explicit PollTable(HANDLE port) : port_(port) {}
  ~PollTable();
  PollTable(const PollTable&) = delete;
  PollTable& operator=(const PollTable&) = delete;

  // The entry of a socket the backend has seen, or nullptr. Never allocates.
  PollEntry* find(native_socket s) const;
  // The entry of s, its chunk allocated and its group's helper open;
  // nullptr and *err (a native error) when that fails.
  PollEntry* prepare(native_socket s, native_error* err);

 private:
  struct Chunk;
  static std::size_t index_of(native_socket s) { return static_cast<std::size_t>(s) >> 2; }

  HANDLE port_;
  std::atomic<Chunk*> chunks_[kMaxChunks] = {};
};

}  // namespace wsx::detail
