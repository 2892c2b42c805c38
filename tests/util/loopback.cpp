#include "util/loopback.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

namespace wsx::test {

native_socket make_listener(int family, int backlog) {
  IoResult r = open_socket(family, SOCK_STREAM, 0);
  EXPECT_TRUE(r.ok()) << r.error;
  auto s = static_cast<native_socket>(r.value);
  sockaddr_storage a{};
  socklen len;
  if (family == AF_INET6) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&a);
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_loopback;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&a);
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sockaddr_in);
  }
  EXPECT_TRUE(bind_socket(s, reinterpret_cast<sockaddr*>(&a), len).ok());
  EXPECT_TRUE(listen_socket(s, backlog).ok());
  return s;
}

sockaddr_storage local_address(native_socket s, socklen* len) {
  sockaddr_storage a{};
  *len = sizeof a;
  EXPECT_EQ(::getsockname(s, reinterpret_cast<sockaddr*>(&a), len), 0);
  return a;
}

TcpPair connect_pair(native_socket listener) {
  socklen len;
  sockaddr_storage a = local_address(listener, &len);
  TcpPair p;
  IoResult c = open_socket(a.ss_family, SOCK_STREAM, 0);
  EXPECT_TRUE(c.ok());
  p.client = static_cast<native_socket>(c.value);
  IoResult r = connect_socket(p.client, reinterpret_cast<sockaddr*>(&a), len);
  EXPECT_TRUE(r.ok()) << "connect: " << r.error;
  IoResult acc;
  // The listener may be non-blocking (selected): retry until it accepts.
  for (int i = 0; i < 2000; ++i) {
    acc = accept_socket(listener, nullptr, nullptr);
    if (acc.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(acc.ok()) << "accept: " << acc.error;
  p.server = static_cast<native_socket>(acc.value);
  return p;
}

native_socket make_udp() {
  IoResult r = open_socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_TRUE(r.ok());
  auto s = static_cast<native_socket>(r.value);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_TRUE(bind_socket(s, reinterpret_cast<sockaddr*>(&a), sizeof a).ok());
  return s;
}

void send_all(native_socket s, const void* buf, std::size_t len, int flags) {
  const char* p = static_cast<const char*>(buf);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (len > 0) {
    IoResult r = send_bytes(s, p, len, flags);
    if (r.ok()) {
      p += r.value;
      len -= static_cast<std::size_t>(r.value);
      continue;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "send stalled";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void close_with_reset(native_socket s) {
  linger l{1, 0};
  set_option(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close_socket(s);
}

void close_quietly(native_socket s) {
  if (s != kInvalidSocket) close_socket(s);
}

}  // namespace wsx::test
