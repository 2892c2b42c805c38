#include "core/os_window.hpp"

#include <windows.h>

namespace wsx::detail::os {

// A wsx queue handle carries an odd generation in its high half and is never
// a window; a window handle is tested with IsWindow.
bool is_window(std::uint64_t hwnd) {
  return hwnd != 0 && IsWindow(reinterpret_cast<HWND>(static_cast<std::uintptr_t>(hwnd)));
}

bool post_to_window(std::uint64_t hwnd, std::uint32_t message, std::uintptr_t wparam,
                    std::intptr_t lparam) {
  // The system's queue has its own limit (10,000 posted messages); a post
  // it refuses is the system's, as with Winsock itself.
  return PostMessageW(reinterpret_cast<HWND>(static_cast<std::uintptr_t>(hwnd)), message,
                      static_cast<WPARAM>(wparam), static_cast<LPARAM>(lparam)) != 0;
}

}  // namespace wsx::detail::os
