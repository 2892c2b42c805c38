#include "compat/wsa_fixture.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "compat/known_differences.hpp"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::test {
namespace {

// "Select.S1_ReturnsZeroOrSocketErrorWithCode" for the running test, whether
// it is the Wsx/... or the System/... instance.
std::string scenario_name() {
  const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string suite = t->test_suite_name();
  std::string name = t->name();
  suite = suite.substr(suite.find('/') + 1);
  return suite + "." + name.substr(0, name.find('/'));
}

// The traces of the wsx runs of this process, by scenario: the side-by-side
// run compares with them instead of running wsx a second time.
std::map<std::string, Trace>& wsx_traces() {
  static std::map<std::string, Trace> traces;
  return traces;
}

// Ends the process when a scenario outlives kScenarioLimitSeconds, naming
// it: a blocking call the system never returns from (or a wsx hang) costs a
// clear message and a minute instead of the whole run's time-out. One
// thread for the process, never destroyed (it may be waiting at exit).
class Watchdog {
 public:
  static Watchdog& get() {
    static Watchdog* dog = new Watchdog;  // never freed, see above
    return *dog;
  }
  void arm(std::string what, std::chrono::seconds limit) {
    std::lock_guard<std::mutex> l(m_);
    what_ = std::move(what);
    deadline_ = std::chrono::steady_clock::now() + limit;
    armed_ = true;
    cv_.notify_one();
  }
  void disarm() {
    std::lock_guard<std::mutex> l(m_);
    armed_ = false;
    cv_.notify_one();
  }

 private:
  Watchdog() {
    std::thread([this] { watch(); }).detach();
  }
  void watch() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
      if (!armed_) {
        cv_.wait(l);
        continue;
      }
      if (cv_.wait_until(l, deadline_) == std::cv_status::timeout && armed_ &&
          std::chrono::steady_clock::now() >= deadline_) {
        std::fprintf(stderr, "\nwatchdog: %s still running after %d s; ending the run\n",
                     what_.c_str(), kScenarioLimitSeconds);
        std::fflush(stderr);
        std::fflush(stdout);
        std::_Exit(3);
      }
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::string what_;
  std::chrono::steady_clock::time_point deadline_{};
  bool armed_ = false;
};

#ifdef _WIN32
// A check made outside the helpers and intercepted while only recording
// becomes a step, so that it takes part in the comparison. The location
// identifies it; the message's first line says what failed.
void append_intercepted(Trace& t, const ::testing::TestPartResultArray& results,
                        std::string* skipped) {
  for (int i = 0; i < results.size(); ++i) {
    const ::testing::TestPartResult& r = results.GetTestPartResult(i);
    if (r.skipped()) {
      *skipped = r.message();
      continue;
    }
    std::string where = std::string("check at ") + (r.file_name() ? r.file_name() : "?") + ":" +
                        std::to_string(r.line_number());
    std::string msg = r.message();
    t.add(where, "failed: " + msg.substr(0, msg.find('\n')));
  }
}
#endif

}  // namespace

bool running_under_wine() {
#ifdef _WIN32
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

void WinsockTest::SetUp() {
  api_ = GetParam();
  checking_ = !api_->is_system;
  comparing_ = true;
  trace_ = Trace{};
  Watchdog::get().arm(scenario_name() + " (" + api_->name + ")",
                      std::chrono::seconds(kScenarioLimitSeconds));
  if (!checking_) intercept();
  start();
}

void WinsockTest::intercept() {
  reporter_.reset();
  intercepted_ = std::make_unique<::testing::TestPartResultArray>();
  reporter_ = std::make_unique<::testing::ScopedFakeTestPartResultReporter>(
      ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, intercepted_.get());
}

void WinsockTest::start() {
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
}

void WinsockTest::release() {
  for (SOCKET s : sockets_)
    api().closesocket(s);
  for (WSAEVENT e : events_)
    api().WSACloseEvent(e);
  sockets_.clear();
  events_.clear();
  names_.clear();
  api().WSACleanup();
}

void WinsockTest::TearDown() {
  release();
  if (checking_) {
    wsx_traces()[scenario_name()] = trace_;
  } else {
#ifdef _WIN32
    finish_side_by_side();
#endif
  }
  reporter_.reset();
  Watchdog::get().disarm();
}

#ifdef _WIN32
void WinsockTest::finish_side_by_side() {
  const std::string scenario = scenario_name();
  Trace system = std::move(trace_);
  std::string skipped;
  append_intercepted(system, *intercepted_, &skipped);
  if (!skipped.empty()) {
    reporter_.reset();
    GTEST_SKIP() << skipped;
  }

  Trace wsx;
  auto stored = wsx_traces().find(scenario);
  if (stored != wsx_traces().end()) {
    wsx = stored->second;
  } else {
    // No wsx run of this scenario in this process (a filter left it out):
    // run it now, recording only, as the system's run did.
    api_ = &kWsxApi;
    comparing_ = true;
    trace_ = Trace{};
    intercept();
    start();
    TestBody();
    release();
    wsx = std::move(trace_);
    append_intercepted(wsx, *intercepted_, &skipped);
    api_ = GetParam();
  }
  reporter_.reset();  // from here on, failures are the comparison's own

  std::set<const KnownDifference*> seen;
  std::string unlisted;
  for (const Difference& d : compare(system, wsx)) {
    const KnownDifference* k = find_known(scenario, d);
    if (k) {
      seen.insert(k);
      std::printf("[ listed   ] %s: %s: system %s, wsx %s\n", k->id, d.what.c_str(),
                  d.system.c_str(), d.wsx.c_str());
      continue;
    }
    unlisted += "  step " + std::to_string(d.index) + " \"" + d.what + "\": system \"" + d.system +
                "\", wsx \"" + d.wsx + "\"\n";
  }
  if (!unlisted.empty()) {
    ADD_FAILURE() << "the system and wsx differ where known_differences.cpp lists nothing:\n"
                  << unlisted << "side by side (* = differs):\n"
                  << side_by_side(system, wsx);
  }
  // A row whose difference is gone would leave docs/semantics.md claiming
  // one. Under Wine (what the table describes) that fails; elsewhere the
  // system is another one, and the row may simply not apply.
  for (const KnownDifference& k : known_differences()) {
    if (scenario != k.scenario || seen.count(&k)) continue;
    if (running_under_wine()) {
      ADD_FAILURE() << "listed difference " << k.id << " (\"" << k.step
                    << "\") did not occur: remove it here and in docs/semantics.md\n"
                    << side_by_side(system, wsx);
    } else {
      std::printf("[ note     ] listed difference %s did not occur on this system\n", k.id);
    }
  }
}
#endif

SOCKET WinsockTest::tcp(int af) {
  SOCKET s = api().socket(af, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_NE(s, INVALID_SOCKET) << api().WSAGetLastError();
  sockets_.push_back(s);
  return s;
}

SOCKET WinsockTest::udp() {
  SOCKET s = api().socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  EXPECT_NE(s, INVALID_SOCKET);
  sockets_.push_back(s);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(api().bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return s;
}

SOCKET WinsockTest::listener(int backlog) {
  SOCKET s = tcp();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(api().bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(api().listen(s, backlog), 0);
  return s;
}

sockaddr_in WinsockTest::address_of(SOCKET s) {
  sockaddr_in a{};
  int len = sizeof a;
  EXPECT_EQ(api().getsockname(s, reinterpret_cast<sockaddr*>(&a), &len), 0);
  return a;
}

WinsockTest::Pair WinsockTest::connected(SOCKET l) {
  Pair p;
  p.client = tcp();
  sockaddr_in a = address_of(l);
  EXPECT_EQ(api().connect(p.client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0)
      << api().WSAGetLastError();
  for (int i = 0; i < 5000 && p.server == INVALID_SOCKET; ++i) {
    p.server = api().accept(l, nullptr, nullptr);
    if (p.server == INVALID_SOCKET) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_NE(p.server, INVALID_SOCKET) << api().WSAGetLastError();
  return {p.client, adopt(p.server)};
}

SOCKET WinsockTest::adopt(SOCKET s) {
  if (s != INVALID_SOCKET) sockets_.push_back(s);
  return s;
}

WSAEVENT WinsockTest::event() {
  WSAEVENT e = api().WSACreateEvent();
  EXPECT_NE(e, WSA_INVALID_EVENT);
  events_.push_back(e);
  return e;
}

std::string WinsockTest::name_of(SOCKET s) {
  if (s == INVALID_SOCKET) return "INVALID_SOCKET";
  auto it = std::find(names_.begin(), names_.end(), s);
  if (it == names_.end()) it = names_.insert(names_.end(), s);
  // Appending rather than "s" + to_string(...): GCC 12 at -O3 warns a false
  // -Wrestrict in the operator+ form.
  std::string name = "s";
  name += std::to_string(it - names_.begin() + 1);
  return name;
}

void WinsockTest::close(SOCKET s) {
  // The number may come back for another socket, which is another name.
  std::replace(names_.begin(), names_.end(), s, INVALID_SOCKET);
  api().closesocket(s);
  sockets_.erase(std::remove(sockets_.begin(), sockets_.end(), s), sockets_.end());
}

void WinsockTest::close_event(WSAEVENT e) {
  api().WSACloseEvent(e);
  events_.erase(std::remove(events_.begin(), events_.end(), e), events_.end());
}

void WinsockTest::send_all(SOCKET s, const void* data, int len, int flags) {
  const char* p = static_cast<const char*>(data);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (len > 0) {
    int n = api().send(s, p, len, flags);
    if (n > 0) {
      p += n;
      len -= n;
      continue;
    }
    ASSERT_EQ(api().WSAGetLastError(), WSAEWOULDBLOCK) << "send failed";
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "send stalled";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void WinsockTest::reset_close(SOCKET s) {
  linger l{};
  l.l_onoff = 1;
  l.l_linger = 0;
  api().setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&l), sizeof l);
  close(s);
}

int WinsockTest::recv_some(SOCKET s, int max, int flags) {
  // No allocation between the receive and the caller's WSAGetLastError().
  thread_local char buf[65536];
  return api().recv(s, buf, std::min(max, static_cast<int>(sizeof buf)), flags);
}

bool WinsockTest::signalled(WSAEVENT ev, int timeout_ms) {
  return api().WSAWaitForMultipleEvents(1, &ev, FALSE, static_cast<DWORD>(timeout_ms), FALSE) ==
         WSA_WAIT_EVENT_0;
}

long WinsockTest::next(SOCKET s, WSAEVENT ev, int timeout_ms, WSANETWORKEVENTS* ne) {
  DWORD w = api().WSAWaitForMultipleEvents(1, &ev, FALSE, static_cast<DWORD>(timeout_ms), FALSE);
  if (w == WSA_WAIT_FAILED) {
    ADD_FAILURE() << "wait failed: " << error_name(api().WSAGetLastError());
    return 0;
  }
  WSANETWORKEVENTS got;
  std::memset(&got, 0, sizeof got);
  if (api().WSAEnumNetworkEvents(s, ev, &got) != 0) {
    ADD_FAILURE() << "enumerate failed: " << error_name(api().WSAGetLastError());
    return 0;
  }
  if (ne) {
    for (int i = 0; i < FD_MAX_EVENTS; ++i) {
      if (got.lNetworkEvents & (1L << i)) ne->iErrorCode[i] = got.iErrorCode[i];
    }
    ne->lNetworkEvents |= got.lNetworkEvents;
  }
  return got.lNetworkEvents;
}

void WinsockTest::record(const char* what, std::string seen, const std::string& want, Where where) {
  if (checking_ && seen != want) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << what << ": saw \"" << seen << "\", the rules want \"" << want << "\"";
  }
  if (comparing_) trace_.add(what, std::move(seen));
}

WSANETWORKEVENTS WinsockTest::expect(SOCKET s, WSAEVENT ev, long mask, const char* errors,
                                     const char* what, Where where) {
  WSANETWORKEVENTS ne;
  std::memset(&ne, 0, sizeof ne);
  long seen = 0, twice = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kEventTimeoutMs);
  while ((seen & mask) != mask) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    long got = next(s, ev, static_cast<int>(left), &ne);
    twice |= got & seen;
    seen |= got;
  }
  long extra = next(s, ev, kQuietMs);
  std::string got = events_str(seen);
  if (std::string e = event_errors_str(ne); !e.empty()) got += " " + e;
  if (twice) got += " twice " + events_str(twice);
  if (extra) got += " then " + events_str(extra);
  std::string want = events_str(mask) + (*errors ? std::string(" ") + errors : "");
  std::string label = what ? what : "expect " + events_str(mask);
  record(label.c_str(), got, want, where);
  return ne;
}

void WinsockTest::expect_quiet(SOCKET s, WSAEVENT ev, int ms, const char* what, Where where) {
  record(what, events_str(next(s, ev, ms)), events_str(0), where);
}

void WinsockTest::expect_signalled(const char* what, WSAEVENT ev, int timeout_ms, bool want,
                                   Where where) {
  bool is = signalled(ev, timeout_ms);
  record(what, is ? "signalled" : "not signalled", want ? "signalled" : "not signalled", where);
}

int WinsockTest::call(const char* what, int rc, const char* want, Where where) {
  int err = api().WSAGetLastError();
  record(what, int_result(rc, err), want, where);
  return rc;
}

SOCKET WinsockTest::call_socket(const char* what, SOCKET rc, const char* want, Where where) {
  int err = api().WSAGetLastError();
  adopt(rc);
  record(what, socket_result(rc, err), want, where);
  return rc;
}

BOOL WinsockTest::call_bool(const char* what, BOOL rc, const char* want, Where where) {
  int err = api().WSAGetLastError();
  record(what, bool_result(rc, err), want, where);
  return rc;
}

DWORD WinsockTest::call_wait(const char* what, DWORD rc, const char* want, Where where) {
  int err = api().WSAGetLastError();
  record(what, wait_result(rc, err), want, where);
  return rc;
}

void WinsockTest::observe(const char* what, const std::string& seen, const std::string& want,
                          Where where) {
  record(what, seen, want, where);
}

bool WinsockTest::beyond_the_system(const char* why) {
  trace_.add("beyond the system", why);
  comparing_ = false;
  return !is_system();
}

bool WinsockTest::crashes_system(const char* what) {
  if (!is_system() || !running_under_wine()) return false;
  trace_.add(what, "not run: crashes Wine's ws2_32");
  return true;
}

}  // namespace wsx::test
