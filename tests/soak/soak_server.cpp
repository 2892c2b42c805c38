#include "soak/soak_server.hpp"

#include <algorithm>
#include <cstring>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::soak {

namespace {

constexpr std::uintptr_t kListenerKey = ~std::uintptr_t{0};
// Echo bytes a connection holds before it stops receiving (flow control: a
// client that does not read must not make the server buffer without end).
constexpr std::size_t kMaxPending = 64 * 1024;

std::uint32_t read_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

}  // namespace

struct Server::Conn {
  std::mutex mu;
  std::uint64_t gen = 0;  // moves on when the slot is reused
  bool live = false;
  std::size_t index = 0;
  SOCKET s = INVALID_SOCKET;
  WSAEVENT ev = WSA_INVALID_EVENT;
  // The client's stream: the header, then `total` content bytes.
  std::uint8_t header[kHeaderSize] = {};
  std::uint64_t received = 0;  // stream bytes received, header included
  std::uint32_t id = 0, total = 0;
  Ending ending = Ending::graceful;
  std::string pending;        // echo not yet sent
  bool read_blocked = false;  // an FD_READ left without its receive
  bool peer_done = false;     // FD_CLOSE seen
  int close_events = 0;
  std::uint64_t rng = 0;
};

Server::Server(int threads, std::uint64_t seed) : thread_count_(threads), seed_(seed) {}

Server::~Server() {
  stop();
  for (Conn* c : slots_)
    delete c;
}

void Server::fail(const std::string& why) {
  std::lock_guard<std::mutex> g(failure_mu_);
  if (failure_.empty()) failure_ = why;
}

std::string Server::failure() {
  std::lock_guard<std::mutex> g(failure_mu_);
  return failure_;
}

bool Server::start(std::string* why) {
  listener_ = wsx_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  listener_event_ = wsx_WSACreateEvent();
  set_ = wsx_WaitSetCreate();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof a;
  if (listener_ == INVALID_SOCKET || !set_ ||
      wsx_bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      wsx_listen(listener_, 4096) != 0 ||
      wsx_getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
      wsx_WSAEventSelect(listener_, listener_event_, FD_ACCEPT) != 0 ||
      wsx_WaitSetAdd(set_, listener_event_, kListenerKey) != 0) {
    *why = "server setup failed: " + std::to_string(wsx_WSAGetLastError());
    return false;
  }
  port_ = ntohs(a.sin_port);
  for (int i = 0; i < thread_count_; ++i)
    threads_.emplace_back([this, i] { work(i); });
  return true;
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  for (std::thread& t : threads_)
    t.join();
  threads_.clear();
  for (Conn* c : slots_) {
    if (!c->live) continue;
    wsx_WaitSetRemove(set_, c->ev);
    wsx_closesocket(c->s);
    wsx_WSACloseEvent(c->ev);
    c->live = false;
  }
  if (listener_ != INVALID_SOCKET) wsx_closesocket(listener_);
  if (set_) wsx_WaitSetClose(set_);
  if (listener_event_ != WSA_INVALID_EVENT) wsx_WSACloseEvent(listener_event_);
}

Server::Conn* Server::allocate() {
  std::lock_guard<std::mutex> g(slots_mu_);
  Conn* c;
  if (free_.empty()) {
    c = new Conn();
    c->index = slots_.size();
    slots_.push_back(c);
  } else {
    c = slots_[free_.back()];
    free_.pop_back();
  }
  return c;
}

// Several threads wait on the one wait set; whichever wakes takes the
// connection's lock, so one connection's calls never interleave.
void Server::work(int index) {
  WSX_READY_EVENT ready[64];
  while (!stopping_.load()) {
    int n = wsx_WaitSetWait(set_, ready, 64, 20);
    if (n == SOCKET_ERROR) {
      fail("WaitSetWait failed: " + std::to_string(wsx_WSAGetLastError()));
      return;
    }
    // Spread the ready list: each thread starts at its own place.
    for (int i = 0; i < n; ++i) {
      const WSX_READY_EVENT& r = ready[(i + index) % n];
      if (r.key == kListenerKey) {
        on_listener();
        continue;
      }
      const std::size_t slot = r.key & 0xffffffff;
      const std::uint64_t gen = r.key >> 32;
      Conn* c;
      {
        std::lock_guard<std::mutex> g(slots_mu_);
        c = slot < slots_.size() ? slots_[slot] : nullptr;
      }
      if (c) on_conn(*c, gen);
    }
  }
}

void Server::on_listener() {
  std::lock_guard<std::mutex> g(listener_mu_);
  WSANETWORKEVENTS ne{};
  if (wsx_WSAEnumNetworkEvents(listener_, listener_event_, &ne) != 0) {
    fail("enumerate listener: " + std::to_string(wsx_WSAGetLastError()));
    return;
  }
  if (!(ne.lNetworkEvents & FD_ACCEPT)) return;
  // A batch per FD_ACCEPT; R5 reports again while connections wait.
  for (int i = 0; i < 32; ++i) {
    SOCKET s = wsx_accept(listener_, nullptr, nullptr);
    if (s == INVALID_SOCKET) {
      int e = wsx_WSAGetLastError();
      if (e != WSAEWOULDBLOCK) fail("accept failed: " + std::to_string(e));
      return;
    }
    Conn* c = allocate();
    std::lock_guard<std::mutex> cg(c->mu);
    const std::uint64_t gen = ++c->gen;
    c->live = true;
    c->s = s;
    c->ev = wsx_WSACreateEvent();
    c->received = 0;
    c->id = c->total = 0;
    c->ending = Ending::graceful;
    c->pending.clear();
    c->read_blocked = c->peer_done = false;
    c->close_events = 0;
    c->rng = seed_ ^ (gen << 20) ^ c->index;
    open_.fetch_add(1);
    // Its own event in place of the listener's it inherited (S7); the
    // select reports what already holds (S8).
    const std::uintptr_t key = (static_cast<std::uintptr_t>(gen) << 32) | c->index;
    if (c->ev == WSA_INVALID_EVENT || wsx_WaitSetAdd(set_, c->ev, key) != 0 ||
        wsx_WSAEventSelect(s, c->ev, FD_READ | FD_WRITE | FD_CLOSE) != 0) {
      fail("setting up an accepted socket: " + std::to_string(wsx_WSAGetLastError()));
      return;
    }
  }
}

void Server::on_conn(Conn& c, std::uint64_t gen) {
  std::lock_guard<std::mutex> g(c.mu);
  if (!c.live || c.gen != gen) return;  // a stale entry for a closed connection
  WSANETWORKEVENTS ne{};
  if (wsx_WSAEnumNetworkEvents(c.s, c.ev, &ne) != 0) {
    fail("enumerate: " + std::to_string(wsx_WSAGetLastError()));
    return;
  }
  const long got = ne.lNetworkEvents;
  if (got & FD_READ) receive(c);
  if (got & FD_WRITE) flush(c);
  if (got & FD_CLOSE) {
    stats_.close_events.fetch_add(1);
    if (++c.close_events > 1) {
      fail("FD_CLOSE twice on connection " + std::to_string(c.id));
      return;
    }
    const int error = ne.iErrorCode[FD_CLOSE_BIT];
    c.peer_done = true;
    const bool known = c.received >= kHeaderSize;
    const std::string who = "connection " + std::to_string(c.id) + ": ";
    if (error == 0) {
      // R9: a graceful close, and only once every byte has been read. A
      // resetting client never closes gracefully.
      if (!known || c.ending == Ending::reset) {
        fail(who + "graceful FD_CLOSE from a client that resets");
      } else if (c.received != kHeaderSize + c.total) {
        fail(who + "FD_CLOSE after " + std::to_string(c.received) + " of " +
             std::to_string(kHeaderSize + c.total) + " bytes");
      }
    } else if (error != WSAECONNRESET) {
      fail(who + "FD_CLOSE error " + std::to_string(error));
    } else if (known && c.ending == Ending::graceful) {
      fail(who + "a graceful client's connection reported reset");
    } else {
      c.pending.clear();  // nobody to send to
      stats_.resets.fetch_add(1);
    }
  }
  if (c.peer_done && c.pending.empty()) finish(c);
}

// One receive per FD_READ, as Winsock applications do (R5 reports again
// while data remains), unless the echo waiting to go is already too much.
void Server::receive(Conn& c) {
  if (c.pending.size() >= kMaxPending) {
    c.read_blocked = true;
    return;
  }
  c.read_blocked = false;
  c.rng = c.rng * 6364136223846793005ull + 1442695040888963407ull;
  char buf[16384];
  const int want = 1 + static_cast<int>((c.rng >> 33) % sizeof buf);
  const int n = wsx_recv(c.s, buf, want, 0);
  if (n == SOCKET_ERROR) {
    const int e = wsx_WSAGetLastError();
    // A spare FD_READ may meet an empty socket (the WSAEventSelect page);
    // a reset also shows here before its FD_CLOSE is handled.
    if (e != WSAEWOULDBLOCK && e != WSAECONNRESET) fail("recv: " + std::to_string(e));
    return;
  }
  for (int i = 0; i < n; ++i, ++c.received) {
    const std::uint8_t b = static_cast<std::uint8_t>(buf[i]);
    if (c.received < kHeaderSize) {
      c.header[c.received] = b;
      if (c.received + 1 == kHeaderSize) {
        if (read_u32(c.header) != kMagic) {
          fail("a stream without the header");
          return;
        }
        c.id = read_u32(c.header + 4);
        c.total = read_u32(c.header + 8);
        c.ending = static_cast<Ending>(c.header[12]);
      }
    } else if (b != stream_byte(c.id, c.received)) {
      fail("connection " + std::to_string(c.id) + ": byte " + std::to_string(c.received) +
           " differs");
      return;
    }
  }
  stats_.bytes_in.fetch_add(static_cast<std::uint64_t>(n));
  c.pending.append(buf, static_cast<std::size_t>(n));
  flush(c);
}

void Server::flush(Conn& c) {
  // Bounded: each send moves data or stops.
  while (!c.pending.empty()) {
    const int n = wsx_send(c.s, c.pending.data(),
                           static_cast<int>(std::min<std::size_t>(c.pending.size(), 32768)), 0);
    if (n == SOCKET_ERROR) {
      const int e = wsx_WSAGetLastError();
      if (e == WSAEWOULDBLOCK) return;  // R7: FD_WRITE comes when space does
      if (e == WSAECONNRESET || e == WSAECONNABORTED) {
        c.pending.clear();  // the client reset or left: its FD_CLOSE follows
        return;
      }
      fail("send: " + std::to_string(e));
      return;
    }
    stats_.bytes_out.fetch_add(static_cast<std::uint64_t>(n));
    c.pending.erase(0, static_cast<std::size_t>(n));
  }
  // Room again: take the receive an FD_READ was left waiting for (its
  // re-enabling call, R3).
  if (c.read_blocked) receive(c);
}

void Server::finish(Conn& c) {
  wsx_shutdown(c.s, SD_SEND);
  wsx_WaitSetRemove(set_, c.ev);
  wsx_closesocket(c.s);  // S6: no FD_CLOSE for it after this
  wsx_WSACloseEvent(c.ev);
  c.live = false;
  stats_.closed.fetch_add(1);
  switch (c.ending) {
    case Ending::graceful:
      stats_.graceful.fetch_add(1);
      break;
    case Ending::abandon:
      stats_.abandoned.fetch_add(1);
      break;
    case Ending::reset:
      break;
  }
  open_.fetch_sub(1);
  std::lock_guard<std::mutex> g(slots_mu_);
  free_.push_back(c.index);
}

}  // namespace wsx::soak
