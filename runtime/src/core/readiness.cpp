// The state machine in the order of DESIGN.md's event flow: a readiness
// report arrives, it is checked against the socket's generation (a report
// for a closed descriptor is dropped), classified by the socket's kind, and
// turned into events. Each branch names the rule that demands it.
#include "core/readiness.hpp"

#include <thread>

#include "core/notify.hpp"
#include "core/os_socket.hpp"
#include "core/socket_table.hpp"

namespace wsx::detail {

bool signal_event(native_socket s, SocketState& st, std::uint32_t epoch, NetEvent e,
                  native_error error) {
  Delivery d;
  if (!record_event(st, epoch, e, error, &d)) return false;
  deliver(s, e, error, d);
  return true;
}

void report_write_if_armed(native_socket s, SocketState& st, std::uint32_t epoch) {
  if (!st.has(sf::kWriteArmed)) return;
  // R7: FD_WRITE says a send is possible, and after shutdown(SD_SEND) none
  // is (it fails with WSAESHUTDOWN), though the OS keeps polling writable.
  if (st.has(sf::kShutSend)) return;
  // Leave it armed while FD_WRITE is not selected: a later select looks at
  // the socket anyway, and a send that fails re-arms it.
  if (!(st.load_word().selected() & mask_of(NetEvent::write))) return;
  if (st.claim(sf::kWriteArmed)) signal_event(s, st, epoch, NetEvent::write);
}

void report_close(native_socket s, SocketState& st, std::uint32_t epoch, native_error error) {
  // The disabled bit of FD_CLOSE is never re-enabled (R3), so it is reported
  // at most once per selection.
  signal_event(s, st, epoch, NetEvent::close, error);
}

void report_end(native_socket s, SocketState& st, std::uint32_t epoch) {
  // Bounded: a call under way is a system call on a non-blocking socket
  // and its bookkeeping. A blocking receive on an unselected socket could
  // last, and then the end is reported as the kernel shows it.
  for (int i = 0; i < 100000 && st.io_in_flight.load(std::memory_order_seq_cst) != 0; ++i)
    std::this_thread::yield();
  if (st.has(sf::kFailed)) {
    native_error e = st.sticky_error.load(std::memory_order_acquire);
    report_close(s, st, epoch, os::close_error_for(e ? e : os::err_conn_reset()));
  } else {
    report_close(s, st, epoch, 0);
  }
}

namespace {

Readiness readiness_of(const os::PollBits& b) {
  Readiness r;
  r.readable = b.in;
  r.writable = b.out;
  r.priority = b.pri;
  r.peer_closed = b.rdhup;
  r.hangup = b.hup;
  r.error = b.err;
  return r;
}

// Whether a connected stream socket has failed: a reset or a failure the OS
// reports now, or one noted before. The socket error is consumed to learn
// which, so it is kept for the socket's next call (and FD_CLOSE's error).
bool note_failure(native_socket s, SocketState& st, const Readiness& r) {
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);
  if (r.error || (r.hangup && !r.peer_closed)) {
    // Reading SO_ERROR consumes it, and Linux then reads the failed
    // connection's end as a graceful one (recv returns 0). kFailing tells a
    // receive in another thread that reads that end meanwhile to wait for
    // the verdict (socket_io.cpp, failure_at_end) rather than report a
    // graceful FD_CLOSE (R9; found by the soak).
    st.set_flags(sf::kFailing);
    native_error e = os::take_socket_error(s);
    // A reported error with none left on the socket is still a failure:
    // a receive may have consumed it first, and Wine's AFD reports a reset
    // without one. Winsock names it a reset (R9).
    if (e == 0 && r.error && !(fl & sf::kFailed)) e = os::err_conn_reset();
    if (e != 0) {
      st.sticky_error.store(static_cast<std::uint16_t>(e), std::memory_order_release);
      st.set_flags(sf::kFailed);
    }
    st.clear_flags(sf::kFailing);
    if (e != 0) return true;
  }
  return (fl & sf::kFailed) != 0;
}

// A connected stream socket.
void on_stream(native_socket s, SocketState& st, std::uint32_t epoch, const Readiness& r) {
  // A reset or a failure: FD_CLOSE with WSAECONNRESET or WSAECONNABORTED (R9).
  if (note_failure(s, st, r)) {
    native_error e = st.sticky_error.load(std::memory_order_acquire);
    report_close(s, st, epoch, os::close_error_for(e ? e : os::err_conn_reset()));
    return;
  }
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);

  // The peer's FIN. After our own shutdown(SD_RECEIVE) Linux reports RDHUP
  // without one, so then the TCP state decides.
  bool fin = r.peer_closed && (!(fl & sf::kShutRecv) || os::peer_has_closed(s));
  if (fin && !(fl & sf::kPeerClosed)) {
    st.set_flags(sf::kPeerClosed);
    fl |= sf::kPeerClosed;
  }

  if (r.readable) {
    if (fl & (sf::kPeerClosed | sf::kShutRecv)) {
      // End of data never gives FD_READ; FD_CLOSE waits until all received
      // data has been read (R9), data behind an urgent mark too.
      if (os::normal_data_waiting(s)) {
        signal_event(s, st, epoch, NetEvent::read);
      } else if (fl & sf::kPeerClosed) {
        report_end(s, st, epoch);
      }
    } else {
      signal_event(s, st, epoch, NetEvent::read);
    }
  }
  if (r.priority) {
    // Urgent data is FD_OOB only while SO_OOBINLINE is off (R8); inline it is
    // ordinary data and the EPOLLIN beside it gives FD_READ.
    st.set_flags(sf::kOobHint);
    if (!(fl & sf::kOobInline)) signal_event(s, st, epoch, NetEvent::oob);
  }
  if (r.writable) report_write_if_armed(s, st, epoch);
}

}  // namespace

void complete_connect(native_socket s, SocketState& st, std::uint32_t epoch) {
  // Ask the OS rather than trust the report: a report queued before the
  // connect call (a fresh socket polls writable) must not complete it. Nor
  // is writability the test: a connection that completed while nothing was
  // selected may have filled its send buffer since, and then does not poll
  // writable; having a peer is what being connected means (R10).
  os::PollBits b = os::poll_now(s);
  const bool connected = os::has_peer(s);
  if (!(connected || b.err || b.hup)) return;
  if (!st.claim(sf::kConnecting)) return;
  native_error e = connected ? 0 : os::take_socket_error(s);
  // Without a peer and without a connect error (or with a reset, which a
  // refusal is not), the connection was made and has ended since: nobody
  // looked in between (no selection). It still connected (R10), and its end
  // is reported as any other (R9).
  const bool ended = !connected && (e == 0 || e == os::err_conn_reset() || os::is_broken_pipe(e));
  if (connected || ended) {
    st.set_flags(sf::kConnected | sf::kWriteArmed);
    if (e != 0) {
      st.sticky_error.store(static_cast<std::uint16_t>(os::err_conn_reset()),
                            std::memory_order_release);
      st.set_flags(sf::kFailed);
    }
    // FD_CONNECT, then FD_WRITE (R7, M3), then whatever else already holds.
    signal_event(s, st, epoch, NetEvent::connect, 0);
    on_stream(s, st, epoch, readiness_of(b));
    return;
  }
  if (e == 0) e = os::err_conn_refused();
  st.set_flags(sf::kFailed);
  signal_event(s, st, epoch, NetEvent::connect, e);  // R10
}

void dispatch_readiness(native_socket s, std::uint32_t gen, const Readiness& r) {
  SocketState* st = socket_table().find(s);
  if (!st) return;
  // Word first, generation second: if the socket was closed and its number
  // reused after we read the word, the epoch moved and every record fails.
  RecordWord w = st->load_word();
  if (st->gen.load(std::memory_order_acquire) != gen) return;
  if (w.selected() == 0) return;  // a later select looks at the socket itself (S8)
  std::uint32_t fl = st->flags.load(std::memory_order_acquire);
  if (!(fl & sf::kRegistered)) return;
  std::uint32_t epoch = w.epoch();

  if (fl & sf::kListening) {
    if (r.readable) signal_event(s, *st, epoch, NetEvent::accept);
    return;
  }
  if (!(fl & sf::kStream)) {
    // Datagrams: FD_READ while any is queued, FD_WRITE per arming; never
    // FD_ACCEPT or FD_CLOSE (R11).
    if (r.readable) signal_event(s, *st, epoch, NetEvent::read);
    if (r.writable) report_write_if_armed(s, *st, epoch);
    return;
  }
  if (fl & sf::kConnecting) {
    // Any report may be the outcome (data or a FIN also prove the
    // connection); complete_connect asks the OS.
    complete_connect(s, *st, epoch);
    return;
  }
  if (!(fl & sf::kConnected)) return;  // not yet connected: nothing to report
  on_stream(s, *st, epoch, r);
}

Readiness wanted_conditions(const SocketState& st) {
  Readiness want;
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);
  RecordWord w = st.load_word();
  if (!(fl & sf::kRegistered) || w.selected() == 0) return want;
  const EventMask active = w.selected() & ~w.disabled();
  auto on = [active](NetEvent e) { return (active & mask_of(e)) != 0; };

  if (fl & sf::kListening) {
    want.readable = on(NetEvent::accept);
    return want;
  }
  const bool write_armed = (fl & sf::kWriteArmed) != 0;
  // No FD_WRITE after shutdown(SD_SEND) (R7): watching for it would only
  // complete at once, again and again.
  const bool write_wanted = on(NetEvent::write) && write_armed && !(fl & sf::kShutSend);
  if (!(fl & sf::kStream)) {
    want.readable = on(NetEvent::read);  // R11
    want.writable = write_wanted;
    return want;
  }
  if (fl & sf::kConnecting) {
    // The outcome decides everything after it (R10, M3), whatever is selected.
    want.writable = want.error = want.hangup = true;
    return want;
  }
  // Never connected: nothing can happen. Failed: FD_CLOSE is already known,
  // and the reset it came from holds for ever.
  if (!(fl & sf::kConnected) || (fl & sf::kFailed)) return want;

  const bool fin_known = (fl & sf::kPeerClosed) != 0;
  const bool reading = on(NetEvent::read) && !fin_known && !(fl & sf::kShutRecv);
  want.readable = reading;
  // Inline urgent data is ordinary data (R8): the receive condition covers it.
  want.priority = on(NetEvent::oob) && !fin_known && !(fl & (sf::kShutRecv | sf::kOobInline));
  want.writable = write_wanted;  // R7
  // The FIN: watched with the data, so that end of data is told apart from
  // data (R9: it never gives FD_READ); and for FD_CLOSE alone, except while
  // FD_READ waits for its receive: data is then unread, FD_CLOSE must wait
  // for it anyway, and that receive looks again.
  const bool read_reported = (w.selected() & w.disabled() & mask_of(NetEvent::read)) != 0;
  want.peer_closed = !fin_known && (reading || (on(NetEvent::close) && !read_reported));
  // A reset or failure: FD_CLOSE with its error, and the error a later
  // receive returns.
  want.hangup = want.error = !fin_known && (reading || on(NetEvent::close));
  return want;
}

Readiness wanted_readiness(native_socket s, std::uint32_t gen) {
  const SocketState* st = socket_table().find(s);
  if (!st || st->gen.load(std::memory_order_acquire) != gen) return {};
  return wanted_conditions(*st);
}

void evaluate_now(native_socket s, SocketState& st, std::uint32_t epoch, bool at_select) {
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);
  if (fl & sf::kListening) {
    if (os::poll_now(s).in || (fl & sf::kDeferred)) signal_event(s, st, epoch, NetEvent::accept);
    return;
  }
  if (!(fl & sf::kStream)) {
    os::PollBits b = os::poll_now(s);
    if (b.in) signal_event(s, st, epoch, NetEvent::read);
    st.set_flags(sf::kWriteArmed);
    if (b.out) report_write_if_armed(s, st, epoch);
    return;
  }
  if (fl & sf::kConnecting) {
    complete_connect(s, st, epoch);
    return;
  }
  if (!(fl & sf::kConnected)) return;
  st.set_flags(sf::kWriteArmed);
  Readiness r = readiness_of(os::poll_now(s));
  // An urgent byte kept aside by a receive (socket_io.cpp) still waits.
  r.priority = r.priority || (fl & sf::kOobStashed);
  // "When WSAAsyncSelect is called, if there is currently a connection
  // established": FD_CONNECT (S8) — not for one that has failed, also when
  // nobody has looked at its reset yet. Not for an accepted socket, which
  // was not connected by this side.
  if (at_select && !note_failure(s, st, r)) signal_event(s, st, epoch, NetEvent::connect, 0);
  on_stream(s, st, epoch, r);
}

}  // namespace wsx::detail
