// Faults from the system's side: the process runs out of descriptors while
// connections wait to be accepted, and peers reset their connections in the
// middle of a stream. Each has a documented outcome (docs/reliability.md,
// "Faults"); none may lose an event.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Fault : public WinsockTest {};

// Lowers the soft RLIMIT_NOFILE to the lowest free descriptor number, so the
// next descriptor the process asks for fails with EMFILE; restores it when
// it goes out of scope.
class NoFreeDescriptors {
 public:
  NoFreeDescriptors() {
    getrlimit(RLIMIT_NOFILE, &saved_);
    const int lowest = dup(0);
    close(lowest);
    rlimit r = saved_;
    r.rlim_cur = static_cast<rlim_t>(lowest);
    ok_ = setrlimit(RLIMIT_NOFILE, &r) == 0;
  }
  ~NoFreeDescriptors() { setrlimit(RLIMIT_NOFILE, &saved_); }
  NoFreeDescriptors(const NoFreeDescriptors&) = delete;
  NoFreeDescriptors& operator=(const NoFreeDescriptors&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

// R4 and R5 under EMFILE: accept fails with WSAEMFILE and leaves the
// connection queued; the failing call re-enables FD_ACCEPT, which is
// reported again at once since connections still wait. Once descriptors are
// free again every queued connection is accepted, none lost, and each
// carries its data.
TEST_P(Fault, R5_AcceptOutOfDescriptorsFailsWithEmfileAndLosesNoConnection) {
  SOCKET l = listener();
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(l, ev, FD_ACCEPT), 0);
  constexpr int kClients = 3;
  SOCKET clients[kClients];
  sockaddr_in a = address_of(l);
  for (int i = 0; i < kClients; ++i) {
    clients[i] = tcp();
    ASSERT_EQ(api().connect(clients[i], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    const char tag = static_cast<char>('a' + i);
    send_all(clients[i], &tag, 1);
  }
  ASSERT_EQ(next(l, ev, kEventTimeoutMs), FD_ACCEPT);
  {
    NoFreeDescriptors limit;
    ASSERT_TRUE(limit.ok());
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(api().accept(l, nullptr, nullptr), INVALID_SOCKET);
      EXPECT_EQ(api().WSAGetLastError(), WSAEMFILE);
      // Re-enabled by the failing call (R4), still holding (R5).
      EXPECT_EQ(next(l, ev, kEventTimeoutMs), FD_ACCEPT) << "round " << round;
    }
    EXPECT_EQ(api().socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET);
    EXPECT_EQ(api().WSAGetLastError(), WSAEMFILE);
    // Waiting needs no descriptor.
    EXPECT_EQ(api().WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  }
  std::vector<char> tags;
  for (int i = 0; i < kClients; ++i) {
    SOCKET s = api().accept(l, nullptr, nullptr);
    ASSERT_NE(s, INVALID_SOCKET) << api().WSAGetLastError();
    WSAEVENT sev = event();
    ASSERT_EQ(api().WSAEventSelect(s, sev, FD_READ), 0);
    ASSERT_EQ(next(s, sev, kEventTimeoutMs), FD_READ);  // S8: its byte is there
    char c = 0;
    ASSERT_EQ(api().recv(s, &c, 1, 0), 1);
    tags.push_back(c);
    close(s);
    // FD_ACCEPT again while connections remain (R5), then nothing.
    if (i + 1 < kClients) {
      EXPECT_EQ(next(l, ev, kEventTimeoutMs), FD_ACCEPT);
    }
  }
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(std::string(tags.begin(), tags.end()), "abc");
  EXPECT_EQ(api().accept(l, nullptr, nullptr), INVALID_SOCKET);
  EXPECT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  expect_quiet(l, ev);
}

// R9 under resets mid-stream: many peers send part of a stream and reset.
// Every server side, selected for FD_READ|FD_WRITE|FD_CLOSE and sending
// too, gets exactly one FD_CLOSE with WSAECONNRESET; what it read is a
// prefix of what was sent, byte for byte; afterwards recv and send fail
// with WSAECONNRESET, and nothing more is reported.
TEST_P(Fault, R9_PeersResettingMidStreamGiveOneCloseEachWithConnReset) {
  constexpr int kPairs = 32;
  SOCKET l = listener(kPairs);
  struct Conn {
    SOCKET client = INVALID_SOCKET, server = INVALID_SOCKET;
    WSAEVENT ev = WSA_INVALID_EVENT;
    int sent = 0, received = 0, closes = 0;
  };
  std::vector<Conn> conns(kPairs);
  std::vector<WSAEVENT> events;
  auto byte_at = [](int conn, int k) { return static_cast<char>((conn * 131 + k * 7) & 0xff); };
  for (int i = 0; i < kPairs; ++i) {
    Pair p = connected(l);
    conns[i].client = p.client;
    conns[i].server = p.server;
    conns[i].ev = event();
    events.push_back(conns[i].ev);
    ASSERT_EQ(api().WSAEventSelect(p.server, conns[i].ev, FD_READ | FD_WRITE | FD_CLOSE), 0);
  }
  // Each client sends a different amount, then resets with the server
  // still reading (and its own receive queue holding the server's bytes).
  for (int i = 0; i < kPairs; ++i) {
    const int n = 1 + (i * 977) % 6000;
    std::vector<char> data(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k)
      data[static_cast<std::size_t>(k)] = byte_at(i, k);
    send_all(conns[i].client, data.data(), n);
    conns[i].sent = n;
  }
  for (int i = 0; i < kPairs; ++i)
    reset_close(conns[i].client);

  int closed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[1024];
  while (closed < kPairs) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << closed << " of " << kPairs;
    // The lowest signalled index first, as Winsock: loop over all of them.
    const DWORD w = api().WSAWaitForMultipleEvents(static_cast<DWORD>(events.size()), events.data(),
                                                   FALSE, 100, FALSE);
    if (w == WSA_WAIT_TIMEOUT) continue;
    ASSERT_LT(w, WSA_WAIT_EVENT_0 + kPairs);
    for (Conn& c : conns) {
      WSANETWORKEVENTS ne{};
      ASSERT_EQ(api().WSAEnumNetworkEvents(c.server, c.ev, &ne), 0);
      const int index = static_cast<int>(&c - conns.data());
      if (ne.lNetworkEvents & FD_WRITE) {
        const char b = 'w';
        const int r = api().send(c.server, &b, 1, 0);
        if (r == SOCKET_ERROR) {
          EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
        }
      }
      if (ne.lNetworkEvents & FD_READ) {
        const int r = api().recv(c.server, buf, sizeof buf, 0);
        if (r > 0) {
          for (int k = 0; k < r; ++k)
            ASSERT_EQ(buf[k], byte_at(index, c.received + k)) << "conn " << index;
          c.received += r;
          ASSERT_LE(c.received, c.sent);
        } else {
          ASSERT_EQ(r, SOCKET_ERROR) << "a reset is never a graceful end";
          const int e = api().WSAGetLastError();
          EXPECT_TRUE(e == WSAECONNRESET || e == WSAEWOULDBLOCK) << e;
        }
      }
      if (ne.lNetworkEvents & FD_CLOSE) {
        EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET) << "conn " << index;
        EXPECT_EQ(++c.closes, 1) << "conn " << index;
        ++closed;
      }
    }
  }
  for (Conn& c : conns) {
    const int index = static_cast<int>(&c - conns.data());
    EXPECT_EQ(c.closes, 1);
    // Linux keeps data that arrived before the reset readable (Windows
    // drops it): whatever is left is the stream's next bytes, then the
    // reset, never a graceful end.
    for (int r; (r = api().recv(c.server, buf, sizeof buf, 0)) > 0; c.received += r) {
      for (int k = 0; k < r; ++k)
        ASSERT_EQ(buf[k], byte_at(index, c.received + k)) << "conn " << index;
    }
    EXPECT_LE(c.received, c.sent);
    EXPECT_EQ(api().recv(c.server, buf, sizeof buf, 0), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
    EXPECT_EQ(api().send(c.server, buf, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
  }
  // No second FD_CLOSE, nothing else either: only the FD_READ the draining
  // receives recorded while data remained (R5) may be in the record.
  for (Conn& c : conns) {
    WSANETWORKEVENTS ne{};
    ASSERT_EQ(api().WSAEnumNetworkEvents(c.server, c.ev, &ne), 0);
    EXPECT_EQ(ne.lNetworkEvents & ~FD_READ, 0) << events_str(ne.lNetworkEvents);
    expect_quiet(c.server, c.ev, 10);
  }
}

WSX_ONLY_SUITE(Fault);

}  // namespace
}  // namespace wsx::test
