// Per-socket state: one cache line, found by direct index (socket_table.hpp).
#pragma once

#include <atomic>
#include <cstdint>

#include "wsx/net_events.hpp"
#include "wsx/platform.hpp"

namespace wsx::detail {

// How notifications of a socket are delivered.
enum class NotifyMode : std::uint8_t {
  none = 0,
  event = 1,    // set an event object, record bits for enumeration (WSAEventSelect)
  message = 2,  // post one message per event (WSAAsyncSelect)
};

// Lifecycle and condition flags (SocketState::flags). They describe the
// socket, not the selection: they survive a re-select.
namespace sf {
inline constexpr std::uint32_t kRegistered = 1u << 0;  // the slot describes a live socket
inline constexpr std::uint32_t kStream = 1u << 1;      // connection-oriented (TCP)
inline constexpr std::uint32_t kListening = 1u << 2;
inline constexpr std::uint32_t kConnecting = 1u << 3;    // non-blocking connect in progress
inline constexpr std::uint32_t kConnected = 1u << 4;     // established (or datagram-connected)
inline constexpr std::uint32_t kWriteArmed = 1u << 5;    // report FD_WRITE at the next send space
inline constexpr std::uint32_t kPeerClosed = 1u << 6;    // the peer's FIN has arrived
inline constexpr std::uint32_t kOobInline = 1u << 7;     // SO_OOBINLINE is on
inline constexpr std::uint32_t kOobHint = 1u << 8;       // urgent data may be pending
inline constexpr std::uint32_t kShutSend = 1u << 9;      // shutdown(SD_SEND) was called
inline constexpr std::uint32_t kShutRecv = 1u << 10;     // shutdown(SD_RECEIVE) was called
inline constexpr std::uint32_t kBound = 1u << 11;        // has a local address
inline constexpr std::uint32_t kInBackend = 1u << 12;    // the backend reports its readiness
inline constexpr std::uint32_t kFailed = 1u << 13;       // connect failed, or reset/aborted
inline constexpr std::uint32_t kNonBlocking = 1u << 14;  // the descriptor is in non-blocking mode
inline constexpr std::uint32_t kDeferred = 1u << 15;     // holds a connection deferred by CF_DEFER
inline constexpr std::uint32_t kOwned = 1u << 16;        // created by wsx (closed by the last stop)
inline constexpr std::uint32_t kOobStashed = 1u << 17;   // oob_stash holds the urgent byte
inline constexpr std::uint32_t kFailing = 1u << 19;      // the backend is reading SO_ERROR
inline constexpr std::uint32_t kChangeWatch = 1u << 18;  // has SIO_*_CHANGE state (change_notify)
}  // namespace sf

// The event record word (SocketState::word):
//   bits  0..9   selected     the mask in force
//   bits 10..19  recorded     the network event record read by enumeration
//   bits 20..29  disabled     reported, waiting for the re-enabling call (R2)
//   bits 30..31  mode         NotifyMode
//   bit  32      busy         a select call is rewriting target/message
//   bits 33..63  epoch        bumped by every select, cancel and close
// One compare-and-swap moves any combination of these, so a notifier that
// read the target under epoch E can only record into epoch E.
struct RecordWord {
  std::uint64_t v = 0;

  static constexpr unsigned kRecShift = 10;
  static constexpr unsigned kDisShift = 20;
  static constexpr unsigned kModeShift = 30;
  static constexpr std::uint64_t kBusy = std::uint64_t{1} << 32;
  static constexpr unsigned kEpochShift = 33;
  static constexpr std::uint64_t kMask10 = 0x3ff;

  EventMask selected() const { return static_cast<EventMask>(v & kMask10); }
  EventMask recorded() const { return static_cast<EventMask>((v >> kRecShift) & kMask10); }
  EventMask disabled() const { return static_cast<EventMask>((v >> kDisShift) & kMask10); }
  NotifyMode mode() const { return static_cast<NotifyMode>((v >> kModeShift) & 3); }
  bool busy() const { return (v & kBusy) != 0; }
  std::uint32_t epoch() const { return static_cast<std::uint32_t>(v >> kEpochShift); }

  static RecordWord make(EventMask sel, EventMask rec, EventMask dis, NotifyMode mode,
                         std::uint32_t epoch) {
    return RecordWord{(std::uint64_t{sel} & kMask10) |
                      ((std::uint64_t{rec} & kMask10) << kRecShift) |
                      ((std::uint64_t{dis} & kMask10) << kDisShift) |
                      (std::uint64_t{static_cast<std::uint8_t>(mode)} << kModeShift) |
                      (std::uint64_t{epoch & 0x7fffffffu} << kEpochShift)};
  }
};

struct alignas(64) SocketState {
  std::atomic<std::uint64_t> word{0};          // RecordWord
  std::atomic<std::uint32_t> flags{0};         // sf::*
  std::atomic<std::uint32_t> gen{0};           // bumped at close; travels with backend reports
  std::atomic<std::uint64_t> target{0};        // event handle or message-queue handle
  std::atomic<std::uint64_t> identity{0};      // what the OS calls this socket (inode), 0 = unknown
  std::atomic<std::uint32_t> message{0};       // wMsg
  std::atomic<std::uint16_t> sticky_error{0};  // a reset the backend consumed, for the next call
  std::atomic<std::uint16_t> errors[kNetEventCount] = {};  // native error per event
  // The urgent byte, taken out of the stream before a normal receive would
  // pass the mark (Linux drops it then; Winsock keeps it for MSG_OOB).
  std::atomic<std::uint8_t> oob_stash{0};
  // Sends and receives under way (socket_io.cpp): one may have consumed a
  // reset's error that it has not kept yet (readiness.cpp, report_end).
  std::atomic<std::uint16_t> io_in_flight{0};

  RecordWord load_word(std::memory_order mo = std::memory_order_acquire) const {
    return RecordWord{word.load(mo)};
  }
  bool has(std::uint32_t f) const { return (flags.load(std::memory_order_acquire) & f) != 0; }
  void set_flags(std::uint32_t f) { flags.fetch_or(f, std::memory_order_acq_rel); }
  void clear_flags(std::uint32_t f) { flags.fetch_and(~f, std::memory_order_acq_rel); }
  // Clears f and says whether this caller was the one that cleared it.
  bool claim(std::uint32_t f) { return (flags.fetch_and(~f, std::memory_order_acq_rel) & f) != 0; }
};

static_assert(sizeof(SocketState) == 64, "socket state must fit one cache line");

}  // namespace wsx::detail
