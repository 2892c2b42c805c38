// Step 3 of the event flow: hand a recorded event to its target.
#pragma once

#include "core/event_record.hpp"
#include "wsx/net_events.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail {

// Sets the event object, or posts one message (wParam = socket, lParam =
// event | error << 16) to the message queue or window.
void deliver(native_socket s, NetEvent e, native_error error, const Delivery& d);

}  // namespace wsx::detail
