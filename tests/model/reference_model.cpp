#include "model/reference_model.hpp"

#include <algorithm>

namespace wsx::model {

namespace {

std::string fmt(const char* what, long got, long want) {
  return std::string(what) + ": got " + std::to_string(got) + ", expected " + std::to_string(want);
}

std::string expect_error(CallResult r, int want, const char* call) {
  if (r.error == want) return "";
  return std::string(call) +
         (r.failed() ? " failed with " + std::to_string(r.error)
                     : " succeeded (" + std::to_string(r.value) + ")") +
         ", expected error " + std::to_string(want);
}

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

std::string mask_str(Mask m) {
  static const char* names[kBitCount] = {"READ",  "WRITE", "OOB",       "ACCEPT",  "CONNECT",
                                         "CLOSE", "QOS",   "GROUP_QOS", "ROUTING", "ADDRLIST"};
  std::string s = "{";
  for (int b = 0; b < kBitCount; ++b) {
    if (!(m & bit(b))) continue;
    if (s.size() > 1) s += "|";
    s += names[b];
  }
  return s + "}";
}

const char* allowance_name(Allowance a) {
  switch (a) {
    case Allowance::none:
      return "none";
    case Allowance::stale_readiness:
      return "stale readiness (WSAEventSelect page: set, then WSAEWOULDBLOCK)";
    case Allowance::window_reopened:
      return "a closed window reopened by the kernel";
  }
  return "?";
}

std::uint8_t ReferenceModel::content_byte(std::uint64_t seed, std::uint64_t pos) {
  return static_cast<std::uint8_t>(mix(seed ^ (pos * 0x100000001b3ull)) >> 24);
}

// --- the universe -------------------------------------------------------------

int ReferenceModel::new_event() {
  events_.push_back(EventObject{true, false, false});
  return static_cast<int>(events_.size()) - 1;
}

int ReferenceModel::add_socket(Kind k, bool oob_inline) {
  Socket s;
  s.kind = k;
  s.open = true;
  s.oob_inline = oob_inline;
  s.in.seed = mix(salt_ + 0x51ed2701u * (sockets_.size() + 1));
  sockets_.push_back(s);
  return static_cast<int>(sockets_.size()) - 1;
}

int ReferenceModel::new_listener(bool oob_inline) {
  return add_socket(Kind::listener, oob_inline);
}
int ReferenceModel::new_stream(bool oob_inline) {
  return add_socket(Kind::stream, oob_inline);
}
int ReferenceModel::new_datagram() {
  return add_socket(Kind::datagram, false);
}

// --- conditions ---------------------------------------------------------------

// Normal bytes among the positions s has not consumed below `upto` (what
// arrived, or everything sent), less the urgent byte while it is out of band
// (R8).
std::uint64_t ReferenceModel::normal_bytes(const Socket& s, std::uint64_t upto) const {
  if (upto <= s.in.read) return 0;
  std::uint64_t n = upto - s.in.read;
  if (urgent_in_stream(s) && s.in.urgent_pos < upto) --n;
  return n;
}

bool ReferenceModel::urgent_arrived(const Socket& s) const {
  return s.in.urgent_sent && s.in.urgent_pos < s.in.arrived;
}

// The urgent byte's place is still ahead of (or at) the normal read position:
// the kernel still holds it, and a normal receive has not yet passed it.
bool ReferenceModel::urgent_in_stream(const Socket& s) const {
  return !s.oob_inline && s.in.urgent_sent && s.in.urgent_pos >= s.in.read;
}

std::uint64_t ReferenceModel::unread(int s) const {
  return normal_bytes(socket(s), socket(s).in.sent);
}

bool ReferenceModel::urgent_waiting(int s) const {
  const Socket& so = socket(s);
  return !so.oob_inline && so.in.urgent_pending && urgent_arrived(so);
}

bool ReferenceModel::close_resets(int s) const {
  const Socket& so = socket(s);
  return so.kind == Kind::stream && (unread(s) > 0 || urgent_in_stream(so));
}

bool ReferenceModel::condition(const Socket& s, int b) const {
  switch (s.kind) {
    case Kind::listener:
      return b == kAccept && !s.backlog.empty();  // R5: a connection waits
    case Kind::datagram:
      return b == kRead && !s.queue.empty();  // R11: a datagram waits
    case Kind::stream:
      break;
    case Kind::none:
      return false;
  }
  if (s.conn != Conn::established) return false;
  switch (b) {
    case kRead:
      // R5; R9: end of data is not data.
      return readable(s) > 0;
    case kOob:
      // R8: out-of-band only while SO_OOBINLINE is off.
      return !s.oob_inline && s.in.urgent_pending && urgent_arrived(s);
    case kClose:
      // R9: a reset at once; a graceful close once all data has been read
      // (the FIN comes after the data).
      return s.in.reset || (s.in.fin && normal_bytes(s, s.in.sent) == 0);
    default:
      return false;
  }
}

// "A send is possible" (R7).
bool ReferenceModel::writable(const Socket& s) const {
  if (s.kind == Kind::datagram) return true;  // R7: writable once bound
  return s.kind == Kind::stream && s.conn == Conn::established && !s.in.reset && !s.shut_send &&
         s.space == Space::yes;
}

// --- reporting ------------------------------------------------------------------

// R1, R2: a selected event that is not waiting for its re-enabling call is
// recorded and delivered; otherwise nothing happens.
void ReferenceModel::report(int s, int b, int error) {
  Socket& so = sock(s);
  if (!so.open || so.mode == Mode::none) return;
  if (!(so.selected & bit(b)) || (so.disabled & bit(b))) return;
  so.disabled |= bit(b);
  so.optional &= ~bit(b);
  deliver(s, b, error);
}

void ReferenceModel::deliver(int s, int b, int error) {
  Socket& so = sock(s);
  reports_.push_back(Report{s, b, error});
  switch (so.mode) {
    case Mode::event:
      // R1: record the bit with its error, set the event object (a closed
      // event is set no more; the record still holds the bit).
      so.recorded |= bit(b);
      so.errors[b] = error;
      if (so.target >= 0 && events_[static_cast<std::size_t>(so.target)].live) {
        events_[static_cast<std::size_t>(so.target)].signalled = true;
      }
      break;
    case Mode::message:
      messages_.push_back(Report{s, b, error});  // R1: one message per report
      break;
    case Mode::none:
      break;
  }
}

// The core rule of the header, applied to every socket.
void ReferenceModel::settle_reports() {
  if (held_) return;
  for (std::size_t i = 0; i < sockets_.size(); ++i) {
    const int s = static_cast<int>(i);
    Socket& so = sockets_[i];
    if (!so.open || so.mode == Mode::none) continue;
    for (int b : {kAccept, kRead, kOob, kClose}) {
      if (condition(so, b)) report(s, b, b == kClose && so.in.reset ? err::kConnReset : 0);
    }
    if (so.read_state_unknown && (so.selected & bit(kRead)) && (so.disabled & bit(kRead)) &&
        condition(so, kRead)) {
      so.optional |= bit(kRead);
      so.why[kRead] = Allowance::stale_readiness;
    }
    const bool enabled_read = (so.selected & bit(kRead)) && !(so.disabled & bit(kRead));
    if (enabled_read && so.kind == Kind::stream && so.in.held && readable(so) == 0) {
      so.optional |= bit(kRead);
      so.why[kRead] = Allowance::window_reopened;
    }
    // R7: an armed FD_WRITE is reported when a send is possible.
    if (so.write_armed && (so.selected & bit(kWrite)) && !(so.disabled & bit(kWrite))) {
      if (writable(so)) {
        so.write_armed = false;
        report(s, kWrite, 0);
      } else if (so.kind == Kind::stream && so.conn == Conn::established && !so.in.reset &&
                 !so.shut_send && so.peer >= 0 &&
                 sockets_[static_cast<std::size_t>(so.peer)].in.held) {
        so.optional |= bit(kWrite);
        so.why[kWrite] = Allowance::window_reopened;
      }
    }
  }
}

void ReferenceModel::reenable(int s, Mask m) {
  sock(s).disabled &= ~m;  // R3, R4: whatever the call returned
  if (m & bit(kRead)) sock(s).read_state_unknown = false;
}

// An optional report was observed: it happened.
void ReferenceModel::apply_optional(int s, int b) {
  Socket& so = sock(s);
  allowances_used_.push_back(allowance_name(so.why[b]));
  so.optional &= ~bit(b);
  so.disabled |= bit(b);
  if (b == kWrite) so.write_armed = false;
  // A race's FD_READ may have come before the receive re-enabled it (then it
  // is enabled now) or after (then not); a later one settles it.
  if (b == kRead && so.why[b] == Allowance::stale_readiness) {
    so.read_state_unknown = !so.read_state_unknown;
  }
}

bool ReferenceModel::maybe_signalled(int e) const {
  const EventObject& ev = events_[static_cast<std::size_t>(e)];
  if (ev.signalled || ev.maybe) return true;
  for (const Socket& so : sockets_) {
    if (so.open && so.mode == Mode::event && so.target == e && so.optional) return true;
  }
  return false;
}

// --- calls ----------------------------------------------------------------------

std::string ReferenceModel::select(int s, int event, bool event_live, Mask mask, CallResult r) {
  // X3: a mask with bits needs a live event; nothing changes when refused.
  if (mask != 0 && !event_live) return expect_error(r, err::kInvalid, "WSAEventSelect");
  if (r.failed()) return "WSAEventSelect failed with " + std::to_string(r.error);
  Socket& so = sock(s);
  // S2, S3, S4: the new selection replaces the old one, record and all.
  // An optional report of the old selection may have set its event.
  if (so.optional && so.target >= 0) events_[static_cast<std::size_t>(so.target)].maybe = true;
  so.selected = mask;
  so.mode = mask ? Mode::event : Mode::none;
  so.target = mask ? event : -1;
  so.recorded = 0;
  so.disabled = 0;
  so.optional = 0;
  so.read_state_unknown = false;
  if (mask == 0) return "";
  // R7: "when WSAEventSelect is called, if a send is possible".
  so.write_armed = true;
  // R10, S8: a connect outcome that came while nothing was selected has
  // "already happened" and is reported now, failure included.
  if (so.connect_pending) {
    so.connect_pending = false;
    report(s, kConnect, so.connect_error);
  }
  // S8: what holds is reported now; wsx looks at the socket, so an urgent
  // byte waiting is seen (docs/semantics.md, "The urgent byte").
  if (so.kind == Kind::stream && so.conn == Conn::established) {
    if (so.in.urgent_pending && urgent_arrived(so)) so.in.urgent_seen = true;
    // S8 as the WSAAsyncSelect page words it: "if there is currently a
    // connection established", FD_CONNECT (docs/semantics.md, S8).
    if (!so.in.reset) report(s, kConnect, 0);
  }
  settle_reports();
  return "";
}

std::string ReferenceModel::connect(int s, int listener, bool nonblocking, CallResult r,
                                    int* server_side) {
  *server_side = -1;
  Socket& so = sock(s);
  // The outcome comes later (WSAEWOULDBLOCK) to a socket with no selection:
  // it waits for the next select.
  const bool later = r.error == err::kWouldBlock && so.mode == Mode::none;
  if (listener < 0) {
    // R10: the outcome, known at once or later, is FD_CONNECT's error.
    if (r.error != err::kConnRefused && !(nonblocking && r.error == err::kWouldBlock)) {
      return expect_error(r, err::kConnRefused, "connect to a refusing port");
    }
    so.conn = Conn::refused;
    so.connect_pending = later;
    so.connect_error = err::kConnRefused;
    report(s, kConnect, err::kConnRefused);
    settle_reports();
    return "";
  }
  if (r.failed() && !(nonblocking && r.error == err::kWouldBlock)) {
    return "connect failed with " + std::to_string(r.error);
  }
  const int sv = add_socket(Kind::stream, socket(listener).oob_inline);
  Socket& c = sock(s);  // add_socket may have moved the vector
  Socket& v = sock(sv);
  c.conn = v.conn = Conn::established;
  c.connect_pending = later;
  c.connect_error = 0;
  c.peer = sv;
  v.peer = s;
  v.listener = listener;
  sock(listener).backlog.push_back(sv);
  *server_side = sv;
  // R10 then R7 (M3: FD_CONNECT before the first FD_WRITE).
  report(s, kConnect, 0);
  sock(s).write_armed = true;
  settle_reports();
  return "";
}

std::string ReferenceModel::accept(int l, int got, CallResult r) {
  Socket& ls = sock(l);
  reenable(l, bit(kAccept));  // R3, R4: also when it fails
  if (ls.backlog.empty()) {
    std::string why = expect_error(r, err::kWouldBlock, "accept with nothing pending");
    settle_reports();
    return why;
  }
  if (r.failed()) return "accept failed with " + std::to_string(r.error) + " while one waits";
  const int want = ls.backlog.front();
  if (got != want) return fmt("accepted connection (model id)", got, want);
  ls.backlog.pop_front();
  Socket& v = sock(want);
  v.accepted = true;
  v.listener = -1;
  // S7: the listener's selection, in force at once; R7: FD_WRITE for an
  // accepted socket; no FD_CONNECT (this side did not connect).
  v.mode = ls.mode;
  v.selected = ls.selected;
  v.target = ls.target;
  v.recorded = v.disabled = v.optional = 0;
  v.write_armed = true;
  if (v.selected && v.in.urgent_pending && urgent_arrived(v)) v.in.urgent_seen = true;
  settle_reports();
  return "";
}

void ReferenceModel::outgoing(int s, std::size_t n, std::uint8_t* out) const {
  const Socket& p = socket(socket(s).peer);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = content_byte(p.in.seed, p.in.sent + i);
}

std::uint8_t ReferenceModel::urgent_byte(int s) const {
  const Socket& p = socket(socket(s).peer);
  return content_byte(p.in.seed, p.in.sent);
}

std::string ReferenceModel::send(int s, std::size_t n, CallResult r) {
  reenable(s, bit(kWrite));  // R3, R4
  Socket& so = sock(s);
  std::string why;
  if (so.shut_send) {
    // The application's own shutdown decides first, reset or not.
    why = expect_error(r, err::kShutdown, "send after shutdown(SD_SEND)");
  } else if (so.in.reset) {
    why = expect_error(r, err::kConnReset, "send on a reset connection");
  } else if (r.error == err::kWouldBlock) {
    // R7: FD_WRITE comes back once space does.
    so.write_armed = true;
    so.space = Space::no;
  } else if (r.failed()) {
    why = "send failed with " + std::to_string(r.error);
  } else if (r.value <= 0 || static_cast<std::size_t>(r.value) > n) {
    why = fmt("send returned", r.value, static_cast<long>(n));
  } else {
    Socket& p = sock(so.peer);
    if (p.open) {
      p.in.sent += static_cast<std::uint64_t>(r.value);
    } else if (!so.in.reset) {
      arrive_reset(s);  // data for a closed socket: its kernel answers RST
    }
  }
  settle_reports();
  return why;
}

std::string ReferenceModel::send_urgent(int s, std::uint8_t* byte_out, CallResult r) {
  reenable(s, bit(kWrite));
  Socket& so = sock(s);
  *byte_out = urgent_byte(s);
  std::string why;
  if (r.error == err::kWouldBlock) {
    so.write_armed = true;
    so.space = Space::no;
  } else if (r.failed() || r.value != 1) {
    why = "urgent send: " + std::to_string(r.value) + " / error " + std::to_string(r.error);
  } else {
    Socket& p = sock(so.peer);
    p.in.urgent_sent = true;
    p.in.urgent_pos = p.in.sent;
    p.in.sent += 1;
    p.in.urgent_pending = !p.oob_inline;  // R8: inline it is ordinary data
    p.in.urgent_seen = false;
    p.in.urgent_lost = false;
  }
  settle_reports();
  return why;
}

std::string ReferenceModel::receive(int s, std::size_t len, bool peek, CallResult r,
                                    const std::uint8_t* data, std::uint64_t in_flight) {
  reenable(s, bit(kRead) | bit(kOob));  // R3, R4: before anything else
  Socket& so = sock(s);
  Incoming& in = so.in;
  // A normal receive that starts at the urgent byte's place passes it. The
  // byte stays readable with MSG_OOB when wsx had seen it (it keeps it
  // aside); otherwise Linux drops it (docs/semantics.md, "The urgent byte").
  if (!peek && urgent_in_stream(so) && in.urgent_pos == in.read && in.urgent_pos < in.arrived) {
    in.read += 1;
    if (in.urgent_pending && !in.urgent_seen) {
      in.urgent_pending = false;
      in.urgent_lost = true;
      allowances_used_.push_back("urgent byte passed before wsx saw it (docs/semantics.md)");
    }
  }
  // What is surely there, and (while a send races this receive, or data
  // waits behind a closed window) what may be.
  const std::uint64_t sure = readable(so);
  const std::uint64_t most_there = in_flight || in.held ? normal_bytes(so, in.sent) : sure;
  std::string why;
  if (most_there > 0 && !(sure == 0 && r.error == err::kWouldBlock)) {
    const std::uint64_t most = std::min<std::uint64_t>(len, most_there);
    if (r.failed()) {
      why = "recv failed with " + std::to_string(r.error) + " with " + std::to_string(sure) +
            " bytes readable";
    } else if (r.value < 1 || static_cast<std::uint64_t>(r.value) > most) {
      why = fmt("recv returned", r.value, static_cast<long>(most));
    } else {
      // Content: the next normal bytes, the urgent byte skipped while it is
      // out of band.
      std::uint64_t pos = in.read;
      for (long i = 0; i < r.value; ++i, ++pos) {
        if (urgent_in_stream(so) && pos == in.urgent_pos) ++pos;
        if (data[i] != content_byte(in.seed, pos)) {
          why = "recv byte " + std::to_string(i) + " (stream position " + std::to_string(pos) +
                ") differs";
          break;
        }
      }
      if (why.empty()) {
        in.arrived = std::max(in.arrived, pos);  // it was there
        if (!peek) in.read = pos;
      }
    }
  } else if (unread(s) > 0) {
    // Data sent but not arrived (behind a closed window): nothing to read now.
    why = expect_error(r, err::kWouldBlock, "recv with nothing arrived");
  } else if (in.reset) {
    why = expect_error(r, err::kConnReset, "recv on a reset connection");
  } else if (in.fin) {
    if (r.failed() || r.value != 0) why = "recv at end of data: expected 0";
  } else {
    why = expect_error(r, err::kWouldBlock, "recv with nothing readable");
  }
  settle_reports();
  return why;
}

std::string ReferenceModel::receive_urgent(int s, bool peek, CallResult r,
                                           const std::uint8_t* data) {
  reenable(s, bit(kRead) | bit(kOob));
  Incoming& in = sock(s).in;
  std::string why;
  if (r.failed() || r.value != 1) {
    why = "MSG_OOB recv: " + std::to_string(r.value) + " / error " + std::to_string(r.error);
  } else if (data[0] != content_byte(in.seed, in.urgent_pos)) {
    why = "MSG_OOB recv returned the wrong byte";
  } else if (!peek) {
    in.urgent_pending = false;
  }
  settle_reports();
  return why;
}

std::string ReferenceModel::shutdown(int s, bool send_side, bool receive_side, CallResult r) {
  if (r.failed()) return "shutdown failed with " + std::to_string(r.error);
  Socket& so = sock(s);
  if (send_side && !so.shut_send) {
    so.shut_send = true;
    arrive_fin(so.peer);
  }
  if (receive_side) so.shut_recv = true;
  settle_reports();
  return "";
}

std::string ReferenceModel::close(int s, bool abortive, CallResult r) {
  if (r.failed()) return "closesocket failed with " + std::to_string(r.error);
  Socket& so = sock(s);
  // S6: the selection goes with the socket, and no FD_CLOSE for it. An
  // optional report may have set its event object.
  if (so.optional && so.target >= 0) events_[static_cast<std::size_t>(so.target)].maybe = true;
  const bool resets = abortive || close_resets(s);
  so.open = false;
  so.mode = Mode::none;
  so.selected = so.recorded = so.disabled = so.optional = 0;
  // Once both FINs went through the connection is gone: a reset has no one
  // to reach (Linux sends none from TIME_WAIT or LAST_ACK).
  const bool gone = so.in.reset || (so.shut_send && so.in.fin);
  if (so.kind == Kind::stream && so.conn == Conn::established && so.peer >= 0) {
    if (resets && !gone) {
      arrive_reset(so.peer);
    } else if (!resets && !so.shut_send) {
      arrive_fin(so.peer);
    }
  }
  settle_reports();
  return "";
}

void ReferenceModel::arrive_fin(int p) {
  if (p >= 0 && sock(p).open) sock(p).in.fin = true;
}

void ReferenceModel::arrive_reset(int p) {
  if (p >= 0 && sock(p).open) sock(p).in.reset = true;
}

std::uint64_t ReferenceModel::datagram_seed(int from, int to) const {
  return mix(salt_ ^ (static_cast<std::uint64_t>(from) << 32) ^ static_cast<std::uint64_t>(to) ^
             (socket(to).in.sent << 12));
}

std::string ReferenceModel::datagram_sent(int from, int to, int size, std::uint64_t seed,
                                          CallResult r) {
  reenable(from, bit(kWrite));
  std::string why;
  if (r.failed() || r.value != size) {
    why = "sendto: " + std::to_string(r.value) + " / error " + std::to_string(r.error);
  } else {
    sock(to).queue.push_back(Datagram{seed, size});
    sock(to).in.sent += 1;  // only varies the next datagram's seed
  }
  settle_reports();
  return why;
}

std::string ReferenceModel::datagram_received(int s, std::size_t len, CallResult r,
                                              const std::uint8_t* data) {
  reenable(s, bit(kRead) | bit(kOob));
  Socket& so = sock(s);
  std::string why;
  if (so.queue.empty()) {
    why = expect_error(r, err::kWouldBlock, "recvfrom with no datagram");
  } else {
    Datagram d = so.queue.front();
    so.queue.pop_front();
    if (static_cast<std::size_t>(d.size) > len) {
      // Winsock: a datagram longer than the buffer fails with WSAEMSGSIZE
      // and is gone (docs/semantics.md, "Truncated datagrams").
      why = expect_error(r, err::kMsgSize, "recvfrom of a longer datagram");
    } else if (r.failed() || r.value != d.size) {
      why = fmt("recvfrom returned", r.failed() ? -r.error : r.value, d.size);
    } else {
      for (int i = 0; i < d.size; ++i) {
        if (data[i] != content_byte(d.seed, static_cast<std::uint64_t>(i))) {
          why = "datagram byte " + std::to_string(i) + " differs";
          break;
        }
      }
    }
  }
  settle_reports();
  return why;
}

// --- events and enumeration ------------------------------------------------------

std::string ReferenceModel::enumerate(int s, int event, bool event_live, Mask seen,
                                      const int* errors, CallResult r) {
  // E3, E5: a dead event handle fails the call and changes nothing.
  if (event >= 0 && !event_live) return expect_error(r, err::kInvalid, "WSAEnumNetworkEvents");
  if (r.failed()) return "WSAEnumNetworkEvents failed with " + std::to_string(r.error);
  Socket& so = sock(s);
  std::string why;
  const Mask must = so.recorded, may = so.optional;
  if ((seen & must) != must) {
    why = "missing " + mask_str(must & ~seen);
  } else if (seen & ~(must | may)) {
    why = "unexpected " + mask_str(seen & ~(must | may));
  }
  for (int b = 0; b < kBitCount && why.empty(); ++b) {
    // E2: the error codes of the reported bits.
    if ((must & bit(b)) && errors[b] != so.errors[b]) {
      why = "iErrorCode[" + std::to_string(b) + "] is " + std::to_string(errors[b]) +
            ", expected " + std::to_string(so.errors[b]);
    }
  }
  if (!why.empty()) return why;
  for (int b = 0; b < kBitCount; ++b) {
    if ((seen & may & bit(b)) && !(must & bit(b))) apply_optional(s, b);
    // A stale report can only come from the race that allowed it, which is
    // over by the time the harness enumerates; a reopened window's only
    // while something is held back.
    if (!(so.optional & bit(b))) continue;
    const bool over =
        so.why[b] == Allowance::stale_readiness ||
        (so.why[b] == Allowance::window_reopened &&
         !(b == kRead ? so.in.held
                      : so.peer >= 0 && sockets_[static_cast<std::size_t>(so.peer)].in.held));
    if (over) {
      // Not reported though data waited: FD_READ was disabled after all.
      if (b == kRead && so.why[b] == Allowance::stale_readiness) so.read_state_unknown = false;
      so.optional &= ~bit(b);
    }
  }
  // E1: copy and clear the record, reset the event object.
  so.recorded = 0;
  if (event >= 0) reset_event(event);
  settle_reports();
  return "";
}

void ReferenceModel::set_event(int e) {
  events_[static_cast<std::size_t>(e)].signalled = true;
}
void ReferenceModel::reset_event(int e) {
  events_[static_cast<std::size_t>(e)].signalled = false;
  events_[static_cast<std::size_t>(e)].maybe = false;
}
void ReferenceModel::close_event(int e) {
  events_[static_cast<std::size_t>(e)] = EventObject{false, false, false};
}

std::string ReferenceModel::wait(const std::vector<int>& evs, bool wait_all, long index,
                                 bool timed_out) {
  // W1: the lowest signalled index, or all signalled, or time-out. An event
  // that may have been set by an optional report may be either.
  bool all = true, any_sure = false, all_sure = true;
  long lowest_possible = -1;
  for (std::size_t i = 0; i < evs.size(); ++i) {
    const bool sure = signalled(evs[i]);
    const bool possible = maybe_signalled(evs[i]);
    if (!possible) all = false;
    if (!sure) all_sure = false;
    if (sure) any_sure = true;
    if (possible && lowest_possible < 0) lowest_possible = static_cast<long>(i);
    if (!wait_all && !timed_out && static_cast<long>(i) < index && sure) {
      return "wait returned index " + std::to_string(index) + " though " + std::to_string(i) +
             " is signalled";
    }
  }
  if (wait_all) {
    if (timed_out) return all_sure ? "wait-all timed out though all are signalled" : "";
    return all ? "" : "wait-all returned though not all are signalled";
  }
  if (timed_out) return any_sure ? "wait timed out though an event is signalled" : "";
  if (index < 0 || index >= static_cast<long>(evs.size()) ||
      !maybe_signalled(evs[static_cast<std::size_t>(index)])) {
    return "wait returned index " + std::to_string(index) + " of an event not signalled";
  }
  (void)lowest_possible;
  return "";
}

// --- facts of the world ----------------------------------------------------------

void ReferenceModel::world_facts(int s, std::uint64_t received, bool writable) {
  Socket& so = sock(s);
  so.in.arrived = std::max(so.in.arrived, std::min(received, so.in.sent));
  so.in.held = so.in.arrived < so.in.sent;
  so.space = writable ? Space::yes : Space::no;
  settle_reports();
}

void ReferenceModel::end_of_step() {
  for (Socket& so : sockets_) {
    // wsx dispatched this step's readiness; a selected socket's urgent byte
    // has been seen (dispatch looks at every selected socket's reports).
    if (so.open && so.kind == Kind::stream && so.mode != Mode::none && so.selected &&
        so.in.urgent_pending && urgent_arrived(so)) {
      so.in.urgent_seen = true;
    }
  }
}

void ReferenceModel::hold_reports(bool on) {
  held_ = on;
  settle_reports();
}

void ReferenceModel::receive_raced(int s, bool drained) {
  Socket& so = sock(s);
  if (!drained || so.mode == Mode::none) return;
  if ((so.selected & bit(kRead)) && !(so.disabled & bit(kRead))) {
    so.optional |= bit(kRead);
    so.why[kRead] = Allowance::stale_readiness;
  }
}

WorldGoal ReferenceModel::world(int s) const {
  const Socket& so = socket(s);
  WorldGoal g;
  g.kind = so.kind;
  if (so.kind == Kind::listener) {
    g.backlog = so.backlog.size();
  } else if (so.kind == Kind::stream) {
    g.bytes_received = so.in.sent;
    g.fin = so.in.fin;
    g.reset = so.in.reset;
    g.established = so.conn == Conn::established;
    g.refused = so.conn == Conn::refused;
  }
  return g;
}

}  // namespace wsx::model
