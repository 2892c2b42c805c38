// Network events the runtime reports, in the bit order Winsock uses for
// FD_* (FD_READ_BIT = 0 ... FD_ADDRESS_LIST_CHANGE_BIT = 9), so that a mask
// built here is numerically the same as one built from FD_* constants.
#pragma once

#include <cstdint>

namespace wsx {

enum class NetEvent : std::uint8_t {
  read = 0,
  write = 1,
  oob = 2,
  accept = 3,
  connect = 4,
  close = 5,
  qos = 6,
  group_qos = 7,
  routing_interface_change = 8,
  address_list_change = 9,
};

inline constexpr int kNetEventCount = 10;

using EventMask = std::uint32_t;

constexpr EventMask mask_of(NetEvent e) {
  return EventMask{1} << static_cast<unsigned>(e);
}

inline constexpr EventMask kAllNetEvents = (EventMask{1} << kNetEventCount) - 1;

// Events whose condition is re-checked after the re-enabling call (rule R5).
inline constexpr EventMask kLevelTriggered =
    mask_of(NetEvent::read) | mask_of(NetEvent::oob) | mask_of(NetEvent::accept);

constexpr const char* net_event_name(NetEvent e) {
  switch (e) {
    case NetEvent::read:
      return "read";
    case NetEvent::write:
      return "write";
    case NetEvent::oob:
      return "oob";
    case NetEvent::accept:
      return "accept";
    case NetEvent::connect:
      return "connect";
    case NetEvent::close:
      return "close";
    case NetEvent::qos:
      return "qos";
    case NetEvent::group_qos:
      return "group_qos";
    case NetEvent::routing_interface_change:
      return "routing_interface_change";
    case NetEvent::address_list_change:
      return "address_list_change";
  }
  return "?";
}

}  // namespace wsx
