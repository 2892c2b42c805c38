// The rules in message mode (WSAAsyncSelect over wsx queues): S, R, M, X.
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "compat/async_fixture.hpp"

namespace wsx::test {
namespace {

class Async : public AsyncTest {
 protected:
  struct Selected {
    Pair p;
    HWND q;
  };
  Selected selected_pair(long mask) {
    SOCKET l = listener();
    Selected s{connected(l), queue()};
    EXPECT_EQ(api().WSAEventSelect(s.p.server, nullptr, 0), 0);
    EXPECT_EQ(wsx_WSAAsyncSelect(s.p.server, s.q, kMsg, mask), 0);
    return s;
  }
};

// S1 + X3: 0 on success; SOCKET_ERROR and a code otherwise.
TEST_P(Async, S1_X3_ReturnValuesAndInvalidTargets) {
  SOCKET s = tcp();
  HWND q = queue();
  EXPECT_EQ(wsx_WSAAsyncSelect(s, q, kMsg, FD_READ), 0);
  EXPECT_EQ(wsx_WSAAsyncSelect(INVALID_SOCKET, q, kMsg, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  EXPECT_EQ(wsx_WSAAsyncSelect(s, nullptr, kMsg, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(wsx_WSAAsyncSelect(s, reinterpret_cast<HWND>(0x1234), kMsg, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  EXPECT_EQ(wsx_WSAAsyncSelect(s, q, kMsg, FD_READ | (1L << 11)), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  HWND dead = wsx_CreateMessageQueue();
  ASSERT_TRUE(wsx_DestroyMessageQueue(dead));
  EXPECT_EQ(wsx_WSAAsyncSelect(s, dead, kMsg, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
}

// S2: an async select cancels an event select and the other way round.
TEST_P(Async, S2_AsyncAndEventSelectCancelEachOther) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  HWND q = queue();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q, kMsg, FD_READ), 0);
  send_byte(p.client);
  expect_messages(q, p.server, {FD_READ});
  EXPECT_FALSE(signalled(ev)) << "the event select must be cancelled";
  ASSERT_EQ(recv_some(p.server, 1), 1);
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  send_byte(p.client);
  expect(p.server, ev, FD_READ);
  expect_no_messages(q, p.server);
}

// S3: one hWnd and wMsg per socket; the second call wins.
TEST_P(Async, S3_SecondAsyncSelectReplacesFirst) {
  SOCKET l = listener();
  Pair p = connected(l);
  HWND q1 = queue(), q2 = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q1, kMsg, FD_READ), 0);
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q2, kMsg + 1, FD_WRITE), 0);
  expect_messages(q2, p.server, {FD_WRITE}, kMsg + 1);
  send_byte(p.client);
  expect_no_messages(q1, p.server);
  expect_no_messages(q2, p.server);
}

// S4: lEvent 0 cancels; a message already queued may still be read, and
// the application can purge it.
TEST_P(Async, S4_CancelKeepsQueuedMessagesUntilPurged) {
  Selected s = selected_pair(FD_READ | FD_CLOSE);
  send_byte(s.p.client);
  // Let the notification reach the queue, then cancel.
  MSG m;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!wsx_PeekMessage(&m, s.q, 0, 0, PM_NOREMOVE) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(wsx_WSAAsyncSelect(s.p.server, nullptr, 0, 0), 0);
  ASSERT_EQ(wsx_PeekMessage(&m, s.q, 0, 0, PM_NOREMOVE), TRUE);
  EXPECT_EQ(m.wParam, static_cast<WPARAM>(s.p.server));
  EXPECT_EQ(wsx_PurgeSocketMessages(s.q, s.p.server), 1);
  EXPECT_EQ(wsx_PeekMessage(&m, s.q, 0, 0, PM_NOREMOVE), FALSE);
  close(s.p.client);
  expect_no_messages(s.q, s.p.server);
}

// S5: WSAAsyncSelect makes the socket non-blocking and pins it.
TEST_P(Async, S5_AsyncSelectMakesNonBlocking) {
  Selected s = selected_pair(FD_READ);
  char b;
  EXPECT_EQ(api().recv(s.p.server, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  u_long blocking = 0;
  EXPECT_EQ(api().ioctlsocket(s.p.server, FIONBIO, &blocking), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  ASSERT_EQ(wsx_WSAAsyncSelect(s.p.server, s.q, 0, 0), 0);
  EXPECT_EQ(api().ioctlsocket(s.p.server, FIONBIO, &blocking), 0);
}

// S6: closesocket cancels; no FD_CLOSE for the application's own close.
TEST_P(Async, S6_CloseSocketPostsNoClose) {
  Selected s = selected_pair(FD_READ | FD_CLOSE);
  SOCKET gone = s.p.server;
  close(s.p.server);
  close(s.p.client);
  expect_no_messages(s.q, gone);
}

// S7: accepted sockets inherit hWnd, wMsg and mask, in force at once.
TEST_P(Async, S7_AcceptedSocketInheritsWindowMessageAndMask) {
  SOCKET l = listener();
  HWND q = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(l, q, kMsg, FD_ACCEPT | FD_READ | FD_WRITE), 0);
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  ASSERT_EQ(api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  expect_messages(q, l, {FD_ACCEPT});
  SOCKET s = api().accept(l, nullptr, nullptr);
  ASSERT_NE(s, INVALID_SOCKET);
  expect_messages(q, s, {FD_WRITE});
  send_byte(c);
  expect_messages(q, s, {FD_READ});
  api().closesocket(s);
}

// S8: what holds at select time is posted at once.
TEST_P(Async, S8_PersistenceAtAsyncSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  send_byte(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  HWND q = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q, kMsg, FD_READ | FD_WRITE), 0);
  std::vector<Note> got = drain(q, kQuietMs);
  long seen = 0;
  for (const Note& n : got)
    seen |= n.event;
  EXPECT_EQ(events_str(seen), events_str(FD_READ | FD_WRITE));
  EXPECT_EQ(got.size(), 2u) << notes_str(got);
}

// R1 + M1: one message per event, wParam the socket, lParam the event and
// its error.
TEST_P(Async, R1_M1_OneMessagePerEventWithSocketAndError) {
  SOCKET l = listener();
  sockaddr_in a = address_of(l);
  close(l);
  SOCKET c = tcp();
  HWND q = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(c, q, kMsg, FD_CONNECT | FD_WRITE | FD_CLOSE), 0);
  api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<Note> got = expect_messages(q, c, {FD_CONNECT});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].socket, c);
  EXPECT_EQ(got[0].error, WSAECONNREFUSED);
}

// R2 + M2: at most one message per event until it is re-enabled.
TEST_P(Async, R2_M2_NoFloodingBeforeReenable) {
  Selected s = selected_pair(FD_READ);
  for (int i = 0; i < 50; ++i)
    send_byte(s.p.client);
  expect_messages(s.q, s.p.server, {FD_READ});
  EXPECT_EQ(recv_some(s.p.server, 10), 10);  // 40 bytes left: one more message
  expect_messages(s.q, s.p.server, {FD_READ});
}

// R5: level-triggered FD_READ and FD_ACCEPT in message mode.
TEST_P(Async, R5_LevelTriggeredMessages) {
  SOCKET l = listener();
  HWND q = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(l, q, kMsg, FD_ACCEPT), 0);
  sockaddr_in a = address_of(l);
  SOCKET c1 = tcp(), c2 = tcp();
  ASSERT_EQ(api().connect(c1, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(api().connect(c2, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  expect_messages(q, l, {FD_ACCEPT});
  SOCKET s1 = api().accept(l, nullptr, nullptr);
  ASSERT_NE(s1, INVALID_SOCKET);
  expect_messages(q, l, {FD_ACCEPT});
  SOCKET s2 = api().accept(l, nullptr, nullptr);
  ASSERT_NE(s2, INVALID_SOCKET);
  expect_no_messages(q, l);
  api().closesocket(s1);
  api().closesocket(s2);
}

// R7: FD_WRITE after a send would block, once space returns.
TEST_P(Async, R7_WriteMessageAfterWouldBlock) {
  Selected s = selected_pair(FD_WRITE);
  expect_messages(s.q, s.p.server, {FD_WRITE});
  std::vector<char> chunk(65536, 'w');
  int rc = 0;
  for (int i = 0; i < 100000 && rc != SOCKET_ERROR; ++i) {
    rc = api().send(s.p.server, chunk.data(), static_cast<int>(chunk.size()), 0);
  }
  ASSERT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  expect_no_messages(s.q, s.p.server, 20);
  u_long nb = 1;
  api().ioctlsocket(s.p.client, FIONBIO, &nb);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  MSG m;
  while (std::chrono::steady_clock::now() < deadline) {
    if (recv_some(s.p.client) <= 0 && wsx_PeekMessage(&m, s.q, 0, 0, PM_NOREMOVE)) break;
  }
  expect_messages(s.q, s.p.server, {FD_WRITE});
}

// R9: FD_CLOSE once, with WSAECONNRESET after a reset.
TEST_P(Async, R9_CloseMessageOnceWithError) {
  Selected s = selected_pair(FD_READ | FD_CLOSE);
  reset_close(s.p.client);
  std::vector<Note> got = expect_messages(s.q, s.p.server, {FD_CLOSE});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].error, WSAECONNRESET);
}

// R11: datagrams: FD_READ per datagram, never FD_ACCEPT or FD_CLOSE.
TEST_P(Async, R11_DatagramMessages) {
  SOCKET u = udp();
  SOCKET tx = udp();
  HWND q = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(u, q, kMsg, FD_READ | FD_ACCEPT | FD_CLOSE), 0);
  sockaddr_in a = address_of(u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(api().sendto(tx, "ab", 2, 0, reinterpret_cast<sockaddr*>(&a), sizeof a), 2);
  }
  char buf[4];
  for (int i = 0; i < 2; ++i) {
    expect_messages(q, u, {FD_READ});
    EXPECT_EQ(api().recvfrom(u, buf, sizeof buf, 0, nullptr, nullptr), 2);
  }
  expect_no_messages(q, u);
}

// M3: FD_CONNECT is posted before the first FD_WRITE.
TEST_P(Async, M3_ConnectBeforeWrite) {
  SOCKET l = listener();
  for (int round = 0; round < 20; ++round) {
    SOCKET c = tcp();
    HWND q = queue();
    ASSERT_EQ(wsx_WSAAsyncSelect(c, q, kMsg, FD_CONNECT | FD_WRITE), 0);
    sockaddr_in a = address_of(l);
    api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    expect_messages(q, c, {FD_CONNECT, FD_WRITE});
    SOCKET s = api().accept(l, nullptr, nullptr);
    if (s != INVALID_SOCKET) api().closesocket(s);
    close(c);
  }
}

// M4: no posting quota, no message dropped: far past Windows' 10,000.
TEST_P(Async, M4_NoQuotaNothingDropped) {
  HWND q = queue();
  constexpr int kPosted = 50'000;
  for (int i = 0; i < kPosted; ++i) {
    ASSERT_TRUE(wsx_PostMessage(q, WM_USER + 7, static_cast<WPARAM>(i), static_cast<LPARAM>(-i)));
  }
  MSG msgs[256];
  int expected = 0;
  for (;;) {
    int n = wsx_GetMessages(q, msgs, 256, 0, 0, 0);
    ASSERT_GE(n, 0);
    if (n == 0) break;
    for (int i = 0; i < n; ++i) {
      // One posting thread: its messages come out in order.
      ASSERT_EQ(msgs[i].wParam, static_cast<WPARAM>(expected));
      ASSERT_EQ(msgs[i].lParam, static_cast<LPARAM>(-expected));
      ++expected;
    }
  }
  EXPECT_EQ(expected, kPosted);
}

// X4: a message's error is in lParam; reading it leaves WSAGetLastError.
TEST_P(Async, X4_MessageErrorLeavesLastErrorAlone) {
  Selected s = selected_pair(FD_CLOSE);
  reset_close(s.p.client);
  wsx_WSASetLastError(4242);
  MSG m;
  ASSERT_EQ(wsx_GetMessage(&m, s.q, 0, 0), 1);
  EXPECT_EQ(WSAGETSELECTEVENT(m.lParam), FD_CLOSE);
  EXPECT_EQ(WSAGETSELECTERROR(m.lParam), WSAECONNRESET);
  EXPECT_EQ(wsx_WSAGetLastError(), 4242);
}

// E4: a socket under WSAAsyncSelect has no record to enumerate.
TEST_P(Async, E4_AsyncSelectedSocketHasNoRecord) {
  Selected s = selected_pair(FD_READ);
  send_byte(s.p.client);
  expect_messages(s.q, s.p.server, {FD_READ});
  WSANETWORKEVENTS ne{};
  ASSERT_EQ(api().WSAEnumNetworkEvents(s.p.server, nullptr, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, 0);
}

// X1: the message calls need WSAStartup too.
TEST_P(Async, X1_MessageCallsNeedStartup) {
  SOCKET s = tcp();
  HWND q = queue();
  ASSERT_EQ(api().WSACleanup(), 0);
  MSG m;
  EXPECT_EQ(wsx_WSAAsyncSelect(s, q, kMsg, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(wsx_WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(wsx_CreateMessageQueue(), nullptr);
  EXPECT_EQ(wsx_WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_EQ(wsx_GetMessage(&m, q, 0, 0), -1);
  EXPECT_EQ(wsx_WSAGetLastError(), WSANOTINITIALISED);
  EXPECT_FALSE(wsx_PostMessage(q, WM_USER, 0, 0));
  EXPECT_EQ(wsx_WSAGetLastError(), WSANOTINITIALISED);
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
}

WSX_ASYNC_SUITE(Async);

}  // namespace
}  // namespace wsx::test
