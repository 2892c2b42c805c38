// The fixture every conformance test uses: Winsock started through the API
// under test, real sockets on loopback, and "exactly these events, then
// nothing for a while" as one call.
//
// Every observation a scenario makes goes through a helper that records it
// as a step of the scenario's trace (trace.hpp): the events seen with their
// error codes, each call's result and error. Run against wsx (Wsx/...) the
// helpers also hold each step to what the rules want. Run against the
// system's ws2_32 (System/..., Windows only) they only record; the test then
// compares the system's trace with wsx's, step by step, and fails on any
// difference that known_differences.cpp does not list. So one scenario,
// written once, is both wsx's conformance test and the side-by-side check.
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <vector>

#include "compat/trace.hpp"
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
// No scenario may run longer than this; past it the process ends with the
// test's name (a hang would otherwise eat the whole run's time-out).
inline constexpr int kScenarioLimitSeconds = 180;

// A handle value that names nothing, under either API: far past any handle
// the system hands out (a small number like 0x77 may name some object the
// process opened meanwhile, a window station, a key) and no wsx handle.
inline HANDLE not_a_handle() {
  return reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(0x7ffffff0));
}

// True under Wine, whose ws2_32 sits on a POSIX kernel and shows some of its
// behaviour (docs/semantics.md lists where); real Windows is never Wine.
bool running_under_wine();

class WinsockTest : public ::testing::TestWithParam<const WinsockApi*> {
 protected:
  using Where = std::source_location;

  const WinsockApi& api() const { return *api_; }
  // True while the scenario runs against the system's ws2_32.
  bool is_system() const { return api_->is_system; }
  // True while each step is held to the rules (wsx); false while a
  // side-by-side run only records (the system, and wsx's second run).
  bool checking() const { return checking_; }

  void SetUp() override;
  void TearDown() override;
  // gtest's test body, declared again here so that the side-by-side run can
  // run the scenario a second time, against wsx, from TearDown.
  void TestBody() override = 0;

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
  // Closed at the end of the test, like the sockets the fixture makes.
  SOCKET adopt(SOCKET s);
  WSAEVENT event();
  // "s1", "s2", ...: a socket's name in traces, given in the order sockets
  // are first named, which a scenario repeats exactly under either API
  // (their handle values differ).
  std::string name_of(SOCKET s);
  void close(SOCKET s);
  void close_event(WSAEVENT e);

  void send_all(SOCKET s, const void* data, int len, int flags = 0);
  void send_byte(SOCKET s, char c = 'x', int flags = 0) { send_all(s, &c, 1, flags); }
  void reset_close(SOCKET s);  // closes with an RST (SO_LINGER 0)
  int recv_some(SOCKET s, int max = 65536, int flags = 0);

  // Waits up to timeout_ms for ev, then enumerates s with it; the mask seen
  // (0 when the wait timed out). Errors of reported bits go to *ne. Not a
  // step: the helpers below make steps of what it sees.
  long next(SOCKET s, WSAEVENT ev, int timeout_ms, WSANETWORKEVENTS* ne = nullptr);
  bool signalled(WSAEVENT ev, int timeout_ms = 0);

  // ---- steps: recorded, and held to `want` while checking ----------------
  // Exactly `mask`: each bit reported once, nothing else, then nothing more
  // for kQuietMs. `errors` is the error part the rules want
  // ("CLOSE=WSAECONNRESET"; bits not named must have error 0). Returns the
  // error codes of the reported bits.
  WSANETWORKEVENTS expect(SOCKET s, WSAEVENT ev, long mask, const char* errors = "",
                          const char* what = nullptr, Where where = Where::current());
  void expect_quiet(SOCKET s, WSAEVENT ev, int ms = kQuietMs, const char* what = "quiet",
                    Where where = Where::current());
  void expect_signalled(const char* what, WSAEVENT ev, int timeout_ms, bool want,
                        Where where = Where::current());
  // A call's result as trace.hpp writes it; WSAGetLastError() is read at
  // once, so pass the call itself as `rc`. Each returns `rc`; call_socket
  // also adopts the socket it is given.
  int call(const char* what, int rc, const char* want, Where where = Where::current());
  SOCKET call_socket(const char* what, SOCKET rc, const char* want, Where where = Where::current());
  BOOL call_bool(const char* what, BOOL rc, const char* want, Where where = Where::current());
  DWORD call_wait(const char* what, DWORD rc, const char* want, Where where = Where::current());
  // Anything else the scenario looks at (bytes read, a value).
  void observe(const char* what, const std::string& seen, const std::string& want,
               Where where = Where::current());
  // Some probes the pages answer with an error crash Wine's ws2_32 (a NULL
  // pointer it dereferences). True when `what` must not run: the system
  // under Wine. The step then records that it did not run, which the
  // known-differences table lists.
  bool crashes_system(const char* what);
  // Where a scenario goes beyond what the system can do at all (more than
  // 64 events in one wait, wait sets): a step saying so in both traces.
  // False for the system, whose run stops there; wsx's goes on, its later
  // steps held to the rules and no longer compared.
  bool beyond_the_system(const char* why);

 private:
  void start();
  void release();
  void record(const char* what, std::string seen, const std::string& want, Where where);
#ifdef _WIN32
  void finish_side_by_side();
#endif

  const WinsockApi* api_ = nullptr;
  bool checking_ = true;
  bool comparing_ = true;  // false past beyond_the_system()
  Trace trace_;
  std::vector<SOCKET> sockets_;
  std::vector<WSAEVENT> events_;
  std::vector<SOCKET> names_;  // names_[i] is "s<i+1>"; INVALID_SOCKET once closed
  // What gtest would have reported while only recording: a check the
  // scenario makes outside the helpers is still part of the comparison.
  std::unique_ptr<::testing::TestPartResultArray> intercepted_;
  std::unique_ptr<::testing::ScopedFakeTestPartResultReporter> reporter_;
  void intercept();  // from now on, into a fresh intercepted_
};

// Instantiates a conformance suite for wsx and, on Windows, for the system
// (the side-by-side run). Wsx comes first, so a run of both halves in one
// process compares with the trace wsx's own run left behind.
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

// A suite of wsx's own calls, with nothing in the system to compare with.
#define WSX_ONLY_SUITE(suite)                                                    \
  INSTANTIATE_TEST_SUITE_P(Wsx, suite, ::testing::Values(&::wsx::test::kWsxApi), \
                           [](const auto&) { return std::string("wsx"); })

}  // namespace wsx::test
