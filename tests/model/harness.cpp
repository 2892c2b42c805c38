// The harness's frame: setting up the universe (a listener, a refusing
// port, event objects), waiting for the network to settle, letting wsx
// dispatch, and comparing event objects and records with the model.
#include "model/harness.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "model/world_probe.hpp"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::model {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long the network may take to do what the model says it did. Loopback
// takes microseconds; the bound is for a loaded machine, and a pass never
// waits it out.
constexpr milliseconds kSettleLimit{5000};
// The quiet period: wsx leads the backend for this long and dispatches
// whatever the kernel reported; an event that should not come comes now.
constexpr DWORD kProbeMs = 2;
// A missing event gets this long to turn up (dispatch of a report the
// kernel made late) before it counts as lost.
constexpr milliseconds kMissingLimit{1000};

}  // namespace

Harness::Harness(const test::WinsockApi& api, const RunOptions& options, std::uint64_t salt,
                 RunResult* out)
    : api_(api), options_(options), out_(out), model_(salt) {}

Harness::~Harness() {
  if (!started_) return;
  for (auto& [id, s] : handles_)
    api_.closesocket(s);
  if (refuser_ != INVALID_SOCKET) api_.closesocket(refuser_);
  for (const EventSlot& e : events_)
    if (e.h != WSA_INVALID_EVENT) api_.WSACloseEvent(e.h);
  if (probe_ != WSA_INVALID_EVENT) api_.WSACloseEvent(probe_);
  if (race_probe_ != WSA_INVALID_EVENT) api_.WSACloseEvent(race_probe_);
  api_.WSACleanup();
}

// --- small helpers --------------------------------------------------------------

bool Harness::skip(const char* why) {
  skipped_ = true;
  note(std::string("skipped (") + why + ")");
  return true;
}

bool Harness::fail(const std::string& why) {
  out_->ok = false;
  out_->failure = "step " + std::to_string(out_->stats.steps) + ": " + why;
  out_->log.push_back(line_ + "  <-- " + why);
  return false;
}

bool Harness::check(const std::string& verdict, const char* call, int id) {
  ++out_->stats.calls;
  if (verdict.empty()) return true;
  return fail(std::string(call) + ": " + verdict + (id >= 0 ? " [" + facts(id) + "]" : ""));
}

CallResult Harness::result_of(int rc) {
  CallResult r;
  if (rc == SOCKET_ERROR) {
    r.error = api_.WSAGetLastError();
  } else {
    r.value = rc;
  }
  return r;
}

int Harness::free_slot(int from) const {
  for (int i = 0; i < kSlots; ++i) {
    int k = (from + i) % kSlots;
    if (slots_[static_cast<std::size_t>(k)].id < 0) return k;
  }
  return -1;
}

SOCKET Harness::handle(int id) const {
  auto it = handles_.find(id);
  return it == handles_.end() ? INVALID_SOCKET : it->second;
}

WSAEVENT Harness::event_handle(int model_event) const {
  auto it = event_handles_.find(model_event);
  return it == event_handles_.end() ? WSA_INVALID_EVENT : it->second;
}

bool Harness::event_live(int model_event) const {
  return model_event >= 0 && model_.event(model_event).live;
}

bool Harness::established(int id) const {
  const Socket& s = m(id);
  return s.open && s.kind == Kind::stream && s.conn == Conn::established;
}

// Everything id sent has reached its peer's kernel (none of it held back by
// a closed window) and the window is open, so a FIN sent now goes at once
// (a FIN needs window too).
bool Harness::outgoing_complete(int id) const {
  const Socket& s = m(id);
  const Socket& p = m(s.peer);
  if (!p.open) return true;
  TcpFacts own = tcp_facts(handle(id));
  if (!own.ok || own.outq != 0 || own.send_window == 0) return false;
  SOCKET ph = handle(s.peer);
  if (ph == INVALID_SOCKET) return true;  // the peer waits in the accept queue
  TcpFacts f = tcp_facts(ph);
  return f.ok && f.bytes_received >= p.in.sent;
}

// A reset from id would meet nothing unread on the other side: the model's
// domain (docs/reliability.md) leaves out data stranded by a reset, which
// Linux keeps readable and Windows discards.
bool Harness::peer_takes_reset(int id) const {
  const Socket& p = m(m(id).peer);
  if (!p.open) return true;
  if (!p.accepted) return false;
  return model_.unread(m(id).peer) == 0 && !model_.close_resets(m(id).peer) &&
         !model_.urgent_waiting(m(id).peer);
}

sockaddr_in Harness::address_of(SOCKET s) {
  sockaddr_in a{};
  int len = sizeof a;
  api_.getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  return a;
}

void Harness::set_buffers(SOCKET s, bool small) {
  // Non-blocking from the start, as selected sockets are (S5): a receive or
  // accept with nothing there must fail with WSAEWOULDBLOCK, not wait.
  u_long on = 1;
  api_.ioctlsocket(s, static_cast<long>(FIONBIO), &on);
  if (!small) return;
  int v = kSendBuffer;
  api_.setsockopt(s, SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const char*>(&v), sizeof v);
  v = kReceiveBuffer;
  api_.setsockopt(s, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&v), sizeof v);
}

std::string Harness::describe(int id) const {
  for (int i = 0; i < kSlots; ++i) {
    if (slots_[static_cast<std::size_t>(i)].id == id) {
      return "#" + std::to_string(id) + "@" + std::to_string(i);
    }
  }
  return id == listener_id_ ? "listener" : "#" + std::to_string(id);
}

std::string Harness::facts(int id) const {
  const Socket& s = m(id);
  std::string r = describe(id) + ": model unread " + std::to_string(model_.unread(id)) +
                  " sent-to " + std::to_string(s.in.sent) + " read " + std::to_string(s.in.read) +
                  (s.in.fin ? " fin" : "") + (s.in.reset ? " reset" : "") +
                  (s.shut_send ? " shut-send" : "") + (s.shut_recv ? " shut-recv" : "") +
                  (s.oob_inline ? " inline" : "") + " peer #" + std::to_string(s.peer);
  if (s.in.urgent_sent) {
    r += " urgent@" + std::to_string(s.in.urgent_pos) + (s.in.urgent_pending ? " pending" : "") +
         (s.in.urgent_seen ? " seen" : "") + (s.in.urgent_lost ? " lost" : "");
  }
  SOCKET h = handle(id);
  if (h != INVALID_SOCKET && s.kind == Kind::stream) {
    TcpFacts f = tcp_facts(h);
    r += "; kernel received " + std::to_string(f.bytes_received) + " inq " + std::to_string(f.inq) +
         " outq " + std::to_string(f.outq) + " state " + std::to_string(f.state) + " poll 0x" +
         std::to_string(f.poll);
  }
  return r;
}

// --- setup and teardown -----------------------------------------------------------

bool Harness::setup(const std::uint8_t header[kHeaderBytes]) {
  WSADATA d;
  if (api_.WSAStartup(MAKEWORD(2, 2), &d) != 0) return fail("WSAStartup failed");
  started_ = true;
  line_ = "setup";
  const bool listener_inline = header[0] & 1;
  listener_ = api_.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  refuser_ = api_.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener_ == INVALID_SOCKET || refuser_ == INVALID_SOCKET) return fail("socket failed");
  set_buffers(listener_);  // accepted sockets inherit them
  if (listener_inline) {
    int on = 1;
    api_.setsockopt(listener_, SOL_SOCKET, SO_OOBINLINE, reinterpret_cast<const char*>(&on),
                    sizeof on);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  set_buffers(refuser_);
  if (api_.bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      api_.listen(listener_, 64) != 0 ||
      api_.bind(refuser_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return fail("bind/listen failed: " + std::to_string(api_.WSAGetLastError()));
  }
  listen_addr_ = address_of(listener_);
  refuse_addr_ = address_of(refuser_);
  listener_id_ = model_.new_listener(listener_inline);
  handles_[listener_id_] = listener_;
  for (EventSlot& e : events_) {
    e.h = api_.WSACreateEvent();
    e.id = model_.new_event();
    event_handles_[e.id] = e.h;
  }
  probe_ = api_.WSACreateEvent();
  race_probe_ = api_.WSACreateEvent();
  line_ = std::string("setup: listener") + (listener_inline ? " SO_OOBINLINE" : "");
  out_->log.push_back(line_);
  if (header[1] & 1) {
    // The listener selected from the start (otherwise a select step does it).
    const Mask mask = bit(kAccept) | ((header[1] >> 1) & 0x3f);
    const EventSlot& e = events_[static_cast<std::size_t>((header[1] >> 7) % kEvents)];
    int rc = api_.WSAEventSelect(listener_, e.h, static_cast<long>(mask));
    if (!check(model_.select(listener_id_, e.id, true, mask, result_of(rc)), "WSAEventSelect")) {
      return false;
    }
    out_->log.push_back("setup: select listener ev" + std::to_string(e.id) + " " + mask_str(mask));
  }
  return true;
}

bool Harness::finish() {
  line_ = "finish: observe all";
  if (!observe_all()) return false;
  out_->log.push_back(line_);
  out_->allowances = model_.allowances_used();
  out_->stats.allowances = out_->allowances.size();
  out_->stats.reports = model_.reports().size();
  return true;
}

// --- one step ----------------------------------------------------------------------

bool Harness::step(const Op& op) {
  ++out_->stats.steps;
  line_ = "#" + std::to_string(out_->stats.steps) + " " + op_name(op.kind) + " ";
  skipped_ = false;
  if (!execute(op)) return false;
  if (skipped_) {
    ++out_->stats.skipped;
  } else {
    ++out_->stats.executed;
    if (!settle() || !probe()) return false;
    model_.end_of_step();
    if (!check_events()) return false;
    bool optional = false;
    for (const auto& [id, s] : handles_)
      optional = optional || model_.may(id) != 0;
    if ((op.observe_after || optional) && !observe_all()) return false;
  }
  // The reports the model made in this step, for the log.
  const auto& reports = model_.reports();
  if (reports.size() > reports_seen_) {
    note("  => ");
    for (std::size_t i = reports_seen_; i < reports.size(); ++i) {
      const Report& r = reports[i];
      note(describe(r.socket) + mask_str(bit(r.bit)));
      if (r.error) note("(" + std::to_string(r.error) + ")");
      note(" ");
    }
    reports_seen_ = reports.size();
  }
  const auto& used = model_.allowances_used();
  for (; allowances_seen_ < used.size(); ++allowances_seen_)
    note("  [allowed: " + used[allowances_seen_] + "]");
  out_->log.push_back(line_);
  if (options_.echo) std::fprintf(stderr, "%s\n", line_.c_str());
  return true;
}

// --- settling ---------------------------------------------------------------------

bool Harness::world_settled(std::string* pending) {
  for (const auto& [id, h] : handles_) {
    const Socket& s = m(id);
    WorldGoal g = model_.world(id);
    TcpFacts f;
    if (s.kind == Kind::listener || s.kind == Kind::stream) f = tcp_facts(h);
    if (s.kind == Kind::listener) {
      if (f.unacked != g.backlog) {
        *pending =
            "listener backlog " + std::to_string(f.unacked) + "/" + std::to_string(g.backlog);
        return false;
      }
      continue;
    }
    if (s.kind != Kind::stream) continue;
    if (g.refused && !tcp_state_is_closed(f.state)) {
      *pending = describe(id) + " refusal";
      return false;
    }
    if (g.established && tcp_state_is_connecting(f.state)) {
      *pending = describe(id) + " handshake";
      return false;
    }
    if (!g.established) continue;
    // Nothing in flight: every segment sent is acknowledged, so what the
    // kernel says of this socket (arrived bytes, send space) stays put.
    if (f.unacked != 0) {
      *pending = describe(id) + " " + std::to_string(f.unacked) + " segments unacknowledged";
      return false;
    }
    if (f.bytes_received < g.bytes_received) {
      // Data still on its way, unless the rest is held back by a closed
      // window (the sender has nothing in flight and bytes not sent).
      SOCKET ph = handle(s.peer);
      TcpFacts pf = ph == INVALID_SOCKET ? TcpFacts{} : tcp_facts(ph);
      if (!(pf.ok && pf.unacked == 0 && pf.notsent > 0)) {
        *pending = describe(id) + " bytes " + std::to_string(f.bytes_received) + "/" +
                   std::to_string(g.bytes_received);
        return false;
      }
    }
    if (g.reset && !tcp_state_is_closed(f.state)) {
      *pending = describe(id) + " reset";
      return false;
    }
    if (g.fin && !g.reset && !tcp_state_after_fin(f.state)) {
      *pending = describe(id) + " FIN";
      return false;
    }
  }
  // Server sides still in the accept queue: their client's data (and FIN)
  // has been acknowledged, or is held back by the window.
  for (int id : m(listener_id_).backlog) {
    SOCKET ch = handle(m(id).peer);
    if (ch == INVALID_SOCKET) continue;
    TcpFacts f = tcp_facts(ch);
    if (!(f.outq == 0 || (f.unacked == 0 && f.notsent > 0))) {
      *pending = describe(m(id).peer) + " data to the accept queue";
      return false;
    }
  }
  return true;
}

bool Harness::settle() {
  const auto deadline = Clock::now() + kSettleLimit;
  std::string pending;
  for (;;) {
    if (world_settled(&pending)) break;
    if (Clock::now() > deadline) {
      std::string all;
      for (const auto& [id, h] : handles_) {
        if (m(id).kind == Kind::stream) all += " [" + facts(id) + "]";
      }
      return fail("the network did not settle: " + pending + ";" + all);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  measure();
  return true;
}

// The facts the model takes from the kernel once nothing is in flight.
void Harness::measure() {
  for (const auto& [id, h] : handles_) {
    if (m(id).kind != Kind::stream || m(id).conn != Conn::established) continue;
    TcpFacts f = tcp_facts(h);
    if (f.ok) model_.world_facts(id, f.bytes_received, (f.poll & 4) != 0);
  }
  // A server side in the accept queue has no handle yet: what its client
  // has not had acknowledged is what it has not received.
  for (int id : m(listener_id_).backlog) {
    SOCKET ch = handle(m(id).peer);
    if (ch == INVALID_SOCKET) continue;
    TcpFacts f = tcp_facts(ch);
    const std::uint64_t sent = m(id).in.sent;
    const std::uint64_t outq = static_cast<std::uint64_t>(f.outq);
    if (f.ok) model_.world_facts(id, outq < sent ? sent - outq : 0, true);
  }
}

// wsx dispatches what the kernel reported while this thread leads the
// backend, waiting on an event nobody sets.
bool Harness::probe() {
  DWORD w = api_.WSAWaitForMultipleEvents(1, &probe_, FALSE, kProbeMs, FALSE);
  if (w != WSA_WAIT_TIMEOUT) return fail("probe wait returned " + std::to_string(w));
  return true;
}

// --- comparing ----------------------------------------------------------------------

bool Harness::check_events() {
  const auto deadline = Clock::now() + kMissingLimit;
  for (;;) {
    std::string missing;
    for (const EventSlot& e : events_) {
      WSAEVENT h = e.h;
      const bool on = api_.WSAWaitForMultipleEvents(1, &h, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0;
      ++out_->stats.calls;
      if (on && !model_.maybe_signalled(e.id)) {
        // Say which socket raised it before failing.
        std::string who;
        for (const auto& [id, s] : handles_) {
          if (m(id).target != e.id) continue;
          WSANETWORKEVENTS ne{};
          if (api_.WSAEnumNetworkEvents(s, nullptr, &ne) == 0 && ne.lNetworkEvents) {
            who += " " + describe(id) + mask_str(static_cast<Mask>(ne.lNetworkEvents));
          }
        }
        return fail("event ev" + std::to_string(e.id) + " is set, the model says it is not;" +
                    (who.empty() ? " records empty" : " records:" + who));
      }
      if (!on && model_.signalled(e.id)) missing += " ev" + std::to_string(e.id);
    }
    if (missing.empty()) return true;
    if (Clock::now() > deadline) {
      // Say what the model expected of the sockets behind it, and what the
      // kernel shows for them.
      std::string who;
      for (const auto& [id, s] : handles_) {
        if (m(id).target < 0 || model_.signalled(m(id).target) == false) continue;
        if (!model_.must(id)) continue;
        TcpFacts pf = tcp_facts(handle(m(id).peer));
        who += " " + describe(id) + " must " + mask_str(model_.must(id)) + " [" + facts(id) +
               "; sender outq " + std::to_string(pf.outq) + " notsent " +
               std::to_string(pf.notsent) + " unacked " + std::to_string(pf.unacked) + "]";
      }
      if (std::getenv("WSX_DEBUG_LINGER")) {
        for (int i = 0; i < 40; ++i) {
          for (const auto& [id, s] : handles_) {
            if (m(id).kind != Kind::stream || !model_.must(id)) continue;
            TcpFacts f = tcp_facts(s);
            TcpFacts pf = tcp_facts(handle(m(id).peer));
            std::fprintf(stderr, "t+%d00ms %s recv %llu notsent %u\n", i, describe(id).c_str(),
                         (unsigned long long)f.bytes_received, pf.notsent);
          }
          std::this_thread::sleep_for(milliseconds(250));
        }
      }
      return fail("event(s) not set:" + missing + ";" + who);
    }
    if (!probe()) return false;
  }
}

bool Harness::enumerate(int id, int model_event, WSAEVENT h, bool event_is_live) {
  WSANETWORKEVENTS ne;
  // E2: entries of bits not reported keep what the caller left there.
  constexpr int kUntouched = 0x5a5a5a5a;
  ne.lNetworkEvents = 0;
  for (int& e : ne.iErrorCode)
    e = kUntouched;
  int rc = api_.WSAEnumNetworkEvents(handle(id), h, &ne);
  CallResult r = result_of(rc);
  ++out_->stats.enumerations;
  int errors[kBitCount];
  for (int b = 0; b < kBitCount; ++b) {
    errors[b] = ne.iErrorCode[b];
    if (rc == 0 && !(ne.lNetworkEvents & (1L << b)) && ne.iErrorCode[b] != kUntouched) {
      return fail("E2: iErrorCode[" + std::to_string(b) + "] written for a bit not reported");
    }
  }
  const Mask seen = rc == 0 ? static_cast<Mask>(ne.lNetworkEvents) : 0;
  if (seen) note(" " + describe(id) + mask_str(seen));
  return check(model_.enumerate(id, model_event, event_is_live, seen, errors, r),
               ("WSAEnumNetworkEvents " + describe(id)).c_str(), id);
}

bool Harness::observe_all() {
  note(" | observe:");
  for (const auto& [id, s] : handles_) {
    const int e = m(id).target;
    const bool live = event_live(e);
    if (!enumerate(id, live ? e : -1, live ? event_handle(e) : nullptr, live)) return false;
  }
  return true;
}

// --- the public entry points -------------------------------------------------------

RunResult run_differential(const test::WinsockApi& api, ByteSource& source, const RunOptions& o,
                           std::uint64_t salt) {
  RunResult r;
  Harness h(api, o, salt, &r);
  std::uint8_t header[kHeaderBytes];
  if (!source.next(header, kHeaderBytes)) return r;  // nothing to run
  if (!h.setup(header)) return r;
  for (std::size_t i = 0; i < o.max_steps; ++i) {
    std::uint8_t b[kStepBytes];
    if (!source.next(b, kStepBytes)) break;
    if (!h.step(decode_op(b))) return r;
  }
  h.finish();
  return r;
}

std::string describe_failure(const RunResult& r, const std::string& replay) {
  std::string s = "wsx diverged from the reference model: " + r.failure + "\n";
  s += "replay: " + replay + "\n";
  s += "steps:\n";
  for (const std::string& line : r.log)
    s += "  " + line + "\n";
  return s;
}

}  // namespace wsx::model
