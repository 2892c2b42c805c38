// The socket calls (step 5 of the event flow: re-enabling). Each does the OS
// call, then the bookkeeping its rule asks for. Calls on sockets the runtime
// does not know pass straight through.
#include <thread>

#include "core/os_socket.hpp"
#include "core/readiness.hpp"
#include "core/registry.hpp"
#include "core/socket_io_internal.hpp"
#include "wsx/sockets.hpp"

#ifndef _WIN32
#include <netinet/in.h>
#endif

namespace wsx {

using namespace detail;

namespace detail {

Tracked track(native_socket s) {
  Tracked t;
  t.st = known_socket(s);
  if (!t.st) return t;
  RecordWord w = t.st->load_word();
  t.selected = w.selected() != 0;
  t.epoch = w.epoch();
  return t;
}

IoResult fail(native_error e) {
  return IoResult{-1, e};
}

}  // namespace detail

namespace {

constexpr EventMask kReceiveEvents = mask_of(NetEvent::read) | mask_of(NetEvent::oob);

// R3/R4: a receive re-enables FD_READ and FD_OOB. It happens before the call:
// data that arrives while the call runs then raises its own event, and the
// worst case is one FD_READ whose recv finds nothing (which the Winsock
// pages tell applications to expect), never a lost one.
void before_receive(const Tracked& t) {
  if (t.selected) record_reenable(*t.st, kReceiveEvents);
}

bool urgent_byte_waiting(native_socket s, const SocketState& st) {
  return st.has(sf::kOobStashed) || os::oob_pending(s);
}

// R5, R8, R9 after a receive call returned n.
void after_receive(native_socket s, const Tracked& t, long n, native_error err,
                   std::size_t requested, int flags) {
  if (!t.selected) return;
  SocketState& st = *t.st;
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);
  const bool stream = fl & sf::kStream;
  bool more = false;  // normal data left to read after this call
  if (n < 0) {
    (void)err;  // would-block: drained; anything else: the backend reports it
  } else if (n == 0 && requested > 0 && stream && !(flags & MSG_OOB)) {
    // End of stream: every byte before the FIN has been read (R9).
    st.set_flags(sf::kPeerClosed);
    report_end(s, st, t.epoch);
  } else {
    if (flags & MSG_OOB) {
      more = os::normal_data_waiting(s);  // the urgent byte says nothing of normal data
    } else if (flags & MSG_PEEK) {
      more = stream ? n > 0 : true;  // a peek leaves the data where it was
    } else if (!stream) {
      more = os::datagram_pending(s);  // one datagram per call (R11)
    } else if (fl & sf::kOobHint) {
      // An urgent mark stops a receive early, inline or not, and Linux's
      // FIONREAD stops counting at it: only a look past it tells.
      more = os::normal_data_waiting(s);
    } else if (static_cast<std::size_t>(n) == requested) {
      more = os::bytes_available(s) > 0;  // a full buffer may have left data behind
    } else {
      more = false;  // TCP copies until the queue is empty or the buffer full
    }
    if (more) {
      signal_event(s, st, t.epoch, NetEvent::read);
    } else if (stream && (fl & sf::kPeerClosed)) {
      report_end(s, st, t.epoch);
    }
  }
  if (stream && (fl & sf::kOobHint)) {
    if (urgent_byte_waiting(s, st)) {
      if (!(fl & sf::kOobInline)) signal_event(s, st, t.epoch, NetEvent::oob);
    } else if (!more && !os::at_urgent_mark(s)) {
      // The urgent episode is over only when no data is left before the
      // mark and the mark is not where the stream stands: a mark ahead
      // would stop a later receive early, and that receive must know.
      st.clear_flags(sf::kOobHint);
    }
  }
  // FD_READ/FD_OOB re-enabled and not reported again: watch for them.
  rearm_backend(s, st);
}

// R9: a connection that failed stays failed. Linux reports a reset once
// (the socket error is consumed by whichever call sees it first); when that
// is a send or receive rather than the backend — a socket with no selection
// at the time — the runtime keeps it, so later receives fail with it again
// instead of reading a graceful end, and a later select reports FD_CLOSE
// with it.
void remember_failure(const Tracked& t, native_error err) {
  if (!t.st || !t.st->has(sf::kStream) || !os::is_connection_failure(err)) return;
  std::uint16_t none = 0;
  t.st->sticky_error.compare_exchange_strong(none, static_cast<std::uint16_t>(err),
                                             std::memory_order_acq_rel);
  t.st->set_flags(sf::kFailed);
}

// A receive read the end of a stream (0 bytes): graceful, or the end Linux
// reads on a connection that failed once its error has been consumed. R9
// wants the failure: every receive after a reset fails with it. Returns
// the failure, or 0 for a graceful end.
native_error failure_at_end(native_socket s, const Tracked& t) {
  if (!t.st) return 0;
  SocketState& st = *t.st;
  // The backend may be between consuming SO_ERROR and keeping it
  // (readiness.cpp, note_failure): a few instructions and one system call.
  while (st.has(sf::kFailing))
    std::this_thread::yield();
  if (st.has(sf::kFailed)) {
    native_error sticky = st.sticky_error.load(std::memory_order_acquire);
    if (sticky) return sticky;
  }
  // Linux reads a graceful end once the FIN is in, even when a reset came
  // after it (its error waits in SO_ERROR): a receive that gets there before
  // the backend fails too.
  native_error e = os::take_socket_error(s);
  if (e == 0) return 0;
  e = os::close_error_for(e);
  remember_failure(t, e);
  return e;
}

// A send or receive under way (SocketState::io_in_flight), from just before
// its system call until it has kept a failure it consumed.
class InFlight {
 public:
  explicit InFlight(const Tracked& t) : st_(t.st) {
    if (st_) st_->io_in_flight.fetch_add(1, std::memory_order_seq_cst);
  }
  ~InFlight() { done(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  void done() {
    if (st_) st_->io_in_flight.fetch_sub(1, std::memory_order_seq_cst);
    st_ = nullptr;
  }

 private:
  SocketState* st_;
};

// A reset the backend already consumed still fails the next calls.
IoResult receive_result(const Tracked& t, long n, native_error err) {
  if (n < 0) {
    remember_failure(t, err);
    return fail(err);
  }
  return IoResult{n, 0};
}

// R7: FD_WRITE comes back only after a send failed with would-block.
IoResult after_send(native_socket s, const Tracked& t, long n, native_error err) {
  if (n >= 0) return IoResult{n, 0};
  if (os::is_would_block(err) && t.selected) {
    t.st->set_flags(sf::kWriteArmed);
    // Space may have come back before we armed; then no report will follow.
    if (os::poll_now(s).out) report_write_if_armed(s, *t.st, t.epoch);
    rearm_backend(s, *t.st);
  }
  if (t.st && os::is_broken_pipe(err)) {
    if (t.st->has(sf::kShutSend)) return fail(os::err_shutdown());
    native_error sticky = t.st->sticky_error.load(std::memory_order_acquire);
    if (!sticky) remember_failure(t, os::err_conn_reset());
    return fail(sticky ? sticky : os::err_conn_reset());
  }
  remember_failure(t, err);
  // After shutdown(SD_SEND) a send fails with WSAESHUTDOWN, whether or not
  // a reset came too: Linux says which it saw first, Winsock does not vary.
  if (t.st && t.st->has(sf::kShutSend) && !os::is_would_block(err)) {
    return fail(os::err_shutdown());
  }
  return fail(err);
}

std::size_t total_length(const IoBuffer* bufs, std::size_t count) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count; ++i)
    n += bufs[i].len;
  return n;
}

// R8 on Linux: a normal receive that passes the urgent mark makes the kernel
// drop the urgent byte, where Winsock keeps it for a later MSG_OOB receive.
// So at the mark the byte is taken out first and kept in the socket state.
void keep_urgent_byte(native_socket s, SocketState& st, int flags) {
  if (flags & (MSG_OOB | MSG_PEEK)) return;
  std::uint32_t fl = st.flags.load(std::memory_order_acquire);
  if (!(fl & sf::kStream) || !(fl & sf::kOobHint) || (fl & (sf::kOobInline | sf::kOobStashed))) {
    return;
  }
  if (!os::at_urgent_mark(s)) return;
  char c;
  native_error err = 0;
  if (os::recv(s, &c, 1, MSG_OOB, &err) == 1) {
    st.oob_stash.store(static_cast<std::uint8_t>(c), std::memory_order_relaxed);
    st.set_flags(sf::kOobStashed);
  }
}

// A MSG_OOB receive served from the kept urgent byte.
bool receive_kept_urgent_byte(SocketState* st, const IoBuffer* bufs, std::size_t count, int flags,
                              IoResult* out) {
  if (!st || !(flags & MSG_OOB) || !st->has(sf::kOobStashed)) return false;
  for (std::size_t i = 0; i < count; ++i) {
    if (bufs[i].len == 0) continue;
    *static_cast<std::uint8_t*>(bufs[i].data) = st->oob_stash.load(std::memory_order_relaxed);
    if (!(flags & MSG_PEEK)) st->clear_flags(sf::kOobStashed);
    *out = IoResult{1, 0};
    return true;
  }
  *out = IoResult{0, 0};
  return true;
}

// Every receive form: re-enable, keep the urgent byte, call, then the
// level-triggered re-check (R3, R4, R5, R8).
template <class Call>
IoResult receive_with(native_socket s, const IoBuffer* bufs, std::size_t count, int flags,
                      Call call) {
  Tracked t = track(s);
  before_receive(t);
  IoResult kept;
  if (receive_kept_urgent_byte(t.st, bufs, count, flags, &kept)) {
    after_receive(s, t, static_cast<long>(kept.value), 0, 1, flags);
    return kept;
  }
  if (t.st) keep_urgent_byte(s, *t.st, flags);
  native_error err = 0;
  InFlight io(t);
  long n = call(&err);
  std::size_t requested = total_length(bufs, count);
  if (n == 0 && requested > 0 && t.st && t.st->has(sf::kStream) && !(flags & MSG_OOB)) {
    if (native_error e = failure_at_end(s, t)) {
      n = -1;  // the backend reports its FD_CLOSE, with the error (R9)
      err = e;
    }
  }
  if (n < 0) remember_failure(t, err);
  io.done();  // before after_receive, whose report_end waits for the others
  after_receive(s, t, n, err, requested, flags);
  return receive_result(t, n, err);
}

}  // namespace

IoResult open_socket(int family, int type, int protocol) {
  native_error err = 0;
  native_socket s = os::open(family, type, protocol, &err);
  if (s == kInvalidSocket) return fail(err);
  std::uint32_t flags = sf::kOwned;
  if (socket_kind_is_stream(type)) flags |= sf::kStream;
  if (socket_kind_is_nonblocking(type)) flags |= sf::kNonBlocking;
  register_socket(s, flags);
  return IoResult{static_cast<std::int64_t>(s), 0};
}

IoResult close_socket(native_socket s) {
  if (SocketState* st = known_socket(s)) unregister_socket(s, *st);
  native_error err = 0;
  if (os::close(s, &err) < 0) return fail(err);
  return {};
}

IoResult bind_socket(native_socket s, const sockaddr* addr, socklen len) {
  native_error err = 0;
  if (os::bind(s, addr, len, &err) < 0) return fail(err);
  Tracked t = track(s);
  if (t.st) {
    t.st->set_flags(sf::kBound);
    // R7: a connectionless socket is writable after bind.
    if (t.selected && !t.st->has(sf::kStream)) {
      t.st->set_flags(sf::kWriteArmed);
      report_write_if_armed(s, *t.st, t.epoch);
      rearm_backend(s, *t.st);
    }
  }
  return {};
}

IoResult listen_socket(native_socket s, int backlog) {
  native_error err = 0;
  if (os::listen(s, backlog, &err) < 0) return fail(err);
  Tracked t = track(s);
  if (t.st) {
    t.st->set_flags(sf::kListening | sf::kBound);
    if (t.selected) {
      evaluate_now(s, *t.st, t.epoch, false);
      rearm_backend(s, *t.st);
    }
  }
  return {};
}

IoResult connect_socket(native_socket s, const sockaddr* addr, socklen len) {
  Tracked t = track(s);
  native_error err = 0;
  int r = os::connect(s, addr, len, &err);
  if (!t.st) return r < 0 ? fail(err) : IoResult{};
  SocketState& st = *t.st;
  const bool stream = st.has(sf::kStream);
  if (r == 0) {
    st.set_flags(sf::kConnected | sf::kBound | (stream ? sf::kWriteArmed : 0));
    // R10: FD_CONNECT also when the outcome is known at once (a datagram
    // connect always is), then FD_WRITE (M3).
    if (t.selected) {
      signal_event(s, st, t.epoch, NetEvent::connect, 0);
      if (stream) report_write_if_armed(s, st, t.epoch);
      rearm_backend(s, st);
    }
    return {};
  }
  if (err == os::err_in_progress() || (os::is_would_block(err) && stream)) {
    st.set_flags(sf::kConnecting | sf::kBound);
    // The handshake may already be over; the backend's report may have come
    // before kConnecting was set and been ignored.
    if (t.selected) {
      complete_connect(s, st, t.epoch);
      rearm_backend(s, st);
    }
    return fail(err);
  }
  if (t.selected && connect_outcome_is_known(err)) {
    st.set_flags(sf::kFailed);
    signal_event(s, st, t.epoch, NetEvent::connect, err);
  }
  return fail(err);
}

IoResult shutdown_socket(native_socket s, int how) {
  if (SocketState* st = known_socket(s)) st->set_flags(shutdown_flags(how));
  native_error err = 0;
  if (os::shutdown(s, how, &err) < 0) return fail(err);
  return {};
}

IoResult receive(native_socket s, void* buf, std::size_t len, int flags) {
  IoBuffer b{buf, len};
  return receive_with(s, &b, 1, flags,
                      [&](native_error* err) { return os::recv(s, buf, len, flags, err); });
}

IoResult receive_from(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
                      socklen* fromlen) {
  IoBuffer b{buf, len};
  return receive_with(s, &b, 1, flags, [&](native_error* err) {
    return os::recvfrom(s, buf, len, flags, from, fromlen, err);
  });
}

IoResult receive_message(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
                         socklen* fromlen, bool* truncated) {
  *truncated = false;
  SocketState* st = known_socket(s);
  const int length_flag = (st && !st->has(sf::kStream)) ? os::datagram_length_flag() : 0;
  const bool datagram = length_flag != 0;
  IoBuffer b{buf, len};
  IoResult r = receive_with(s, &b, 1, flags, [&](native_error* err) {
    // For a datagram MSG_TRUNC makes the kernel return the datagram's real
    // length (the copy is still cut at len); on a stream it would discard.
    return os::recvfrom(s, buf, len, flags | length_flag, from, fromlen, err);
  });
  if (r.ok() && datagram && static_cast<std::size_t>(r.value) > len) {
    *truncated = true;
    r.value = static_cast<std::int64_t>(len);
  }
  return r;
}

IoResult receive_vector(native_socket s, const IoBuffer* bufs, std::size_t count, int* flags,
                        sockaddr* from, socklen* fromlen) {
  static_assert(sizeof(IoBuffer) == sizeof(os::Buffer));
  const int in_flags = *flags;
  return receive_with(s, bufs, count, in_flags, [&](native_error* err) {
    return os::recv_vector(s, reinterpret_cast<const os::Buffer*>(bufs), count, flags, from,
                           fromlen, err);
  });
}

IoResult send_bytes(native_socket s, const void* buf, std::size_t len, int flags) {
  Tracked t = track(s);
  if (t.selected) record_reenable(*t.st, mask_of(NetEvent::write));
  native_error err = 0;
  InFlight io(t);
  long n = os::send(s, buf, len, flags, &err);
  return after_send(s, t, n, err);
}

IoResult send_to(native_socket s, const void* buf, std::size_t len, int flags, const sockaddr* to,
                 socklen tolen) {
  Tracked t = track(s);
  if (t.selected) record_reenable(*t.st, mask_of(NetEvent::write));
  native_error err = 0;
  InFlight io(t);
  long n = os::sendto(s, buf, len, flags, to, tolen, &err);
  if (n >= 0 && t.st) t.st->set_flags(sf::kBound);
  return after_send(s, t, n, err);
}

IoResult send_vector(native_socket s, const IoBuffer* bufs, std::size_t count, int flags,
                     const sockaddr* to, socklen tolen) {
  Tracked t = track(s);
  if (t.selected) record_reenable(*t.st, mask_of(NetEvent::write));
  native_error err = 0;
  InFlight io(t);
  long n =
      os::send_vector(s, reinterpret_cast<const os::Buffer*>(bufs), count, flags, to, tolen, &err);
  return after_send(s, t, n, err);
}

IoResult set_nonblocking(native_socket s, bool on) {
  Tracked t = track(s);
  // S5: a socket stays non-blocking while a selection is in force.
  if (!on && t.selected) return fail(os::err_invalid());
  if (native_error e = os::set_nonblocking(s, on)) return fail(e);
  if (t.st) {
    if (on) {
      t.st->set_flags(sf::kNonBlocking);
    } else {
      t.st->clear_flags(sf::kNonBlocking);
    }
  }
  return {};
}

IoResult bytes_readable(native_socket s) {
  long n = os::bytes_available(s);
  if (n < 0) return fail(os::last_error());
  return IoResult{n, 0};
}

IoResult at_oob_mark(native_socket s) {
  // Winsock's sense: TRUE (1) when no urgent data waits to be read.
  native_error err = 0;
  int type = 0;
  socklen l = sizeof type;
  if (os::get_option(s, SOL_SOCKET, SO_TYPE, &type, &l, &err) < 0) return fail(err);
  SocketState* st = known_socket(s);
  bool waiting = os::poll_now(s).pri || (st && st->has(sf::kOobStashed));
  return IoResult{waiting ? 0 : 1, 0};
}

IoResult get_option(native_socket s, int level, int name, void* value, socklen* len) {
  native_error err = 0;
  if (os::get_option(s, level, name, value, len, &err) < 0) return fail(err);
  // The backend may have consumed SO_ERROR to classify a failure.
  if (level == SOL_SOCKET && name == SO_ERROR && *len >= static_cast<socklen>(sizeof(int))) {
    SocketState* st = known_socket(s);
    int* v = static_cast<int*>(value);
    if (*v == 0 && st && st->has(sf::kFailed)) *v = st->sticky_error.load();
  }
  return {};
}

IoResult set_option(native_socket s, int level, int name, const void* value, socklen len) {
  native_error err = 0;
  if (os::set_option(s, level, name, value, len, &err) < 0) return fail(err);
  if (level == SOL_SOCKET && name == SO_OOBINLINE && len >= static_cast<socklen>(sizeof(int))) {
    if (SocketState* st = known_socket(s)) {
      if (*static_cast<const int*>(value)) {
        st->set_flags(sf::kOobInline);
      } else {
        st->clear_flags(sf::kOobInline);
        rearm_backend(s, *st);  // urgent data is FD_OOB again (R8)
      }
    }
  }
  return {};
}

}  // namespace wsx
