// Measures what choosing the AFD helper group size (windows/poll_table.hpp)
// trades: the cost of cancelling one poll and issuing it again, against how
// many other polls are pending on the same helper handle. Not a test: run by
// hand, under Windows or Wine (docs/windows-backend.md has the numbers).
//   afd_group_cost [SOCKETS] [ROUNDS]
#include <winsock2.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "windows/afd.hpp"

namespace {

using namespace wsx::detail;
using Clock = std::chrono::steady_clock;

struct Poll {
  IO_STATUS_BLOCK iosb;
  afd::PollInfo info;
  SOCKET s;
};

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int sockets = argc > 1 ? std::atoi(argv[1]) : 2048;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 400;
  WSADATA data;
  WSAStartup(MAKEWORD(2, 2), &data);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  SOCKET listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int alen = sizeof a;
  if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
    std::fprintf(stderr, "listener: %d\n", WSAGetLastError());
    return 1;
  }
  // Idle connections: their polls stay pending until cancelled.
  std::vector<Poll> polls(static_cast<std::size_t>(sockets));
  std::vector<SOCKET> clients;
  for (Poll& p : polls) {
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    clients.push_back(c);
    p.s = accept(listener, nullptr, nullptr);
  }
  std::printf("%d idle sockets, %d cancel rounds per group size\n", sockets, rounds);
  for (int group : {1, 8, 32, 128, 512, 2048}) {
    if (group > sockets) break;
    std::vector<HANDLE> helpers(static_cast<std::size_t>((sockets + group - 1) / group));
    for (HANDLE& h : helpers) {
      DWORD err = 0;
      h = afd::open_helper(port, &err);
      if (!h) {
        std::fprintf(stderr, "helper: %lu\n", err);
        return 1;
      }
    }
    auto issue = [&](int i) {
      Poll& p = polls[static_cast<std::size_t>(i)];
      p.info = {};
      p.info.timeout.QuadPart = INT64_MAX;
      p.info.handle_count = 1;
      p.info.handles[0].handle = reinterpret_cast<HANDLE>(p.s);
      p.info.handles[0].events = afd::kReceive | afd::kDisconnect | afd::kAbort;
      afd::poll(helpers[static_cast<std::size_t>(i / group)], &p.info, &p.iosb);
    };
    Clock::time_point t0 = Clock::now();
    for (int i = 0; i < sockets; ++i)
      issue(i);
    Clock::time_point t1 = Clock::now();
    OVERLAPPED_ENTRY got[16];
    ULONG n = 0;
    for (int r = 0; r < rounds; ++r) {
      int i = (r * 37) % sockets;
      afd::cancel(helpers[static_cast<std::size_t>(i / group)],
                  &polls[static_cast<std::size_t>(i)].iosb);
      if (!GetQueuedCompletionStatusEx(port, got, 16, &n, 5000, FALSE)) {
        std::fprintf(stderr, "a cancelled poll never completed\n");
        return 1;
      }
      issue(i);
    }
    Clock::time_point t2 = Clock::now();
    for (int i = 0; i < sockets; ++i)
      afd::cancel(helpers[static_cast<std::size_t>(i / group)],
                  &polls[static_cast<std::size_t>(i)].iosb);
    for (int left = sockets; left > 0;) {
      if (!GetQueuedCompletionStatusEx(port, got, 16, &n, 5000, FALSE)) break;
      left -= static_cast<int>(n);
    }
    for (HANDLE h : helpers)
      CloseHandle(h);
    std::printf("group %5d (%4zu helpers): issue %7.1f us/poll, cancel+complete+issue %7.1f us\n",
                group, helpers.size(), micros(t1 - t0) / sockets, micros(t2 - t1) / rounds);
  }
  return 0;
}
