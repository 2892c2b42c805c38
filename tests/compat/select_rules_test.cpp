// Rules S1-S8: selecting, re-selecting, cancelling, closing, inheriting.
#include <chrono>
#include <thread>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Select : public WinsockTest {};

TEST_P(Select, S1_ReturnsZeroOrSocketErrorWithCode) {
  SOCKET s = tcp();
  WSAEVENT ev = event();
  EXPECT_EQ(api().WSAEventSelect(s, ev, FD_READ), 0);
  EXPECT_EQ(api().WSAEventSelect(INVALID_SOCKET, ev, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  EXPECT_EQ(api().WSAEventSelect(s, WSA_INVALID_EVENT, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
}

// S2: a new select cancels the earlier one and clears the record.
TEST_P(Select, S2_ReselectCancelsAndClearsRecord) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  send_byte(p.client);
  ASSERT_TRUE(signalled(ev, kEventTimeoutMs));
  // The record holds FD_READ; re-selecting (FD_CLOSE only) clears it.
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  WSANETWORKEVENTS ne{};
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(events_str(ne.lNetworkEvents), events_str(0));
  send_byte(p.client);
  expect_quiet(p.server, ev);  // FD_READ is no longer selected
}

// S3: one event object per socket; the second call's event and mask win.
TEST_P(Select, S3_SecondSelectReplacesFirst) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev1 = event(), ev2 = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev1, FD_READ), 0);
  ASSERT_EQ(api().WSAEventSelect(p.server, ev2, FD_CLOSE), 0);
  send_byte(p.client);
  EXPECT_FALSE(signalled(ev1, kQuietMs)) << "the first event must be out of use";
  EXPECT_FALSE(signalled(ev2, 0)) << "FD_READ is not in the second mask";
  char b;
  EXPECT_EQ(api().recv(p.server, &b, 1, 0), 1);  // FD_CLOSE waits for the data to be read
  close(p.client);
  expect(p.server, ev2, FD_CLOSE);
  EXPECT_FALSE(signalled(ev1, 0));
}

// S4: mask 0 cancels (the event handle is ignored); nothing more is reported.
TEST_P(Select, S4_MaskZeroCancels) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), 0);
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, 0), 0);
  send_byte(p.client);
  close(p.client);
  EXPECT_FALSE(signalled(ev, kQuietMs));
  // A cancel with a handle that is not an event is still a cancel.
  EXPECT_EQ(api().WSAEventSelect(p.server, reinterpret_cast<WSAEVENT>(0x1234), 0), 0);
}

// S5: selecting makes the socket non-blocking; it cannot go back while a
// selection is in force, and can after a cancel.
TEST_P(Select, S5_SelectMakesNonBlockingAndPinsIt) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, 0x0), 0);  // even with an empty mask
  char b;
  EXPECT_EQ(api().recv(p.server, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK);
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  u_long blocking = 0;
  EXPECT_EQ(api().ioctlsocket(p.server, FIONBIO, &blocking), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  ASSERT_EQ(api().WSAEventSelect(p.server, nullptr, 0), 0);
  EXPECT_EQ(api().ioctlsocket(p.server, FIONBIO, &blocking), 0);
  // Blocking again: a receive waits for data.
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    send_byte(p.client, 'b');
  });
  EXPECT_EQ(api().recv(p.server, &b, 1, 0), 1);
  EXPECT_EQ(b, 'b');
  t.join();
}

// S6: closesocket cancels; no FD_CLOSE for a socket closed by the
// application; its event stays valid until WSACloseEvent.
TEST_P(Select, S6_CloseCancelsWithoutFdCloseAndEventSurvives) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), 0);
  close(p.server);
  close(p.client);
  EXPECT_FALSE(signalled(ev, kQuietMs));
  EXPECT_TRUE(api().WSASetEvent(ev));
  EXPECT_TRUE(signalled(ev));
  EXPECT_TRUE(api().WSAResetEvent(ev));
}

// S7: an accepted socket inherits the listener's event and mask, in force
// at once: FD_WRITE is reported for it with no select call of its own.
TEST_P(Select, S7_AcceptedSocketInheritsSelection) {
  SOCKET l = listener();
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(l, ev, FD_ACCEPT | FD_READ | FD_WRITE | FD_CLOSE), 0);
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  ASSERT_EQ(api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  expect(l, ev, FD_ACCEPT);
  SOCKET s = api().accept(l, nullptr, nullptr);
  ASSERT_NE(s, INVALID_SOCKET);
  expect(s, ev, FD_WRITE);
  send_byte(c);
  expect(s, ev, FD_READ);
  // And it is non-blocking, as the listener is.
  u_long blocking = 0;
  EXPECT_EQ(api().ioctlsocket(s, FIONBIO, &blocking), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  api().closesocket(s);
}

// S8: conditions that hold when select is called are reported at once.
TEST_P(Select, S8_PendingConnectionReportedAtSelect) {
  SOCKET l = listener();
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  ASSERT_EQ(api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(l, ev, FD_ACCEPT), 0);
  expect(l, ev, FD_ACCEPT);
}

TEST_P(Select, S8_UnreadDataReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  send_byte(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  expect(p.server, ev, FD_READ);
}

TEST_P(Select, S8_SendSpaceReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_WRITE), 0);
  expect(p.server, ev, FD_WRITE);
}

// The WSAAsyncSelect page: "When WSAAsyncSelect called, if there is
// currently a connection established" -> FD_CONNECT (docs/semantics.md).
TEST_P(Select, S8_EstablishedConnectionReportedAtSelect) {
  if (api().is_system) GTEST_SKIP() << "Windows departs from the page here (docs/semantics.md)";
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.client, ev, FD_CONNECT), 0);
  WSANETWORKEVENTS ne = expect(p.client, ev, FD_CONNECT);
  EXPECT_EQ(ne.iErrorCode[FD_CONNECT_BIT], 0);
}

TEST_P(Select, S8_ClosedConnectionReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  close(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  WSANETWORKEVENTS ne = expect(p.server, ev, FD_CLOSE);
  EXPECT_EQ(ne.iErrorCode[FD_CLOSE_BIT], 0);
}

WSX_CONFORMANCE_SUITE(Select);

}  // namespace
}  // namespace wsx::test
