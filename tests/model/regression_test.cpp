// Bugs the differential test found, each pinned by a test named after it,
// through the Winsock API on real loopback sockets (on Windows too).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "compat/wsa_fixture.hpp"

#ifdef __linux__
#include <netinet/tcp.h>
#endif

namespace wsx::test {
namespace {

class Regression : public WinsockTest {
 protected:
  // Waits (bounded) until s's connection is gone (reset, or both FINs
  // through), without a call that would consume a reset.
  bool wait_for_closed(SOCKET s) {
#ifdef __linux__
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      tcp_info info{};
      socklen_t len = sizeof info;
      if (getsockopt(static_cast<int>(s), IPPROTO_TCP, TCP_INFO, &info, &len) == 0 &&
          info.tcpi_state == TCP_CLOSE) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
#else
    (void)s;  // no portable view of the TCP state: loopback's RST is quick
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return true;
#endif
  }
};

// After shutdown(SD_SEND) a send is not possible (it fails with
// WSAESHUTDOWN), so a select must not report FD_WRITE (R7, S8), though the
// OS keeps polling the socket writable. wsx reported it.
TEST_P(Regression, WriteReportedAfterShutdownSend) {
  SOCKET l = listener();
  Pair p = connected(l);
  ASSERT_EQ(api().shutdown(p.client, SD_SEND), 0);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.client, ev, FD_WRITE | FD_CONNECT), 0);
  expect(p.client, ev, FD_CONNECT);
  char c = 'x';
  EXPECT_EQ(api().send(p.client, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAESHUTDOWN);
}

// A reset that a receive (or send) sees first, on a socket with no
// selection at the time, is still a reset afterwards: further receives fail
// with WSAECONNRESET and a later select reports FD_CLOSE with it (R9).
// Linux reports the reset once; wsx forgot it, so the next recv returned 0
// (a graceful end) and FD_CLOSE came with error 0.
TEST_P(Regression, ResetSeenFirstByReceiveWasForgotten) {
  // Open, docs/reliability.md: fails under Wine; not yet known on Windows.
  if (running_under_wine())
    GTEST_SKIP() << "Wine's ws2_32 reads the reset as a graceful end (recv returns 0)";
  SOCKET l = listener();
  Pair p = connected(l);
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(p.server, static_cast<long>(FIONBIO), &on), 0);
  reset_close(p.client);
  char buf[16];
  int n = SOCKET_ERROR, e = WSAEWOULDBLOCK;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (n == SOCKET_ERROR && e == WSAEWOULDBLOCK && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n = api().recv(p.server, buf, sizeof buf, 0);
    e = n == SOCKET_ERROR ? api().WSAGetLastError() : 0;
  }
  ASSERT_EQ(n, SOCKET_ERROR);
  ASSERT_EQ(e, WSAECONNRESET);
  EXPECT_EQ(api().recv(p.server, buf, sizeof buf, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  WSANETWORKEVENTS ne = expect(p.server, ev, FD_CLOSE, "CLOSE=WSAECONNRESET");
  EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
}

// The same reset seen first by a send.
TEST_P(Regression, ResetSeenFirstBySendWasForgotten) {
  SOCKET l = listener();
  Pair p = connected(l);
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(p.server, static_cast<long>(FIONBIO), &on), 0);
  reset_close(p.client);
  char c = 'x';
  int e = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (e == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (api().send(p.server, &c, 1, 0) == SOCKET_ERROR) e = api().WSAGetLastError();
  }
  ASSERT_EQ(e, WSAECONNRESET);
  char buf[16];
  EXPECT_EQ(api().recv(p.server, buf, sizeof buf, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  WSANETWORKEVENTS ne = expect(p.server, ev, FD_CLOSE, "CLOSE=WSAECONNRESET");
  EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
}

// The reset arrives after the FIN (the peer closed, then data from this
// side reached its closed socket): a receive must still report the reset
// (R9), as it does when the backend saw it first. Linux reads a graceful
// end then, and wsx passed that on as 0 for a socket with no selection.
TEST_P(Regression, ResetAfterFinReadAsGracefulEnd) {
  // Open, docs/reliability.md: fails under Wine; not yet known on Windows.
  if (running_under_wine())
    GTEST_SKIP() << "Wine's ws2_32 reads the reset as a graceful end (recv returns 0)";
  SOCKET l = listener();
  Pair p = connected(l);
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(p.server, static_cast<long>(FIONBIO), &on), 0);
  close(p.client);  // FIN
  char buf[16];
  int n = SOCKET_ERROR;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (n != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n = api().recv(p.server, buf, sizeof buf, MSG_PEEK);
  }
  ASSERT_EQ(n, 0) << "the FIN did not arrive";
  send_byte(p.server);  // reaches a closed socket: RST
  ASSERT_TRUE(wait_for_closed(p.server));
  EXPECT_EQ(api().recv(p.server, buf, sizeof buf, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
  EXPECT_EQ(api().recv(p.server, buf, sizeof buf, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
}

// A send after shutdown(SD_SEND) fails with WSAESHUTDOWN, also once the
// peer has reset the connection; the reset is still what receives see. wsx
// passed on whichever Linux reported first.
TEST_P(Regression, SendAfterShutdownOnResetConnectionVaried) {
  // Open, docs/reliability.md: fails under Wine; not yet known on Windows.
  if (running_under_wine())
    GTEST_SKIP() << "Wine's ws2_32 reads the reset as a graceful end (recv returns 0)";
  SOCKET l = listener();
  Pair p = connected(l);
  ASSERT_EQ(api().shutdown(p.client, SD_SEND), 0);
  reset_close(p.server);
  ASSERT_TRUE(wait_for_closed(p.client));
  char c = 'x';
  EXPECT_EQ(api().send(p.client, &c, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAESHUTDOWN);
  char buf[4];
  EXPECT_EQ(api().recv(p.client, buf, sizeof buf, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAECONNRESET);
}

// A non-blocking connect that completed while the socket had no selection,
// and whose send buffer then filled: at select, wsx still took the socket
// for connecting (it tested completion by writability) and reported
// nothing, not FD_CONNECT, not the data waiting (R10, S8, R5): a hung
// connection.
TEST_P(Regression, ConnectCompletedWhileUnselectedThenSendBufferFull) {
  SOCKET l = listener();
  SOCKET c = tcp();
  int small = 4096;
  api().setsockopt(c, SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const char*>(&small), sizeof small);
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(c, static_cast<long>(FIONBIO), &on), 0);
  sockaddr_in a = address_of(l);
  if (api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == SOCKET_ERROR) {
    ASSERT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  }
  SOCKET srv = INVALID_SOCKET;
  for (int i = 0; i < 5000 && srv == INVALID_SOCKET; ++i) {
    srv = api().accept(l, nullptr, nullptr);
    if (srv == INVALID_SOCKET) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(srv, INVALID_SOCKET);
  api().setsockopt(srv, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&small), sizeof small);
  // Fill: the server does not read. Bounded: small buffers take little.
  std::vector<char> chunk(4096, 'f');
  bool blocked = false;
  for (int i = 0; i < 4096 && !blocked; ++i) {
    if (api().send(c, chunk.data(), static_cast<int>(chunk.size()), 0) == SOCKET_ERROR) {
      ASSERT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
      blocked = true;
    }
  }
  ASSERT_TRUE(blocked);
  send_byte(srv);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(c, ev, FD_CONNECT | FD_READ), 0);
  expect(c, ev, FD_CONNECT | FD_READ);
  close(srv);
}

// A non-blocking connect on a socket with no selection; the connection is
// made, and ended (both sides shut down) before the first select, which
// resolves the connect: it connected (R10), and its end is a graceful close
// (R9) — not a refusal, though there is no peer any more.
TEST_P(Regression, ConnectionEndedBeforeFirstSelectIsStillConnected) {
  // Open, docs/reliability.md: fails under Wine; not yet known on Windows.
  if (running_under_wine())
    GTEST_SKIP() << "under Wine the select reports nothing (open: wsx's Windows path or Wine)";
  SOCKET l = listener();
  SOCKET c = tcp();
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(c, static_cast<long>(FIONBIO), &on), 0);
  sockaddr_in a = address_of(l);
  if (api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a) == SOCKET_ERROR) {
    ASSERT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  }
  SOCKET srv = INVALID_SOCKET;
  for (int i = 0; i < 5000 && srv == INVALID_SOCKET; ++i) {
    srv = api().accept(l, nullptr, nullptr);
    if (srv == INVALID_SOCKET) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_NE(srv, INVALID_SOCKET);
  ASSERT_EQ(api().shutdown(c, SD_BOTH), 0);
  close(srv);
  ASSERT_TRUE(wait_for_closed(c));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(c, ev, FD_CONNECT | FD_CLOSE), 0);
  WSANETWORKEVENTS ne = expect(c, ev, FD_CONNECT | FD_CLOSE);
  EXPECT_EQ(ne.iErrorCode[FD_CONNECT_BIT], 0);
  EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], 0);
}

// A reset nobody has looked at yet (no selection when it came): a select
// must not report FD_CONNECT for the connection, which is not "currently
// established" (S8), only FD_CLOSE with WSAECONNRESET (R9). wsx reported
// FD_CONNECT first and found the reset after.
TEST_P(Regression, ConnectReportedAtSelectForResetConnection) {
  SOCKET l = listener();
  Pair p = connected(l);
  reset_close(p.client);
  ASSERT_TRUE(wait_for_closed(p.server));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CONNECT | FD_CLOSE), 0);
  WSANETWORKEVENTS ne = expect(p.server, ev, FD_CLOSE, "CLOSE=WSAECONNRESET");
  EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
}

// Urgent data: what an application that answers every event sees. It
// receives on FD_READ, takes the urgent byte on FD_OOB, and stops at
// FD_CLOSE or when nothing more comes; the normal bytes and the urgent byte
// it got are returned.
struct Drained {
  std::string normal, urgent;
  bool closed = false;
};

// Both found by the differential test: a receive that stops at an urgent
// mark (Linux ends a receive there, inline or not) looked to wsx like one
// that had drained the socket, so FD_READ was not reported again for the
// data behind the mark (R5) — out of band, FIONREAD counts only up to the
// mark; inline, wsx had forgotten the mark after the first receive — and
// with a FIN behind it FD_CLOSE came with that data unread (R9).
class UrgentRegression : public Regression {
 protected:
  Drained drain(SOCKET s, WSAEVENT ev) {
    Drained d;
    // Bounded: a handful of events, each waited for at most kEventTimeoutMs.
    for (int i = 0; i < 32 && !d.closed; ++i) {
      long got = next(s, ev, kEventTimeoutMs);
      if (got == 0) break;
      char buf[256];
      if (got & FD_OOB) {
        int n = api().recv(s, buf, sizeof buf, MSG_OOB);
        if (n > 0) d.urgent.append(buf, static_cast<std::size_t>(n));
      }
      if (got & FD_READ) {
        int n = api().recv(s, buf, 2, 0);  // small reads: one per FD_READ (R5)
        if (n > 0) d.normal.append(buf, static_cast<std::size_t>(n));
      }
      if (got & FD_CLOSE) d.closed = true;
    }
    return d;
  }
  void send_urgent(SOCKET s, char c) { send_all(s, &c, 1, MSG_OOB); }
};

TEST_P(UrgentRegression, DataBehindUrgentMarkWasStranded) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ | FD_OOB | FD_CLOSE), 0);
  send_all(p.client, "abc", 3);
  send_urgent(p.client, 'U');
  send_all(p.client, "de", 2);
  ASSERT_EQ(api().shutdown(p.client, SD_SEND), 0);
  Drained d = drain(p.server, ev);
  EXPECT_EQ(d.normal, "abcde");
  EXPECT_EQ(d.urgent, "U");
  EXPECT_TRUE(d.closed);
}

TEST_P(UrgentRegression, InlineUrgentByteUnreadAtClose) {
  SOCKET l = listener();
  Pair p = connected(l);
  int on = 1;
  ASSERT_EQ(
      api().setsockopt(p.server, SOL_SOCKET, SO_OOBINLINE, reinterpret_cast<char*>(&on), sizeof on),
      0);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), 0);
  send_all(p.client, "abc", 3);
  send_urgent(p.client, 'U');
  ASSERT_EQ(api().shutdown(p.client, SD_SEND), 0);
  Drained d = drain(p.server, ev);
  EXPECT_EQ(d.normal, "abcU") << "R8: inline, the urgent byte is ordinary data";
  EXPECT_TRUE(d.closed);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Wsx, UrgentRegression, ::testing::Values(&kWsxApi),
                         [](const auto&) { return std::string("wsx"); });
INSTANTIATE_TEST_SUITE_P(Wsx, Regression, ::testing::Values(&kWsxApi),
                         [](const auto&) { return std::string("wsx"); });

}  // namespace wsx::test
