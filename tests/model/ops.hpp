// The operations of the differential test, and where their choices come
// from: a seed (splitmix64) or a fuzzer's input, through one decoder, so a
// seed and the bytes it stands for give the same operation sequence.
//
// Every step takes exactly kStepBytes bytes whatever the state, and what an
// operation means (which socket, how many bytes) is decided from those bytes
// and the model's state by the harness. So a seed replays the same sequence
// of steps; a step whose operation does not apply (nothing to receive on, no
// free slot) is logged as skipped and costs the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wsx::model {

enum class OpKind : std::uint8_t {
  connect,      // a new client: maybe selected first, maybe to a refusing port
  accept,       // accept or WSAAccept on the listener
  select,       // WSAEventSelect with a mask (also on the listener)
  cancel,       // WSAEventSelect with mask 0
  send,         // send / WSASend / sendto
  fill,         // send until WSAEWOULDBLOCK
  recv,         // recv / WSARecv / recvfrom / WSARecvFrom, maybe MSG_PEEK
  send_urgent,  // one byte with MSG_OOB
  recv_urgent,  // recv with MSG_OOB
  shutdown,     // SD_RECEIVE, SD_SEND or SD_BOTH
  reset,        // closesocket with SO_LINGER 0
  close,        // closesocket
  enumerate,    // WSAEnumNetworkEvents with the socket's event, NULL, another or a dead one
  observe,      // enumerate every socket
  wait,         // WSAWaitForMultipleEvents over the events
  set_event,    // WSASetEvent
  reset_event,  // WSAResetEvent
  close_event,  // WSACloseEvent (and a new event in its place)
  open_udp,     // a datagram socket bound to loopback
  udp_send,     // sendto between datagram sockets
  udp_recv,     // recvfrom on a datagram socket
  race_recv,    // the peer sends and this side receives while another thread waits
  count,
};

const char* op_name(OpKind k);

inline constexpr std::size_t kStepBytes = 4;
// Bytes before the first step: the run's configuration.
inline constexpr std::size_t kHeaderBytes = 2;

struct Op {
  OpKind kind = OpKind::observe;
  bool observe_after = false;  // enumerate every socket after this step
  std::uint8_t a = 0, b = 0, c = 0;
};

// Decodes one step. The operation's weight is its share of the 64 values of
// the first byte's low six bits.
Op decode_op(const std::uint8_t bytes[kStepBytes]);

// Where the bytes come from.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills out[0..n); false when the source is exhausted.
  virtual bool next(std::uint8_t* out, std::size_t n) = 0;
};

class SeedSource : public ByteSource {
 public:
  explicit SeedSource(std::uint64_t seed) : state_(seed) {}
  bool next(std::uint8_t* out, std::size_t n) override;

 private:
  std::uint64_t state_;
  std::uint64_t word_ = 0;
  int left_ = 0;
};

class BufferSource : public ByteSource {
 public:
  BufferSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool next(std::uint8_t* out, std::size_t n) override;

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace wsx::model
