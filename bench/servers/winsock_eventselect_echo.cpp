// The system's WSAEventSelect echo server, written the classic way (Windows
// only, ws2_32 itself, not wsx): WSAWaitForMultipleEvents waits on at most
// WSA_MAXIMUM_WAIT_EVENTS (64) events, so the listener hands each accepted
// socket to a worker thread that has a free slot, and starts a new worker
// when none has. Each worker waits on its sockets' events plus one event
// that tells it about new sockets, and handles what WSAEnumNetworkEvents
// reports. wsx-bench runs it under Wine as the reference for what Winsock
// itself costs.
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "common/flags.hpp"

namespace {

// One slot of the 64 is the worker's "new sockets" event.
constexpr DWORD kSocketsPerWorker = WSA_MAXIMUM_WAIT_EVENTS - 1;
constexpr DWORD kWaitMs = 1000;  // a worker with nothing to do still wakes

struct Connection {
  SOCKET socket = INVALID_SOCKET;
  WSAEVENT event = WSA_INVALID_EVENT;
  std::vector<char> pending;  // bytes the socket would not take yet
  std::size_t sent = 0;
};

class Worker {
 public:
  Worker() : wake_(WSACreateEvent()) {}

  // Called by the listener's thread. False when this worker is full.
  bool offer(SOCKET s, WSAEVENT e) {
    std::lock_guard lock(mu_);
    if (owned_ >= kSocketsPerWorker) return false;
    ++owned_;
    inbox_.push_back({s, e});
    WSASetEvent(wake_);
    return true;
  }

  bool start() {
    thread_ = CreateThread(nullptr, 0, &Worker::main, this, 0, nullptr);
    return thread_ != nullptr;
  }

 private:
  static DWORD WINAPI main(LPVOID self) {
    static_cast<Worker*>(self)->run();
    return 0;
  }

  void run() {
    std::vector<WSAEVENT> events{wake_};
    std::vector<Connection> conns(1);  // conns[i] goes with events[i]; 0 is the wake event
    char buffer[65536];
    for (;;) {
      DWORD r = WSAWaitForMultipleEvents(static_cast<DWORD>(events.size()), events.data(), FALSE,
                                         kWaitMs, FALSE);
      if (r == WSA_WAIT_TIMEOUT) continue;
      if (r == WSA_WAIT_FAILED) {
        std::fprintf(stderr, "WSAWaitForMultipleEvents failed: %d\n", WSAGetLastError());
        return;
      }
      // The returned index is the lowest signalled one; the others from it
      // on are checked one by one so that the low slots do not starve the
      // high ones.
      for (DWORD i = r - WSA_WAIT_EVENT_0; i < events.size(); ++i) {
        if (i != 0 && WSAWaitForMultipleEvents(1, &events[i], TRUE, 0, FALSE) != WSA_WAIT_EVENT_0) {
          continue;
        }
        if (i == 0) {
          take_new(events, conns, buffer, sizeof buffer);
        } else if (!handle(conns[i], buffer, sizeof buffer)) {
          close_connection(conns[i]);
          conns[i].socket = INVALID_SOCKET;
        }
      }
      // Closed slots go after the pass, so the indices above stay valid.
      for (std::size_t i = events.size(); i-- > 1;) {
        if (conns[i].socket != INVALID_SOCKET) continue;
        events[i] = events.back();
        events.pop_back();
        conns[i] = std::move(conns.back());
        conns.pop_back();
        std::lock_guard lock(mu_);
        --owned_;
      }
    }
  }

  void take_new(std::vector<WSAEVENT>& events, std::vector<Connection>& conns, char* buffer,
                std::size_t size) {
    // Reset before taking, so a socket offered in between sets it again.
    WSAResetEvent(wake_);
    std::lock_guard lock(mu_);
    const std::size_t taken = inbox_.size();
    for (auto [s, e] : inbox_) {
      events.push_back(e);
      Connection c;
      c.socket = s;
      c.event = e;
      conns.push_back(std::move(c));
    }
    inbox_.clear();
    // Bytes that came before WSAEventSelect gave the socket its own event
    // should be recorded as FD_READ by that call; under Wine 8 they are
    // not always (the churn clients, which send at once, stalled), so each
    // new socket is read once here. A recv with nothing there costs one
    // WSAEWOULDBLOCK.
    for (std::size_t i = conns.size() - taken; i < conns.size(); ++i) {
      if (!echo_once(conns[i], buffer, size)) {
        close_connection(conns[i]);
        conns[i].socket = INVALID_SOCKET;
      }
    }
  }

  // False when the connection has to go.
  static bool handle(Connection& c, char* buffer, std::size_t size) {
    WSANETWORKEVENTS ne;
    if (WSAEnumNetworkEvents(c.socket, c.event, &ne) != 0) return false;
    if ((ne.lNetworkEvents & FD_WRITE) && !flush(c, buffer, size)) return false;
    if ((ne.lNetworkEvents & FD_READ) && !echo_once(c, buffer, size)) return false;
    if (ne.lNetworkEvents & FD_CLOSE) {
      // The last bytes may have come with the close: echo them first.
      while (c.pending.empty()) {
        int n = recv(c.socket, buffer, static_cast<int>(size), 0);
        if (n <= 0 || send(c.socket, buffer, n, 0) != n) break;
      }
      return false;
    }
    return true;
  }

  // One recv per FD_READ: Winsock records FD_READ again while data remains
  // after a recv. Not while earlier bytes wait: FD_WRITE's flush reads next.
  static bool echo_once(Connection& c, char* buffer, std::size_t size) {
    if (!c.pending.empty()) return true;
    int n = recv(c.socket, buffer, static_cast<int>(size), 0);
    if (n == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;
    if (n == 0) return true;  // end of data: FD_CLOSE follows
    int w = send(c.socket, buffer, n, 0);
    if (w == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK) return false;
    int sent = w == SOCKET_ERROR ? 0 : w;
    if (sent < n) {
      c.pending.assign(buffer + sent, buffer + n);
      c.sent = 0;
    }
    return true;
  }

  static bool flush(Connection& c, char* buffer, std::size_t size) {
    while (c.sent < c.pending.size()) {
      int w =
          send(c.socket, c.pending.data() + c.sent, static_cast<int>(c.pending.size() - c.sent), 0);
      if (w == SOCKET_ERROR) return WSAGetLastError() == WSAEWOULDBLOCK;  // FD_WRITE comes again
      c.sent += static_cast<std::size_t>(w);
    }
    c.pending.clear();
    c.sent = 0;
    // An FD_READ that came while bytes waited was left unread, and Winsock
    // records no new one until recv is called: call it now.
    return echo_once(c, buffer, size);
  }

  static void close_connection(Connection& c) {
    closesocket(c.socket);
    WSACloseEvent(c.event);
  }

  WSAEVENT wake_;
  HANDLE thread_ = nullptr;
  std::mutex mu_;
  DWORD owned_ = 0;  // sockets given to this worker and not yet closed
  std::vector<std::pair<SOCKET, WSAEVENT>> inbox_;
};

int fail(const char* what) {
  std::fprintf(stderr, "winsock_eventselect_echo: %s failed with error %d\n", what,
               WSAGetLastError());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  wsx::flags::Parser p("winsock_eventselect_echo",
                       "Echo server on the system's WSAEventSelect: a thread per 63 sockets.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.parse(argc, argv);

  WSADATA wsa;
  if (int r = WSAStartup(MAKEWORD(2, 2), &wsa)) {
    std::fprintf(stderr, "WSAStartup failed: %d\n", r);
    return 1;
  }
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) return fail("socket");
  BOOL on = TRUE;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<char*>(&on), sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(static_cast<u_short>(port));
  if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return fail("bind");
  if (listen(listener, 4096) != 0) return fail("listen");
  WSAEVENT accept_event = WSACreateEvent();
  if (WSAEventSelect(listener, accept_event, FD_ACCEPT) != 0) return fail("WSAEventSelect");
  int len = sizeof a;
  getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  // Workers live until the process ends; they are never more than
  // connections / 63 + 1.
  std::vector<std::unique_ptr<Worker>> workers;
  for (;;) {
    DWORD r = WSAWaitForMultipleEvents(1, &accept_event, FALSE, kWaitMs, FALSE);
    if (r == WSA_WAIT_TIMEOUT) continue;
    if (r == WSA_WAIT_FAILED) return fail("WSAWaitForMultipleEvents");
    WSANETWORKEVENTS ne;
    if (WSAEnumNetworkEvents(listener, accept_event, &ne) != 0) return fail("WSAEnumNetworkEvents");
    // FD_ACCEPT is recorded again after each accept while more wait, so
    // one accept per report would do; taking what is there saves waits.
    for (int k = 0; k < 64; ++k) {
      SOCKET s = accept(listener, nullptr, nullptr);
      if (s == INVALID_SOCKET) break;
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<char*>(&on), sizeof on);
      // The accepted socket inherits the listener's event and FD_ACCEPT;
      // it gets its own event and the events an echo needs.
      WSAEVENT e = WSACreateEvent();
      if (WSAEventSelect(s, e, FD_READ | FD_WRITE | FD_CLOSE) != 0) {
        closesocket(s);
        WSACloseEvent(e);
        continue;
      }
      bool placed = false;
      for (auto& w : workers) {
        if ((placed = w->offer(s, e))) break;
      }
      if (!placed) {
        auto w = std::make_unique<Worker>();
        if (!w->start()) return fail("CreateThread");
        w->offer(s, e);
        workers.push_back(std::move(w));
      }
    }
  }
}
