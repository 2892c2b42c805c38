#include "compat/wsa_fixture.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::test {

std::string events_str(long mask) {
  static const char* names[FD_MAX_EVENTS] = {"READ",  "WRITE", "OOB",       "ACCEPT",  "CONNECT",
                                             "CLOSE", "QOS",   "GROUP_QOS", "ROUTING", "ADDRLIST"};
  if (mask == 0) return "{}";
  std::string s = "{";
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (!(mask & (1L << i))) continue;
    if (s.size() > 1) s += "|";
    s += names[i];
  }
  if (mask & ~static_cast<long>(FD_ALL_EVENTS)) s += "|?";
  return s + "}";
}

bool running_under_wine() {
#ifdef _WIN32
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
  return false;
#endif
}

void WinsockTest::SetUp() {
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
}

void WinsockTest::TearDown() {
  for (SOCKET s : sockets_)
    api().closesocket(s);
  for (WSAEVENT e : events_)
    api().WSACloseEvent(e);
  api().WSACleanup();
}

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
  sockets_.push_back(p.server);
  return p;
}

WSAEVENT WinsockTest::event() {
  WSAEVENT e = api().WSACreateEvent();
  EXPECT_NE(e, WSA_INVALID_EVENT);
  events_.push_back(e);
  return e;
}

void WinsockTest::close(SOCKET s) {
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
  std::vector<char> buf(static_cast<std::size_t>(max));
  return api().recv(s, buf.data(), max, flags);
}

bool WinsockTest::signalled(WSAEVENT ev, int timeout_ms) {
  return api().WSAWaitForMultipleEvents(1, &ev, FALSE, static_cast<DWORD>(timeout_ms), FALSE) ==
         WSA_WAIT_EVENT_0;
}

long WinsockTest::next(SOCKET s, WSAEVENT ev, int timeout_ms, WSANETWORKEVENTS* ne) {
  DWORD w = api().WSAWaitForMultipleEvents(1, &ev, FALSE, static_cast<DWORD>(timeout_ms), FALSE);
  if (w == WSA_WAIT_FAILED) {
    ADD_FAILURE() << "wait failed: " << api().WSAGetLastError();
    return 0;
  }
  WSANETWORKEVENTS got;
  std::memset(&got, 0, sizeof got);
  if (api().WSAEnumNetworkEvents(s, ev, &got) != 0) {
    ADD_FAILURE() << "enumerate failed: " << api().WSAGetLastError();
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

WSANETWORKEVENTS WinsockTest::expect(SOCKET s, WSAEVENT ev, long mask) {
  WSANETWORKEVENTS ne;
  std::memset(&ne, 0, sizeof ne);
  long seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kEventTimeoutMs);
  while ((seen & mask) != mask) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    long got = next(s, ev, static_cast<int>(left), &ne);
    EXPECT_EQ(got & seen, 0) << "reported twice: " << events_str(got & seen);
    seen |= got;
  }
  EXPECT_EQ(events_str(seen), events_str(mask));
  expect_quiet(s, ev);
  return ne;
}

void WinsockTest::expect_quiet(SOCKET s, WSAEVENT ev, int ms) {
  long extra = next(s, ev, ms);
  EXPECT_EQ(events_str(extra), events_str(0)) << "unexpected events";
}

}  // namespace wsx::test
