// Rules X1-X3 and bad input: every call gives the documented error, never a
// crash, never lost data.
#include <cstring>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Errors : public WinsockTest {};

// X1: before WSAStartup and after the last WSACleanup, every call fails
// with WSANOTINITIALISED.
TEST_P(Errors, X1_EveryCallNeedsStartup) {
  SOCKET live = tcp();
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSACleanup(), 0);
  auto expect_not_initialised = [&](bool failed, const char* what) {
    EXPECT_TRUE(failed) << what;
    EXPECT_EQ(api().WSAGetLastError(), WSANOTINITIALISED) << what;
  };
  char buf[4] = {};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  int alen = sizeof a;
  u_long arg = 0;
  WSANETWORKEVENTS ne{};
  WSABUF wb{1, buf};
  DWORD n = 0, fl = 0;
  int optlen = sizeof(int);
  expect_not_initialised(api().socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET, "socket");
  expect_not_initialised(api().closesocket(live) == SOCKET_ERROR, "closesocket");
  expect_not_initialised(
      api().bind(live, reinterpret_cast<sockaddr*>(&a), sizeof a) == SOCKET_ERROR, "bind");
  expect_not_initialised(api().listen(live, 1) == SOCKET_ERROR, "listen");
  expect_not_initialised(
      api().connect(live, reinterpret_cast<sockaddr*>(&a), sizeof a) == SOCKET_ERROR, "connect");
  expect_not_initialised(api().accept(live, nullptr, nullptr) == INVALID_SOCKET, "accept");
  expect_not_initialised(api().WSAAccept(live, nullptr, nullptr, nullptr, 0) == INVALID_SOCKET,
                         "WSAAccept");
  expect_not_initialised(api().shutdown(live, SD_BOTH) == SOCKET_ERROR, "shutdown");
  expect_not_initialised(api().recv(live, buf, 1, 0) == SOCKET_ERROR, "recv");
  expect_not_initialised(api().recvfrom(live, buf, 1, 0, nullptr, nullptr) == SOCKET_ERROR,
                         "recvfrom");
  expect_not_initialised(api().WSARecv(live, &wb, 1, &n, &fl, nullptr, nullptr) == SOCKET_ERROR,
                         "WSARecv");
  expect_not_initialised(api().send(live, buf, 1, 0) == SOCKET_ERROR, "send");
  expect_not_initialised(api().sendto(live, buf, 1, 0, nullptr, 0) == SOCKET_ERROR, "sendto");
  expect_not_initialised(api().WSASend(live, &wb, 1, &n, 0, nullptr, nullptr) == SOCKET_ERROR,
                         "WSASend");
  expect_not_initialised(api().ioctlsocket(live, FIONREAD, &arg) == SOCKET_ERROR, "ioctlsocket");
  expect_not_initialised(api().setsockopt(live, SOL_SOCKET, SO_OOBINLINE, buf, 4) == SOCKET_ERROR,
                         "setsockopt");
  expect_not_initialised(api().getsockopt(live, SOL_SOCKET, SO_TYPE, buf, &optlen) == SOCKET_ERROR,
                         "getsockopt");
  expect_not_initialised(
      api().getsockname(live, reinterpret_cast<sockaddr*>(&a), &alen) == SOCKET_ERROR,
      "getsockname");
  expect_not_initialised(api().WSAEventSelect(live, ev, FD_READ) == SOCKET_ERROR, "WSAEventSelect");
  expect_not_initialised(api().WSAEnumNetworkEvents(live, ev, &ne) == SOCKET_ERROR,
                         "WSAEnumNetworkEvents");
  if (!api().is_system) {
    // Windows' event calls are kernel object calls that work without
    // WSAStartup; wsx's need the runtime (docs/semantics.md).
    expect_not_initialised(api().WSACreateEvent() == WSA_INVALID_EVENT, "WSACreateEvent");
    expect_not_initialised(api().WSASetEvent(ev) == FALSE, "WSASetEvent");
    expect_not_initialised(api().WSAResetEvent(ev) == FALSE, "WSAResetEvent");
    expect_not_initialised(
        api().WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE) == WSA_WAIT_FAILED,
        "WSAWaitForMultipleEvents");
    expect_not_initialised(wsx_WaitSetCreate() == nullptr, "wsx_WaitSetCreate");
  }
  EXPECT_EQ(api().WSACleanup(), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSANOTINITIALISED);
  WSADATA d;
  ASSERT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);  // for TearDown
}

TEST_P(Errors, X1_StartupChecksItsArguments) {
  WSADATA d;
  EXPECT_EQ(api().WSAStartup(MAKEWORD(0, 0), &d), WSAVERNOTSUPPORTED);
  EXPECT_EQ(api().WSAStartup(MAKEWORD(2, 2), &d), 0);
  EXPECT_EQ(d.wVersion, MAKEWORD(2, 2));
  EXPECT_EQ(api().WSACleanup(), 0);  // nested start-ups are counted
  SOCKET s = tcp();
  EXPECT_NE(s, INVALID_SOCKET);
}

// X2: a descriptor that is not a socket.
TEST_P(Errors, X2_NotASocket) {
  WSAEVENT ev = event();
  char buf[4];
  u_long arg = 0;
  const SOCKET bogus[] = {INVALID_SOCKET, static_cast<SOCKET>(0x7ffffff0)};
  for (SOCKET s : bogus) {
    EXPECT_EQ(api().WSAEventSelect(s, ev, FD_READ), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(api().recv(s, buf, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(api().send(s, buf, 1, 0), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(api().closesocket(s), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
    EXPECT_EQ(api().ioctlsocket(s, FIONBIO, &arg), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  }
  // A closed socket is no socket either.
  SOCKET s = api().socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(api().closesocket(s), 0);
  EXPECT_EQ(api().WSAEventSelect(s, ev, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  EXPECT_EQ(api().closesocket(s), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
}

#ifndef _WIN32
TEST_P(Errors, X2_FileDescriptorThatIsNotASocket) {
  WSAEVENT ev = event();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_EQ(api().WSAEventSelect(static_cast<SOCKET>(fds[0]), ev, FD_READ), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  WSANETWORKEVENTS ne{};
  EXPECT_EQ(api().WSAEnumNetworkEvents(static_cast<SOCKET>(fds[0]), ev, &ne), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAENOTSOCK);
  ::close(fds[0]);
  ::close(fds[1]);
}
#endif

// X3: invalid parameters and states.
TEST_P(Errors, X3_InvalidParameters) {
  SOCKET s = tcp();
  WSAEVENT ev = event();
  EXPECT_EQ(api().WSAEventSelect(s, ev, FD_READ | (1L << 12)), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  if (!api().is_system) {
    WSAEVENT dead = api().WSACreateEvent();
    ASSERT_TRUE(api().WSACloseEvent(dead));
    EXPECT_EQ(api().WSAEventSelect(s, dead, FD_READ), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
    EXPECT_EQ(api().WSAEventSelect(s, reinterpret_cast<WSAEVENT>(0x77), FD_READ), SOCKET_ERROR);
    EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  }
  EXPECT_EQ(api().listen(s, 5), SOCKET_ERROR);  // Winsock listens only on a bound socket
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
  u_long arg = 0;
  EXPECT_EQ(api().ioctlsocket(s, 0x12345, &arg), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEINVAL);
}

TEST_P(Errors, BadPointersAndLengths) {
  SOCKET l = listener();
  Pair p = connected(l);
  char buf[8];
  EXPECT_EQ(api().recv(p.server, nullptr, 8, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(api().recv(p.server, buf, -1, 0), SOCKET_ERROR);
  EXPECT_EQ(api().send(p.client, nullptr, 8, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(api().bind(p.client, nullptr, 0), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  sockaddr_in a{};
  EXPECT_EQ(api().connect(p.client, reinterpret_cast<sockaddr*>(&a), 2), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(api().ioctlsocket(p.server, FIONREAD, nullptr), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  int small = 1;
  sockaddr_in peer{};
  u_long nonblocking = 1;
  ASSERT_EQ(api().ioctlsocket(l, FIONBIO, &nonblocking), 0);  // never wait here
  EXPECT_EQ(api().accept(l, reinterpret_cast<sockaddr*>(&peer), &small), INVALID_SOCKET);
  if (!api().is_system) {
    EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  }
  DWORD got = 0, flags = 0;
  EXPECT_EQ(api().WSARecv(p.server, nullptr, 1, &got, &flags, nullptr, nullptr), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  int optlen = 1;
  EXPECT_EQ(api().getsockopt(p.server, SOL_SOCKET, SO_TYPE, buf, &optlen), SOCKET_ERROR);
  EXPECT_EQ(api().WSAGetLastError(), WSAEFAULT);
  // Nothing was lost on the way: the connection still carries data.
  send_byte(p.client, 'k');
  u_long nb = 0;
  ASSERT_EQ(api().ioctlsocket(p.server, FIONBIO, &nb), 0);
  EXPECT_EQ(api().recv(p.server, buf, 1, 0), 1);
  EXPECT_EQ(buf[0], 'k');
}

TEST_P(Errors, SocketErrorOptionIsAWsaCode) {
  SOCKET l = listener();
  sockaddr_in a = address_of(l);
  close(l);
  SOCKET c = tcp();
  WSAEVENT ev = event();
  ASSERT_EQ(api().WSAEventSelect(c, ev, FD_CONNECT), 0);
  api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
  expect(c, ev, FD_CONNECT);
  int err = 0, len = sizeof err;
  ASSERT_EQ(api().getsockopt(c, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len), 0);
  EXPECT_TRUE(err == WSAECONNREFUSED || err == 0) << err;
}

WSX_CONFORMANCE_SUITE(Errors);

}  // namespace
}  // namespace wsx::test
