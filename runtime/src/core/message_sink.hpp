// Where message-mode notifications go (WSAAsyncSelect): a wsx message queue,
// or on Windows a real window. Implemented by the message-queue module.
#pragma once

#include <cstdint>

#include "wsx/net_events.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail {

void post_socket_message(std::uint64_t target, std::uint32_t message, native_socket s, NetEvent e,
                         native_error error);
// Whether target names a live message queue or window.
bool is_message_target(std::uint64_t target);

}  // namespace wsx::detail
