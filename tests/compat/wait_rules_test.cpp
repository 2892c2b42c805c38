// Rules W1-W4: waiting beyond Winsock's 64 events.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Wait : public WinsockTest {};

// W1: any number of events; the lowest signalled index; wait-all; time-out;
// the documented failures.
TEST_P(Wait, W1_ReturnValues) {
  std::vector<WSAEVENT> evs;
  for (int i = 0; i < 10; ++i)
    evs.push_back(event());
  EXPECT_EQ(api().WSAWaitForMultipleEvents(10, evs.data(), FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);
  api().WSASetEvent(evs[7]);
  api().WSASetEvent(evs[3]);
  EXPECT_EQ(api().WSAWaitForMultipleEvents(10, evs.data(), FALSE, 0, FALSE), WSA_WAIT_EVENT_0 + 3);
  EXPECT_EQ(api().WSAWaitForMultipleEvents(10, evs.data(), TRUE, 10, FALSE), WSA_WAIT_TIMEOUT);
  for (auto e : evs)
    api().WSASetEvent(e);
  EXPECT_EQ(api().WSAWaitForMultipleEvents(10, evs.data(), TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
  EXPECT_EQ(api().WSAWaitForMultipleEvents(0, evs.data(), FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_PARAMETER);
  if (!api().is_system) {  // Wine's ws2_32 dereferences a NULL array
    EXPECT_EQ(api().WSAWaitForMultipleEvents(1, nullptr, FALSE, 0, FALSE), WSA_WAIT_FAILED);
    EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_PARAMETER);
  }
  WSAEVENT dead = api().WSACreateEvent();
  api().WSACloseEvent(dead);
  EXPECT_EQ(api().WSAWaitForMultipleEvents(1, &dead, FALSE, 0, FALSE), WSA_WAIT_FAILED);
  EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_HANDLE);
}

TEST_P(Wait, W1_TimeoutAndInfinite) {
  WSAEVENT ev = event();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(api().WSAWaitForMultipleEvents(1, &ev, FALSE, 50, FALSE), WSA_WAIT_TIMEOUT);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    api().WSASetEvent(ev);
  });
  EXPECT_EQ(api().WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
  t.join();
}

// W1 beyond Winsock: 65 events and far more, where Winsock stops at 64.
TEST_P(Wait, W1_NoSixtyFourEventLimit) {
  if (api().is_system) {
    std::vector<WSAEVENT> evs;
    for (int i = 0; i < WSA_MAXIMUM_WAIT_EVENTS + 1; ++i)
      evs.push_back(event());
    EXPECT_EQ(api().WSAWaitForMultipleEvents(65, evs.data(), FALSE, 0, FALSE), WSA_WAIT_FAILED);
    EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_PARAMETER);
    return;
  }
  for (DWORD n : {65u, 1000u, 1000000u}) {
    std::vector<WSAEVENT> evs(n);
    for (auto& e : evs)
      e = api().WSACreateEvent();
    api().WSASetEvent(evs[n - 1]);
    EXPECT_EQ(api().WSAWaitForMultipleEvents(n, evs.data(), FALSE, 0, FALSE),
              WSA_WAIT_EVENT_0 + n - 1)
        << n;
    // And a real wait, woken from another thread.
    api().WSAResetEvent(evs[n - 1]);
    std::thread t([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      api().WSASetEvent(evs[n / 2]);
    });
    EXPECT_EQ(api().WSAWaitForMultipleEvents(n, evs.data(), FALSE, 10000, FALSE),
              WSA_WAIT_EVENT_0 + n / 2);
    t.join();
    for (auto e : evs)
      api().WSACloseEvent(e);
  }
}

// W2: manual reset, initially not signalled; close while another thread
// waits neither crashes nor hangs it.
TEST_P(Wait, W2_ManualResetEvents) {
  WSAEVENT ev = event();
  EXPECT_FALSE(signalled(ev));
  EXPECT_TRUE(api().WSASetEvent(ev));
  EXPECT_TRUE(signalled(ev));
  EXPECT_TRUE(signalled(ev));  // still set: manual reset
  EXPECT_TRUE(api().WSAResetEvent(ev));
  EXPECT_FALSE(signalled(ev));
  WSAEVENT dead = api().WSACreateEvent();
  EXPECT_TRUE(api().WSACloseEvent(dead));
  if (!api().is_system) {
    EXPECT_FALSE(api().WSASetEvent(dead));
    EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_HANDLE);
    EXPECT_FALSE(api().WSACloseEvent(dead));
    EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_HANDLE);
  }
}

TEST_P(Wait, W2_CloseWhileAnotherThreadWaits) {
  if (api().is_system) GTEST_SKIP() << "closing a handle being waited on is undefined in Windows";
  WSAEVENT ev = api().WSACreateEvent();
  DWORD r = 0;
  int err = 0;
  std::thread t([&] {
    r = api().WSAWaitForMultipleEvents(1, &ev, FALSE, 10000, FALSE);
    err = api().WSAGetLastError();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_TRUE(api().WSACloseEvent(ev));
  t.join();
  EXPECT_EQ(r, WSA_WAIT_FAILED);
  EXPECT_EQ(err, WSA_INVALID_HANDLE);
}

// W3: a wait in one thread sees events recorded by I/O in another.
TEST_P(Wait, W3_CrossThreadIoWakesWaiter) {
  SOCKET l = listener();
  Pair p = connected(l);
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ), 0);
  constexpr int kRounds = 200;
  std::atomic<int> seen{0};
  std::thread waiter([&] {
    char b;
    for (int i = 0; i < kRounds; ++i) {
      if (api().WSAWaitForMultipleEvents(1, &ev, FALSE, 10000, FALSE) != WSA_WAIT_EVENT_0) return;
      WSANETWORKEVENTS ne{};
      api().WSAEnumNetworkEvents(p.server, ev, &ne);
      if (ne.lNetworkEvents & FD_READ) {
        if (api().recv(p.server, &b, 1, 0) == 1) seen.fetch_add(1);
      } else {
        --i;
      }
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    while (seen.load() < i)
      std::this_thread::yield();
    send_byte(p.client);
  }
  waiter.join();
  EXPECT_EQ(seen.load(), kRounds);
}

// W4: the wait set returns every signalled member, by the number signalled.
TEST_P(Wait, W4_WaitSetReturnsAllSignalled) {
  if (api().is_system) GTEST_SKIP() << "wait sets are wsx's own";
  WSXWAITSET set = wsx_WaitSetCreate();
  ASSERT_NE(set, nullptr);
  std::vector<WSAEVENT> evs;
  for (int i = 0; i < 5000; ++i) {
    evs.push_back(event());
    ASSERT_EQ(wsx_WaitSetAdd(set, evs.back(), static_cast<uintptr_t>(i)), 0);
  }
  EXPECT_EQ(wsx_WaitSetAdd(set, evs[0], 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  WSX_READY_EVENT out[64];
  EXPECT_EQ(wsx_WaitSetWait(set, out, 64, 0), 0);
  api().WSASetEvent(evs[10]);
  api().WSASetEvent(evs[4999]);
  int n = wsx_WaitSetWait(set, out, 64, 1000);
  ASSERT_EQ(n, 2);
  std::vector<uintptr_t> keys{out[0].key, out[1].key};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<uintptr_t>{10, 4999}));
  EXPECT_EQ(wsx_WaitSetWait(set, nullptr, 4, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_PARAMETER);
  EXPECT_EQ(wsx_WaitSetRemove(set, evs[10]), 0);
  EXPECT_EQ(wsx_WaitSetWait(set, out, 64, 0), 1);
  EXPECT_EQ(wsx_WaitSetClose(set), 0);
  EXPECT_EQ(wsx_WaitSetWait(set, out, 64, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSA_INVALID_HANDLE);
}

// W4 with sockets: 1,000 connections on one thread through one wait set.
TEST_P(Wait, W4_ThousandSocketsOneThread) {
  if (api().is_system) GTEST_SKIP() << "wait sets are wsx's own";
  constexpr int kConns = 1000;
  SOCKET l = listener(kConns);
  WSXWAITSET set = wsx_WaitSetCreate();
  std::vector<Pair> pairs;
  std::vector<WSAEVENT> evs;
  for (int i = 0; i < kConns; ++i) {
    pairs.push_back(connected(l));
    evs.push_back(event());
    ASSERT_EQ(api().WSAEventSelect(pairs.back().server, evs.back(), FD_READ), 0);
    ASSERT_EQ(wsx_WaitSetAdd(set, evs.back(), static_cast<uintptr_t>(i)), 0);
  }
  // Every connection sends one byte; each is reported exactly once.
  for (auto& p : pairs)
    send_byte(p.client);
  std::vector<int> seen(kConns, 0);
  int total = 0;
  WSX_READY_EVENT out[128];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (total < kConns && std::chrono::steady_clock::now() < deadline) {
    int n = wsx_WaitSetWait(set, out, 128, 1000);
    ASSERT_GE(n, 0);
    for (int k = 0; k < n; ++k) {
      auto i = static_cast<int>(out[k].key);
      WSANETWORKEVENTS ne{};
      ASSERT_EQ(api().WSAEnumNetworkEvents(pairs[i].server, out[k].hEvent, &ne), 0);
      if (ne.lNetworkEvents & FD_READ) {
        ASSERT_EQ(recv_some(pairs[i].server, 1), 1);
        ++seen[i];
        ++total;
      }
    }
  }
  EXPECT_EQ(total, kConns);
  for (int i = 0; i < kConns; ++i)
    EXPECT_EQ(seen[i], 1) << "connection " << i;
  EXPECT_EQ(wsx_WaitSetWait(set, out, 128, kQuietMs), 0);
  wsx_WaitSetClose(set);
}

WSX_CONFORMANCE_SUITE(Wait);

}  // namespace
}  // namespace wsx::test
