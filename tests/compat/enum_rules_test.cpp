// Rules E1-E5: WSAEnumNetworkEvents.
#include <atomic>
#include <chrono>
#include <thread>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Enumerate : public WinsockTest {};

// E1: copy, clear and reset in one step: nothing recorded during the call
// is lost (either in the copy, or setting the event again afterwards).
TEST_P(Enumerate, E1_CopyClearResetLosesNothing) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  constexpr int kRounds = 300;
  int reports = 0;
  for (int i = 0; i < kRounds; ++i) {
    send_byte(p.client);
    // Each byte must be seen: wait, enumerate (resetting), read it.
    ASSERT_TRUE(signalled(ev, kEventTimeoutMs)) << "round " << i;
    WSANETWORKEVENTS ne{};
    ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
    if (ne.lNetworkEvents & FD_READ) {
      ++reports;
      ASSERT_EQ(recv_some(p.server, 1), 1);
    } else {
      --i;  // a spare wake-up: allowed, never a lost one
    }
  }
  EXPECT_EQ(reports, kRounds);
  EXPECT_FALSE(signalled(ev, kQuietMs));
}

TEST_P(Enumerate, E1_ResetsTheEventAndClearsTheRecord) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  send_byte(p.client);
  ASSERT_TRUE(signalled(ev, kEventTimeoutMs));
  WSANETWORKEVENTS ne{};
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, FD_READ);
  EXPECT_FALSE(signalled(ev));
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, 0);
}

// E2: only the iErrorCode entries of reported events are written.
TEST_P(Enumerate, E2_OnlyReportedErrorCodesAreWritten) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  reset_close(p.client);
  ASSERT_TRUE(signalled(ev, kEventTimeoutMs));
  WSANETWORKEVENTS ne;
  ne.lNetworkEvents = 0;
  for (int& e : ne.iErrorCode)
    e = 0x5a5a;
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, FD_CLOSE);
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (i == FD_CLOSE_BIT) {
      EXPECT_EQ(ne.iErrorCode[i], WSAECONNRESET);
    } else {
      EXPECT_EQ(ne.iErrorCode[i], 0x5a5a) << "entry " << i << " was written";
    }
  }
}

// E3: a failing call neither clears the record nor resets the event.
TEST_P(Enumerate, E3_FailureChangesNothing) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  send_byte(p.client);
  ASSERT_TRUE(signalled(ev, kEventTimeoutMs));
  EXPECT_EQ(api().WSAEnumNetworkEvents(p.server, ev, nullptr), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  EXPECT_TRUE(signalled(ev));
  WSANETWORKEVENTS ne{};
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, FD_READ);
}

// E4: it reports only what WSAEventSelect nominated.
TEST_P(Enumerate, E4_OnlyNominatedEvents) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  WSANETWORKEVENTS ne{};
  // Never selected: an empty record.
  send_byte(p.client);
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, nullptr, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, 0);
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_CLOSE), 0);
  send_byte(p.client);
  EXPECT_FALSE(signalled(ev, kQuietMs));
  ASSERT_EQ(api().WSAEnumNetworkEvents(p.server, ev, &ne), 0);
  EXPECT_EQ(ne.lNetworkEvents, 0);
}

// E5: its errors.
TEST_P(Enumerate, E5_Errors) {
  SOCKET s = tcp();
  WSAEVENT ev = event();
  WSANETWORKEVENTS ne{};
  EXPECT_EQ(api().WSAEnumNetworkEvents(INVALID_SOCKET, ev, &ne), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  EXPECT_EQ(api().WSAEnumNetworkEvents(s, ev, nullptr), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  if (!api().is_system) {  // the system's handle checks are the kernel's
    EXPECT_EQ(api().WSAEnumNetworkEvents(s, reinterpret_cast<WSAEVENT>(0x4321), &ne), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  }
  api().WSACleanup();
  EXPECT_EQ(api().WSAEnumNetworkEvents(s, ev, &ne), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSANOTINITIALISED);
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
}

WSX_CONFORMANCE_SUITE(Enumerate);

}  // namespace
}  // namespace wsx::test
