// Event objects: manual reset, waits with time-outs, any number of waiters,
// set/reset/close from any thread, no lost wake-up.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "wsx/event.hpp"
#include "wsx/sockets.hpp"

namespace wsx {
namespace {

using namespace std::chrono_literals;

class EventTest : public ::testing::Test {
 protected:
  Runtime rt_;
};

TEST_F(EventTest, StartsUnsignalledAndIsManualReset) {
  EventHandle e = create_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(event_state(e), 0);
  EXPECT_EQ(set_event(e), Status::ok);
  EXPECT_EQ(event_state(e), 1);
  EventHandle list[1] = {e};
  // Manual reset: waiting does not consume the signal.
  EXPECT_EQ(wait_for_events(list, false, Timeout::zero()).kind, WaitOutcome::Kind::signalled);
  EXPECT_EQ(wait_for_events(list, false, Timeout::zero()).kind, WaitOutcome::Kind::signalled);
  EXPECT_EQ(reset_event(e), Status::ok);
  EXPECT_EQ(wait_for_events(list, false, Timeout::zero()).kind, WaitOutcome::Kind::timeout);
  EXPECT_EQ(close_event(e), Status::ok);
}

TEST_F(EventTest, ClosedAndForeignHandlesAreInvalid) {
  EventHandle e = create_event();
  ASSERT_EQ(close_event(e), Status::ok);
  EXPECT_EQ(set_event(e), Status::invalid_handle);
  EXPECT_EQ(reset_event(e), Status::invalid_handle);
  EXPECT_EQ(close_event(e), Status::invalid_handle);
  EXPECT_EQ(event_state(e), -1);
  EventHandle foreign{0x1234567812345678ull};
  EXPECT_EQ(set_event(foreign), Status::invalid_handle);
  EXPECT_EQ(set_event(EventHandle{}), Status::invalid_handle);
  EventHandle list[1] = {e};
  WaitOutcome w = wait_for_events(list, false, Timeout::zero());
  EXPECT_EQ(w.kind, WaitOutcome::Kind::failed);
  EXPECT_EQ(w.error, Status::invalid_handle);
  // A reused slot gets a new generation: the old handle stays dead.
  EventHandle again = create_event();
  EXPECT_NE(again, e);
  EXPECT_EQ(set_event(e), Status::invalid_handle);
  EXPECT_EQ(close_event(again), Status::ok);
}

TEST_F(EventTest, EmptyWaitIsInvalidArgument) {
  WaitOutcome w = wait_for_events({}, false, Timeout::zero());
  EXPECT_EQ(w.kind, WaitOutcome::Kind::failed);
  EXPECT_EQ(w.error, Status::invalid_argument);
}

TEST_F(EventTest, ReportsLowestSignalledIndex) {
  std::vector<EventHandle> evs(100);
  for (auto& e : evs)
    e = create_event();
  set_event(evs[70]);
  set_event(evs[42]);
  WaitOutcome w = wait_for_events(evs, false, Timeout::zero());
  ASSERT_EQ(w.kind, WaitOutcome::Kind::signalled);
  EXPECT_EQ(w.index, 42u);
  for (auto& e : evs)
    close_event(e);
}

TEST_F(EventTest, WaitAllNeedsEverySignalled) {
  std::vector<EventHandle> evs(5);
  for (auto& e : evs)
    e = create_event();
  for (int i = 0; i < 4; ++i)
    set_event(evs[i]);
  EXPECT_EQ(wait_for_events(evs, true, Timeout::millis(20)).kind, WaitOutcome::Kind::timeout);
  std::thread t([&] {
    std::this_thread::sleep_for(20ms);
    set_event(evs[4]);
  });
  WaitOutcome w = wait_for_events(evs, true, Timeout::millis(5000));
  t.join();
  EXPECT_EQ(w.kind, WaitOutcome::Kind::signalled);
  EXPECT_EQ(w.index, 0u);
  for (auto& e : evs)
    close_event(e);
}

TEST_F(EventTest, TimeoutIsHonoured) {
  EventHandle e = create_event();
  EventHandle list[1] = {e};
  auto t0 = std::chrono::steady_clock::now();
  WaitOutcome w = wait_for_events(list, false, Timeout::millis(50));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(w.kind, WaitOutcome::Kind::timeout);
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 2000ms);
  close_event(e);
}

TEST_F(EventTest, SetFromAnotherThreadWakesEveryWaiter) {
  EventHandle e = create_event();
  constexpr int kWaiters = 8;
  std::atomic<int> woke{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kWaiters; ++i) {
    ts.emplace_back([&] {
      EventHandle list[1] = {e};
      if (wait_for_events(list, false, Timeout::millis(10000)).kind ==
          WaitOutcome::Kind::signalled) {
        woke.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(30ms);
  set_event(e);
  for (auto& t : ts)
    t.join();
  EXPECT_EQ(woke.load(), kWaiters);
  close_event(e);
}

// W2: closing an event another thread waits on fails that wait; no hang.
TEST_F(EventTest, CloseWhileWaitingFailsTheWait) {
  EventHandle e = create_event();
  WaitOutcome w;
  std::thread t([&] {
    EventHandle list[1] = {e};
    w = wait_for_events(list, false, Timeout::millis(10000));
  });
  std::this_thread::sleep_for(30ms);
  ASSERT_EQ(close_event(e), Status::ok);
  t.join();
  EXPECT_EQ(w.kind, WaitOutcome::Kind::failed);
  EXPECT_EQ(w.error, Status::invalid_handle);
}

// N signallers, M waiters, 10^6 set operations in all: every round is seen
// by its waiter (no lost wake-up), bounded in time.
TEST_F(EventTest, NoLostWakeUpUnderConcurrency) {
  constexpr int kPairs = 4;
  constexpr int kRounds = 250'000 / 4;  // per pair, x4 operations per round
  std::vector<EventHandle> ping(kPairs), pong(kPairs);
  for (int i = 0; i < kPairs; ++i) {
    ping[i] = create_event();
    pong[i] = create_event();
  }
  std::atomic<long> ops{0};
  std::atomic<bool> failed{false};
  auto deadline = std::chrono::steady_clock::now() + 60s;
  std::vector<std::thread> ts;
  for (int p = 0; p < kPairs; ++p) {
    ts.emplace_back([&, p] {  // signaller
      EventHandle list[1] = {pong[p]};
      for (int r = 0; r < kRounds && !failed; ++r) {
        set_event(ping[p]);
        if (wait_for_events(list, false, Timeout::millis(10000)).kind !=
            WaitOutcome::Kind::signalled) {
          failed = true;
        }
        reset_event(pong[p]);
        ops += 2;
        if (std::chrono::steady_clock::now() > deadline) failed = true;
      }
    });
    ts.emplace_back([&, p] {  // waiter
      EventHandle list[1] = {ping[p]};
      for (int r = 0; r < kRounds && !failed; ++r) {
        if (wait_for_events(list, false, Timeout::millis(10000)).kind !=
            WaitOutcome::Kind::signalled) {
          failed = true;
        }
        reset_event(ping[p]);
        set_event(pong[p]);
        ops += 2;
      }
    });
  }
  for (auto& t : ts)
    t.join();
  EXPECT_FALSE(failed.load()) << "a wake-up was lost or the run exceeded its time";
  EXPECT_GE(ops.load(), 1'000'000);
  for (int i = 0; i < kPairs; ++i) {
    close_event(ping[i]);
    close_event(pong[i]);
  }
}

TEST_F(EventTest, ManyEventsInOneWait) {
  constexpr int kEvents = 100'000;
  std::vector<EventHandle> evs(kEvents);
  for (auto& e : evs)
    e = create_event();
  WaitOutcome w;
  std::thread t([&] { w = wait_for_events(evs, false, Timeout::millis(20000)); });
  std::this_thread::sleep_for(50ms);
  set_event(evs[kEvents - 3]);
  t.join();
  ASSERT_EQ(w.kind, WaitOutcome::Kind::signalled);
  EXPECT_EQ(w.index, static_cast<std::size_t>(kEvents - 3));
  for (auto& e : evs)
    close_event(e);
}

}  // namespace
}  // namespace wsx
