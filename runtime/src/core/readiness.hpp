// The per-socket state machine: it decides which network events a
// condition turns into, following the rules of conformance.md. The backend
// feeds it OS readiness (dispatch_readiness); the socket calls feed it what
// their system calls returned (socket_io.cpp); select calls ask it to look
// at the socket as it is now (rule S8).
#pragma once

#include <cstdint>

#include "core/backend.hpp"
#include "core/event_record.hpp"
#include "core/socket_state.hpp"

namespace wsx::detail {

// Records event e in epoch `epoch` and delivers it (R1). False when it is not
// selected, waits for its re-enabling call, or the selection changed.
bool signal_event(native_socket s, SocketState& st, std::uint32_t epoch, NetEvent e,
                  native_error error = 0);

// FD_WRITE when it is armed (R7): after connect/accept/select, or after a
// send failed with would-block.
void report_write_if_armed(native_socket s, SocketState& st, std::uint32_t epoch);

// FD_CLOSE for a connection-oriented socket (R9), once per selection.
void report_close(native_socket s, SocketState& st, std::uint32_t epoch, native_error error);

// FD_CLOSE for the end of a stream (R9): graceful (error 0) unless the
// connection failed. Linux reads a reset connection's end like a FIN once
// its error has been consumed, which a send or receive in another thread
// may have done without keeping it yet: those are waited for first. Never
// call it with a send or receive of this thread under way.
void report_end(native_socket s, SocketState& st, std::uint32_t epoch);

// Looks at the socket now and reports what holds (S8). at_select: the call
// is a select call (FD_CONNECT is then reported for an established
// connection); otherwise it is a freshly accepted socket (S7, R7).
void evaluate_now(native_socket s, SocketState& st, std::uint32_t epoch, bool at_select);

// Resolves a non-blocking connect if the OS says it finished (R10, M3).
void complete_connect(native_socket s, SocketState& st, std::uint32_t epoch);

// The conditions worth watching for this socket now: those that could still
// become an event that is selected and not waiting for its re-enabling call
// (R2), given what the socket is (listening, connecting, connected, ...).
//
// Epoll does not need it: it is registered once for everything, edge-
// triggered. AFD poll (Windows) is one-shot and level-like: a request for a
// condition that already holds completes at once, so asking again for
// unread data after FD_READ was reported, or for a FIN already known, would
// spin. The Windows backend polls exactly this set. The set shrinks by
// itself as events are recorded; wherever it can grow (a re-enabling call, a
// select, FD_WRITE armed, connect, listen, bind) the core calls
// Backend::rearm through rearm_backend() (registry.hpp).
Readiness wanted_conditions(const SocketState& st);

}  // namespace wsx::detail
