// Real sockets on loopback for tests, made through the runtime's calls.
#pragma once

#include <string>

#include "wsx/sockets.hpp"

#ifndef _WIN32
#include <netinet/in.h>
#endif

namespace wsx::test {

// A listening TCP socket on 127.0.0.1 (or ::1) with an ephemeral port.
native_socket make_listener(int family = AF_INET, int backlog = 64);
// Its address (as bound, with the port filled in).
sockaddr_storage local_address(native_socket s, socklen* len);

// A connected TCP pair: client side from connect, server side from accept.
struct TcpPair {
  native_socket client = kInvalidSocket;
  native_socket server = kInvalidSocket;
};
TcpPair connect_pair(native_socket listener);
// A UDP socket bound to 127.0.0.1:0.
native_socket make_udp();

// Sends all of buf with blocking semantics (retries would-block briefly).
void send_all(native_socket s, const void* buf, std::size_t len, int flags = 0);
// Closes with an RST (SO_LINGER 0).
void close_with_reset(native_socket s);
void close_quietly(native_socket s);

}  // namespace wsx::test
