// The Windows backend on its own: what `add` refuses, what AFD's close
// report does, and the mapping between wanted conditions and AFD masks.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/backend.hpp"
#include "core/registry.hpp"
#include "util/event_expect.hpp"
#include "util/loopback.hpp"
#include "util/native.hpp"
#include "windows/afd.hpp"
#include "windows/poll_entry.hpp"
#include "wsx/sockets.hpp"

namespace wsx {
namespace {

using namespace std::chrono_literals;
using detail::Backend;
using detail::Readiness;

// A socket whose base handle cannot be had must be refused by `add` with an
// error, never accepted and then left without events. No layered provider
// can be installed under Wine, and Wine answers SIO_BASE_HANDLE for any
// handle at all, so these drive the same refusal with handles AFD cannot
// poll: something that is not a socket, and a socket already closed.
TEST(BackendAdd, RefusesAHandleThatIsNotASocket) {
  Runtime rt;  // WSAStartup
  native_error err = 0;
  std::unique_ptr<Backend> backend = Backend::create(&err);
  ASSERT_TRUE(backend) << err;
  test::NotASocket other;
  EXPECT_EQ(backend->add(other.value(), 1), test::kErrNotSocket);
}

TEST(BackendAdd, RefusesASocketAlreadyClosed) {
  Runtime rt;
  native_error err = 0;
  std::unique_ptr<Backend> backend = Backend::create(&err);
  ASSERT_TRUE(backend) << err;
  native_socket s = test::open_natively(AF_INET, SOCK_STREAM);
  ASSERT_NE(s, kInvalidSocket);
  EXPECT_EQ(backend->add(s, 1), 0);  // a live socket is accepted
  test::close_natively(s);
  EXPECT_EQ(backend->add(s, 2), test::kErrNotSocket);
  // The refused socket is not polled: rearm and remove are harmless.
  backend->rearm(s, 2);
  backend->remove(s);
  EXPECT_EQ(backend->wait(0), 0);
}

// A socket closed behind wsx's back: AFD completes the request in flight
// with AFD_POLL_LOCAL_CLOSE. The backend drops the socket then and there;
// re-issuing on the dead handle would fail or, worse, poll whatever socket
// gets its number next.
TEST(AfdPoll, LocalCloseEndsThePollingOfThatHandle) {
  Runtime rt;
  EventHandle ev = create_event();
  native_socket listener = test::make_listener();
  test::TcpPair p = test::connect_pair(listener);
  native_socket raw = test::open_natively(AF_INET, SOCK_STREAM);
  socklen len;
  sockaddr_storage a = test::local_address(listener, &len);
  ASSERT_EQ(::connect(raw, reinterpret_cast<sockaddr*>(&a), len), 0);
  IoResult peer = accept_socket(listener, nullptr, nullptr);
  ASSERT_TRUE(peer.ok());
  constexpr EventMask kReadClose = mask_of(NetEvent::read) | mask_of(NetEvent::close);
  ASSERT_EQ(select_events(raw, NotifyTarget::event(ev), kReadClose), 0);
  test::expect_no_events(raw, ev);  // the request is in flight now
  test::close_natively(raw);
  Backend& backend = detail::current_driver()->backend();
  EventHandle list[1] = {ev};
  EXPECT_EQ(wait_for_events(list, false, Timeout::millis(100)).kind, WaitOutcome::Kind::timeout);
  std::uint64_t before = backend.reports();
  EXPECT_EQ(wait_for_events(list, false, Timeout::millis(300)).kind, WaitOutcome::Kind::timeout);
  EXPECT_LE(backend.reports() - before, 2u);
  // Other sockets carry on.
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev), kReadClose), 0);
  char c = 'x';
  test::send_all(p.client, &c, 1);
  test::expect_events(p.server, ev, mask_of(NetEvent::read));
  for (native_socket s : {p.client, p.server, listener, static_cast<native_socket>(peer.value)})
    close_socket(s);
  close_event(ev);
}

// The echo server's round: a wait reports FD_READ, the application
// enumerates (a call that does not block, so it reads the kernel first),
// receives and answers. The request of the socket is re-issued once, by the
// receive, for everything it wants: a non-blocking read of the kernel must
// not issue the narrower request of the moment between the report and the
// receive, which the receive then has to cancel (under Wine each of those
// costs the wineserver a walk of every pending poll).
TEST(AfdPoll, OneRequestPerMessageWhenTheApplicationReceivesAtOnce) {
  Runtime rt;
  EventHandle ev = create_event();
  native_socket listener = test::make_listener();
  test::TcpPair p = test::connect_pair(listener);
  constexpr EventMask kEcho =
      mask_of(NetEvent::read) | mask_of(NetEvent::write) | mask_of(NetEvent::close);
  ASSERT_EQ(select_events(p.server, NotifyTarget::event(ev), kEcho), 0);
  test::expect_events(p.server, ev, mask_of(NetEvent::write));
  constexpr int kRounds = 20;
  const detail::afd::Counts before = detail::afd::counts();
  EventHandle list[1] = {ev};
  for (int i = 0; i < kRounds; ++i) {
    char c = 'x';
    test::send_all(p.client, &c, 1);
    ASSERT_EQ(wait_for_events(list, false, Timeout::millis(5000)).kind,
              WaitOutcome::Kind::signalled);
    // Older than the driver's freshness window: the enumeration reads the
    // kernel, as it does in a busy server.
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    NetworkEvents ne;
    ASSERT_EQ(enumerate_events(p.server, ev, &ne), 0);
    ASSERT_EQ(ne.events, mask_of(NetEvent::read));
    ASSERT_EQ(receive(p.server, &c, 1, 0).value, 1);
    ASSERT_EQ(send_bytes(p.server, &c, 1, 0).value, 1);
    IoResult echo;
    for (int tries = 0; tries < 5000; ++tries) {
      echo = receive(p.client, &c, 1, 0);
      if (echo.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(echo.value, 1);
  }
  const detail::afd::Counts after = detail::afd::counts();
  EXPECT_EQ(after.cancels - before.cancels, 0u);
  EXPECT_LE(after.polls - before.polls, static_cast<unsigned long long>(kRounds + 1));
  for (native_socket s : {p.client, p.server, listener})
    close_socket(s);
  close_event(ev);
}

TEST(AfdMask, FollowsTheWantedConditions) {
  using namespace detail;
  EXPECT_EQ(afd_mask_of(Readiness{}), 0u) << "nothing wanted, no request";
  Readiness read;
  read.readable = true;
  EXPECT_EQ(afd_mask_of(read), afd::kReceive | afd::kAccept | afd::kLocalClose);
  Readiness connecting;
  connecting.writable = connecting.error = connecting.hangup = true;
  EXPECT_EQ(afd_mask_of(connecting),
            afd::kSend | afd::kConnectFail | afd::kAbort | afd::kLocalClose);
  Readiness fin;
  fin.peer_closed = true;
  fin.priority = true;
  EXPECT_EQ(afd_mask_of(fin), afd::kDisconnect | afd::kReceiveExpedited | afd::kLocalClose);
}

TEST(AfdMask, ReportsBecomeNeutralReadiness) {
  using namespace detail;
  Readiness r = readiness_of_afd(afd::kDisconnect);
  EXPECT_TRUE(r.peer_closed);
  EXPECT_TRUE(r.readable) << "end of stream reads as data does, so FD_CLOSE can follow";
  r = readiness_of_afd(afd::kAbort);
  EXPECT_TRUE(r.hangup && r.error);
  r = readiness_of_afd(afd::kConnectFail);
  EXPECT_TRUE(r.error && !r.writable);
  r = readiness_of_afd(afd::kConnect | afd::kSend);
  EXPECT_TRUE(r.writable && !r.readable);
  r = readiness_of_afd(afd::kAccept);
  EXPECT_TRUE(r.readable);
  r = readiness_of_afd(afd::kReceiveExpedited);
  EXPECT_TRUE(r.priority && !r.readable);
}

}  // namespace
}  // namespace wsx
