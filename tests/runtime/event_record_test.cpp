// The event record word in isolation: each transition of rules S2-S4, R1-R4
// and E1-E2, and their atomicity under contention.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/event_record.hpp"

namespace wsx::detail {
namespace {

constexpr EventMask kRead = mask_of(NetEvent::read);
constexpr EventMask kWrite = mask_of(NetEvent::write);
constexpr EventMask kClose = mask_of(NetEvent::close);

TEST(EventRecord, StateIsOneCacheLine) {
  EXPECT_EQ(sizeof(SocketState), 64u);
  EXPECT_EQ(alignof(SocketState), 64u);
}

TEST(EventRecord, RecordsOnlySelectedAndEnabledEvents) {
  SocketState st;
  std::uint32_t epoch = record_install(st, NotifyMode::event, 42, 0, kRead | kClose);
  Delivery d;
  EXPECT_FALSE(record_event(st, epoch, NetEvent::write, 0, &d));  // not selected
  EXPECT_TRUE(record_event(st, epoch, NetEvent::read, 0, &d));
  EXPECT_EQ(d.mode, NotifyMode::event);
  EXPECT_EQ(d.target, 42u);
  EXPECT_FALSE(record_event(st, epoch, NetEvent::read, 0, &d));  // R2: no flooding
  record_reenable(st, kRead);                                    // R3
  EXPECT_TRUE(record_event(st, epoch, NetEvent::read, 0, &d));
  EXPECT_FALSE(record_event(st, epoch + 1, NetEvent::close, 0, &d));  // stale epoch
}

TEST(EventRecord, TakeCopiesAndClearsWithErrors) {
  SocketState st;
  std::uint32_t epoch = record_install(st, NotifyMode::event, 1, 0, kRead | kClose);
  Delivery d;
  ASSERT_TRUE(record_event(st, epoch, NetEvent::close, 104, &d));
  ASSERT_TRUE(record_event(st, epoch, NetEvent::read, 0, &d));
  native_error errors[kNetEventCount];
  for (auto& e : errors)
    e = -7;
  EXPECT_EQ(record_take(st, errors), kRead | kClose);
  EXPECT_EQ(errors[static_cast<int>(NetEvent::close)], 104);
  EXPECT_EQ(errors[static_cast<int>(NetEvent::read)], 0);
  EXPECT_EQ(errors[static_cast<int>(NetEvent::write)], -7);  // E2: untouched
  EXPECT_EQ(record_take(st, errors), 0u);
  // Taking does not re-enable (the disabled bit stays until recv).
  EXPECT_FALSE(record_event(st, epoch, NetEvent::read, 0, &d));
}

TEST(EventRecord, MessageModeHasNoRecord) {
  SocketState st;
  std::uint32_t epoch = record_install(st, NotifyMode::message, 7, 0x400, kRead);
  Delivery d;
  ASSERT_TRUE(record_event(st, epoch, NetEvent::read, 0, &d));
  EXPECT_EQ(d.mode, NotifyMode::message);
  EXPECT_EQ(d.message, 0x400u);
  native_error errors[kNetEventCount];
  EXPECT_EQ(record_take(st, errors), 0u);  // E4
}

TEST(EventRecord, ReselectClearsRecordAndCancels) {
  SocketState st;
  std::uint32_t e1 = record_install(st, NotifyMode::event, 1, 0, kRead);
  Delivery d;
  ASSERT_TRUE(record_event(st, e1, NetEvent::read, 0, &d));
  std::uint32_t e2 = record_install(st, NotifyMode::event, 2, 0, kWrite);  // S2, S3
  native_error errors[kNetEventCount];
  EXPECT_EQ(record_take(st, errors), 0u);
  EXPECT_FALSE(record_event(st, e2, NetEvent::read, 0, &d));
  ASSERT_TRUE(record_event(st, e2, NetEvent::write, 0, &d));
  EXPECT_EQ(d.target, 2u);
  std::uint32_t e3 = record_install(st, NotifyMode::event, 2, 0, 0);  // S4
  EXPECT_EQ(st.load_word().mode(), NotifyMode::none);
  EXPECT_FALSE(record_event(st, e3, NetEvent::write, 0, &d));
}

// Two threads record and re-enable while a third takes: every record
// reported by record_event is taken exactly once (no loss, no duplicate).
TEST(EventRecord, ConcurrentRecordAndTakeLoseNothing) {
  SocketState st;
  std::uint32_t epoch = record_install(st, NotifyMode::event, 1, 0, kRead | kWrite);
  std::atomic<long> recorded{0}, taken{0};
  std::atomic<bool> stop{false};
  auto producer = [&](NetEvent e) {
    Delivery d;
    for (int i = 0; i < 200'000; ++i) {
      if (record_event(st, epoch, e, 0, &d)) recorded.fetch_add(1);
      record_reenable(st, mask_of(e));
    }
  };
  std::thread consumer([&] {
    native_error errors[kNetEventCount];
    while (!stop.load())
      taken.fetch_add(std::popcount(record_take(st, errors)));
    taken.fetch_add(std::popcount(record_take(st, errors)));
  });
  std::thread a(producer, NetEvent::read), b(producer, NetEvent::write);
  a.join();
  b.join();
  stop = true;
  consumer.join();
  // A record made while its bit was still set merges with the earlier one,
  // as in Winsock, so taken <= recorded; but nothing recorded can be missing
  // from the final record.
  EXPECT_GT(taken.load(), 0);
  EXPECT_LE(taken.load(), recorded.load());
}

TEST(EventRecord, SelectionSnapshotIsConsistent) {
  SocketState st;
  record_install(st, NotifyMode::message, 99, 0x555, kRead | kWrite);
  Selection s = record_selection(st);
  EXPECT_EQ(s.delivery.mode, NotifyMode::message);
  EXPECT_EQ(s.delivery.target, 99u);
  EXPECT_EQ(s.delivery.message, 0x555u);
  EXPECT_EQ(s.mask, kRead | kWrite);
}

}  // namespace
}  // namespace wsx::detail
