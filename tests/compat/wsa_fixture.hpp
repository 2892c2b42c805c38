// The fixture every conformance test uses: Winsock started through the API
// under test, real sockets on loopback, and "exactly these events, then
// nothing for a while" as one call.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compat/winsock_api.hpp"

namespace wsx::test {

// Generous bounds: a pass is quick, only a failure waits them out.
#ifdef _WIN32
inline constexpr int kEventTimeoutMs = 10000;
inline constexpr int kQuietMs = 300;
#else
inline constexpr int kEventTimeoutMs = 5000;
inline constexpr int kQuietMs = 100;
#endif

std::string events_str(long mask);

// True under Wine, whose ws2_32 sits on a POSIX kernel and shows some of its
// behaviour (docs/semantics.md lists where); real Windows is never Wine.
bool running_under_wine();

class WinsockTest : public ::testing::TestWithParam<const WinsockApi*> {
 protected:
  const WinsockApi& api() const { return *GetParam(); }

  void SetUp() override;
  void TearDown() override;

  SOCKET tcp(int af = AF_INET);
  SOCKET udp();  // bound to 127.0.0.1, any port
  SOCKET listener(int backlog = 16);
  sockaddr_in address_of(SOCKET s);
  struct Pair {
    SOCKET client = INVALID_SOCKET;
    SOCKET server = INVALID_SOCKET;
  };
  // A connected pair through `l` (which may already be selected).
  Pair connected(SOCKET l);
  WSAEVENT event();
  void close(SOCKET s);
  void close_event(WSAEVENT e);

  void send_all(SOCKET s, const void* data, int len, int flags = 0);
  void send_byte(SOCKET s, char c = 'x', int flags = 0) { send_all(s, &c, 1, flags); }
  void reset_close(SOCKET s);  // closes with an RST (SO_LINGER 0)
  int recv_some(SOCKET s, int max = 65536, int flags = 0);

  // Waits up to timeout_ms for ev, then enumerates s with it; the mask seen
  // (0 when the wait timed out). Errors of reported bits go to *ne.
  long next(SOCKET s, WSAEVENT ev, int timeout_ms, WSANETWORKEVENTS* ne = nullptr);
  // Exactly `mask`: each bit reported once, nothing else, then nothing more
  // for kQuietMs. Returns the error codes of the reported bits.
  WSANETWORKEVENTS expect(SOCKET s, WSAEVENT ev, long mask);
  void expect_quiet(SOCKET s, WSAEVENT ev, int ms = kQuietMs);
  bool signalled(WSAEVENT ev, int timeout_ms = 0);

 private:
  std::vector<SOCKET> sockets_;
  std::vector<WSAEVENT> events_;
};

// Instantiates a conformance suite for wsx and, on Windows, for the system.
#ifdef _WIN32
#define WSX_CONFORMANCE_SUITE(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Wsx, suite, ::testing::Values(&::wsx::test::kWsxApi),       \
                           [](const auto&) { return std::string("wsx"); });            \
  INSTANTIATE_TEST_SUITE_P(System, suite, ::testing::Values(&::wsx::test::kSystemApi), \
                           [](const auto&) { return std::string("system"); })
#else
#define WSX_CONFORMANCE_SUITE(suite)                                             \
  INSTANTIATE_TEST_SUITE_P(Wsx, suite, ::testing::Values(&::wsx::test::kWsxApi), \
                           [](const auto&) { return std::string("wsx"); })
#endif

}  // namespace wsx::test
