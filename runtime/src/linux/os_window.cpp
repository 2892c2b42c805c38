#include "core/os_window.hpp"

namespace wsx::detail::os {

bool is_window(std::uint64_t) {
  return false;
}
bool post_to_window(std::uint64_t, std::uint32_t, std::uintptr_t, std::intptr_t) {
  return false;
}

}  // namespace wsx::detail::os
