// Select and enumerate: rules S1-S8 and E1-E5.
#include "core/change_notify.hpp"
#include "core/event_object.hpp"
#include "core/message_sink.hpp"
#include "core/os_socket.hpp"
#include "core/readiness.hpp"
#include "core/registry.hpp"
#include "wsx/sockets.hpp"

namespace wsx {

using namespace detail;

native_error select_events(native_socket s, NotifyTarget target, EventMask mask) {
  if (!running()) return os::err_invalid();
  // X3: undefined FD_ bits and dead targets are invalid parameters.
  if (mask & ~kAllNetEvents) return os::err_invalid();
  NotifyMode mode = NotifyMode::none;
  if (mask != 0) {
    switch (target.kind) {
      case NotifyTarget::Kind::event:
        if (!event_table().lookup(target.handle)) return os::err_invalid();
        mode = NotifyMode::event;
        break;
      case NotifyTarget::Kind::message:
        if (!is_message_target(target.handle)) return os::err_invalid();
        mode = NotifyMode::message;
        break;
      case NotifyTarget::Kind::none:
        return os::err_invalid();
    }
  }
  SocketState* st = nullptr;
  if (native_error e = adopt_socket(s, &st)) return e;

  // S5: selecting makes the socket non-blocking whatever the mask.
  if (!st->has(sf::kNonBlocking)) {
    if (native_error e = os::set_nonblocking(s, true)) return e;
    st->set_flags(sf::kNonBlocking);
  }
  if (mask != 0) {
    if (native_error e = ensure_in_backend(s, *st)) return e;
  }
  std::uint32_t epoch =
      record_install(*st, mode, mask ? target.handle : 0, mask ? target.message : 0, mask);
  if (mask != 0) {
    // S8: what already holds is reported now.
    evaluate_now(s, *st, epoch, /*at_select=*/true);
    change_notify_on_select(s, *st, epoch);  // an address/route change kept for it
    rearm_backend(s, *st);
  }
  return 0;
}

native_error enumerate_events(native_socket s, EventHandle reset, NetworkEvents* out) {
  if (!running()) return os::err_invalid();
  if (!out) return os::err_fault();
  if (reset && !event_table().lookup(reset.value)) return os::err_invalid();
  SocketState* st = known_socket(s);
  if (!st) {
    // A socket never selected has an empty record; anything else is an error.
    os::SocketFacts f;
    if (native_error e = os::inspect(s, &f)) return e;
  }
  // A call that does not block reads the kernel first (DESIGN step 4).
  if (Driver* d = current_driver()) d->poll_if_stale();
  // Reset before taking the record: an event recorded in between is both
  // in the copy and in the event's state (a spare wake-up), never in neither.
  if (reset) reset_event(reset);
  out->events = st ? record_take(*st, out->errors) : 0;
  return 0;
}

bool is_selected(native_socket s) {
  SocketState* st = known_socket(s);
  return st && st->load_word().selected() != 0;
}

}  // namespace wsx
