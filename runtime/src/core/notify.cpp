#include "core/notify.hpp"

#include "core/message_sink.hpp"
#include "wsx/event.hpp"

namespace wsx::detail {

void deliver(native_socket s, NetEvent e, native_error error, const Delivery& d) {
  switch (d.mode) {
    case NotifyMode::event:
      // A closed event handle makes this a no-op (the record still holds the
      // bit; WSAEnumNetworkEvents can read it).
      set_event(EventHandle{d.target});
      break;
    case NotifyMode::message:
      post_socket_message(d.target, d.message, s, e, error);
      break;
    case NotifyMode::none:
      break;
  }
}

}  // namespace wsx::detail
