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
    call("async select the server side", api().WSAAsyncSelect(s.p.server, s.q, kMsg, mask), "0");
    return s;
  }
};

// S1 + X3: 0 on success; SOCKET_ERROR and a code otherwise.
TEST_P(Async, S1_X3_ReturnValuesAndInvalidTargets) {
  SOCKET s = tcp();
  HWND q = queue();
  call("async select", api().WSAAsyncSelect(s, q, kMsg, FD_READ), "0");
  call("async select INVALID_SOCKET", api().WSAAsyncSelect(INVALID_SOCKET, q, kMsg, FD_READ),
       "SOCKET_ERROR WSAENOTSOCK");
  call("async select to NULL", api().WSAAsyncSelect(s, nullptr, kMsg, FD_READ),
       "SOCKET_ERROR WSAEINVAL");
  call("async select to a bogus window",
       api().WSAAsyncSelect(s, static_cast<HWND>(not_a_handle()), kMsg, FD_READ),
       "SOCKET_ERROR WSAEINVAL");
  call("async select an undefined bit", api().WSAAsyncSelect(s, q, kMsg, FD_READ | (1L << 11)),
       "SOCKET_ERROR WSAEINVAL");
  HWND dead = api().open_window();
  call_bool("destroy a window", api().close_window(dead), "TRUE");
  call("async select to a destroyed window", api().WSAAsyncSelect(s, dead, kMsg, FD_READ),
       "SOCKET_ERROR WSAEINVAL");
}

// S2: an async select cancels an event select and the other way round.
TEST_P(Async, S2_AsyncAndEventSelectCancelEachOther) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  HWND q = queue();
  call("event select", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  call("async select", api().WSAAsyncSelect(p.server, q, kMsg, FD_READ), "0");
  send_byte(p.client);
  expect_messages(q, p.server, {FD_READ});
  expect_signalled("the cancelled event select's event", ev, 0, false);
  call("recv", recv_some(p.server, 1), "1");
  call("event select again", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  send_byte(p.client);
  expect(p.server, ev, FD_READ);
  expect_no_messages(q, p.server);
}

// S3: one hWnd and wMsg per socket; the second call wins.
TEST_P(Async, S3_SecondAsyncSelectReplacesFirst) {
  SOCKET l = listener();
  Pair p = connected(l);
  HWND q1 = queue(), q2 = queue();
  call("async select READ to window 1", api().WSAAsyncSelect(p.server, q1, kMsg, FD_READ), "0");
  call("async select WRITE to window 2", api().WSAAsyncSelect(p.server, q2, kMsg + 1, FD_WRITE),
       "0");
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
  while (!api().peek_message(s.q, &m) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  call("cancel", api().WSAAsyncSelect(s.p.server, nullptr, 0, 0), "0");
  BOOL queued = api().peek_message(s.q, &m);
  observe("queued after the cancel",
          queued && m.wParam == static_cast<WPARAM>(s.p.server) ? "its message" : "nothing",
          "its message");
  if (is_system()) {
    drain(s.q, 0);  // a window has no purge: read the message instead
  } else {
    EXPECT_EQ(wsx_PurgeSocketMessages(s.q, s.p.server), 1);  // wsx's own call
  }
  observe("queued after purging", api().peek_message(s.q, &m) ? "a message" : "nothing", "nothing");
  close(s.p.client);
  expect_no_messages(s.q, s.p.server);
}

// S5: WSAAsyncSelect makes the socket non-blocking and pins it.
TEST_P(Async, S5_AsyncSelectMakesNonBlocking) {
  Selected s = selected_pair(FD_READ);
  char b;
  call("recv", api().recv(s.p.server, &b, 1, 0), "SOCKET_ERROR WSAEWOULDBLOCK");
  u_long blocking = 0;
  call("FIONBIO 0 while selected", api().ioctlsocket(s.p.server, FIONBIO, &blocking),
       "SOCKET_ERROR WSAEINVAL");
  call("cancel", api().WSAAsyncSelect(s.p.server, s.q, 0, 0), "0");
  call("FIONBIO 0 after cancel", api().ioctlsocket(s.p.server, FIONBIO, &blocking), "0");
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
  call("async select listener", api().WSAAsyncSelect(l, q, kMsg, FD_ACCEPT | FD_READ | FD_WRITE),
       "0");
  SOCKET c = tcp();
  sockaddr_in a = address_of(l);
  call("connect", api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  expect_messages(q, l, {FD_ACCEPT});
  SOCKET s = call_socket("accept", api().accept(l, nullptr, nullptr), "a socket");
  expect_messages(q, s, {FD_WRITE});
  send_byte(c);
  expect_messages(q, s, {FD_READ});
}

// S8: what holds at select time is posted at once.
TEST_P(Async, S8_PersistenceAtAsyncSelect) {
  SOCKET l = listener();
  Pair p = connected(l);
  send_byte(p.client);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  HWND q = queue();
  call("async select READ|WRITE", api().WSAAsyncSelect(p.server, q, kMsg, FD_READ | FD_WRITE), "0");
  std::vector<Note> got = drain(q, kQuietMs);
  long seen = 0;
  for (const Note& n : got)
    seen |= n.event;
  // In either order: both held at select time.
  observe("messages at select", events_str(seen) + " in " + std::to_string(got.size()),
          "{READ|WRITE} in 2");
}

// R1 + M1: one message per event, wParam the socket, lParam the event and
// its error.
TEST_P(Async, R1_M1_OneMessagePerEventWithSocketAndError) {
  SOCKET l = listener();
  sockaddr_in a = address_of(l);
  close(l);
  SOCKET c = tcp();
  HWND q = queue();
  call("async select CONNECT|WRITE|CLOSE",
       api().WSAAsyncSelect(c, q, kMsg, FD_CONNECT | FD_WRITE | FD_CLOSE), "0");
  api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
  // wParam is the socket: expect_messages takes only c's messages.
  expect_messages(q, c, {{FD_CONNECT, WSAECONNREFUSED}});
}

// R2 + M2: at most one message per event until it is re-enabled.
TEST_P(Async, R2_M2_NoFloodingBeforeReenable) {
  Selected s = selected_pair(FD_READ);
  for (int i = 0; i < 50; ++i)
    send_byte(s.p.client);
  expect_messages(s.q, s.p.server, {FD_READ});
  call("recv 10", recv_some(s.p.server, 10), "10");  // 40 bytes left: one more message
  expect_messages(s.q, s.p.server, {FD_READ});
}

// R5: level-triggered FD_READ and FD_ACCEPT in message mode.
TEST_P(Async, R5_LevelTriggeredMessages) {
  SOCKET l = listener();
  HWND q = queue();
  call("async select ACCEPT", api().WSAAsyncSelect(l, q, kMsg, FD_ACCEPT), "0");
  sockaddr_in a = address_of(l);
  SOCKET c1 = tcp(), c2 = tcp();
  call("connect 1", api().connect(c1, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  call("connect 2", api().connect(c2, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  expect_messages(q, l, {FD_ACCEPT});
  call_socket("accept 1", api().accept(l, nullptr, nullptr), "a socket");
  expect_messages(q, l, {FD_ACCEPT});
  call_socket("accept 2", api().accept(l, nullptr, nullptr), "a socket");
  expect_no_messages(q, l);
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
  call("fill with send", rc, "SOCKET_ERROR WSAEWOULDBLOCK");
  expect_no_messages(s.q, s.p.server, 20);
  u_long nb = 1;
  api().ioctlsocket(s.p.client, FIONBIO, &nb);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  MSG m;
  while (std::chrono::steady_clock::now() < deadline) {
    if (recv_some(s.p.client) <= 0 && api().peek_message(s.q, &m)) break;
  }
  expect_messages(s.q, s.p.server, {FD_WRITE});
}

// R9: FD_CLOSE once, with WSAECONNRESET after a reset.
TEST_P(Async, R9_CloseMessageOnceWithError) {
  Selected s = selected_pair(FD_READ | FD_CLOSE);
  reset_close(s.p.client);
  expect_messages(s.q, s.p.server, {{FD_CLOSE, WSAECONNRESET}});
}

// R11: datagrams: FD_READ per datagram, never FD_ACCEPT or FD_CLOSE.
TEST_P(Async, R11_DatagramMessages) {
  SOCKET u = udp();
  SOCKET tx = udp();
  HWND q = queue();
  call("async select READ|ACCEPT|CLOSE",
       api().WSAAsyncSelect(u, q, kMsg, FD_READ | FD_ACCEPT | FD_CLOSE), "0");
  sockaddr_in a = address_of(u);
  for (int i = 0; i < 2; ++i) {
    call("sendto", api().sendto(tx, "ab", 2, 0, reinterpret_cast<sockaddr*>(&a), sizeof a), "2");
  }
  char buf[4];
  for (int i = 0; i < 2; ++i) {
    expect_messages(q, u, {FD_READ});
    call("recvfrom", api().recvfrom(u, buf, sizeof buf, 0, nullptr, nullptr), "2");
  }
  expect_no_messages(q, u);
}

// M3: FD_CONNECT is posted before the first FD_WRITE.
TEST_P(Async, M3_ConnectBeforeWrite) {
  SOCKET l = listener();
  for (int round = 0; round < 20; ++round) {
    SOCKET c = tcp();
    HWND q = queue();
    call("async select CONNECT|WRITE", api().WSAAsyncSelect(c, q, kMsg, FD_CONNECT | FD_WRITE),
         "0");
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
  int posted = 0;
  while (posted < kPosted && api().post_message(q, WM_USER + 7, static_cast<WPARAM>(posted),
                                                static_cast<LPARAM>(-posted))) {
    ++posted;
  }
  observe("posted", std::to_string(posted), std::to_string(kPosted));
  MSG msgs[256];
  int expected = 0;
  bool in_order = true;
  for (;;) {
    int n = api().take_messages(q, msgs, 256, 0);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      // One posting thread: its messages come out in order.
      in_order = in_order && msgs[i].wParam == static_cast<WPARAM>(expected) &&
                 msgs[i].lParam == static_cast<LPARAM>(-expected);
      ++expected;
    }
  }
  observe("received", std::to_string(expected) + (in_order ? " in order" : " out of order"),
          std::to_string(kPosted) + " in order");
}

// X4: a message's error is in lParam; reading it leaves WSAGetLastError.
TEST_P(Async, X4_MessageErrorLeavesLastErrorAlone) {
  Selected s = selected_pair(FD_CLOSE);
  reset_close(s.p.client);
  api().WSASetLastError(4242);
  MSG m;
  int n = api().take_messages(s.q, &m, 1, kEventTimeoutMs);
  int last = api().WSAGetLastError();
  Note note{static_cast<SOCKET>(m.wParam), m.message, WSAGETSELECTEVENT(m.lParam),
            WSAGETSELECTERROR(m.lParam)};
  observe("the message", n == 1 ? notes_str({note}) : "none", "[CLOSE WSAECONNRESET]");
  observe("last error after reading it", std::to_string(last), "4242");
}

// E4: a socket under WSAAsyncSelect has no record to enumerate.
TEST_P(Async, E4_AsyncSelectedSocketHasNoRecord) {
  Selected s = selected_pair(FD_READ);
  send_byte(s.p.client);
  expect_messages(s.q, s.p.server, {FD_READ});
  WSANETWORKEVENTS ne{};
  call("enumerate", api().WSAEnumNetworkEvents(s.p.server, nullptr, &ne), "0");
  observe("record", network_events_str(ne), "{}");
}

// X1: the message calls need WSAStartup too.
TEST_P(Async, X1_MessageCallsNeedStartup) {
  SOCKET s = tcp();
  HWND q = queue();
  call("WSACleanup", api().WSACleanup(), "0");
  MSG m;
  call("async select", api().WSAAsyncSelect(s, q, kMsg, FD_READ), "SOCKET_ERROR WSANOTINITIALISED");
  // Windows' windows, like its events, are not Winsock's: wsx's queues are.
  HWND made = api().open_window();
  int made_err = api().WSAGetLastError();
  observe("open a window", made ? "a window" : "NULL " + error_name(made_err),
          "NULL WSANOTINITIALISED");
  if (made) api().close_window(made);
  call("take messages", api().take_messages(q, &m, 1, 0), "SOCKET_ERROR WSANOTINITIALISED");
  call_bool("post", api().post_message(q, WM_USER, 0, 0), "FALSE WSANOTINITIALISED");
  if (is_system()) drain(q, 0);  // what was posted
  WSADATA d;
  call("WSAStartup", api().WSAStartup(MAKEWORD(2, 2), &d), "0");
}

WSX_ASYNC_SUITE(Async);

}  // namespace
}  // namespace wsx::test
