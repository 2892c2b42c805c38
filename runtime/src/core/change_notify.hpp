// FD_ADDRESS_LIST_CHANGE and FD_ROUTING_INTERFACE_CHANGE (rule R6): which
// socket asked for the next change (SIO_*_CHANGE), and what becomes of a
// change when the OS reports one (net_watch.hpp). The hooks below are what
// the rest of the core calls.
#pragma once

#include <cstdint>

#include "core/backend.hpp"
#include "core/socket_state.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail {

// After a select call installed epoch `epoch`: a change that came after the
// ioctl while its event could not be reported (not selected then) is
// reported now (S8). A few loads unless s ever issued a SIO_*_CHANGE.
void change_notify_on_select(native_socket s, SocketState& st, std::uint32_t epoch);

// The socket is going away (closesocket, the last cleanup): its requests end,
// and a blocking ioctl waiting on it returns interrupted.
void change_notify_forget(native_socket s);

// The runtime's last stop: every request ends and the subscription closes.
void change_notify_stop(Backend& backend);

}  // namespace wsx::detail
