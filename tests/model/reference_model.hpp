// The reference model: conformance.md as a small executable state machine.
//
// It knows nothing of wsx. Per socket it keeps what the rules talk about —
// the selected mask, the network event record, the "reported, waiting for
// the re-enabling call" bits (R2), FD_WRITE's arming (R7) — and the
// conditions the kernel will show once the network has settled: unread
// bytes, an urgent byte, a FIN, a reset, pending connections, send space.
// The differential harness (differential.hpp) tells it every call it made
// on wsx and what the call returned; the model says whether the pages allow
// that result and which events must (or, where a named allowance applies,
// may) have been reported since.
//
// The core rule: after every step, for every socket,
//   selected(e) && !disabled(e) && condition(e)  =>  e is reported now
// for the level-triggered events (FD_READ, FD_OOB, FD_ACCEPT: R5), for
// FD_CLOSE (never re-enabled, so once per selection: R9) and for an armed
// FD_WRITE (R7). A condition can only start to hold through an arrival (an
// edge) and an event can only be re-enabled through its re-enabling call
// (R3) or a select (S2), so reporting whenever the three hold is exactly
// "report on the edge, at select, and after the re-enabling call if the
// condition still holds" — without enumerating those moments one by one.
// FD_CONNECT is the one event reported at moments rather than on a
// condition (R10, S8).
//
// Delivery is kept apart from recording: a report goes to deliver(), which
// for WSAEventSelect sets the record bit and the event object (R1), and
// which for WSAAsyncSelect will post one message (not modelled yet; the
// queue is there for it).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace wsx::model {

// Event bits with Winsock's numbering (FD_READ_BIT = 0, ...).
enum Bit : int {
  kRead = 0,
  kWrite = 1,
  kOob = 2,
  kAccept = 3,
  kConnect = 4,
  kClose = 5,
  kQos = 6,
  kGroupQos = 7,
  kRoutingChange = 8,
  kAddressListChange = 9,
};
inline constexpr int kBitCount = 10;
using Mask = std::uint32_t;
constexpr Mask bit(int b) {
  return Mask{1} << b;
}
std::string mask_str(Mask m);

// Winsock error codes the model speaks of (Windows' numbers, as wsx's
// header defines them on every platform).
namespace err {
inline constexpr int kNone = 0;
inline constexpr int kInvalid = 10022;      // WSAEINVAL
inline constexpr int kWouldBlock = 10035;   // WSAEWOULDBLOCK
inline constexpr int kNotSock = 10038;      // WSAENOTSOCK
inline constexpr int kMsgSize = 10040;      // WSAEMSGSIZE
inline constexpr int kConnReset = 10054;    // WSAECONNRESET
inline constexpr int kNotConn = 10057;      // WSAENOTCONN
inline constexpr int kShutdown = 10058;     // WSAESHUTDOWN
inline constexpr int kConnRefused = 10061;  // WSAECONNREFUSED
}  // namespace err

// Why an event that the core rule does not demand may still be reported.
// Each one is a sentence of the pages or a documented fact of the world,
// with the exact situation it covers; nothing else is accepted.
enum class Allowance : std::uint8_t {
  none,
  // "A robust application must be prepared for the possibility that the
  // event object is set and it issues a Windows Sockets call that returns
  // WSAEWOULDBLOCK immediately" (WSAEventSelect page; docs/semantics.md,
  // "Stale readiness"): a readiness report that a waiting thread collected
  // before this thread's receive drained the socket may still raise one
  // FD_READ. Only after a receive that raced with a wait in another thread.
  stale_readiness,
  // While data waits behind a closed window, the kernel may open it on its
  // own (a zero-window probe after it compacted its receive queue): more of
  // that data may arrive, and the sender's space come back, at a moment no
  // call marks. FD_READ (on the receiver) and an armed FD_WRITE (on the
  // sender) may then come, each once, until nothing is held back.
  window_reopened,
};
const char* allowance_name(Allowance a);

// A call's result as the application sees it.
struct CallResult {
  long value = 0;  // bytes, or 0
  int error = 0;   // WSAGetLastError() when the call failed, else 0
  bool failed() const { return error != 0; }
};

// One report (R1), however it is delivered.
struct Report {
  int socket = -1;
  int bit = 0;
  int error = 0;
};

enum class Kind : std::uint8_t { none, listener, stream, datagram };
enum class Conn : std::uint8_t { idle, established, refused };
enum class Space : std::uint8_t { yes, no };

// How reports of a socket are delivered (R1).
enum class Mode : std::uint8_t { none, event, message };

// One direction of a TCP connection, kept by its receiver. Positions count
// every byte the sender put in the stream, the urgent ones included.
struct Incoming {
  std::uint64_t seed = 0;     // content: byte at position p is content_byte(seed, p)
  std::uint64_t sent = 0;     // positions sent so far
  std::uint64_t arrived = 0;  // positions in the receiver's kernel (measured)
  bool held = false;          // some were held back by a closed window (measured)
  std::uint64_t read = 0;     // first position not yet consumed by a normal receive
  bool fin = false;           // the sender shut its sending side (FIN)
  bool reset = false;         // the sender reset the connection (RST)
  // The latest urgent byte (one at a time: the harness sends another only
  // once this one is done, since Linux keeps a single urgent mark).
  bool urgent_sent = false;
  std::uint64_t urgent_pos = 0;
  bool urgent_pending = false;  // readable with MSG_OOB (application view)
  bool urgent_seen = false;     // wsx looked at the socket while it waited
  bool urgent_lost = false;     // passed by a normal receive before wsx saw it
};

struct Datagram {
  std::uint64_t seed = 0;
  int size = 0;
};

struct Socket {
  Kind kind = Kind::none;
  bool open = false;
  bool oob_inline = false;

  // Selection (S1-S4) and the record of R1/R2/E1.
  Mode mode = Mode::none;
  Mask selected = 0;
  int target = -1;    // event id (Mode::event)
  Mask disabled = 0;  // reported, waiting for the re-enabling call (R2)
  Mask recorded = 0;  // the network event record (event mode)
  int errors[kBitCount] = {};
  Mask optional = 0;  // reports that may come, each with its allowance
  // FD_READ came after a receive raced a wait: reported before or after that
  // receive re-enabled it, so enabled or not, until the next receive.
  bool read_state_unknown = false;
  Allowance why[kBitCount] = {};
  bool write_armed = false;  // R7

  // Stream sockets.
  Conn conn = Conn::idle;
  bool accepted = false;  // server side: taken from the listener by accept
  // A non-blocking connect's outcome that came while no selection was in
  // force: the next select reports it (R10 with the persistence of S8).
  bool connect_pending = false;
  int connect_error = 0;
  int peer = -1;      // the other end's id
  int listener = -1;  // server side not yet accepted: its listener
  Incoming in;
  bool shut_send = false, shut_recv = false;
  Space space = Space::yes;

  // Listeners: server sides waiting for accept, oldest first.
  std::deque<int> backlog;

  // Datagram sockets: queued datagrams, oldest first.
  std::deque<Datagram> queue;
};

struct EventObject {
  bool live = false;
  bool signalled = false;
  // An optional report of a socket that targets it may have set it, and the
  // model no longer knows (the socket was re-selected or closed since).
  bool maybe = false;
};

// What the kernel must show for a socket once the network has settled; the
// harness waits for it before comparing (differential.cpp).
struct WorldGoal {
  Kind kind = Kind::none;
  std::uint64_t bytes_received = 0;  // stream: every position the peer sent
  bool fin = false;                  // stream: the peer's FIN has arrived
  bool reset = false;                // stream: the peer's RST has arrived
  bool established = false;          // stream: the handshake finished
  bool refused = false;              // stream: the connect was refused
  std::size_t backlog = 0;           // listener: connections waiting
};

class ReferenceModel {
 public:
  explicit ReferenceModel(std::uint64_t content_salt = 0) : salt_(content_salt) {}

  // --- the universe ---------------------------------------------------------
  int new_event();
  const EventObject& event(int e) const { return events_[static_cast<std::size_t>(e)]; }
  int new_listener(bool oob_inline);
  int new_stream(bool oob_inline);
  int new_datagram();
  const Socket& socket(int s) const { return sockets_[static_cast<std::size_t>(s)]; }
  std::size_t socket_count() const { return sockets_.size(); }

  // --- calls: each checks the result wsx gave, and applies it ---------------
  // Returns "" when the pages allow the result, otherwise what is wrong.
  std::string select(int s, int event, bool event_live, Mask mask, CallResult r);
  // A connect to `listener` (-1: to a port that refuses). *server_side gets
  // the id of the connection's server end (not yet accepted).
  std::string connect(int s, int listener, bool nonblocking, CallResult r, int* server_side);
  // accept on `l`; `got` is the id the harness matched the new socket to
  // (by its peer address), -1 when accept failed.
  std::string accept(int l, int got, CallResult r);
  // The bytes a send of n bytes from s must carry (the stream's next ones).
  void outgoing(int s, std::size_t n, std::uint8_t* out) const;
  std::string send(int s, std::size_t n, CallResult r);
  std::string send_urgent(int s, std::uint8_t* byte_out, CallResult r);
  // The byte an urgent send from s will carry.
  std::uint8_t urgent_byte(int s) const;
  // A receive of at most len bytes. `in_flight`: bytes the peer sent in this
  // very step that may not have arrived yet (a receive racing the network).
  std::string receive(int s, std::size_t len, bool peek, CallResult r, const std::uint8_t* data,
                      std::uint64_t in_flight = 0);
  std::string receive_urgent(int s, bool peek, CallResult r, const std::uint8_t* data);
  std::string shutdown(int s, bool send_side, bool receive_side, CallResult r);
  std::string close(int s, bool abortive, CallResult r);
  // Datagrams: `to` receives a datagram of `size` bytes from `from`.
  std::uint64_t datagram_seed(int from, int to) const;
  std::string datagram_sent(int from, int to, int size, std::uint64_t seed, CallResult r);
  std::string datagram_received(int s, std::size_t len, CallResult r, const std::uint8_t* data);

  // Events and enumeration.
  std::string enumerate(int s, int event, bool event_live, Mask seen, const int* errors,
                        CallResult r);
  void set_event(int e);
  void reset_event(int e);
  void close_event(int e);
  // WSAWaitForMultipleEvents with time-out 0 (or a short one that timed out).
  std::string wait(const std::vector<int>& events, bool wait_all, long index, bool timed_out);

  // --- facts of the world the harness measured ------------------------------
  // Once the network has settled (nothing in flight): how many of the
  // positions sent to s its kernel holds (the rest waits behind a closed
  // window), and whether s's send buffer has room ("a send is possible",
  // R7: the kernel's POLLOUT). The model predicts everything else.
  void world_facts(int s, std::uint64_t received, bool writable);
  // Called once per step after the network settled and wsx dispatched:
  // urgent bytes waiting on a selected socket have now been seen by wsx.
  void end_of_step();
  // A receive on s raced with a wait in another thread (stale readiness).
  void receive_raced(int s, bool drained);
  // While held, calls change state but the core rule waits: a send and a
  // receive that raced each other are judged by where they ended together.
  void hold_reports(bool on);

  // --- what the harness compares ------------------------------------------
  // Which events an observation of s must show (its record) and may show.
  Mask must(int s) const { return socket(s).recorded; }
  Mask may(int s) const { return socket(s).optional; }
  int error_of(int s, int b) const { return socket(s).errors[b]; }
  // Event objects: definitely signalled, or possibly (an optional report
  // outstanding on a socket that targets it).
  bool signalled(int e) const { return event(e).signalled; }
  bool maybe_signalled(int e) const;
  WorldGoal world(int s) const;
  // Normal bytes sent to s and not yet read by it, arrived or not.
  std::uint64_t unread(int s) const;
  // An urgent byte has arrived and waits for a MSG_OOB receive.
  bool urgent_waiting(int s) const;
  // Whether closing s would reset the connection (unread data, also an
  // urgent byte's place in the stream that no normal receive passed yet).
  bool close_resets(int s) const;
  const std::vector<Report>& reports() const { return reports_; }
  const std::vector<std::string>& allowances_used() const { return allowances_used_; }

  static std::uint8_t content_byte(std::uint64_t seed, std::uint64_t pos);

 private:
  Socket& sock(int s) { return sockets_[static_cast<std::size_t>(s)]; }
  int add_socket(Kind k, bool oob_inline);
  bool condition(const Socket& s, int b) const;
  bool writable(const Socket& s) const;
  void report(int s, int b, int error);
  void deliver(int s, int b, int error);
  void settle_reports();
  void reenable(int s, Mask m);
  void apply_optional(int s, int b);
  void arrive_fin(int s);
  void arrive_reset(int s);
  bool urgent_in_stream(const Socket& s) const;
  std::uint64_t normal_bytes(const Socket& s, std::uint64_t upto) const;
  std::uint64_t readable(const Socket& s) const { return normal_bytes(s, s.in.arrived); }
  bool urgent_arrived(const Socket& s) const;

  std::uint64_t salt_;
  bool held_ = false;
  std::vector<Socket> sockets_;
  std::vector<EventObject> events_;
  std::vector<Report> reports_;
  std::deque<Report> messages_;  // message mode (WSAAsyncSelect): not modelled yet
  std::vector<std::string> allowances_used_;
};

}  // namespace wsx::model
