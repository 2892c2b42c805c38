// Rules R3, R4, R6 for the edge-triggered events, on every platform: the
// SIO_*_CHANGE ioctls on a selected (non-blocking) socket complete with
// WSAEWOULDBLOCK, the QUERY ioctls answer, FD_QOS and FD_GROUP_QOS are
// accepted and never reported, and bad calls fail cleanly. The changes
// themselves (addresses and routes coming and going) need a network of the
// test's own: change_events_netns_test.cpp (Linux).
#include <cstring>
#include <vector>

#include "compat/wsa_fixture.hpp"

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::test {
namespace {

using IoctlFn = int(WSX_API*)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPWSAOVERLAPPED,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE);

// WSAIoctl of the API under test (the shared WinsockApi table has no entry).
IoctlFn ioctl_of(const WinsockApi& api) {
#ifdef _WIN32
  if (api.is_system) return ::WSAIoctl;
#endif
  (void)api;
  return wsx_WSAIoctl;
}

constexpr long kChangeEvents = FD_ADDRESS_LIST_CHANGE | FD_ROUTING_INTERFACE_CHANGE;

sockaddr_in loopback_v4() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

class ChangeEvents : public WinsockTest {
 protected:
  int ioctl(SOCKET s, DWORD code, void* in = nullptr, DWORD in_len = 0, void* out = nullptr,
            DWORD out_len = 0, DWORD* returned = nullptr) {
    DWORD ignored = 0;
    return ioctl_of(api())(s, code, in, in_len, out, out_len, returned ? returned : &ignored,
                           nullptr, nullptr);
  }
  // SOCKET_ERROR with `code`, or 0 when code is 0.
  void expect_result(int r, int code, const char* what) {
    if (code == 0) {
      EXPECT_EQ(r, 0) << what << ": " << api().WSAGetLastError();
    } else {
      EXPECT_EQ(r, SOCKET_ERROR) << what;
      EXPECT_EQ(api().WSAGetLastError(), code) << what;
    }
  }
};

// R6 and the ioctls' own pages: on a non-blocking socket without overlapped
// arguments each CHANGE ioctl completes at once with WSAEWOULDBLOCK; the
// event then waits for a change, and nothing is reported without one.
TEST_P(ChangeEvents, R6_ChangeIoctlsOnASelectedSocketWouldBlock) {
  SOCKET s = udp();
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(s, ev, kChangeEvents | FD_QOS | FD_GROUP_QOS), 0);
  expect_result(ioctl(s, SIO_ADDRESS_LIST_CHANGE), WSAEWOULDBLOCK, "SIO_ADDRESS_LIST_CHANGE");
  sockaddr_in dest = loopback_v4();
  int r = ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, sizeof dest);
  if (running_under_wine()) {
    // Wine 8 has no routing notification: it fails, cleanly, with
    // WSAEOPNOTSUPP; wsx passes the system's refusal on.
    EXPECT_EQ(r, SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAEOPNOTSUPP);
  } else {
    expect_result(r, WSAEWOULDBLOCK, "SIO_ROUTING_INTERFACE_CHANGE");
  }
  // Issued again while waiting: the same answer, and still nothing false.
  expect_result(ioctl(s, SIO_ADDRESS_LIST_CHANGE), WSAEWOULDBLOCK, "SIO_ADDRESS_LIST_CHANGE");
  expect_quiet(s, ev);
}

// R6: FD_QOS and FD_GROUP_QOS are accepted in masks and, with no QoS
// provider on either platform, never reported. SIO_GET_QOS, their
// re-enabling call (R3), answers with the platform's error: WSAEOPNOTSUPP
// on Linux; on Windows whatever its ws2_32 says (docs/semantics.md).
TEST_P(ChangeEvents, R6_QosEventsAreAcceptedAndNeverReported) {
  Pair p = connected(listener());
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(p.server, ev, FD_READ | FD_QOS | FD_GROUP_QOS), 0);
  send_byte(p.client);
  expect(p.server, ev, FD_READ);
  char qos[256];
  DWORD got = 12345;
  int r = ioctl(p.server, SIO_GET_QOS, nullptr, 0, qos, sizeof qos, &got);
  const int err = r == 0 ? 0 : api().WSAGetLastError();
  RecordProperty("sio_get_qos_error", err);
#ifndef _WIN32
  EXPECT_EQ(r, SOCKET_ERROR);
  EXPECT_EQ(err, WSAEOPNOTSUPP);
#endif
  ioctl(p.server, SIO_GET_GROUP_QOS, nullptr, 0, qos, sizeof qos, &got);
  expect_quiet(p.server, ev);
}

// SIO_ADDRESS_LIST_QUERY: too small a buffer gives WSAEFAULT and the size
// needed; a big enough one a SOCKET_ADDRESS_LIST of the socket's family
// whose entries point into the same buffer.
TEST_P(ChangeEvents, AddressListQueryAnswersForTheSocketsFamily) {
  SOCKET s = udp();
  DWORD need = 0;
  int r = ioctl(s, SIO_ADDRESS_LIST_QUERY, nullptr, 0, nullptr, 0, &need);
  ASSERT_EQ(r, SOCKET_ERROR);
  ASSERT_EQ(api().WSAGetLastError(), WSAEFAULT);
  ASSERT_GE(need, static_cast<DWORD>(SIZEOF_SOCKET_ADDRESS_LIST(0)));
  std::vector<char> buf(need + 64);
  DWORD got = 0;
  ASSERT_EQ(ioctl(s, SIO_ADDRESS_LIST_QUERY, nullptr, 0, buf.data(), static_cast<DWORD>(buf.size()),
                  &got),
            0)
      << api().WSAGetLastError();
  EXPECT_LE(got, buf.size());
  auto* list = reinterpret_cast<SOCKET_ADDRESS_LIST*>(buf.data());
  ASSERT_GE(list->iAddressCount, 0);
  for (int i = 0; i < list->iAddressCount; ++i) {
    const SOCKET_ADDRESS& a = list->Address[i];
    const char* p = reinterpret_cast<const char*>(a.lpSockaddr);
    ASSERT_GE(p, buf.data());
    ASSERT_LE(p + a.iSockaddrLength, buf.data() + got);
    EXPECT_EQ(a.lpSockaddr->sa_family, AF_INET);
    EXPECT_EQ(a.iSockaddrLength, static_cast<INT>(sizeof(sockaddr_in)));
  }
}

// SIO_ROUTING_INTERFACE_QUERY: the local address that reaches a
// destination; loopback reaches itself.
TEST_P(ChangeEvents, RoutingInterfaceQueryAnswersTheLocalAddress) {
  SOCKET s = udp();
  sockaddr_in dest = loopback_v4();
  sockaddr_in local{};
  DWORD got = 0;
  int r = ioctl(s, SIO_ROUTING_INTERFACE_QUERY, &dest, sizeof dest, &local, sizeof local, &got);
  if (api().is_system && running_under_wine() && r != 0) {
    RecordProperty("wine_routing_query_error", api().WSAGetLastError());
    return;  // Wine's answer for loopback is its own business; it failed cleanly
  }
  ASSERT_EQ(r, 0) << api().WSAGetLastError();
  EXPECT_EQ(got, static_cast<DWORD>(sizeof(sockaddr_in)));
  EXPECT_EQ(local.sin_family, AF_INET);
  if (!running_under_wine()) {
    EXPECT_EQ(local.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  }
  // Too small a buffer: WSAEFAULT and the size needed.
  got = 0;
  EXPECT_EQ(ioctl(s, SIO_ROUTING_INTERFACE_QUERY, &dest, sizeof dest, &local, 4, &got),
            SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
}

// X1-X3 for WSAIoctl, and what wsx does not do (wsx only: the system's
// ws2_32 takes overlapped arguments).
TEST_P(ChangeEvents, X1_X2_BadCallsFailCleanly) {
  SOCKET s = udp();
  DWORD got = 0;
  sockaddr_in dest = loopback_v4();
  if (!(api().is_system && running_under_wine())) {  // Wine: WSAEOPNOTSUPP first
    expect_result(ioctl(s, SIO_ROUTING_INTERFACE_CHANGE, &dest, 4), WSAEFAULT, "short destination");
  }
  expect_result(ioctl(s, SIO_ROUTING_INTERFACE_QUERY, nullptr, 0, &dest, sizeof dest), WSAEFAULT,
                "no destination");
#ifdef _WIN32
  const SOCKET not_socket = static_cast<SOCKET>(0xfff0);
#else
  const SOCKET not_socket = 0;  // standard input
#endif
  expect_result(ioctl(not_socket, SIO_ADDRESS_LIST_CHANGE), WSAENOTSOCK, "not a socket");
  if (api().is_system) return;
  expect_result(ioctl_of(api())(s, SIO_ADDRESS_LIST_CHANGE, nullptr, 0, nullptr, 0, nullptr,
                                nullptr, nullptr),
                WSAEFAULT, "no lpcbBytesReturned");
  expect_result(ioctl(s, 0x12345678), WSAEINVAL, "unknown code");
  WSAOVERLAPPED ov{};
  expect_result(
      ioctl_of(api())(s, SIO_ADDRESS_LIST_CHANGE, nullptr, 0, nullptr, 0, &got, &ov, nullptr),
      WSAEOPNOTSUPP, "overlapped");
  ASSERT_EQ(api().WSACleanup(), 0);
  expect_result(ioctl(s, SIO_ADDRESS_LIST_CHANGE), WSANOTINITIALISED, "after cleanup");
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
}

// Winsock's WSAIoctl also carries ioctlsocket's commands.
TEST_P(ChangeEvents, SocketCommandsThroughWsaIoctl) {
  Pair p = connected(listener());
  send_byte(p.client);
  u_long n = 0;
  DWORD got = 0;
  for (int i = 0; i < 500 && n == 0; ++i) {
    ASSERT_EQ(ioctl(p.server, static_cast<DWORD>(WSX_FIONREAD), nullptr, 0, &n, sizeof n, &got), 0);
    if (n == 0) signalled(event(), 2);
  }
  EXPECT_EQ(n, 1u);
  u_long on = 1;
  EXPECT_EQ(ioctl(p.server, static_cast<DWORD>(WSX_FIONBIO), &on, sizeof on), 0)
      << api().WSAGetLastError();
}

WSX_CONFORMANCE_SUITE(ChangeEvents);

}  // namespace
}  // namespace wsx::test
