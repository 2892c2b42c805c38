// The operations: each picks its socket and arguments from the step's bytes
// and the model's state, makes the Winsock call, and hands the result to the
// model. Where the model's domain (docs/reliability.md) leaves a situation
// out, the step is skipped, never improvised.
#include <cstring>
#include <thread>

#include "model/harness.hpp"
#include "model/world_probe.hpp"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::model {

namespace {

// Sizes that cover one byte, a few hundred, and more than a buffer holds.
int size_from(std::uint8_t b, std::uint8_t c) {
  switch (b % 4) {
    case 0:
      return 1 + c % 16;
    case 1:
      return 17 + c * 2;
    case 2:
      return 600 + c * 6;
    default:
      return 2200 + c * 23;
  }
}

const char* send_name(int variant) {
  static const char* names[] = {"send", "WSASend", "sendto"};
  return names[variant % 3];
}
const char* recv_name(int variant) {
  static const char* names[] = {"recv", "WSARecv", "recvfrom", "WSARecvFrom"};
  return names[variant % 4];
}

}  // namespace

bool Harness::execute(const Op& op) {
  switch (op.kind) {
    case OpKind::connect:
      return op_connect(op);
    case OpKind::accept:
      return op_accept(op);
    case OpKind::select:
      return op_select(op);
    case OpKind::cancel:
      return op_cancel(op);
    case OpKind::send:
      return op_send(op);
    case OpKind::fill:
      return op_fill(op);
    case OpKind::recv:
      return op_recv(op);
    case OpKind::send_urgent:
      return op_send_urgent(op);
    case OpKind::recv_urgent:
      return op_recv_urgent(op);
    case OpKind::shutdown:
      return op_shutdown(op);
    case OpKind::reset:
      return op_close(op, true);
    case OpKind::close:
      return op_close(op, false);
    case OpKind::enumerate:
      return op_enumerate(op);
    case OpKind::observe:
      return observe_all();
    case OpKind::wait:
      return op_wait(op);
    case OpKind::set_event:
    case OpKind::reset_event:
    case OpKind::close_event:
      return op_event(op);
    case OpKind::open_udp:
      return op_open_udp(op);
    case OpKind::udp_send:
      return op_udp_send(op);
    case OpKind::udp_recv:
      return op_udp_recv(op);
    case OpKind::race_recv:
      return op_race_recv(op);
    case OpKind::count:
      break;
  }
  return skip("unknown");
}

// --- connections ---------------------------------------------------------------------

bool Harness::op_connect(const Op& op) {
  const int slot = free_slot(op.a);
  if (slot < 0) return skip("no free slot");
  const bool inline_oob = op.b & 1;
  const bool selected_first = op.b & 2;
  const bool refused = ((op.b >> 2) & 7) == 0;
  SOCKET s = api_.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return fail("socket failed: " + std::to_string(api_.WSAGetLastError()));
  set_buffers(s);
  if (inline_oob) {
    int on = 1;
    api_.setsockopt(s, SOL_SOCKET, SO_OOBINLINE, reinterpret_cast<const char*>(&on), sizeof on);
  }
  const int id = model_.new_stream(inline_oob);
  slots_[static_cast<std::size_t>(slot)] = Slot{s, id};
  handles_[id] = s;
  note(describe(id) + (inline_oob ? " oobinline" : ""));
  if (selected_first) {
    // R10 and M3: select first, then the outcome arrives as FD_CONNECT.
    const Mask mask = op.c & 0x3f;
    const EventSlot& e = events_[static_cast<std::size_t>((op.c >> 6) % kEvents)];
    int rc = api_.WSAEventSelect(s, e.h, static_cast<long>(mask));
    note(" select ev" + std::to_string(e.id) + " " + mask_str(mask));
    if (!check(model_.select(id, e.id, true, mask, result_of(rc)), "WSAEventSelect")) {
      return false;
    }
  }
  const sockaddr_in& to = refused ? refuse_addr_ : listen_addr_;
  int rc = api_.connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  CallResult r = result_of(rc);
  note(std::string(refused ? " to a refusing port" : " to the listener") + " -> " +
       (r.failed() ? std::to_string(r.error) : "0"));
  int server_side = -1;
  if (!check(model_.connect(id, refused ? -1 : listener_id_, true, r, &server_side), "connect")) {
    return false;
  }
  if (server_side >= 0) client_port_[id] = ntohs(address_of(s).sin_port);
  return true;
}

bool Harness::op_accept(const Op& op) {
  const bool waiting = !m(listener_id_).backlog.empty();
  const int slot = free_slot(op.a);
  if (waiting && slot < 0) return skip("no free slot");
  sockaddr_in peer{};
  int len = sizeof peer;
  SOCKET n;
  const int variant = op.b % 3;
  if (variant == 0) {
    n = api_.accept(listener_, reinterpret_cast<sockaddr*>(&peer), &len);
  } else if (variant == 1) {
    n = api_.accept(listener_, nullptr, nullptr);
  } else {
    n = api_.WSAAccept(listener_, reinterpret_cast<sockaddr*>(&peer), &len, nullptr, 0);
  }
  CallResult r;
  int got = -1;
  if (n == INVALID_SOCKET) {
    r.error = api_.WSAGetLastError();
  } else {
    std::uint16_t port = variant == 1 ? peer_port(n) : ntohs(peer.sin_port);
    for (const auto& [client, p] : client_port_) {
      if (p == port) got = m(client).peer;
    }
  }
  // Built in steps: GCC 12 at -O3 warns falsely (-Wrestrict) on "#" + string.
  std::string outcome = n == INVALID_SOCKET ? std::string() : std::string("#");
  outcome += std::to_string(n == INVALID_SOCKET ? r.error : got);
  note(std::string(variant == 2 ? "WSAAccept" : "accept") + " -> " + outcome);
  if (n != INVALID_SOCKET) {
    if (got < 0) {
      api_.closesocket(n);
      return fail("accepted a connection no client made");
    }
    slots_[static_cast<std::size_t>(slot)] = Slot{n, got};
    handles_[got] = n;
    note("@" + std::to_string(slot));
    // What arrived while it waited in the queue (settled by the last step).
    TcpFacts f = tcp_facts(n);
    model_.world_facts(got, f.bytes_received, (f.poll & 4) != 0);
  }
  return check(model_.accept(listener_id_, got, r), "accept");
}

// --- selecting ------------------------------------------------------------------------

bool Harness::op_select(const Op& op) {
  int id = listener_id_;
  if (op.a % 4 != 0) {
    int slot = pick(op.a, [&](int) { return true; });
    if (slot >= 0) id = slots_[static_cast<std::size_t>(slot)].id;
  }
  // Mostly a live event; now and then one that was closed (X3).
  int event = events_[op.b % kEvents].id;
  WSAEVENT h = event_handle(event);
  if (op.b % 8 == 7 && !dead_events_.empty()) {
    const EventSlot& d = dead_events_[(op.b / 8) % dead_events_.size()];
    event = d.id;
    h = d.h;
  }
  Mask mask = op.c & 0x3f;
  // R6: FD_QOS and the change events are accepted and, with no QoS and no
  // ioctl issued, never reported.
  if ((op.c >> 6) == 3) mask |= bit(kQos) | bit(kRoutingChange) | bit(kAddressListChange);
  int rc = api_.WSAEventSelect(handle(id), h, static_cast<long>(mask));
  CallResult r = result_of(rc);
  note(describe(id) + " ev" + std::to_string(event) + (event_live(event) ? " " : "(dead) ") +
       mask_str(mask) + (r.failed() ? " -> " + std::to_string(r.error) : ""));
  return check(model_.select(id, event, event_live(event), mask, r), "WSAEventSelect");
}

bool Harness::op_cancel(const Op& op) {
  int id = listener_id_;
  int slot = pick(op.a, [&](int) { return true; });
  if (slot >= 0 && op.a % 4 != 0) id = slots_[static_cast<std::size_t>(slot)].id;
  // S4: mask 0 cancels, whatever the event argument.
  const bool null_event = op.b & 1;
  const EventSlot& e = events_[(op.b >> 1) % kEvents];
  int rc = api_.WSAEventSelect(handle(id), null_event ? nullptr : e.h, 0);
  note(describe(id) + (null_event ? " NULL" : " ev" + std::to_string(e.id)));
  return check(model_.select(id, null_event ? -1 : e.id, true, 0, result_of(rc)),
               "WSAEventSelect(0)");
}

// --- data -------------------------------------------------------------------------------

bool Harness::send_bytes(int id, const std::uint8_t* data, int n, int variant, CallResult* r) {
  SOCKET s = handle(id);
  const char* p = reinterpret_cast<const char*>(data);
  switch (variant % 3) {
    case 0:
      *r = result_of(api_.send(s, p, n, 0));
      break;
    case 1: {
      // Two buffers: the runtime's gather path.
      WSABUF b[2] = {{static_cast<ULONG>(n / 2), const_cast<char*>(p)},
                     {static_cast<ULONG>(n - n / 2), const_cast<char*>(p + n / 2)}};
      DWORD sent = 0;
      int rc = api_.WSASend(s, b, 2, &sent, 0, nullptr, nullptr);
      *r = result_of(rc);
      if (rc == 0) r->value = static_cast<long>(sent);
      break;
    }
    default:
      *r = result_of(api_.sendto(s, p, n, 0, nullptr, 0));
      break;
  }
  return true;
}

bool Harness::receive_bytes(int id, std::uint8_t* data, int len, int flags, int variant,
                            CallResult* r) {
  SOCKET s = handle(id);
  char* p = reinterpret_cast<char*>(data);
  switch (variant % 4) {
    case 0:
      *r = result_of(api_.recv(s, p, len, flags));
      break;
    case 1: {
      WSABUF b{static_cast<ULONG>(len), p};
      DWORD got = 0, fl = static_cast<DWORD>(flags);
      int rc = api_.WSARecv(s, &b, 1, &got, &fl, nullptr, nullptr);
      *r = result_of(rc);
      if (rc == 0) r->value = static_cast<long>(got);
      break;
    }
    case 2: {
      sockaddr_in from{};
      int fl = sizeof from;
      *r = result_of(api_.recvfrom(s, p, len, flags, reinterpret_cast<sockaddr*>(&from), &fl));
      break;
    }
    default: {
      WSABUF b{static_cast<ULONG>(len), p};
      DWORD got = 0, fl = static_cast<DWORD>(flags);
      sockaddr_in from{};
      int flen = sizeof from;
      int rc = api_.WSARecvFrom(s, &b, 1, &got, &fl, reinterpret_cast<sockaddr*>(&from), &flen,
                                nullptr, nullptr);
      *r = result_of(rc);
      if (rc == 0) r->value = static_cast<long>(got);
      break;
    }
  }
  return true;
}

bool Harness::op_send(const Op& op) {
  // Data for a closed socket comes back as a reset, which must find nothing
  // unread here (the model's domain).
  int slot = pick(op.a, [&](int id) {
    if (!established(id)) return false;
    const Socket& p = m(m(id).peer);
    if (p.open) return !p.shut_recv;
    return !model_.close_resets(id) && !model_.urgent_waiting(id);
  });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  const int n = size_from(op.b, op.c);
  const int variant = (op.b >> 2) % 3;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(n));
  model_.outgoing(id, data.size(), data.data());
  CallResult r;
  send_bytes(id, data.data(), n, variant, &r);
  note(describe(id) + " " + std::to_string(n) + " " + send_name(variant) + " -> " +
       (r.failed() ? "error " + std::to_string(r.error) : std::to_string(r.value)));
  return check(model_.send(id, data.size(), r), send_name(variant), id);
}

bool Harness::op_fill(const Op& op) {
  int slot = pick(op.a, [&](int id) {
    const Socket& s = m(id);
    return established(id) && !s.in.reset && !s.shut_send && m(s.peer).open && !m(s.peer).shut_recv;
  });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  std::vector<std::uint8_t> data(kFillChunk);
  long total = 0;
  // Bounded: with these buffers a connection takes well under 128 KB.
  for (int i = 0; i < 64; ++i) {
    model_.outgoing(id, data.size(), data.data());
    CallResult r;
    send_bytes(id, data.data(), kFillChunk, 0, &r);
    if (!check(model_.send(id, data.size(), r), "send (fill)")) return false;
    if (r.failed()) {
      note(describe(id) + " " + std::to_string(total) + " bytes, then " + std::to_string(r.error));
      return true;
    }
    total += r.value;
  }
  note(describe(id) + " " + std::to_string(total) + " bytes, never blocked");
  return true;
}

bool Harness::op_recv(const Op& op) {
  int slot = pick(op.a, [&](int id) { return established(id) && !m(id).shut_recv; });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  const int len = (op.b % 4 == 3) ? 4096 + op.c * 64 : size_from(op.b, op.c) % 4000 + 1;
  const bool peek = ((op.b >> 2) & 3) == 3;
  const int variant = (op.b >> 4) % 4;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(len));
  CallResult r;
  receive_bytes(id, data.data(), len, peek ? MSG_PEEK : 0, variant, &r);
  note(describe(id) + " " + std::to_string(len) + (peek ? " PEEK " : " ") + recv_name(variant) +
       " -> " + (r.failed() ? "error " + std::to_string(r.error) : std::to_string(r.value)));
  return check(model_.receive(id, data.size(), peek, r, data.data()), recv_name(variant), id);
}

bool Harness::op_send_urgent(const Op& op) {
  // Linux keeps one urgent mark: the next urgent byte waits until the last
  // one was read and its place passed by a normal receive.
  int slot = pick(op.a, [&](int id) {
    const Socket& s = m(id);
    if (!established(id) || s.in.reset || s.shut_send) return false;
    const Socket& p = m(s.peer);
    if (!p.open || p.shut_recv) return false;
    return !p.in.urgent_sent || p.oob_inline ||
           (!p.in.urgent_pending && p.in.read > p.in.urgent_pos);
  });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  std::uint8_t byte = model_.urgent_byte(id);
  CallResult r = result_of(api_.send(handle(id), reinterpret_cast<const char*>(&byte), 1, MSG_OOB));
  note(describe(id) + " -> " + (r.failed() ? "error " + std::to_string(r.error) : "1"));
  return check(model_.send_urgent(id, &byte, r), "send(MSG_OOB)");
}

bool Harness::op_recv_urgent(const Op& op) {
  int slot = pick(op.a, [&](int id) { return established(id) && model_.urgent_waiting(id); });
  if (slot < 0) return skip("no urgent byte");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  const bool peek = op.b & 1;
  std::uint8_t buf[8] = {};
  CallResult r = result_of(api_.recv(handle(id), reinterpret_cast<char*>(buf), 1 + op.c % 8,
                                     MSG_OOB | (peek ? MSG_PEEK : 0)));
  note(describe(id) + (peek ? " PEEK" : "") + " -> " +
       (r.failed() ? "error " + std::to_string(r.error) : std::to_string(r.value)));
  return check(model_.receive_urgent(id, peek, r, buf), "recv(MSG_OOB)", id);
}

// --- ending connections ---------------------------------------------------------------

bool Harness::op_shutdown(const Op& op) {
  const int how = op.b % 3;  // SD_RECEIVE, SD_SEND, SD_BOTH
  const bool send_side = how != SD_RECEIVE, receive_side = how != SD_SEND;
  int slot = pick(op.a, [&](int id) {
    const Socket& s = m(id);
    // Once both FINs are through (or a reset), shutdown fails with
    // WSAENOTCONN: the connection is gone, the call is not about events.
    if (!established(id) || s.in.reset || (s.shut_send && s.in.fin)) return false;
    // The FIN follows the data, and never meets an urgent byte unread.
    if (send_side && !s.shut_send && (model_.urgent_waiting(s.peer) || !outgoing_complete(id))) {
      return false;
    }
    // Nothing unread is left behind a shutdown of the receiving side.
    if (receive_side &&
        (model_.unread(id) > 0 || model_.close_resets(id) || model_.urgent_waiting(id))) {
      return false;
    }
    return true;
  });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  static const char* names[] = {"SD_RECEIVE", "SD_SEND", "SD_BOTH"};
  CallResult r = result_of(api_.shutdown(handle(id), how));
  note(describe(id) + " " + names[how]);
  return check(model_.shutdown(id, send_side, receive_side, r), "shutdown");
}

bool Harness::op_close(const Op& op, bool abortive) {
  int slot = pick(op.a, [&](int id) {
    if (!established(id)) return !abortive;  // refused and datagram sockets just close
    const Socket& s = m(id);
    if (abortive || model_.close_resets(id)) return s.in.reset || peer_takes_reset(id);
    return s.shut_send || (!model_.urgent_waiting(s.peer) && outgoing_complete(id));
  });
  if (slot < 0) return skip("no socket");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  SOCKET s = handle(id);
  if (abortive) {
    linger l{};
    l.l_onoff = 1;
    l.l_linger = 0;
    api_.setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l), sizeof l);
  }
  CallResult r = result_of(api_.closesocket(s));
  note(describe(id) + (model_.close_resets(id) && !abortive ? " (unread data: resets)" : ""));
  slots_[static_cast<std::size_t>(slot)] = Slot{};
  handles_.erase(id);
  return check(model_.close(id, abortive, r), "closesocket");
}

// --- events -------------------------------------------------------------------------------

bool Harness::op_enumerate(const Op& op) {
  int id = listener_id_;
  int slot = pick(op.a, [&](int) { return true; });
  if (slot >= 0 && op.a % 5 != 0) id = slots_[static_cast<std::size_t>(slot)].id;
  int event = -1;
  WSAEVENT h = nullptr;
  switch (op.b % 4) {
    case 0:
    case 1:  // its own event, as applications do
      event = m(id).target;
      if (!event_live(event)) event = -1;
      h = event >= 0 ? event_handle(event) : nullptr;
      break;
    case 2:  // NULL: the record is read, the event left alone
      break;
    default:
      if ((op.b & 4) && !dead_events_.empty()) {  // E3, E5: a dead handle changes nothing
        const EventSlot& d = dead_events_[(op.b >> 3) % dead_events_.size()];
        event = d.id;
        h = d.h;
      } else {  // another event: that one is reset
        event = events_[(op.b >> 3) % kEvents].id;
        h = event_handle(event);
      }
      break;
  }
  note(describe(id) + (event < 0 ? " NULL" : " ev" + std::to_string(event)) + " ->");
  return enumerate(id, event, h, event_live(event));
}

bool Harness::op_wait(const Op& op) {
  std::vector<WSAEVENT> hs;
  std::vector<int> ids;
  const int variant = op.b % 4;
  if (variant == 3) {
    const EventSlot& e = events_[op.a % kEvents];
    hs.push_back(e.h);
    ids.push_back(e.id);
  } else {
    for (const EventSlot& e : events_) {
      hs.push_back(e.h);
      ids.push_back(e.id);
    }
  }
  const bool all = variant == 1;
  const DWORD timeout = variant == 2 ? 3 : 0;
  DWORD w =
      api_.WSAWaitForMultipleEvents(static_cast<DWORD>(hs.size()), hs.data(), all, timeout, FALSE);
  note(std::string(all ? "all" : "any") + " of " + std::to_string(hs.size()) + " -> " +
       (w == WSA_WAIT_TIMEOUT ? "timeout" : std::to_string(w)));
  if (w == WSA_WAIT_FAILED) return fail("wait failed: " + std::to_string(api_.WSAGetLastError()));
  const bool timed_out = w == WSA_WAIT_TIMEOUT;
  return check(
      model_.wait(ids, all, timed_out ? -1 : static_cast<long>(w - WSA_WAIT_EVENT_0), timed_out),
      "WSAWaitForMultipleEvents");
}

bool Harness::op_event(const Op& op) {
  EventSlot& e = events_[op.a % kEvents];
  note("ev" + std::to_string(e.id));
  if (op.kind == OpKind::set_event) {
    if (!api_.WSASetEvent(e.h)) return fail("WSASetEvent failed");
    model_.set_event(e.id);
  } else if (op.kind == OpKind::reset_event) {
    if (!api_.WSAResetEvent(e.h)) return fail("WSAResetEvent failed");
    model_.reset_event(e.id);
  } else {
    // Sockets still selected on it keep their records (the event is set no
    // more); a new event takes its place.
    if (!api_.WSACloseEvent(e.h)) return fail("WSACloseEvent failed");
    model_.close_event(e.id);
    dead_events_.push_back(e);
    if (dead_events_.size() > 4) dead_events_.erase(dead_events_.begin());
    e.h = api_.WSACreateEvent();
    e.id = model_.new_event();
    event_handles_[e.id] = e.h;
    note(" closed, ev" + std::to_string(e.id) + " in its place");
  }
  ++out_->stats.calls;
  return true;
}

// --- datagrams ------------------------------------------------------------------------------

bool Harness::op_open_udp(const Op& op) {
  const int slot = free_slot(op.a);
  if (slot < 0) return skip("no free slot");
  SOCKET s = api_.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (s != INVALID_SOCKET) set_buffers(s, /*small=*/false);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s == INVALID_SOCKET || api_.bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    return fail("datagram socket: " + std::to_string(api_.WSAGetLastError()));
  }
  const int id = model_.new_datagram();
  slots_[static_cast<std::size_t>(slot)] = Slot{s, id};
  handles_[id] = s;
  udp_addr_[id] = address_of(s);
  note(describe(id));
  return true;
}

bool Harness::op_udp_send(const Op& op) {
  auto is_udp = [&](int id) { return m(id).kind == Kind::datagram; };
  int from_slot = pick(op.a, is_udp);
  // A bounded queue: the kernel would drop beyond its buffer.
  int to_slot = pick(op.b, [&](int id) { return is_udp(id) && m(id).queue.size() < 16; });
  if (from_slot < 0 || to_slot < 0) return skip("no datagram socket");
  const int from = slots_[static_cast<std::size_t>(from_slot)].id;
  const int to = slots_[static_cast<std::size_t>(to_slot)].id;
  const int size = 1 + (op.c * 5) % 1400;
  const std::uint64_t seed = model_.datagram_seed(from, to);
  std::vector<char> data(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i)
    data[static_cast<std::size_t>(i)] =
        static_cast<char>(ReferenceModel::content_byte(seed, static_cast<std::uint64_t>(i)));
  const long before = receive_memory(handle(to));
  const sockaddr_in& addr = udp_addr_[to];
  CallResult r;
  if (op.c & 1) {
    WSABUF b{static_cast<ULONG>(size), data.data()};
    DWORD sent = 0;
    int rc = api_.WSASendTo(handle(from), &b, 1, &sent, 0, reinterpret_cast<const sockaddr*>(&addr),
                            sizeof addr, nullptr, nullptr);
    r = result_of(rc);
    if (rc == 0) r.value = static_cast<long>(sent);
  } else {
    r = result_of(api_.sendto(handle(from), data.data(), size, 0,
                              reinterpret_cast<const sockaddr*>(&addr), sizeof addr));
  }
  note(describe(from) + " -> " + describe(to) + " " + std::to_string(size) + " -> " +
       (r.failed() ? "error " + std::to_string(r.error) : std::to_string(r.value)));
  if (!check(model_.datagram_sent(from, to, size, seed, r), "sendto")) return false;
  // Settled when the receiver's memory grew by the datagram.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!r.failed() && receive_memory(handle(to)) <= before) {
    if (std::chrono::steady_clock::now() > deadline) return fail("the datagram did not arrive");
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

bool Harness::op_udp_recv(const Op& op) {
  int slot = pick(op.a, [&](int id) { return m(id).kind == Kind::datagram; });
  if (slot < 0) return skip("no datagram socket");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  // Now and then a buffer shorter than the datagram (WSAEMSGSIZE).
  const int len = op.b % 4 == 0 ? 1 + op.c % 32 : 1500;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(len));
  CallResult r;
  receive_bytes(id, data.data(), len, 0, 2 + (op.b >> 2) % 2, &r);
  note(describe(id) + " " + std::to_string(len) + " -> " +
       (r.failed() ? "error " + std::to_string(r.error) : std::to_string(r.value)));
  return check(model_.datagram_received(id, data.size(), r, data.data()), "recvfrom");
}

// --- a receive racing a wait in another thread ---------------------------------------

bool Harness::op_race_recv(const Op& op) {
  int slot = pick(op.a, [&](int id) {
    const Socket& s = m(id);
    if (!established(id) || s.shut_recv || s.in.reset || s.in.fin) return false;
    // No urgent byte's place ahead: the race is about data, not the mark.
    if (!s.oob_inline && s.in.urgent_sent && s.in.urgent_pos >= s.in.read) return false;
    const Socket& p = m(s.peer);
    return p.open && handle(s.peer) != INVALID_SOCKET && !p.in.reset && !p.shut_send;
  });
  if (slot < 0) return skip("no connection");
  const int id = slots_[static_cast<std::size_t>(slot)].id;
  const int sender = m(id).peer;
  const int k = 1 + op.c % 200;
  const int len = 1 + op.b;
  // Another thread becomes the backend's leader, so readiness is collected
  // and dispatched there while this thread sends and receives.
  std::thread waiter([this] {
    WSAEVENT h = race_probe_;
    api_.WSAWaitForMultipleEvents(1, &h, FALSE, 20, FALSE);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<std::uint8_t> data(static_cast<std::size_t>(k));
  model_.outgoing(sender, data.size(), data.data());
  CallResult sr;
  send_bytes(sender, data.data(), k, 0, &sr);
  std::vector<std::uint8_t> got(static_cast<std::size_t>(len));
  CallResult rr;
  receive_bytes(id, got.data(), len, 0, 0, &rr);
  waiter.join();
  note(describe(sender) + " sends " + std::to_string(k) + " -> " +
       (sr.failed() ? "error " + std::to_string(sr.error) : std::to_string(sr.value)) + "; " +
       describe(id) + " recv " + std::to_string(len) + " -> " +
       (rr.failed() ? "error " + std::to_string(rr.error) : std::to_string(rr.value)));
  // Judged where both ended: the arrival, its dispatch in the other thread
  // and the receive may have come in any order.
  model_.hold_reports(true);
  if (!check(model_.send(sender, data.size(), sr), "send (race)")) return false;
  const std::uint64_t in_flight = sr.failed() ? 0 : static_cast<std::uint64_t>(sr.value);
  if (!check(model_.receive(id, got.size(), false, rr, got.data(), in_flight), "recv (race)", id)) {
    return false;
  }
  model_.hold_reports(false);
  model_.receive_raced(id, model_.unread(id) == 0);
  return true;
}

}  // namespace wsx::model
