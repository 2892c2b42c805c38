#include "model/ops.hpp"

#include <cstring>

namespace wsx::model {

const char* op_name(OpKind k) {
  switch (k) {
    case OpKind::connect:
      return "connect";
    case OpKind::accept:
      return "accept";
    case OpKind::select:
      return "select";
    case OpKind::cancel:
      return "cancel";
    case OpKind::send:
      return "send";
    case OpKind::fill:
      return "fill";
    case OpKind::recv:
      return "recv";
    case OpKind::send_urgent:
      return "send-urgent";
    case OpKind::recv_urgent:
      return "recv-urgent";
    case OpKind::shutdown:
      return "shutdown";
    case OpKind::reset:
      return "reset";
    case OpKind::close:
      return "close";
    case OpKind::enumerate:
      return "enumerate";
    case OpKind::observe:
      return "observe";
    case OpKind::wait:
      return "wait";
    case OpKind::set_event:
      return "set-event";
    case OpKind::reset_event:
      return "reset-event";
    case OpKind::close_event:
      return "close-event";
    case OpKind::open_udp:
      return "open-udp";
    case OpKind::udp_send:
      return "udp-send";
    case OpKind::udp_recv:
      return "udp-recv";
    case OpKind::race_recv:
      return "race-recv";
    case OpKind::count:
      break;
  }
  return "?";
}

namespace {

// Weights out of 64: data moves most, the rare calls (closing events,
// resets) rarely, so that connections live long enough to get interesting.
struct Weight {
  OpKind kind;
  int share;
};
constexpr Weight kWeights[] = {
    {OpKind::connect, 5},   {OpKind::accept, 5},      {OpKind::select, 7},
    {OpKind::cancel, 1},    {OpKind::send, 9},        {OpKind::fill, 1},
    {OpKind::recv, 10},     {OpKind::send_urgent, 2}, {OpKind::recv_urgent, 2},
    {OpKind::shutdown, 2},  {OpKind::reset, 1},       {OpKind::close, 2},
    {OpKind::enumerate, 4}, {OpKind::observe, 1},     {OpKind::wait, 2},
    {OpKind::set_event, 1}, {OpKind::reset_event, 1}, {OpKind::close_event, 1},
    {OpKind::open_udp, 1},  {OpKind::udp_send, 2},    {OpKind::udp_recv, 2},
    {OpKind::race_recv, 2},
};

constexpr int total_share() {
  int t = 0;
  for (const Weight& w : kWeights)
    t += w.share;
  return t;
}
static_assert(total_share() == 64, "the weights share the 64 values of six bits");

}  // namespace

Op decode_op(const std::uint8_t bytes[kStepBytes]) {
  Op op;
  int v = bytes[0] & 63;
  for (const Weight& w : kWeights) {
    if (v < w.share) {
      op.kind = w.kind;
      break;
    }
    v -= w.share;
  }
  // One step in four ends with every socket enumerated; the others leave
  // records to accumulate (and be read by explicit enumerations).
  op.observe_after = (bytes[0] >> 6) == 3;
  op.a = bytes[1];
  op.b = bytes[2];
  op.c = bytes[3];
  return op;
}

bool SeedSource::next(std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (left_ == 0) {
      // splitmix64
      std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      word_ = z ^ (z >> 31);
      left_ = 8;
    }
    out[i] = static_cast<std::uint8_t>(word_);
    word_ >>= 8;
    --left_;
  }
  return true;
}

bool BufferSource::next(std::uint8_t* out, std::size_t n) {
  if (size_ - pos_ < n) return false;
  std::memcpy(out, data_ + pos_, n);
  pos_ += n;
  return true;
}

}  // namespace wsx::model
