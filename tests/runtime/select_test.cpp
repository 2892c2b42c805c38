// The runtime's select path on real loopback sockets, through the native
// C++ API. The full rule-by-rule conformance suite runs through the Winsock
// facade (tests/compat); these pin the runtime's own behaviour.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "core/registry.hpp"
#include "util/event_expect.hpp"
#include "util/loopback.hpp"
#include "util/native.hpp"
#include "wsx/sockets.hpp"

namespace wsx {
namespace {

using namespace std::chrono_literals;
using test::expect_events;
using test::expect_no_events;

constexpr EventMask kRead = mask_of(NetEvent::read);
constexpr EventMask kWrite = mask_of(NetEvent::write);
constexpr EventMask kAccept = mask_of(NetEvent::accept);
constexpr EventMask kConnect = mask_of(NetEvent::connect);
constexpr EventMask kClose = mask_of(NetEvent::close);
constexpr EventMask kOob = mask_of(NetEvent::oob);

// Waits `quiet` with nothing expected for s and checks that the backend was
// told (almost) nothing meanwhile either: a backend that keeps asking the OS
// about a condition already reported or known (AFD poll completes at once
// for one that holds) spins, and under Wine it burns the wineserver's CPU,
// not this process's, so the OS reports are what is counted.
void expect_quiet(native_socket s, EventHandle ev, std::chrono::milliseconds quiet = 300ms) {
  detail::Backend& backend = detail::current_driver()->backend();
  std::uint64_t before = backend.reports();
  expect_no_events(s, ev, quiet);
  std::uint64_t reports = backend.reports() - before;
  EXPECT_LE(reports, 4u) << "the OS reported " << reports << " times while nothing happened";
}

class SelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(rt_.error(), 0);
    listener_ = test::make_listener();
    ev_ = create_event();
  }
  void TearDown() override {
    test::close_quietly(listener_);
    close_event(ev_);
  }
  Runtime rt_;
  native_socket listener_ = kInvalidSocket;
  EventHandle ev_;
};

TEST_F(SelectTest, AcceptIsReportedAndLevelTriggered) {
  ASSERT_EQ(select_events(listener_, NotifyTarget::event(ev_), kAccept), 0);
  socklen len;
  sockaddr_storage a = test::local_address(listener_, &len);
  native_socket c1 = static_cast<native_socket>(open_socket(AF_INET, SOCK_STREAM, 0).value);
  native_socket c2 = static_cast<native_socket>(open_socket(AF_INET, SOCK_STREAM, 0).value);
  ASSERT_TRUE(connect_socket(c1, reinterpret_cast<sockaddr*>(&a), len).ok());
  ASSERT_TRUE(connect_socket(c2, reinterpret_cast<sockaddr*>(&a), len).ok());
  expect_events(listener_, ev_, kAccept);
  IoResult s1 = accept_socket(listener_, nullptr, nullptr);
  ASSERT_TRUE(s1.ok());
  expect_events(listener_, ev_, kAccept);  // the second connection still waits
  IoResult s2 = accept_socket(listener_, nullptr, nullptr);
  ASSERT_TRUE(s2.ok());
  expect_no_events(listener_, ev_);
  for (auto s :
       {c1, c2, static_cast<native_socket>(s1.value), static_cast<native_socket>(s2.value)})
    close_socket(s);
}

TEST_F(SelectTest, ReadIsLevelTriggeredAcrossPartialReceives) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead), 0);
  expect_no_events(p.server, ev_);
  char buf[100] = {};
  test::send_all(p.client, buf, 100);
  expect_events(p.server, ev_, kRead);
  EXPECT_EQ(receive(p.server, buf, 50, 0).value, 50);
  expect_events(p.server, ev_, kRead);
  EXPECT_EQ(receive(p.server, buf, 50, 0).value, 50);
  expect_no_events(p.server, ev_);
  close_socket(p.client);
  close_socket(p.server);
}

TEST_F(SelectTest, ConnectThenWriteThenGracefulClose) {
  native_socket c = static_cast<native_socket>(open_socket(AF_INET, SOCK_STREAM, 0).value);
  ASSERT_EQ(select_events(c, NotifyTarget::event(ev_), kConnect | kWrite | kRead | kClose), 0);
  socklen len;
  sockaddr_storage a = test::local_address(listener_, &len);
  IoResult r = connect_socket(c, reinterpret_cast<sockaddr*>(&a), len);
  EXPECT_FALSE(r.ok());  // non-blocking: in progress
  NetworkEvents ne;
  expect_events(c, ev_, kConnect | kWrite, &ne);
  EXPECT_EQ(ne.errors[static_cast<int>(NetEvent::connect)], 0);
  IoResult s = accept_socket(listener_, nullptr, nullptr);
  ASSERT_TRUE(s.ok());
  char buf[8] = "abc";
  test::send_all(static_cast<native_socket>(s.value), buf, 3);
  close_socket(static_cast<native_socket>(s.value));
  // Data first; FD_CLOSE only once it has been read.
  expect_events(c, ev_, kRead);
  EXPECT_EQ(receive(c, buf, sizeof buf, 0).value, 3);
  expect_events(c, ev_, kClose, &ne);
  EXPECT_EQ(ne.errors[static_cast<int>(NetEvent::close)], 0);
  close_socket(c);
}

TEST_F(SelectTest, ConnectRefusedReportsTheError) {
  socklen len;
  sockaddr_storage a = test::local_address(listener_, &len);
  close_socket(listener_);
  listener_ = kInvalidSocket;
  native_socket c = static_cast<native_socket>(open_socket(AF_INET, SOCK_STREAM, 0).value);
  ASSERT_EQ(select_events(c, NotifyTarget::event(ev_), kConnect | kWrite), 0);
  connect_socket(c, reinterpret_cast<sockaddr*>(&a), len);
  NetworkEvents ne;
  expect_events(c, ev_, kConnect, &ne);
  EXPECT_EQ(ne.errors[static_cast<int>(NetEvent::connect)], test::kErrConnRefused);
  close_socket(c);
}

TEST_F(SelectTest, ResetGivesCloseWithConnReset) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kClose), 0);
  test::close_with_reset(p.client);
  NetworkEvents ne;
  expect_events(p.server, ev_, kClose, &ne);
  EXPECT_EQ(ne.errors[static_cast<int>(NetEvent::close)], test::kErrConnReset);
  expect_quiet(p.server, ev_);  // the reset holds for ever; it is not polled again
  char buf[4];
  IoResult r = receive(p.server, buf, sizeof buf, 0);
  EXPECT_EQ(r.error, test::kErrConnReset);
  close_socket(p.server);
}

TEST_F(SelectTest, UrgentDataGivesOob) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kOob), 0);
  char c = '!';
  test::send_all(p.client, &c, 1, MSG_OOB);
  expect_events(p.server, ev_, kOob);
  char got = 0;
  EXPECT_EQ(receive(p.server, &got, 1, MSG_OOB).value, 1);
  EXPECT_EQ(got, '!');
  expect_no_events(p.server, ev_);
  close_socket(p.client);
  close_socket(p.server);
}

TEST_F(SelectTest, WriteComesBackAfterWouldBlock) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.client, NotifyTarget::event(ev_), kWrite), 0);
  expect_events(p.client, ev_, kWrite);
  std::vector<char> chunk(65536, 'x');
  long sent = 0;
  for (int i = 0; i < 100000; ++i) {
    IoResult r = send_bytes(p.client, chunk.data(), chunk.size(), 0);
    if (!r.ok()) {
      EXPECT_EQ(r.error, test::kErrWouldBlock);
      break;
    }
    sent += r.value;
    // R7: no FD_WRITE while sends succeed.
  }
  expect_no_events(p.client, ev_, 20ms);
  // Drain the peer: space comes back and FD_WRITE with it.
  long got = 0;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got < sent && std::chrono::steady_clock::now() < deadline) {
    IoResult r = receive(p.server, chunk.data(), chunk.size(), 0);
    if (r.ok()) got += r.value;
  }
  EXPECT_EQ(got, sent);
  expect_events(p.client, ev_, kWrite);
  close_socket(p.client);
  close_socket(p.server);
}

TEST_F(SelectTest, UdpReadPerDatagramAndWriteAfterBind) {
  native_socket u = test::make_udp();
  native_socket tx = test::make_udp();
  ASSERT_EQ(select_events(u, NotifyTarget::event(ev_), kRead | kWrite | kClose | kConnect), 0);
  expect_events(u, ev_, kWrite);
  socklen len;
  sockaddr_storage a = test::local_address(u, &len);
  char d = 'd';
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(send_to(tx, &d, 1, 0, reinterpret_cast<sockaddr*>(&a), len).ok());
  }
  for (int i = 0; i < 3; ++i) {
    expect_events(u, ev_, kRead);
    EXPECT_EQ(receive_from(u, &d, 1, 0, nullptr, nullptr).value, 1);
  }
  expect_no_events(u, ev_);
  close_socket(u);
  close_socket(tx);
}

TEST_F(SelectTest, ClosedSocketGetsNoMoreEvents) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kClose), 0);
  close_socket(p.server);
  char c = 'z';
  test::send_all(p.client, &c, 1);
  close_socket(p.client);
  EventHandle list[1] = {ev_};
  EXPECT_EQ(wait_for_events(list, false, Timeout::millis(100)).kind, WaitOutcome::Kind::timeout);
}

TEST_F(SelectTest, ForeignSocketCanBeSelected) {
  native_socket raw = test::open_natively(AF_INET, SOCK_STREAM);
  socklen len;
  sockaddr_storage a = test::local_address(listener_, &len);
  ASSERT_EQ(::connect(raw, reinterpret_cast<sockaddr*>(&a), len), 0);
  IoResult s = accept_socket(listener_, nullptr, nullptr);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(select_events(raw, NotifyTarget::event(ev_), kRead | kWrite | kConnect), 0);
  // Established already: FD_CONNECT at select (S8) and FD_WRITE.
  expect_events(raw, ev_, kConnect | kWrite);
  char c = 'q';
  test::send_all(static_cast<native_socket>(s.value), &c, 1);
  expect_events(raw, ev_, kRead);
  test::close_natively(raw);
  close_socket(static_cast<native_socket>(s.value));
}

TEST_F(SelectTest, NotASocketIsRefused) {
  EXPECT_EQ(select_events(0x7ffffff0, NotifyTarget::event(ev_), kRead), test::kErrBadDescriptor);
  test::NotASocket other;
  EXPECT_EQ(select_events(other.value(), NotifyTarget::event(ev_), kRead), test::kErrNotSocket);
}

// R2 without a busy loop: while FD_READ waits for its receive, the data that
// raised it sits unread.
TEST_F(SelectTest, UnreadDataAfterReadIsReportedDoesNotSpin) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kClose | kOob), 0);
  char buf[100] = {};
  test::send_all(p.client, buf, sizeof buf);
  expect_events(p.server, ev_, kRead);
  double cpu_before = test::process_cpu_ms();
  expect_quiet(p.server, ev_, 500ms);
  double cpu = test::process_cpu_ms() - cpu_before;
  EXPECT_LT(cpu, 250.0) << "waiting with unread data used " << cpu << " ms of CPU in 500 ms";
  // And the data is still reported once it is asked for again (R5).
  EXPECT_EQ(receive(p.server, buf, 10, 0).value, 10);
  expect_events(p.server, ev_, kRead);
  close_socket(p.client);
  close_socket(p.server);
}

// R9 after R5: the FIN behind unread data gives FD_CLOSE only after the
// data has been read, and never an FD_READ of its own.
TEST_F(SelectTest, CloseWaitsForUnreadDataThenComesOnce) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kClose), 0);
  char buf[64] = "tail";
  test::send_all(p.client, buf, 5);
  close_socket(p.client);
  expect_events(p.server, ev_, kRead);
  EXPECT_EQ(receive(p.server, buf, sizeof buf, 0).value, 5);
  NetworkEvents ne;
  expect_events(p.server, ev_, kClose, &ne);
  EXPECT_EQ(ne.errors[static_cast<int>(NetEvent::close)], 0);
  EXPECT_EQ(receive(p.server, buf, sizeof buf, 0).value, 0);
  expect_quiet(p.server, ev_);  // the FIN holds for ever; it is not polled again
  close_socket(p.server);
}

// R4/R5 across threads: one thread waits (and drives the backend) while
// another's receive re-enables FD_READ. A backend that polls only what is
// wanted must then widen the request the waiting thread sleeps on.
TEST_F(SelectTest, ReadReEnabledWhileAnotherThreadWaits) {
  test::TcpPair p = test::connect_pair(listener_);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev_), kRead | kClose), 0);
  char c = 'a';
  test::send_all(p.client, &c, 1);
  expect_events(p.server, ev_, kRead);
  WaitOutcome got;
  std::thread waiter([&] {
    EventHandle list[1] = {ev_};
    got = wait_for_events(list, false, Timeout::millis(10000));
  });
  std::this_thread::sleep_for(100ms);  // the waiter sleeps in the backend by now
  EXPECT_EQ(receive(p.server, &c, 1, 0).value, 1);
  std::this_thread::sleep_for(100ms);
  test::send_all(p.client, &c, 1);
  waiter.join();
  EXPECT_EQ(got.kind, WaitOutcome::Kind::signalled);
  expect_events(p.server, ev_, kRead);
  close_socket(p.client);
  close_socket(p.server);
}

// A socket closed behind wsx's back while its poll is in flight, and its
// number taken at once by a new socket: the old socket's close report must
// not stop the new one from being polled (libuv's test-poll-closesocket is
// the same family of bug).
TEST_F(SelectTest, NumberReusedAfterAForeignCloseGetsItsOwnEvents) {
  socklen len;
  sockaddr_storage a = test::local_address(listener_, &len);
  EventHandle ev2 = create_event();
  for (int i = 0; i < 10; ++i) {
    native_socket raw = test::open_natively(AF_INET, SOCK_STREAM);
    ASSERT_EQ(::connect(raw, reinterpret_cast<sockaddr*>(&a), len), 0);
    IoResult peer = accept_socket(listener_, nullptr, nullptr);
    ASSERT_TRUE(peer.ok());
    ASSERT_EQ(select_events(raw, NotifyTarget::event(ev_), kRead | kClose), 0);
    expect_no_events(raw, ev_, 20ms);  // its request is in flight now
    test::close_natively(raw);
    test::TcpPair p = test::connect_pair(listener_);  // usually takes raw's number
    ASSERT_EQ(select_events(p.client, NotifyTarget::event(ev2), kRead), 0);
    char c = 'r';
    test::send_all(p.server, &c, 1);
    ASSERT_EQ(test::next_events(p.client, ev2), kRead)
        << "round " << i << (p.client == raw ? " (number reused)" : "");
    for (native_socket s : {p.client, p.server, static_cast<native_socket>(peer.value)})
      close_socket(s);
  }
  close_event(ev2);
}

// W1's reason to exist: far more sockets than 64, each with its own events,
// none lost or mixed up (on Windows they span several AFD helper groups).
TEST_F(SelectTest, HundredsOfSocketsEachGetTheirOwnRead) {
  constexpr int kPairs = 150;
  std::vector<test::TcpPair> pairs;
  std::vector<EventHandle> events;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(test::connect_pair(listener_));
    events.push_back(create_event());
    ASSERT_EQ(select_events(pairs.back().server, NotifyTarget::event(events.back()), kRead), 0);
  }
  for (int i = 0; i < kPairs; i += 2) {
    char c = static_cast<char>(i);
    test::send_all(pairs[i].client, &c, 1);
  }
  for (int i = 0; i < kPairs; i += 2) {
    ASSERT_EQ(test::next_events(pairs[i].server, events[i]), kRead) << "socket " << i;
    char c = 0;
    EXPECT_EQ(receive(pairs[i].server, &c, 1, 0).value, 1);
    EXPECT_EQ(c, static_cast<char>(i));
  }
  for (int i = 1; i < kPairs; i += 2) {
    EventHandle list[1] = {events[i]};
    EXPECT_EQ(wait_for_events(list, false, Timeout::zero()).kind, WaitOutcome::Kind::timeout)
        << "socket " << i << " had no data";
  }
  for (int i = 0; i < kPairs; ++i) {
    close_socket(pairs[i].client);
    close_socket(pairs[i].server);
    close_event(events[i]);
  }
}

}  // namespace
}  // namespace wsx
