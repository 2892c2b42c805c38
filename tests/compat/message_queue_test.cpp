// wsx message queues under Win32's pump calls: filters, peek, WM_QUIT, bad
// and destroyed queues, and many pumps on one queue fed by many sockets.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "compat/async_fixture.hpp"

namespace wsx::test {
namespace {

using namespace std::chrono_literals;

class Queue : public AsyncTest {};

TEST_P(Queue, GetMessageFiltersAndQuits) {
  HWND q = queue();
  ASSERT_TRUE(wsx_PostMessage(q, WM_USER + 1, 1, 0));
  ASSERT_TRUE(wsx_PostMessage(q, WM_USER + 5, 5, 0));
  ASSERT_TRUE(wsx_PostMessage(q, WM_QUIT, 0, 0));
  MSG m;
  // Only WM_USER+5 passes [WM_USER+2, WM_USER+9]; the others stay queued.
  ASSERT_EQ(wsx_GetMessage(&m, q, WM_USER + 2, WM_USER + 9), 1);
  EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 5));
  EXPECT_EQ(m.hwnd, q);
  ASSERT_EQ(wsx_GetMessage(&m, q, 0, 0), 1);
  EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
  EXPECT_EQ(wsx_GetMessage(&m, q, 0, 0), 0) << "WM_QUIT makes GetMessage return 0";
  EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
}

TEST_P(Queue, PeekRemovesOnlyWhenAsked) {
  HWND q = queue();
  MSG m;
  EXPECT_FALSE(wsx_PeekMessage(&m, q, 0, 0, PM_REMOVE));
  ASSERT_TRUE(wsx_PostMessage(q, WM_USER, 7, 8));
  EXPECT_TRUE(wsx_PeekMessage(&m, q, 0, 0, PM_NOREMOVE));
  EXPECT_TRUE(wsx_PeekMessage(&m, q, 0, 0, PM_NOREMOVE));
  EXPECT_TRUE(wsx_PeekMessage(&m, q, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 7u);
  EXPECT_EQ(m.lParam, 8);
  EXPECT_FALSE(wsx_PeekMessage(&m, q, 0, 0, PM_REMOVE));
}

TEST_P(Queue, NullWindowMeansTheThreadsQueue) {
  HWND q = queue();  // created on this thread: its queue
  ASSERT_TRUE(wsx_PostMessage(q, WM_USER, 3, 0));
  MSG m;
  ASSERT_EQ(wsx_GetMessage(&m, nullptr, 0, 0), 1);
  EXPECT_EQ(m.wParam, 3u);
  std::thread other([&] {
    MSG mm;
    EXPECT_EQ(wsx_GetMessage(&mm, nullptr, 0, 0), -1) << "another thread has no queue";
    ASSERT_TRUE(wsx_SetThreadMessageQueue(q));
    ASSERT_TRUE(wsx_PostMessage(q, WM_USER, 4, 0));
    EXPECT_EQ(wsx_GetMessage(&mm, nullptr, 0, 0), 1);
    EXPECT_EQ(mm.wParam, 4u);
  });
  other.join();
}

TEST_P(Queue, BadAndDestroyedQueuesGiveClearErrors) {
  MSG m;
  HWND bogus = reinterpret_cast<HWND>(0x51);
  EXPECT_EQ(wsx_GetMessage(&m, bogus, 0, 0), -1);
  EXPECT_EQ(wsx_WSAGetLastError(), ERROR_INVALID_WINDOW_HANDLE);
  EXPECT_FALSE(wsx_PostMessage(bogus, WM_USER, 0, 0));
  EXPECT_EQ(wsx_WSAGetLastError(), ERROR_INVALID_WINDOW_HANDLE);
  EXPECT_EQ(wsx_GetMessage(nullptr, queue(), 0, 0), -1);
  EXPECT_EQ(wsx_WSAGetLastError(), WSAEFAULT);
  HWND q = wsx_CreateMessageQueue();
  ASSERT_TRUE(wsx_DestroyMessageQueue(q));
  EXPECT_FALSE(wsx_DestroyMessageQueue(q));
  EXPECT_EQ(wsx_GetMessage(&m, q, 0, 0), -1);
  EXPECT_EQ(wsx_WSAGetLastError(), ERROR_INVALID_WINDOW_HANDLE);
  EXPECT_FALSE(wsx_PeekMessage(&m, q, 0, 0, PM_REMOVE));
  EXPECT_EQ(wsx_PurgeSocketMessages(q, 0), -1);
}

TEST_P(Queue, DestroyWakesAWaitingPump) {
  HWND q = wsx_CreateMessageQueue();
  std::atomic<int> r{2};
  std::thread pump([&] {
    MSG m;
    r = wsx_GetMessage(&m, q, 0, 0);
  });
  std::this_thread::sleep_for(30ms);
  ASSERT_TRUE(wsx_DestroyMessageQueue(q));
  pump.join();
  EXPECT_EQ(r.load(), -1);
}

// Sockets selected on a queue that goes away: no crash, no message anywhere,
// and the socket can be selected again.
TEST_P(Queue, DestroyWhileSocketsAreSelected) {
  SOCKET l = listener();
  Pair p = connected(l);
  HWND q = wsx_CreateMessageQueue();
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q, kMsg, FD_READ | FD_CLOSE), 0);
  ASSERT_TRUE(wsx_DestroyMessageQueue(q));
  send_byte(p.client);
  close(p.client);
  std::this_thread::sleep_for(50ms);
  HWND q2 = queue();
  ASSERT_EQ(wsx_WSAAsyncSelect(p.server, q2, kMsg, FD_READ | FD_CLOSE), 0);
  expect_messages(q2, p.server, {FD_READ});
}

// Eight threads pump one queue fed by 10,000 sockets (datagram sockets, so
// the test fits one process's descriptor limit) and by two posting threads.
// Every posted message is delivered exactly once; every datagram is received
// exactly once after an FD_READ of its socket. With several pumps an FD_READ
// may also come spare — its recv finds nothing (WSAEWOULDBLOCK), which the
// WSAAsyncSelect page tells applications to expect — and those are counted.
TEST_P(Queue, EightPumpsTenThousandSocketsExactlyOnce) {
  constexpr int kSockets = 10'000;
  constexpr int kPumps = 8;
  constexpr int kPostsPerThread = 20'000;
  constexpr UINT kUserMsg = WM_USER + 9;
  HWND q = queue();
  std::vector<SOCKET> socks;
  socks.reserve(kSockets);
  for (int i = 0; i < kSockets; ++i) {
    SOCKET u = udp();
    ASSERT_NE(u, INVALID_SOCKET) << "socket " << i;
    ASSERT_EQ(wsx_WSAAsyncSelect(u, q, kMsg, FD_READ), 0);
    socks.push_back(u);
  }
  std::sort(socks.begin(), socks.end());  // the pumps find a socket by binary search
  std::vector<std::atomic<int>> datagrams(kSockets), posts(2 * kPostsPerThread);
  std::atomic<int> received{0}, delivered_posts{0}, spare{0}, other_errors{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kPumps; ++t) {
    threads.emplace_back([&] {
      MSG msgs[32];
      while (!done.load()) {
        int n = wsx_GetMessages(q, msgs, 32, 0, 0, 50);
        for (int i = 0; i < n; ++i) {
          if (msgs[i].message == kUserMsg) {
            posts[msgs[i].wParam].fetch_add(1);
            delivered_posts.fetch_add(1);
            continue;
          }
          auto s = static_cast<SOCKET>(msgs[i].wParam);
          auto it = std::lower_bound(socks.begin(), socks.end(), s);
          if (it == socks.end() || *it != s) continue;
          char b[4];
          if (api().recvfrom(s, b, sizeof b, 0, nullptr, nullptr) == 1) {
            datagrams[static_cast<std::size_t>(it - socks.begin())].fetch_add(1);
            received.fetch_add(1);
          } else if (api().WSAGetLastError() == WSAEWOULDBLOCK) {
            spare.fetch_add(1);
          } else {
            other_errors.fetch_add(1);
          }
        }
      }
    });
  }
  for (int p = 0; p < 2; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPostsPerThread; ++i) {
        wsx_PostMessage(q, kUserMsg, static_cast<WPARAM>(p * kPostsPerThread + i), 0);
      }
    });
  }
  SOCKET tx = udp();
  for (int i = 0; i < kSockets; ++i) {
    sockaddr_in a = address_of(socks[static_cast<std::size_t>(i)]);
    ASSERT_EQ(api().sendto(tx, "x", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof a), 1);
  }
  auto deadline = std::chrono::steady_clock::now() + 120s;
  while ((received.load() < kSockets || delivered_posts.load() < 2 * kPostsPerThread) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kQuietMs));  // any duplicate shows now
  done = true;
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(received.load(), kSockets);
  EXPECT_EQ(delivered_posts.load(), 2 * kPostsPerThread);
  EXPECT_EQ(other_errors.load(), 0);
  int wrong = 0;
  for (auto& d : datagrams)
    wrong += d.load() != 1;
  for (auto& p : posts)
    wrong += p.load() != 1;
  EXPECT_EQ(wrong, 0) << "not delivered exactly once";
  RecordProperty("spare_fd_read", spare.load());
}

WSX_ONLY_SUITE(Queue);  // wsx's own queue calls

}  // namespace
}  // namespace wsx::test
