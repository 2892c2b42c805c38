// Blocking on a 32-bit word: futex on Linux, WaitOnAddress on Windows.
#pragma once

#include <atomic>
#include <cstdint>

namespace wsx::detail {

// Sleeps while *word == expected, for at most timeout_ns (-1: no limit).
// Returns early on a wake, a signal or spuriously; callers re-check.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::int64_t timeout_ns);
void futex_wake_one(std::atomic<std::uint32_t>& word);
void futex_wake_all(std::atomic<std::uint32_t>& word);

}  // namespace wsx::detail
