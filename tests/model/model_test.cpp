// The reference model on its own, against the pages' own examples: if these
// read as the rules, the model is the rules (no sockets here).
#include <gtest/gtest.h>

#include <vector>

#include "model/reference_model.hpp"

namespace wsx::model {
namespace {

CallResult ok(long v = 0) {
  return CallResult{v, 0};
}
CallResult error(int e) {
  return CallResult{0, e};
}

class Model : public ::testing::Test {
 protected:
  // A listener and a connected pair (client c, server side v, accepted).
  void SetUp() override {
    ev = m.new_event();
    l = m.new_listener(false);
    c = m.new_stream(false);
    ASSERT_EQ(m.connect(c, l, false, ok(), &v), "");
    ASSERT_EQ(m.accept(l, v, ok()), "");
  }
  // What an enumeration with the event would find (must only), and take it.
  Mask take(int s) {
    Mask got = m.must(s);
    int errors[kBitCount] = {};
    for (int b = 0; b < kBitCount; ++b)
      errors[b] = m.error_of(s, b);
    EXPECT_EQ(m.enumerate(s, ev, true, got, errors, ok()), "");
    return got;
  }
  // A send, and its arrival (as the harness measures it once settled).
  std::string send(int from, std::size_t n) {
    std::string why = m.send(from, n, ok(static_cast<long>(n)));
    const int to = m.socket(from).peer;
    m.world_facts(to, m.socket(to).in.sent, true);
    return why;
  }
  std::string recv(int s, std::size_t len, long got, bool peek = false) {
    std::vector<std::uint8_t> data(len);
    // The bytes the stream holds at the receiver's position.
    const Socket& so = m.socket(s);
    for (std::size_t i = 0; i < len; ++i)
      data[i] = ReferenceModel::content_byte(so.in.seed, so.in.read + i);
    return m.receive(s, len, peek, ok(got), data.data());
  }

  ReferenceModel m;
  int ev = -1, l = -1, c = -1, v = -1;
};

TEST_F(Model, S8_SelectReportsWhatHolds) {
  ASSERT_EQ(send(c, 10), "");
  ASSERT_EQ(m.select(v, ev, true, bit(kRead) | bit(kWrite) | bit(kConnect), ok()), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead) | bit(kWrite) | bit(kConnect)));
  EXPECT_FALSE(m.signalled(ev));
}

TEST_F(Model, R2_NoSecondReportBeforeTheReenablingCall) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead), ok()), "");
  ASSERT_EQ(mask_str(take(v)), mask_str(0));
  ASSERT_EQ(send(c, 1), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead)));
  ASSERT_EQ(send(c, 1), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(0));
}

// The WSAEventSelect page's example: 100 bytes, recv of 50, FD_READ again.
TEST_F(Model, R5_HundredBytesReadFiftyReportsAgain) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead), ok()), "");
  ASSERT_EQ(send(c, 100), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead)));
  ASSERT_EQ(recv(v, 50, 50), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead)));
  ASSERT_EQ(recv(v, 50, 50), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(0));
  EXPECT_NE(recv(v, 50, 50), "") << "nothing is left to read";
}

TEST_F(Model, R5_PeekReportsAgainWhileDataRemains) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead), ok()), "");
  ASSERT_EQ(send(c, 10), "");
  take(v);
  ASSERT_EQ(recv(v, 10, 10, /*peek=*/true), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead)));
}

TEST_F(Model, R4_FailingReceiveReenables) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead), ok()), "");
  EXPECT_EQ(m.receive(v, 10, false, error(err::kWouldBlock), nullptr), "");
  ASSERT_EQ(send(c, 5), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead)));
}

TEST_F(Model, R7_WriteOnConnectNotAfterSuccessfulSendsButAfterWouldBlock) {
  const int c2 = m.new_stream(false);
  ASSERT_EQ(m.select(c2, ev, true, bit(kWrite) | bit(kConnect), ok()), "");
  int v2 = -1;
  ASSERT_EQ(m.connect(c2, l, true, error(err::kWouldBlock), &v2), "");
  EXPECT_EQ(mask_str(take(c2)), mask_str(bit(kWrite) | bit(kConnect)));
  ASSERT_EQ(send(c2, 10), "");
  EXPECT_EQ(mask_str(take(c2)), mask_str(0));
  ASSERT_EQ(m.send(c2, 4096, error(err::kWouldBlock)), "");
  EXPECT_EQ(mask_str(take(c2)), mask_str(0)) << "no space, no FD_WRITE";
  m.world_facts(c2, 0, false);
  EXPECT_EQ(mask_str(take(c2)), mask_str(0));
  // Once the kernel says a send is possible again: FD_WRITE, once.
  m.world_facts(c2, 0, true);
  EXPECT_EQ(mask_str(take(c2)), mask_str(bit(kWrite)));
  m.world_facts(c2, 0, true);
  EXPECT_EQ(mask_str(take(c2)), mask_str(0));
}

TEST_F(Model, R9_GracefulCloseWaitsForTheDataResetDoesNot) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead) | bit(kClose), ok()), "");
  ASSERT_EQ(send(c, 10), "");
  ASSERT_EQ(m.shutdown(c, true, false, ok()), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kRead))) << "no FD_CLOSE while data is unread";
  ASSERT_EQ(recv(v, 100, 10), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kClose)));
  EXPECT_EQ(m.error_of(v, kClose), 0);

  const int c2 = m.new_stream(false);
  int v2 = -1;
  ASSERT_EQ(m.connect(c2, l, false, ok(), &v2), "");
  ASSERT_EQ(m.accept(l, v2, ok()), "");
  ASSERT_EQ(m.select(v2, ev, true, bit(kClose), ok()), "");
  ASSERT_EQ(m.close(c2, true, ok()), "");
  EXPECT_EQ(mask_str(take(v2)), mask_str(bit(kClose)));
  EXPECT_EQ(m.error_of(v2, kClose), err::kConnReset);
}

TEST_F(Model, S7_AcceptedSocketInheritsSelectionWithoutConnect) {
  ASSERT_EQ(m.select(l, ev, true, bit(kAccept) | bit(kWrite) | bit(kConnect), ok()), "");
  const int c2 = m.new_stream(false);
  int v2 = -1;
  ASSERT_EQ(m.connect(c2, l, false, ok(), &v2), "");
  EXPECT_EQ(mask_str(take(l)), mask_str(bit(kAccept)));
  ASSERT_EQ(m.accept(l, v2, ok()), "");
  EXPECT_EQ(mask_str(take(v2)), mask_str(bit(kWrite)));
}

TEST_F(Model, R8_UrgentByteIsOobUnlessInline) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead) | bit(kOob), ok()), "");
  std::uint8_t b = 0;
  ASSERT_EQ(m.send_urgent(c, &b, ok(1)), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(0)) << "not arrived yet";
  m.world_facts(v, 1, true);
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kOob)));
  // wsx saw it (selected): a normal receive passing its place keeps it.
  m.end_of_step();
  ASSERT_EQ(m.receive(v, 10, false, error(err::kWouldBlock), nullptr), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(bit(kOob))) << "R5: still there after the receive";
  ASSERT_EQ(m.receive_urgent(v, false, ok(1), &b), "");
  EXPECT_EQ(mask_str(take(v)), mask_str(0));
}

TEST_F(Model, E1_EnumerateWithNullLeavesTheEventSet) {
  ASSERT_EQ(m.select(v, ev, true, bit(kWrite), ok()), "");
  EXPECT_TRUE(m.signalled(ev));
  int errors[kBitCount] = {};
  ASSERT_EQ(m.enumerate(v, -1, false, bit(kWrite), errors, ok()), "");
  EXPECT_TRUE(m.signalled(ev));
  EXPECT_EQ(m.must(v), 0u);
  EXPECT_NE(m.enumerate(v, ev, true, bit(kWrite), errors, ok()), "") << "the record was cleared";
}

TEST_F(Model, StaleReadinessIsAllowedOnlyAfterARacedReceive) {
  ASSERT_EQ(m.select(v, ev, true, bit(kRead), ok()), "");
  int errors[kBitCount] = {};
  EXPECT_NE(m.enumerate(v, ev, true, bit(kRead), errors, ok()), "") << "no data, no FD_READ";
  m.receive_raced(v, /*drained=*/true);
  EXPECT_EQ(m.enumerate(v, ev, true, bit(kRead), errors, ok()), "");
  ASSERT_EQ(m.allowances_used().size(), 1u);
}

}  // namespace
}  // namespace wsx::model
