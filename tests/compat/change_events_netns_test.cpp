// R6 with real changes (Linux): each test moves into a network namespace of
// its own (unshare, as root), makes a veth pair there, then adds and removes
// addresses and routes with `ip` and checks that each change gives exactly
// one event, only after the ioctl, for the right family, with the right
// error, and nothing for a change that came before the ioctl was issued
// again. Skipped, saying why, where namespaces are not permitted.
#include <sched.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "compat/async_fixture.hpp"

namespace wsx::test {
namespace {

const char* ip_binary() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return nullptr;
}

// Runs `ip <args>` in the calling thread's namespace (a child process
// inherits it); a failure fails the test with ip's own words.
bool ip(const std::string& args) {
  const char* bin = ip_binary();
  if (!bin) {
    ADD_FAILURE() << "no ip binary (iproute2; scripts/install-deps.sh installs it)";
    return false;
  }
  std::string cmd = std::string(bin) + " " + args + " 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) {
    ADD_FAILURE() << "popen failed: " << cmd;
    return false;
  }
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, f))
    out += buf;
  int status = ::pclose(f);
  if (status != 0) ADD_FAILURE() << cmd << " -> " << status << ": " << out;
  return status == 0;
}

std::string ip_output(const std::string& args) {
  std::string cmd = std::string(ip_binary()) + " " + args + " 2>&1";
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, f))
      out += buf;
    ::pclose(f);
  }
  return out;
}

sockaddr_in v4(const char* text) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, text, &a.sin_addr);
  return a;
}

sockaddr_in6 v6(const char* text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  ::inet_pton(AF_INET6, text, &a.sin6_addr);
  return a;
}

std::string text_of(const sockaddr_storage& a) {
  char buf[64] = "?";
  if (a.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a)->sin_addr, buf, sizeof buf);
  } else if (a.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

// Documentation prefixes only (RFC 5737, RFC 3849), inside the test's own
// namespace: nothing leaves it, and UDP connect, which the route lookups
// use, sends nothing anyway.
constexpr const char* kDest4 = "203.0.113.9";
constexpr const char* kDest6 = "2001:db8:f::9";

class ChangeEventsNetns : public AsyncTest {
 protected:
  void SetUp() override {
    AsyncTest::SetUp();
    original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (::unshare(CLONE_NEWNET) != 0) {
      skip_ = std::string("unshare(CLONE_NEWNET) is not permitted here (") + std::strerror(errno) +
              "); these tests need root or CAP_SYS_ADMIN";
      return;
    }
    entered_ = true;
    // Two linked interfaces with one IPv4 and one IPv6 address each. No
    // automatic IPv6 link-local addresses and no duplicate address
    // detection: nothing may change later by itself while a test listens.
    ASSERT_TRUE(ip("link set lo up"));
    ASSERT_TRUE(ip("link add wsx0 type veth peer name wsx1"));
    for (const char* dev : {"wsx0", "wsx1"}) {
      ASSERT_TRUE(ip(std::string("link set ") + dev + " addrgenmode none"));
      ASSERT_TRUE(ip(std::string("link set ") + dev + " up"));
    }
    ASSERT_TRUE(ip("addr add 198.51.100.1/25 dev wsx0"));
    ASSERT_TRUE(ip("addr add 198.51.100.129/25 dev wsx1"));
    ASSERT_TRUE(ip("-6 addr add 2001:db8:a::1/64 dev wsx0 nodad"));
    ASSERT_TRUE(ip("-6 addr add 2001:db8:b::1/64 dev wsx1 nodad"));
    // The carrier comes up asynchronously (link watch); wait for it so
    // that its route updates are over before anything listens.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (ip_output("-br link show wsx0").find("LOWER_UP") == std::string::npos ||
           ip_output("-br link show wsx1").find("LOWER_UP") == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "veth carrier never came up";
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void TearDown() override {
    AsyncTest::TearDown();
    // The namespace goes away with its last socket; the thread goes home.
    if (entered_) ::setns(original_, CLONE_NEWNET);
    if (original_ >= 0) ::close(original_);
  }

  bool skipped() const { return !skip_.empty(); }

  int ioctl(SOCKET s, DWORD code, const void* in = nullptr, DWORD in_len = 0, void* out = nullptr,
            DWORD out_len = 0) {
    DWORD got = 0;
    return wsx_WSAIoctl(s, code, const_cast<void*>(in), in_len, out, out_len, &got, nullptr,
                        nullptr);
  }
  void expect_would_block(int r, const char* what) {
    EXPECT_EQ(r, SOCKET_ERROR) << what;
    EXPECT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK) << what;
  }
  SOCKET selected(int af, int type, long mask, WSAEVENT ev) {
    SOCKET s = api().socket(af, type, 0);
    EXPECT_NE(s, INVALID_SOCKET);
    owned_.push_back(s);
    EXPECT_EQ(api().WSAEventSelect(s, ev, mask), 0);
    return s;
  }
  // The routing query's answer as text, or the WSA error as a number.
  std::string route_answer(SOCKET s, const void* dest, DWORD len) {
    sockaddr_storage local{};
    DWORD got = 0;
    if (wsx_WSAIoctl(s, SIO_ROUTING_INTERFACE_QUERY, const_cast<void*>(dest), len, &local,
                     sizeof local, &got, nullptr, nullptr) != 0) {
      return std::to_string(api().WSAGetLastError());
    }
    return text_of(local);
  }

  std::string skip_;
  std::vector<SOCKET> owned_;

 private:
  int original_ = -1;
  bool entered_ = false;
};

#define WSX_NEED_NAMESPACE()              \
  do {                                    \
    if (skipped()) GTEST_SKIP() << skip_; \
  } while (0)

// R6: one event per change that happens after the ioctl, for the socket's
// own family; nothing for a change made before the ioctl was issued again.
TEST_P(ChangeEventsNetns, R6_AddressListChangeOncePerChangeAfterTheIoctl) {
  WSX_NEED_NAMESPACE();
  WSAEVENT ev4 = event();
  WSAEVENT ev6 = event();
  SOCKET s4 = selected(AF_INET, SOCK_DGRAM, FD_ADDRESS_LIST_CHANGE | FD_READ, ev4);
  SOCKET s6 = selected(AF_INET6, SOCK_DGRAM, FD_ADDRESS_LIST_CHANGE | FD_READ, ev6);

  // Before any ioctl: nothing.
  ASSERT_TRUE(ip("addr add 203.0.113.1/32 dev wsx1"));
  expect_quiet(s4, ev4);

  expect_would_block(ioctl(s4, SIO_ADDRESS_LIST_CHANGE), "v4 ioctl");
  expect_would_block(ioctl(s6, SIO_ADDRESS_LIST_CHANGE), "v6 ioctl");
  expect_quiet(s4, ev4);  // the change before the ioctl stays unreported
  expect_quiet(s6, ev6);

  // An IPv4 change: the IPv4 socket, once; the IPv6 socket, nothing.
  ASSERT_TRUE(ip("addr add 203.0.113.2/32 dev wsx1"));
  WSANETWORKEVENTS ne = expect(s4, ev4, FD_ADDRESS_LIST_CHANGE);
  EXPECT_EQ(ne.iErrorCode[FD_ADDRESS_LIST_CHANGE_BIT], 0);
  expect_quiet(s6, ev6);

  // Another change without a new ioctl: nothing; and nothing after the
  // ioctl is issued again, since the change came before it.
  ASSERT_TRUE(ip("addr del 203.0.113.1/32 dev wsx1"));
  expect_quiet(s4, ev4);
  expect_would_block(ioctl(s4, SIO_ADDRESS_LIST_CHANGE), "v4 ioctl again");
  expect_quiet(s4, ev4);

  // An IPv6 change: the IPv6 socket only.
  ASSERT_TRUE(ip("-6 addr add 2001:db8:c::1/64 dev wsx1 nodad"));
  expect(s6, ev6, FD_ADDRESS_LIST_CHANGE);
  expect_quiet(s4, ev4);

  // A removal is a change too.
  ASSERT_TRUE(ip("addr del 203.0.113.2/32 dev wsx1"));
  expect(s4, ev4, FD_ADDRESS_LIST_CHANGE);
  expect_quiet(s6, ev6);
}

// SIO_ADDRESS_LIST_QUERY follows the changes.
TEST_P(ChangeEventsNetns, AddressListQueryFollowsTheChanges) {
  WSX_NEED_NAMESPACE();
  SOCKET s = api().socket(AF_INET, SOCK_DGRAM, 0);
  owned_.push_back(s);
  auto listed = [&] {
    std::vector<char> buf(4096);
    DWORD got = 0;
    EXPECT_EQ(wsx_WSAIoctl(s, SIO_ADDRESS_LIST_QUERY, nullptr, 0, buf.data(),
                           static_cast<DWORD>(buf.size()), &got, nullptr, nullptr),
              0);
    auto* list = reinterpret_cast<SOCKET_ADDRESS_LIST*>(buf.data());
    std::set<std::string> out;
    for (int i = 0; i < list->iAddressCount; ++i) {
      sockaddr_storage a{};
      std::memcpy(&a, list->Address[i].lpSockaddr,
                  static_cast<std::size_t>(list->Address[i].iSockaddrLength));
      out.insert(text_of(a));
    }
    return out;
  };
  // Loopback is not listed (as on Windows); the veth addresses are.
  using Set = std::set<std::string>;
  EXPECT_EQ(listed(), (Set{"198.51.100.1", "198.51.100.129"}));
  ASSERT_TRUE(ip("addr add 203.0.113.1/32 dev wsx0"));
  EXPECT_EQ(listed(), (Set{"198.51.100.1", "198.51.100.129", "203.0.113.1"}));
  ASSERT_TRUE(ip("addr del 198.51.100.129/25 dev wsx1"));
  EXPECT_EQ(listed(), (Set{"198.51.100.1", "203.0.113.1"}));
}

// R6 for routes: a change of the local address that reaches the
// destination gives one event with error 0; the destination becoming
// unreachable gives one with WSAENETUNREACH; a route elsewhere gives none.
TEST_P(ChangeEventsNetns, R6_RoutingInterfaceChangeFollowsTheRoute) {
  WSX_NEED_NAMESPACE();
  WSAEVENT ev = event();
  SOCKET s = selected(AF_INET, SOCK_DGRAM, FD_ROUTING_INTERFACE_CHANGE, ev);
  const sockaddr_in dest = v4(kDest4);
  EXPECT_EQ(route_answer(s, &dest, sizeof dest), std::to_string(WSAENETUNREACH));

  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl");
  ASSERT_TRUE(ip("route add 192.0.2.0/24 dev wsx0"));  // not towards dest
  expect_quiet(s, ev);

  ASSERT_TRUE(ip("route add 203.0.113.0/24 dev wsx0 src 198.51.100.1"));
  WSANETWORKEVENTS ne = expect(s, ev, FD_ROUTING_INTERFACE_CHANGE);
  EXPECT_EQ(ne.iErrorCode[FD_ROUTING_INTERFACE_CHANGE_BIT], 0);
  EXPECT_EQ(route_answer(s, &dest, sizeof dest), "198.51.100.1");

  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl 2");
  ASSERT_TRUE(ip("route replace 203.0.113.0/24 dev wsx1 src 198.51.100.129"));
  ne = expect(s, ev, FD_ROUTING_INTERFACE_CHANGE);
  EXPECT_EQ(ne.iErrorCode[FD_ROUTING_INTERFACE_CHANGE_BIT], 0);
  EXPECT_EQ(route_answer(s, &dest, sizeof dest), "198.51.100.129");

  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl 3");
  ASSERT_TRUE(ip("route del 203.0.113.0/24"));
  ne = expect(s, ev, FD_ROUTING_INTERFACE_CHANGE, "ROUTING=WSAENETUNREACH");
  EXPECT_EQ(ne.iErrorCode[FD_ROUTING_INTERFACE_CHANGE_BIT], WSAENETUNREACH);

  // Reachable again, but before the ioctl was issued again: nothing, before
  // or after it.
  ASSERT_TRUE(ip("route add 203.0.113.0/24 dev wsx0 src 198.51.100.1"));
  expect_quiet(s, ev);
  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl 4");
  expect_quiet(s, ev);
}

// The same for IPv6, and an IPv4 route change says nothing to it.
TEST_P(ChangeEventsNetns, R6_RoutingInterfaceChangeIPv6) {
  WSX_NEED_NAMESPACE();
  WSAEVENT ev = event();
  SOCKET s = selected(AF_INET6, SOCK_DGRAM, FD_ROUTING_INTERFACE_CHANGE, ev);
  const sockaddr_in6 dest = v6(kDest6);
  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl");
  ASSERT_TRUE(ip("route add 203.0.113.0/24 dev wsx0"));
  expect_quiet(s, ev);
  ASSERT_TRUE(ip("-6 route add 2001:db8:f::/64 dev wsx1 src 2001:db8:b::1"));
  WSANETWORKEVENTS ne = expect(s, ev, FD_ROUTING_INTERFACE_CHANGE);
  EXPECT_EQ(ne.iErrorCode[FD_ROUTING_INTERFACE_CHANGE_BIT], 0);
  EXPECT_EQ(route_answer(s, &dest, sizeof dest), "2001:db8:b::1");
  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "ioctl 2");
  ASSERT_TRUE(ip("-6 route del 2001:db8:f::/64"));
  ne = expect(s, ev, FD_ROUTING_INTERFACE_CHANGE, "ROUTING=WSAENETUNREACH");
  EXPECT_EQ(ne.iErrorCode[FD_ROUTING_INTERFACE_CHANGE_BIT], WSAENETUNREACH);
}

// S8 for these events (wsx's choice, docs/semantics.md): a change after the
// ioctl while the event was not selected is reported at the next select
// that selects it, once.
TEST_P(ChangeEventsNetns, S8_ChangeKeptUntilTheEventIsSelected) {
  WSX_NEED_NAMESPACE();
  WSAEVENT ev = event();
  SOCKET s = selected(AF_INET, SOCK_DGRAM, FD_READ, ev);
  expect_would_block(ioctl(s, SIO_ADDRESS_LIST_CHANGE), "ioctl");
  ASSERT_TRUE(ip("addr add 203.0.113.1/32 dev wsx1"));
  expect_quiet(s, ev);
  ASSERT_EQ(api().WSAEventSelect(s, ev, FD_READ | FD_ADDRESS_LIST_CHANGE), 0);
  expect(s, ev, FD_ADDRESS_LIST_CHANGE);
  ASSERT_EQ(api().WSAEventSelect(s, ev, FD_READ | FD_ADDRESS_LIST_CHANGE), 0);
  expect_quiet(s, ev);
}

// A blocking socket's CHANGE ioctl returns when the change happens (as on
// Windows), and fails with WSAEINTR when the socket is closed under it.
TEST_P(ChangeEventsNetns, BlockingIoctlReturnsAtTheChange) {
  WSX_NEED_NAMESPACE();
  SOCKET s = api().socket(AF_INET, SOCK_DGRAM, 0);
  owned_.push_back(s);
  std::atomic<int> result{1};
  std::atomic<int> error{0};
  std::thread t([&] {
    int r = ioctl(s, SIO_ADDRESS_LIST_CHANGE);
    error = r == 0 ? 0 : api().WSAGetLastError();
    result = r;
  });
  auto wait_done = [&](int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (result == 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return result != 1;
  };
  EXPECT_FALSE(wait_done(kQuietMs)) << "returned before any change: " << error;
  ASSERT_TRUE(ip("addr add 203.0.113.1/32 dev wsx1"));
  bool done = wait_done(kEventTimeoutMs);
  if (!done) api().closesocket(s);  // bounded: end the call before joining
  t.join();
  EXPECT_TRUE(done) << "the blocking ioctl did not return at the change";
  EXPECT_EQ(result, 0) << error;

  SOCKET b = api().socket(AF_INET, SOCK_DGRAM, 0);
  result = 1;
  std::thread t2([&] {
    int r = ioctl(b, SIO_ADDRESS_LIST_CHANGE);
    error = r == 0 ? 0 : api().WSAGetLastError();
    result = r;
  });
  EXPECT_FALSE(wait_done(kQuietMs));
  api().closesocket(b);
  EXPECT_TRUE(wait_done(kEventTimeoutMs)) << "closesocket did not end the blocking ioctl";
  t2.join();
  EXPECT_EQ(result, SOCKET_ERROR);
  EXPECT_EQ(error, WSAEINTR);
}

// The same events in message mode (WSAAsyncSelect): one message per change,
// carrying the error in its high word (M1, R1).
TEST_P(ChangeEventsNetns, R6_ChangeMessagesUnderAsyncSelect) {
  WSX_NEED_NAMESPACE();
  HWND q = queue();
  SOCKET s = api().socket(AF_INET, SOCK_DGRAM, 0);
  owned_.push_back(s);
  ASSERT_EQ(wsx_WSAAsyncSelect(s, q, kMsg, FD_ADDRESS_LIST_CHANGE | FD_ROUTING_INTERFACE_CHANGE),
            0);
  const sockaddr_in dest = v4(kDest4);
  expect_would_block(ioctl(s, SIO_ADDRESS_LIST_CHANGE), "address ioctl");
  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "route ioctl");
  ASSERT_TRUE(ip("route add 203.0.113.0/24 dev wsx0"));  // a route, no address
  std::vector<Note> got = expect_messages(q, s, {FD_ROUTING_INTERFACE_CHANGE});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].error, 0);
  ASSERT_TRUE(ip("addr add 192.0.2.1/32 dev wsx1"));  // an address, no route towards dest
  got = expect_messages(q, s, {FD_ADDRESS_LIST_CHANGE});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].error, 0);
  expect_would_block(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "route ioctl 2");
  ASSERT_TRUE(ip("link set wsx0 down"));  // its routes go with it
  got = expect_messages(q, s, {{FD_ROUTING_INTERFACE_CHANGE, WSAENETUNREACH}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].error, WSAENETUNREACH);
  ASSERT_TRUE(ip("link set wsx0 up"));
  expect_no_messages(q, s);
}

// Route netlink sockets of this namespace subscribed to wsx's groups
// (links, IPv4/IPv6 addresses and routes): the runtime's subscription.
int subscriptions() {
  int n = 0;
  if (FILE* f = std::fopen("/proc/thread-self/net/netlink", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
      unsigned long long sk = 0;
      unsigned protocol = 0, pid = 0, groups = 0;
      if (std::sscanf(line, "%llx %u %u %x", &sk, &protocol, &pid, &groups) == 4 && protocol == 0 &&
          groups == 0x551) {
        ++n;
      }
    }
    std::fclose(f);
  }
  return n;
}

// One subscription, made by the first CHANGE ioctl and shared by every
// socket after it; the last WSACleanup closes it.
TEST_P(ChangeEventsNetns, SubscriptionStartsOnFirstUseAndEndsWithCleanup) {
  WSX_NEED_NAMESPACE();
  SOCKET a = api().socket(AF_INET, SOCK_DGRAM, 0);
  SOCKET b = api().socket(AF_INET6, SOCK_DGRAM, 0);
  u_long on = 1;
  ASSERT_EQ(api().ioctlsocket(a, FIONBIO, &on), 0);
  ASSERT_EQ(api().ioctlsocket(b, FIONBIO, &on), 0);
  EXPECT_EQ(subscriptions(), 0);
  expect_would_block(ioctl(a, SIO_ADDRESS_LIST_CHANGE), "first");
  EXPECT_EQ(subscriptions(), 1);
  const sockaddr_in6 dest = v6(kDest6);
  expect_would_block(ioctl(b, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest), "second");
  EXPECT_EQ(subscriptions(), 1);
  ASSERT_EQ(api().WSACleanup(), 0);
  EXPECT_EQ(subscriptions(), 0);
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
  // And again after a new start.
  SOCKET c = api().socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(api().ioctlsocket(c, FIONBIO, &on), 0);
  expect_would_block(ioctl(c, SIO_ADDRESS_LIST_CHANGE), "after restart");
  EXPECT_EQ(subscriptions(), 1);
  ASSERT_TRUE(ip("addr add 203.0.113.1/32 dev wsx1"));
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(c, ev, FD_ADDRESS_LIST_CHANGE), 0);
  expect(c, ev, FD_ADDRESS_LIST_CHANGE);  // the change came while not selected (S8)
  api().closesocket(c);
}

WSX_CONFORMANCE_SUITE(ChangeEventsNetns);

}  // namespace
}  // namespace wsx::test
