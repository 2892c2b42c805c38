// Beyond 64 (W1, W4): what wsx exists for, next to what the system does.
// Winsock waits on at most WSA_MAXIMUM_WAIT_EVENTS (64) events in one call,
// so a Winsock server needs a thread per 64 sockets. Here one thread serves
// 1,000 sockets through wsx_WSAWaitForMultipleEvents and through a wait
// set, while the system, run side by side, takes 64 and refuses 65 with
// WSA_INVALID_PARAMETER (a listed difference, "beyond-64").
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

constexpr int kSockets = 1000;

class Beyond64 : public WinsockTest {
 protected:
  // n connections, the server side of each selected for FD_READ on its own
  // event; one listener with room for them all.
  void select_connections(int n) {
    SOCKET l = listener(n);
    for (int i = 0; i < n; ++i) {
      pairs_.push_back(connected(l));
      evs_.push_back(event());
      ASSERT_EQ(api().WSAEventSelect(pairs_.back().server, evs_.back(), FD_READ), 0);
    }
  }
  // One byte from every client; each must be reported and read exactly once.
  void send_one_byte_each() {
    for (Pair& p : pairs_)
      send_byte(p.client);
  }
  // Enumerates connection i with its event and reads its byte: 1 when an
  // FD_READ gave the byte, 0 for a spare wake-up.
  int take(std::size_t i) {
    WSANETWORKEVENTS ne{};
    if (api().WSAEnumNetworkEvents(pairs_[i].server, evs_[i], &ne) != 0) return 0;
    if (!(ne.lNetworkEvents & FD_READ)) return 0;
    return recv_some(pairs_[i].server, 1) == 1 ? 1 : 0;
  }
  std::string counts(const std::vector<int>& seen) {
    auto once = std::count(seen.begin(), seen.end(), 1);
    auto never = std::count(seen.begin(), seen.end(), 0);
    return std::to_string(once) + " once, " + std::to_string(never) + " never, " +
           std::to_string(seen.size() - static_cast<std::size_t>(once + never)) + " more often";
  }

  std::vector<Pair> pairs_;
  std::vector<WSAEVENT> evs_;
};

// The limit itself, with sockets: 64 events in one wait, and 65.
TEST_P(Beyond64, W1_SixtyFourIsTheSystemsLimit) {
  select_connections(65);
  send_byte(pairs_[64].client);  // only the 65th socket has data
  expect_signalled("the 65th socket's event", evs_[64], kEventTimeoutMs, true);
  call_wait("wait on the first 64",
            api().WSAWaitForMultipleEvents(64, evs_.data(), FALSE, 0, FALSE), "WSA_WAIT_TIMEOUT");
  call_wait("wait on all 65", api().WSAWaitForMultipleEvents(65, evs_.data(), FALSE, 0, FALSE),
            "WSA_WAIT_EVENT_0+64");
  call("enumerate the 65th", take(64), "1");
}

// 1,000 sockets, one thread, one WSAWaitForMultipleEvents over all of them.
TEST_P(Beyond64, W1_ThousandSocketsOneThreadOneWait) {
  std::vector<WSAEVENT> evs;
  for (int i = 0; i < kSockets; ++i)
    evs.push_back(event());
  call_wait("wait on 1,000 events",
            api().WSAWaitForMultipleEvents(kSockets, evs.data(), FALSE, 0, FALSE),
            "WSA_WAIT_TIMEOUT");
  if (!beyond_the_system("one wait on 1,000 sockets: the system refuses more than 64")) return;
  select_connections(kSockets);
  send_one_byte_each();
  std::vector<int> seen(kSockets, 0);
  int total = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (total < kSockets && std::chrono::steady_clock::now() < deadline) {
    DWORD r = api().WSAWaitForMultipleEvents(kSockets, evs_.data(), FALSE, 1000, FALSE);
    ASSERT_NE(r, WSA_WAIT_FAILED) << error_name(api().WSAGetLastError());
    // Past 192 events an index can read as WSA_WAIT_IO_COMPLETION (192) or
    // WSA_WAIT_TIMEOUT (258): such a result is an index when that event is
    // signalled (docs/semantics.md, W1). A careful application looks.
    if ((r == WSA_WAIT_TIMEOUT || r == static_cast<DWORD>(WSA_WAIT_IO_COMPLETION)) &&
        !signalled(evs_[r]))
      continue;
    std::size_t i = r - WSA_WAIT_EVENT_0;
    int got = take(i);
    seen[i] += got;
    total += got;
  }
  observe("bytes, one wait at a time", counts(seen), "1000 once, 0 never, 0 more often");
  call_wait("then", api().WSAWaitForMultipleEvents(kSockets, evs_.data(), FALSE, kQuietMs, FALSE),
            "WSA_WAIT_TIMEOUT");
}

// 1,000 sockets, one thread, one wait set: each wait returns every member
// that is signalled, in time proportional to their number (W4).
TEST_P(Beyond64, W4_ThousandSocketsOneThreadOneWaitSet) {
  if (!beyond_the_system("wait sets are wsx's own")) return;
  select_connections(kSockets);
  WSXWAITSET set = wsx_WaitSetCreate();
  ASSERT_NE(set, nullptr);
  for (int i = 0; i < kSockets; ++i)
    ASSERT_EQ(wsx_WaitSetAdd(set, evs_[i], static_cast<uintptr_t>(i)), 0);
  send_one_byte_each();
  std::vector<int> seen(kSockets, 0);
  int total = 0, waits = 0;
  WSX_READY_EVENT out[256];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (total < kSockets && std::chrono::steady_clock::now() < deadline) {
    int n = wsx_WaitSetWait(set, out, 256, 1000);
    ASSERT_GE(n, 0) << error_name(api().WSAGetLastError());
    waits += n > 0;
    for (int k = 0; k < n; ++k) {
      auto i = static_cast<std::size_t>(out[k].key);
      int got = take(i);
      seen[i] += got;
      total += got;
    }
  }
  observe("bytes through the wait set", counts(seen), "1000 once, 0 never, 0 more often");
  // Far fewer waits than sockets: each returned many members at once.
  EXPECT_LT(waits, kSockets) << "one member per wait";
  call("then", wsx_WaitSetWait(set, out, 256, kQuietMs), "0");
  EXPECT_EQ(wsx_WaitSetClose(set), 0);
}

WSX_CONFORMANCE_SUITE(Beyond64);

}  // namespace
}  // namespace wsx::test
