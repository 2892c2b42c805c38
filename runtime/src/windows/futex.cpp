// WaitOnAddress is Windows' futex: it sleeps while a word holds a value
// and wakes on WakeByAddress*, with no kernel object per waiter.
#include "core/futex.hpp"

#include <windows.h>

namespace wsx::detail {

// WaitOnAddress compares the bytes of the word itself, so the atomic must
// be exactly the plain 32-bit value.
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::int64_t timeout_ns) {
  DWORD ms = INFINITE;
  if (timeout_ns >= 0) {
    // Round up: a sleep that ends early only costs the caller a re-check,
    // one that is rounded down to zero would spin.
    std::int64_t up = (timeout_ns + 999'999) / 1'000'000;
    ms = up >= static_cast<std::int64_t>(INFINITE) ? INFINITE - 1 : static_cast<DWORD>(up);
  }
  WaitOnAddress(&word, &expected, sizeof expected, ms);
}

void futex_wake_one(std::atomic<std::uint32_t>& word) {
  WakeByAddressSingle(&word);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
  WakeByAddressAll(&word);
}

}  // namespace wsx::detail
