// Rules X1-X3 and bad input: every call gives the documented error, never a
// crash, never lost data.
#include <string>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {
namespace {

class Errors : public WinsockTest {};

// X1: before WSAStartup and after the last WSACleanup, every call fails
// with WSANOTINITIALISED.
TEST_P(Errors, X1_EveryCallNeedsStartup) {
  SOCKET live = tcp();
  WSAEVENT ev = event();
  call("WSACleanup", api().WSACleanup(), "0");
  const char* const kNotInitialised = "SOCKET_ERROR WSANOTINITIALISED";
  char buf[4] = {};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  int alen = sizeof a;
  u_long arg = 0;
  WSANETWORKEVENTS ne{};
  WSABUF wb{1, buf};
  DWORD n = 0, fl = 0;
  int optlen = sizeof(int);
  call_socket("socket", api().socket(AF_INET, SOCK_STREAM, 0), "INVALID_SOCKET WSANOTINITIALISED");
  call("closesocket", api().closesocket(live), kNotInitialised);
  call("bind", api().bind(live, reinterpret_cast<sockaddr*>(&a), sizeof a), kNotInitialised);
  call("listen", api().listen(live, 1), kNotInitialised);
  call("connect", api().connect(live, reinterpret_cast<sockaddr*>(&a), sizeof a), kNotInitialised);
  call_socket("accept", api().accept(live, nullptr, nullptr), "INVALID_SOCKET WSANOTINITIALISED");
  call_socket("WSAAccept", api().WSAAccept(live, nullptr, nullptr, nullptr, 0),
              "INVALID_SOCKET WSANOTINITIALISED");
  call("shutdown", api().shutdown(live, SD_BOTH), kNotInitialised);
  call("recv", api().recv(live, buf, 1, 0), kNotInitialised);
  call("recvfrom", api().recvfrom(live, buf, 1, 0, nullptr, nullptr), kNotInitialised);
  call("WSARecv", api().WSARecv(live, &wb, 1, &n, &fl, nullptr, nullptr), kNotInitialised);
  call("send", api().send(live, buf, 1, 0), kNotInitialised);
  call("sendto", api().sendto(live, buf, 1, 0, nullptr, 0), kNotInitialised);
  call("WSASend", api().WSASend(live, &wb, 1, &n, 0, nullptr, nullptr), kNotInitialised);
  call("ioctlsocket", api().ioctlsocket(live, FIONREAD, &arg), kNotInitialised);
  call("setsockopt", api().setsockopt(live, SOL_SOCKET, SO_OOBINLINE, buf, 4), kNotInitialised);
  call("getsockopt", api().getsockopt(live, SOL_SOCKET, SO_TYPE, buf, &optlen), kNotInitialised);
  call("getsockname", api().getsockname(live, reinterpret_cast<sockaddr*>(&a), &alen),
       kNotInitialised);
  call("WSAEventSelect", api().WSAEventSelect(live, ev, FD_READ), kNotInitialised);
  call("WSAEnumNetworkEvents", api().WSAEnumNetworkEvents(live, ev, &ne), kNotInitialised);
  // Windows' event calls are kernel object calls that work without
  // WSAStartup; wsx's need the runtime (docs/semantics.md).
  WSAEVENT made = api().WSACreateEvent();
  int made_err = api().WSAGetLastError();
  observe("WSACreateEvent", events_handle_result(made != WSA_INVALID_EVENT, made_err),
          "WSA_INVALID_EVENT WSANOTINITIALISED");
  if (made != WSA_INVALID_EVENT) api().WSACloseEvent(made);
  call_bool("WSASetEvent", api().WSASetEvent(ev), "FALSE WSANOTINITIALISED");
  call_bool("WSAResetEvent", api().WSAResetEvent(ev), "FALSE WSANOTINITIALISED");
  call_wait("WSAWaitForMultipleEvents", api().WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE),
            "WSA_WAIT_FAILED WSANOTINITIALISED");
  if (!is_system()) {  // wsx's own
    EXPECT_EQ(wsx_WaitSetCreate(), nullptr);
    EXPECT_EQ(api().WSAGetLastError(), WSANOTINITIALISED);
  }
  call("WSACleanup once more", api().WSACleanup(), kNotInitialised);
  WSADATA d;
  call("WSAStartup", api().WSAStartup(MAKEWORD(2, 2), &d), "0");  // for TearDown
}

TEST_P(Errors, X1_StartupChecksItsArguments) {
  WSADATA d;
  call("WSAStartup 0.0", api().WSAStartup(MAKEWORD(0, 0), &d),
       std::to_string(WSAVERNOTSUPPORTED).c_str());
  call("WSAStartup 2.2", api().WSAStartup(MAKEWORD(2, 2), &d), "0");
  observe("version", std::to_string(LOBYTE(d.wVersion)) + "." + std::to_string(HIBYTE(d.wVersion)),
          "2.2");
  call("WSACleanup", api().WSACleanup(), "0");  // nested start-ups are counted
  call_socket("socket", api().socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), "a socket");
}

// X2: a descriptor that is not a socket.
TEST_P(Errors, X2_NotASocket) {
  WSAEVENT ev = event();
  char buf[4];
  u_long arg = 0;
  const char* const kNotSocket = "SOCKET_ERROR WSAENOTSOCK";
  const SOCKET bogus[] = {INVALID_SOCKET, static_cast<SOCKET>(0x7ffffff0)};
  for (SOCKET s : bogus) {
    call("WSAEventSelect", api().WSAEventSelect(s, ev, FD_READ), kNotSocket);
    call("recv", api().recv(s, buf, 1, 0), kNotSocket);
    call("send", api().send(s, buf, 1, 0), kNotSocket);
    call("closesocket", api().closesocket(s), kNotSocket);
    call("ioctlsocket", api().ioctlsocket(s, FIONBIO, &arg), kNotSocket);
  }
  // A closed socket is no socket either.
  SOCKET s = api().socket(AF_INET, SOCK_STREAM, 0);
  call("close a socket", api().closesocket(s), "0");
  call("WSAEventSelect on it", api().WSAEventSelect(s, ev, FD_READ), kNotSocket);
  call("close it again", api().closesocket(s), kNotSocket);
}

#ifndef _WIN32
TEST_P(Errors, X2_FileDescriptorThatIsNotASocket) {
  WSAEVENT ev = event();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  call("WSAEventSelect on a pipe", api().WSAEventSelect(static_cast<SOCKET>(fds[0]), ev, FD_READ),
       "SOCKET_ERROR WSAENOTSOCK");
  WSANETWORKEVENTS ne{};
  call("WSAEnumNetworkEvents on a pipe",
       api().WSAEnumNetworkEvents(static_cast<SOCKET>(fds[0]), ev, &ne),
       "SOCKET_ERROR WSAENOTSOCK");
  ::close(fds[0]);
  ::close(fds[1]);
}
#endif

// X3: invalid parameters and states.
TEST_P(Errors, X3_InvalidParameters) {
  SOCKET s = tcp();
  WSAEVENT ev = event();
  call("select an undefined bit", api().WSAEventSelect(s, ev, FD_READ | (1L << 12)),
       "SOCKET_ERROR WSAEINVAL");
  WSAEVENT dead = api().WSACreateEvent();
  api().WSACloseEvent(dead);
  call("select with a closed event", api().WSAEventSelect(s, dead, FD_READ),
       "SOCKET_ERROR WSAEINVAL");
  call("select with a bogus handle", api().WSAEventSelect(s, not_a_handle(), FD_READ),
       "SOCKET_ERROR WSAEINVAL");
  call("cancel", api().WSAEventSelect(s, nullptr, 0), "0");
  // Winsock listens only on a bound socket.
  call("listen unbound", api().listen(s, 5), "SOCKET_ERROR WSAEINVAL");
  u_long arg = 0;
  call("ioctlsocket unknown command", api().ioctlsocket(s, 0x12345, &arg),
       "SOCKET_ERROR WSAEINVAL");
}

TEST_P(Errors, BadPointersAndLengths) {
  SOCKET l = listener();
  Pair p = connected(l);
  // Non-blocking, so that no probe below can wait for data.
  u_long nonblocking = 1;
  call("FIONBIO 1", api().ioctlsocket(p.server, FIONBIO, &nonblocking), "0");
  call("FIONBIO 1 on the listener", api().ioctlsocket(l, FIONBIO, &nonblocking), "0");
  char buf[8];
  call("recv into NULL", api().recv(p.server, nullptr, 8, 0), "SOCKET_ERROR WSAEFAULT");
  call("recv of -1 bytes", api().recv(p.server, buf, -1, 0), "SOCKET_ERROR WSAEFAULT");
  call("send from NULL", api().send(p.client, nullptr, 8, 0), "SOCKET_ERROR WSAEFAULT");
  // On a fresh socket, so that the bad address is the only thing wrong (a
  // connected socket could also be refused for being connected).
  SOCKET fresh = tcp();
  call("bind to NULL", api().bind(fresh, nullptr, 0), "SOCKET_ERROR WSAEFAULT");
  sockaddr_in a = address_of(l);
  call("connect with a short address", api().connect(fresh, reinterpret_cast<sockaddr*>(&a), 2),
       "SOCKET_ERROR WSAEFAULT");
  call("FIONREAD into NULL", api().ioctlsocket(p.server, FIONREAD, nullptr),
       "SOCKET_ERROR WSAEFAULT");
  // With a connection waiting, so that the short length is the only thing
  // wrong (with none, "would block" is as right).
  SOCKET waiting = tcp();
  call("connect another", api().connect(waiting, reinterpret_cast<sockaddr*>(&a), sizeof a), "0");
  int small = 1;
  sockaddr_in peer{};
  call_socket("accept with a short address",
              api().accept(l, reinterpret_cast<sockaddr*>(&peer), &small),
              "INVALID_SOCKET WSAEFAULT");
  DWORD got = 0, flags = 0;
  call("WSARecv with no buffers",
       api().WSARecv(p.server, nullptr, 1, &got, &flags, nullptr, nullptr),
       "SOCKET_ERROR WSAEFAULT");
  int optlen = 1;
  call("getsockopt SO_TYPE into 1 byte",
       api().getsockopt(p.server, SOL_SOCKET, SO_TYPE, buf, &optlen), "SOCKET_ERROR WSAEFAULT");
  // Nothing was lost on the way: the connection still carries data.
  send_byte(p.client, 'k');
  u_long blocking = 0;
  call("FIONBIO 0", api().ioctlsocket(p.server, FIONBIO, &blocking), "0");
  call("recv", api().recv(p.server, buf, 1, 0), "1");  // the byte is there: bounded
  observe("byte", std::string(1, buf[0]), "k");
}

TEST_P(Errors, SocketErrorOptionIsAWsaCode) {
  SOCKET l = listener();
  sockaddr_in a = address_of(l);
  close(l);
  SOCKET c = tcp();
  WSAEVENT ev = event();
  call("select CONNECT", api().WSAEventSelect(c, ev, FD_CONNECT), "0");
  api().connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
  expect(c, ev, FD_CONNECT, "CONNECT=WSAECONNREFUSED", "refused");
  int err = 0, len = sizeof err;
  call("getsockopt SO_ERROR",
       api().getsockopt(c, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len), "0");
  // Read once or still pending: either way a WSA code, never an errno.
  observe("SO_ERROR", err == 0 || err == WSAECONNREFUSED ? "0 or WSAECONNREFUSED" : error_name(err),
          "0 or WSAECONNREFUSED");
}

WSX_CONFORMANCE_SUITE(Errors);

}  // namespace
}  // namespace wsx::test
