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
  call("select", api().WSAEventSelect(s, ev, FD_READ), "0");
  call("select INVALID_SOCKET", api().WSAEventSelect(INVALID_SOCKET, ev, FD_READ),
       "SOCKET_ERROR WSAENOTSOCK");
  call("select with no event", api().WSAEventSelect(s, WSA_INVALID_EVENT, FD_READ),
       "SOCKET_ERROR WSAEINVAL");
}

// S2: a new select cancels the earlier one and clears the record.
TEST_P(Select, S2_ReselectCancelsAndClearsRecord) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  send_byte(p.client);
  expect_signalled("data arrives", ev, kEventTimeoutMs, true);
  // The record holds FD_READ; re-selecting (FD_CLOSE only) clears it.
  call("reselect CLOSE", api().WSAEventSelect(p.server, ev, FD_CLOSE), "0");
  WSANETWORKEVENTS ne{};
  call("enumerate", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record after reselect", events_str(ne.lNetworkEvents), "{}");
  send_byte(p.client);
  expect_quiet(p.server, ev, kQuietMs, "READ no longer selected");
}

// S3: one event object per socket; the second call's event and mask win.
TEST_P(Select, S3_SecondSelectReplacesFirst) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev1 = event(), ev2 = event();
  call("select READ on event 1", api().WSAEventSelect(p.server, ev1, FD_READ), "0");
  call("select CLOSE on event 2", api().WSAEventSelect(p.server, ev2, FD_CLOSE), "0");
  send_byte(p.client);
  expect_signalled("event 1 after data", ev1, kQuietMs, false);
  expect_signalled("event 2 after data", ev2, 0, false);
  char b;
  call("recv", api().recv(p.server, &b, 1, 0), "1");  // FD_CLOSE waits for the data to be read
  close(p.client);
  expect(p.server, ev2, FD_CLOSE);
  expect_signalled("event 1 after close", ev1, 0, false);
}

// S4: mask 0 cancels (the event handle is ignored); nothing more is reported.
TEST_P(Select, S4_MaskZeroCancels) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select READ|CLOSE", api().WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), "0");
  call("cancel", api().WSAEventSelect(p.server, ev, 0), "0");
  send_byte(p.client);
  close(p.client);
  expect_signalled("after data and close", ev, kQuietMs, false);
  // A cancel with a handle that is not an event is still a cancel.
  call("cancel with a bogus handle", api().WSAEventSelect(p.server, not_a_handle(), 0), "0");
}

// S5: selecting makes the socket non-blocking; it cannot go back while a
// selection is in force, and can after a cancel.
TEST_P(Select, S5_SelectMakesNonBlockingAndPinsIt) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select nothing", api().WSAEventSelect(p.server, ev, 0x0), "0");  // even an empty mask
  char b;
  call("recv", api().recv(p.server, &b, 1, 0), "SOCKET_ERROR WSAEWOULDBLOCK");
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  u_long blocking = 0;
  call("FIONBIO 0 while selected", api().ioctlsocket(p.server, FIONBIO, &blocking),
       "SOCKET_ERROR WSAEINVAL");
  call("cancel with NULL", api().WSAEventSelect(p.server, nullptr, 0), "0");
  call("FIONBIO 0 after cancel", api().ioctlsocket(p.server, FIONBIO, &blocking), "0");
  // Blocking again: a receive waits for data (which comes, so it is bounded).
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    send_byte(p.client, 'b');
  });
  call("blocking recv", api().recv(p.server, &b, 1, 0), "1");
  t.join();
  observe("byte", std::string(1, b), "b");
}

// S6: closesocket cancels; no FD_CLOSE for a socket closed by the
// application; its event stays valid until WSACloseEvent.
TEST_P(Select, S6_CloseCancelsWithoutFdCloseAndEventSurvives) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select READ|CLOSE", api().WSAEventSelect(p.server, ev, FD_READ | FD_CLOSE), "0");
  close(p.server);
  close(p.client);
  expect_signalled("after both ends closed", ev, kQuietMs, false);
  call_bool("set the event", api().WSASetEvent(ev), "TRUE");
  expect_signalled("after set", ev, 0, true);
  call_bool("reset the event", api().WSAResetEvent(ev), "TRUE");
}

// S7: an accepted socket inherits the listener's event and mask, in force
// at once: FD_WRITE is reported for it with no select call of its own.
TEST_P(Select, S7_AcceptedSocketInheritsSelection) {
  SOCKET l = listener();
  WSAEVENT ev = event();
  call("select listener", api().WSAEventSelect(l, ev, FD_ACCEPT | FD_READ | FD_WRITE | FD_CLOSE),
       "0");
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  call("connect", api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  expect(l, ev, FD_ACCEPT);
  SOCKET s = call_socket("accept", api().accept(l, nullptr, nullptr), "a socket");
  expect(s, ev, FD_WRITE, "", "accepted socket: expect {WRITE}");
  send_byte(c);
  expect(s, ev, FD_READ, "", "accepted socket: expect {READ}");
  // And it is non-blocking, as the listener is.
  u_long blocking = 0;
  call("FIONBIO 0 on the accepted socket", api().ioctlsocket(s, FIONBIO, &blocking),
       "SOCKET_ERROR WSAEINVAL");
}

// S8: conditions that hold when select is called are reported at once.
TEST_P(Select, S8_PendingConnectionReportedAtSelect) {
  SOCKET l = listener();
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  call("connect", api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  call("select ACCEPT", api().WSAEventSelect(l, ev, FD_ACCEPT), "0");
  expect(l, ev, FD_ACCEPT);
}

TEST_P(Select, S8_UnreadDataReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  send_byte(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  expect(p.server, ev, FD_READ);
}

TEST_P(Select, S8_SendSpaceReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select WRITE", api().WSAEventSelect(p.server, ev, FD_WRITE), "0");
  expect(p.server, ev, FD_WRITE);
}

// The WSAAsyncSelect page: "When WSAAsyncSelect called, if there is
// currently a connection established" -> FD_CONNECT (docs/semantics.md).
TEST_P(Select, S8_EstablishedConnectionReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select CONNECT", api().WSAEventSelect(p.client, ev, FD_CONNECT), "0");
  expect(p.client, ev, FD_CONNECT, "", "established: expect {CONNECT}");
}

TEST_P(Select, S8_ClosedConnectionReportedAtSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  close(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WSAEVENT ev = event();
  call("select CLOSE", api().WSAEventSelect(p.server, ev, FD_CLOSE), "0");
  expect(p.server, ev, FD_CLOSE);
}

WSX_CONFORMANCE_SUITE(Select);

}  // namespace
}  // namespace wsx::test
