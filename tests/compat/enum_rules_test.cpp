// Rules E1-E5: WSAEnumNetworkEvents.
#include <string>

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
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  constexpr int kRounds = 300;
  int reports = 0;
  std::string stop = "none";
  for (int i = 0; i < kRounds && stop == "none"; ++i) {
    send_byte(p.client);
    // Each byte must be seen: wait, enumerate (resetting), read it.
    WSANETWORKEVENTS ne{};
    if (!signalled(ev, kEventTimeoutMs)) {
      stop = "round " + std::to_string(i) + " never signalled";
    } else if (api().WSAEnumNetworkEvents(p.server, ev, &ne) != 0) {
      stop = "enumerate failed: " + error_name(api().WSAGetLastError());
    } else if (ne.lNetworkEvents & FD_READ) {
      ++reports;
      if (recv_some(p.server, 1) != 1) stop = "recv failed";
    } else {
      --i;  // a spare wake-up: allowed, never a lost one
    }
  }
  observe("rounds reported", std::to_string(reports) + ", stopped: " + stop, "300, stopped: none");
  expect_signalled("after the last round", ev, kQuietMs, false);
}

TEST_P(Enumerate, E1_ResetsTheEventAndClearsTheRecord) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  send_byte(p.client);
  expect_signalled("data arrives", ev, kEventTimeoutMs, true);
  WSANETWORKEVENTS ne{};
  call("enumerate", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record", network_events_str(ne), "{READ}");
  expect_signalled("after enumerating", ev, 0, false);
  call("enumerate again", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record again", network_events_str(ne), "{}");
}

// E2: only the iErrorCode entries of reported events are written.
TEST_P(Enumerate, E2_OnlyReportedErrorCodesAreWritten) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select CLOSE", api().WSAEventSelect(p.server, ev, FD_CLOSE), "0");
  reset_close(p.client);
  expect_signalled("after the reset", ev, kEventTimeoutMs, true);
  WSANETWORKEVENTS ne;
  ne.lNetworkEvents = 0;
  for (int& e : ne.iErrorCode)
    e = 0x5a5a;
  call("enumerate", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record after a reset", network_events_str(ne), "{CLOSE} CLOSE=WSAECONNRESET");
  std::string written;
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (i == FD_CLOSE_BIT || ne.iErrorCode[i] == 0x5a5a) continue;
    written.append(written.empty() ? "" : " ").append(std::to_string(i));
  }
  observe("entries of unreported events written", written.empty() ? "none" : written, "none");
}

// E3: a failing call neither clears the record nor resets the event.
TEST_P(Enumerate, E3_FailureChangesNothing) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  call("select READ", api().WSAEventSelect(p.server, ev, FD_READ), "0");
  send_byte(p.client);
  expect_signalled("data arrives", ev, kEventTimeoutMs, true);
  const char* null_probe = "enumerate into NULL";
  if (!crashes_system(null_probe)) {
    call(null_probe, api().WSAEnumNetworkEvents(p.server, ev, nullptr), "SOCKET_ERROR WSAEFAULT");
  }
  expect_signalled("after the failed call", ev, 0, true);
  WSANETWORKEVENTS ne{};
  call("enumerate", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record", network_events_str(ne), "{READ}");
}

// E4: it reports only what WSAEventSelect nominated.
TEST_P(Enumerate, E4_OnlyNominatedEvents) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  WSANETWORKEVENTS ne{};
  // Never selected: an empty record.
  send_byte(p.client);
  call("enumerate, never selected", api().WSAEnumNetworkEvents(p.server, nullptr, &ne), "0");
  observe("record, never selected", network_events_str(ne), "{}");
  call("select CLOSE", api().WSAEventSelect(p.server, ev, FD_CLOSE), "0");
  send_byte(p.client);
  expect_signalled("after data", ev, kQuietMs, false);
  call("enumerate", api().WSAEnumNetworkEvents(p.server, ev, &ne), "0");
  observe("record", network_events_str(ne), "{}");
}

// E5: its errors.
TEST_P(Enumerate, E5_Errors) {
  SOCKET s = tcp();
  WSAEVENT ev = event();
  WSANETWORKEVENTS ne{};
  call("enumerate INVALID_SOCKET", api().WSAEnumNetworkEvents(INVALID_SOCKET, ev, &ne),
       "SOCKET_ERROR WSAENOTSOCK");
  const char* null_probe = "enumerate into NULL";
  if (!crashes_system(null_probe)) {
    call(null_probe, api().WSAEnumNetworkEvents(s, ev, nullptr), "SOCKET_ERROR WSAEFAULT");
  }
  call("enumerate with a bogus event handle", api().WSAEnumNetworkEvents(s, not_a_handle(), &ne),
       "SOCKET_ERROR WSAEINVAL");
  api().WSACleanup();
  call("enumerate after WSACleanup", api().WSAEnumNetworkEvents(s, ev, &ne),
       "SOCKET_ERROR WSANOTINITIALISED");
  WSADATA d;
  call("WSAStartup again", api().WSAStartup(MAKEWORD(2, 2), &d), "0");
}

WSX_CONFORMANCE_SUITE(Enumerate);

}  // namespace
}  // namespace wsx::test
