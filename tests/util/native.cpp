#include "util/native.hpp"

#include <gtest/gtest.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace wsx::test {

native_socket open_natively(int family, int type) {
  return ::socket(family, type, 0);
}

void close_natively(native_socket s) {
#ifdef _WIN32
  ::closesocket(s);
#else
  ::close(s);
#endif
}

#ifdef _WIN32
NotASocket::NotASocket() : other_(kInvalidSocket) {
  value_ = reinterpret_cast<native_socket>(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  EXPECT_NE(value_, native_socket{0});
}
NotASocket::~NotASocket() {
  CloseHandle(reinterpret_cast<HANDLE>(value_));
}

double process_cpu_ms() {
  FILETIME created, exited, kernel, user;
  if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user)) return 0;
  auto ticks = [](FILETIME f) {
    return (static_cast<unsigned long long>(f.dwHighDateTime) << 32) | f.dwLowDateTime;
  };
  return static_cast<double>(ticks(kernel) + ticks(user)) / 10'000.0;  // 100 ns units
}
#else
NotASocket::NotASocket() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::pipe(fds), 0);
  value_ = fds[0];
  other_ = fds[1];
}
NotASocket::~NotASocket() {
  ::close(value_);
  ::close(other_);
}

double process_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](timeval t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}
#endif

}  // namespace wsx::test
