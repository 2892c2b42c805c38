// Wait sets: every signalled member, cost by the number signalled, sharded
// signalling from many threads with nothing lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "wsx/sockets.hpp"
#include "wsx/wait_set.hpp"

namespace wsx {
namespace {

using namespace std::chrono_literals;

class WaitSetTest : public ::testing::Test {
 protected:
  void SetUp() override { set_ = create_wait_set(); }
  void TearDown() override {
    close_wait_set(set_);
    for (auto& e : events_)
      close_event(e);
  }
  EventHandle add(std::uintptr_t key) {
    EventHandle e = create_event();
    EXPECT_EQ(wait_set_add(set_, e, key), Status::ok);
    events_.push_back(e);
    return e;
  }
  std::set<std::uintptr_t> wait_keys(Timeout t, std::size_t room = 1024) {
    std::vector<ReadyEvent> out(room);
    WaitSetOutcome o = wait_set_wait(set_, out, t);
    EXPECT_EQ(o.error, Status::ok);
    std::set<std::uintptr_t> keys;
    for (std::size_t i = 0; i < o.count; ++i)
      keys.insert(out[i].key);
    EXPECT_EQ(keys.size(), o.count) << "a member was reported twice in one wait";
    return keys;
  }

  Runtime rt_;
  WaitSetHandle set_;
  std::vector<EventHandle> events_;
};

TEST_F(WaitSetTest, ReturnsEverySignalledMemberAndKeepsThemWhileSignalled) {
  EventHandle a = add(1), b = add(2);
  add(3);
  set_event(a);
  set_event(b);
  EXPECT_EQ(wait_keys(Timeout::zero()), (std::set<std::uintptr_t>{1, 2}));
  // Still signalled: reported again (level semantics).
  EXPECT_EQ(wait_keys(Timeout::zero()), (std::set<std::uintptr_t>{1, 2}));
  reset_event(a);
  EXPECT_EQ(wait_keys(Timeout::zero()), (std::set<std::uintptr_t>{2}));
  reset_event(b);
  EXPECT_TRUE(wait_keys(Timeout::millis(20)).empty());
}

TEST_F(WaitSetTest, AlreadySignalledEventIsReportedWhenAdded) {
  EventHandle e = create_event();
  set_event(e);
  ASSERT_EQ(wait_set_add(set_, e, 9), Status::ok);
  events_.push_back(e);
  EXPECT_EQ(wait_keys(Timeout::zero()), (std::set<std::uintptr_t>{9}));
}

TEST_F(WaitSetTest, MembershipRules) {
  EventHandle e = add(1);
  WaitSetHandle other = create_wait_set();
  EXPECT_EQ(wait_set_add(other, e, 1), Status::invalid_state);
  EXPECT_EQ(wait_set_add(set_, e, 1), Status::invalid_state);
  EXPECT_EQ(wait_set_remove(other, e), Status::invalid_argument);
  EXPECT_EQ(wait_set_size(set_), 1u);
  set_event(e);
  EXPECT_EQ(wait_set_remove(set_, e), Status::ok);
  EXPECT_EQ(wait_set_size(set_), 0u);
  EXPECT_TRUE(wait_keys(Timeout::zero()).empty());
  // Moves to the other set, signal included.
  ASSERT_EQ(wait_set_add(other, e, 5), Status::ok);
  std::vector<ReadyEvent> out(4);
  WaitSetOutcome o = wait_set_wait(other, out, Timeout::zero());
  EXPECT_EQ(o.count, 1u);
  EXPECT_EQ(out[0].key, 5u);
  EXPECT_EQ(out[0].event, e);
  EXPECT_EQ(close_wait_set(other), Status::ok);
  // A closed set releases its members.
  EXPECT_EQ(wait_set_add(set_, e, 6), Status::ok);
  EXPECT_EQ(wait_keys(Timeout::zero()), (std::set<std::uintptr_t>{6}));
}

TEST_F(WaitSetTest, InvalidHandlesAndArguments) {
  WaitSetHandle dead = create_wait_set();
  close_wait_set(dead);
  EventHandle e = create_event();
  events_.push_back(e);
  EXPECT_EQ(wait_set_add(dead, e, 0), Status::invalid_handle);
  EXPECT_EQ(wait_set_add(set_, EventHandle{77}, 0), Status::invalid_handle);
  std::vector<ReadyEvent> out(1);
  EXPECT_EQ(wait_set_wait(dead, out, Timeout::zero()).error, Status::invalid_handle);
  EXPECT_EQ(wait_set_wait(set_, {}, Timeout::zero()).error, Status::invalid_argument);
  EXPECT_EQ(close_wait_set(dead), Status::invalid_handle);
}

TEST_F(WaitSetTest, ClosingAMemberEventRemovesIt) {
  EventHandle e = add(1);
  set_event(e);
  close_event(e);
  events_.clear();
  EXPECT_TRUE(wait_keys(Timeout::zero()).empty());
  EXPECT_EQ(wait_set_size(set_), 0u);
}

TEST_F(WaitSetTest, RoomSmallerThanReadyLeavesTheRestForNextWait) {
  for (int i = 0; i < 10; ++i)
    set_event(add(static_cast<std::uintptr_t>(i)));
  std::set<std::uintptr_t> first = wait_keys(Timeout::zero(), 4);
  EXPECT_EQ(first.size(), 4u);
  std::set<std::uintptr_t> all;
  for (int round = 0; round < 5; ++round) {
    for (auto k : wait_keys(Timeout::zero(), 4))
      all.insert(k);
  }
  EXPECT_EQ(all.size(), 10u) << "some member was starved";
}

TEST_F(WaitSetTest, CloseWakesWaiter) {
  WaitSetOutcome o;
  std::thread t([&] {
    std::vector<ReadyEvent> out(4);
    o = wait_set_wait(set_, out, Timeout::millis(10000));
  });
  std::this_thread::sleep_for(30ms);
  WaitSetHandle h = set_;
  set_ = create_wait_set();
  close_wait_set(h);
  t.join();
  EXPECT_EQ(o.error, Status::invalid_handle);
}

// 8 threads signal disjoint members of a 10,000-member set while one thread
// waits, resets what it gets and counts: every signal is seen, none is lost.
TEST_F(WaitSetTest, ManySignallersOneWaiterNothingLost) {
  constexpr int kMembers = 10'000;
  constexpr int kThreads = 8;
  constexpr int kRounds = 20;
  std::vector<EventHandle> evs;
  for (int i = 0; i < kMembers; ++i)
    evs.push_back(add(static_cast<std::uintptr_t>(i)));
  std::vector<std::atomic<int>> pending(kMembers);
  std::atomic<long> signalled{0}, seen{0};
  std::atomic<bool> done{false};

  std::thread waiter([&] {
    std::vector<ReadyEvent> out(512);
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      WaitSetOutcome o = wait_set_wait(set_, out, Timeout::millis(50));
      for (std::size_t i = 0; i < o.count; ++i) {
        reset_event(out[i].event);
        // The signaller waits for `pending` to drop before signalling again.
        pending[out[i].key].store(0);
        seen.fetch_add(1);
      }
      if (done && o.count == 0 && seen == signalled) break;
    }
  });
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        for (int i = t; i < kMembers; i += kThreads) {
          auto deadline = std::chrono::steady_clock::now() + 30s;
          while (pending[i].load() != 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
          }
          pending[i].store(1);
          signalled.fetch_add(1);
          set_event(evs[i]);
        }
      }
    });
  }
  for (auto& t : ts)
    t.join();
  done = true;
  waiter.join();
  EXPECT_EQ(seen.load(), signalled.load());
  EXPECT_EQ(signalled.load(), long{kMembers} * kRounds);
}

}  // namespace
}  // namespace wsx
