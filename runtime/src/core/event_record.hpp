// Transitions of the event record word (socket_state.hpp). Every transition
// is a compare-and-swap or a single atomic read-modify-write; there is no
// lock. Memory-order contract: a select call writes target/message only while
// the busy bit is set and publishes them with a release store of the word; a
// notifier loads the word with acquire, then the target, then commits with a
// CAS that fails if any select started in between, so the target it read is
// the one of the epoch it recorded into.
#pragma once

#include <cstdint>

#include "core/socket_state.hpp"

namespace wsx::detail {

struct Delivery {
  NotifyMode mode = NotifyMode::none;
  std::uint64_t target = 0;
  std::uint32_t message = 0;
};

struct Selection {
  Delivery delivery;
  EventMask mask = 0;
  std::uint32_t epoch = 0;
};

// Installs a selection, clearing record and disabled bits (rules S2, S3);
// mode none with mask 0 cancels (S4). Returns the new epoch.
std::uint32_t record_install(SocketState& st, NotifyMode mode, std::uint64_t target,
                             std::uint32_t message, EventMask mask);

// Records event e into epoch `epoch` if it is selected and not waiting for
// its re-enabling call (R1, R2). On success *out says where to deliver it.
bool record_event(SocketState& st, std::uint32_t epoch, NetEvent e, native_error error,
                  Delivery* out);

// The re-enabling call for the events in m (R3, R4).
void record_reenable(SocketState& st, EventMask m);

// Copies and clears the record (E1); errors[i] is written only for the bits
// returned (E2).
EventMask record_take(SocketState& st, native_error errors[kNetEventCount]);

// A consistent snapshot of the selection (for accept inheritance, S7).
Selection record_selection(const SocketState& st);

}  // namespace wsx::detail
