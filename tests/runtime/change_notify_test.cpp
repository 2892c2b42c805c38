// The change subscription seen from the runtime: it is read through the
// backend without spinning, on both platforms (Wine answers its routing
// request with a failure packet, which must not be re-issued for ever).
#include <gtest/gtest.h>

#include <cstring>

#include "core/backend.hpp"
#include "core/registry.hpp"
#include "util/loopback.hpp"
#include "wsx/event.hpp"
#include "wsx/net_changes.hpp"
#include "wsx/sockets.hpp"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx {
namespace {

constexpr EventMask kChanges =
    mask_of(NetEvent::address_list_change) | mask_of(NetEvent::routing_interface_change);

TEST(ChangeNotify, RequestsCostNothingWhileNothingChanges) {
  Runtime rt;
  ASSERT_EQ(rt.error(), 0);
  native_socket s = test::make_udp();
  EventHandle ev = create_event();
  ASSERT_EQ(select_events(s, NotifyTarget::event(ev), kChanges), 0);
  EXPECT_FALSE(watch_address_list(s).ok());  // would block: the event follows a change
  sockaddr_in dest{};
  dest.sin_family = AF_INET;
  dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  watch_route(s, reinterpret_cast<sockaddr*>(&dest), sizeof dest);  // Wine: not supported
  detail::Backend& backend = detail::current_driver()->backend();
  EventHandle list[1] = {ev};
  EXPECT_EQ(wait_for_events(list, false, Timeout::millis(100)).kind, WaitOutcome::Kind::timeout);
  const std::uint64_t before = backend.reports();
  EXPECT_EQ(wait_for_events(list, false, Timeout::millis(300)).kind, WaitOutcome::Kind::timeout);
  EXPECT_LE(backend.reports() - before, 2u) << "the subscription keeps reporting";
  close_socket(s);
  close_event(ev);
}

TEST(ChangeNotify, QueriesAnswer) {
  Runtime rt;
  native_socket s = test::make_udp();
  std::vector<SocketAddress> list;
  EXPECT_EQ(query_address_list(s, &list), 0);
  for (const SocketAddress& a : list)
    EXPECT_EQ(a.addr.ss_family, AF_INET);
  sockaddr_in dest{};
  dest.sin_family = AF_INET;
  dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SocketAddress local;
  EXPECT_EQ(query_route(s, reinterpret_cast<sockaddr*>(&dest), sizeof dest, &local), 0);
  EXPECT_EQ(local.addr.ss_family, AF_INET);
  EXPECT_EQ(reinterpret_cast<sockaddr_in*>(&local.addr)->sin_port, 0);
  close_socket(s);
}

}  // namespace
}  // namespace wsx
