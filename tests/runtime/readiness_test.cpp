// wanted_conditions: what the core asks an interest-driven backend (AFD
// poll) to watch, rule by rule. Asking for too little loses events; asking
// for a condition that already holds and will not be consumed spins.
#include <gtest/gtest.h>

#include "core/event_record.hpp"
#include "core/readiness.hpp"

namespace wsx::detail {
namespace {

constexpr EventMask kRead = mask_of(NetEvent::read);
constexpr EventMask kWrite = mask_of(NetEvent::write);
constexpr EventMask kOob = mask_of(NetEvent::oob);
constexpr EventMask kAccept = mask_of(NetEvent::accept);
constexpr EventMask kConnect = mask_of(NetEvent::connect);
constexpr EventMask kClose = mask_of(NetEvent::close);

struct Socket {
  SocketState st;
  std::uint32_t epoch = 0;
  Socket(std::uint32_t flags, EventMask selected) {
    st.flags.store(flags | sf::kRegistered);
    epoch = record_install(st, NotifyMode::event, 1, 0, selected);
  }
  // The event was recorded and waits for its re-enabling call (R2).
  void report(NetEvent e) {
    Delivery d;
    ASSERT_TRUE(record_event(st, epoch, e, 0, &d));
  }
  Readiness want() const { return wanted_conditions(st); }
};

constexpr std::uint32_t kConnected = sf::kStream | sf::kConnected;

bool none(const Readiness& r) {
  return !(r.readable || r.writable || r.priority || r.peer_closed || r.hangup || r.error);
}

TEST(WantedConditions, NothingWithoutASelection) {
  Socket s(kConnected, 0);
  EXPECT_TRUE(none(s.want()));
  Socket gone(kConnected, kRead);
  gone.st.flags.store(0);  // closed
  EXPECT_TRUE(none(gone.want()));
}

TEST(WantedConditions, ReadWatchesDataAndTheFinUntilReported) {
  Socket s(kConnected, kRead | kClose);
  Readiness w = s.want();
  EXPECT_TRUE(w.readable && w.peer_closed && w.hangup && w.error);
  s.report(NetEvent::read);
  w = s.want();
  // R2: the data stays unread until the receive; asking again would spin.
  EXPECT_FALSE(w.readable);
  EXPECT_FALSE(w.peer_closed) << "FD_CLOSE waits for the unread data anyway (R9)";
  EXPECT_TRUE(w.hangup) << "a reset still ends the connection";
  record_reenable(s.st, kRead);
  EXPECT_TRUE(s.want().readable);
}

TEST(WantedConditions, AKnownFinOrFailureIsNotWatchedAgain) {
  Socket fin(kConnected | sf::kPeerClosed, kRead | kClose | kOob);
  EXPECT_TRUE(none(fin.want()));
  Socket failed(kConnected | sf::kFailed, kRead | kClose | kWrite);
  EXPECT_TRUE(none(failed.want()));
  Socket half(kConnected | sf::kPeerClosed | sf::kWriteArmed, kWrite | kClose);
  Readiness w = half.want();
  EXPECT_TRUE(w.writable) << "sending still works after the peer's FIN";
  EXPECT_FALSE(w.peer_closed || w.hangup);
}

TEST(WantedConditions, WriteOnlyWhenArmed) {
  Socket s(kConnected, kWrite);
  EXPECT_FALSE(s.want().writable) << "R7: no FD_WRITE while sends succeed";
  s.st.set_flags(sf::kWriteArmed);
  EXPECT_TRUE(s.want().writable);
  s.report(NetEvent::write);
  EXPECT_FALSE(s.want().writable);
}

TEST(WantedConditions, ConnectingWatchesTheOutcomeWhateverIsSelected) {
  Socket s(sf::kStream | sf::kConnecting, kRead);
  Readiness w = s.want();
  EXPECT_TRUE(w.writable && w.error && w.hangup);
  EXPECT_FALSE(w.readable);
  Socket idle(sf::kStream, kRead | kConnect);
  EXPECT_TRUE(none(idle.want())) << "never connected: nothing can happen";
}

TEST(WantedConditions, ListenerWatchesConnectionsOnly) {
  Socket s(sf::kStream | sf::kListening, kAccept | kRead);
  Readiness w = s.want();
  EXPECT_TRUE(w.readable);
  EXPECT_FALSE(w.writable || w.peer_closed || w.hangup);
  s.report(NetEvent::accept);
  EXPECT_TRUE(none(s.want()));
}

TEST(WantedConditions, UrgentDataIsOobOnlyWhenNotInline) {
  Socket s(kConnected, kRead | kOob);
  EXPECT_TRUE(s.want().priority);
  s.st.set_flags(sf::kOobInline);
  EXPECT_FALSE(s.want().priority) << "R8: inline urgent data is ordinary data";
}

TEST(WantedConditions, DatagramsWatchDataAndArmedSpace) {
  Socket s(sf::kBound, kRead | kWrite | kClose);
  Readiness w = s.want();
  EXPECT_TRUE(w.readable);
  EXPECT_FALSE(w.writable || w.peer_closed || w.hangup) << "R11: no FD_CLOSE for UDP";
  s.st.set_flags(sf::kWriteArmed);
  EXPECT_TRUE(s.want().writable);
}

}  // namespace
}  // namespace wsx::detail
