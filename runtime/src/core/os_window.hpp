// Real windows as message targets (Windows only): WSAAsyncSelect with a
// window handle posts through the system's PostMessage. Elsewhere there are
// no windows and both calls say no.
#pragma once

#include <cstdint>

namespace wsx::detail::os {

bool is_window(std::uint64_t hwnd);
bool post_to_window(std::uint64_t hwnd, std::uint32_t message, std::uintptr_t wparam,
                    std::intptr_t lparam);

}  // namespace wsx::detail::os
