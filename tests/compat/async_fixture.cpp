#include "compat/async_fixture.hpp"

#include <algorithm>
#include <chrono>

namespace wsx::test {

namespace {

const char* event_name(int e) {
  switch (e) {
    case FD_READ:
      return "READ";
    case FD_WRITE:
      return "WRITE";
    case FD_OOB:
      return "OOB";
    case FD_ACCEPT:
      return "ACCEPT";
    case FD_CONNECT:
      return "CONNECT";
    case FD_CLOSE:
      return "CLOSE";
    default:
      return "?";
  }
}

}  // namespace

std::string notes_str(const std::vector<Note>& notes) {
  std::string s = "[";
  for (const Note& n : notes) {
    if (s.size() > 1) s += ", ";
    s += event_name(n.event);
    if (n.error) {
      // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on
      // a chained string concatenation here.
      s += '(';
      s += std::to_string(n.error);
      s += ')';
    }
  }
  return s + "]";
}

void AsyncTest::TearDown() {
  for (HWND q : queues_)
    wsx_DestroyMessageQueue(q);
  WinsockTest::TearDown();
}

HWND AsyncTest::queue() {
  HWND q = wsx_CreateMessageQueue();
  EXPECT_NE(q, nullptr);
  queues_.push_back(q);
  return q;
}

std::vector<Note> AsyncTest::drain(HWND q, int timeout_ms) {
  std::vector<Note> out;
  auto& kept = kept_[q];
  out.swap(kept);
  MSG msgs[64];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    int n = wsx_GetMessages(q, msgs, 64, 0, 0, static_cast<DWORD>(left > 0 ? left : 0));
    EXPECT_GE(n, 0) << "GetMessages failed: " << wsx_WSAGetLastError();
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      out.push_back(Note{static_cast<SOCKET>(msgs[i].wParam), msgs[i].message,
                         WSAGETSELECTEVENT(msgs[i].lParam), WSAGETSELECTERROR(msgs[i].lParam)});
    }
  }
  return out;
}

std::vector<Note> AsyncTest::take_for(HWND q, SOCKET s, std::size_t want, int timeout_ms) {
  std::vector<Note> mine;
  auto& kept = kept_[q];
  // Messages of s already put aside come first, in their order.
  for (auto it = kept.begin(); it != kept.end() && mine.size() < want;) {
    if (it->socket == s) {
      mine.push_back(*it);
      it = kept.erase(it);
    } else {
      ++it;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  MSG m;
  while (mine.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    int n = wsx_GetMessages(q, &m, 1, 0, 0, static_cast<DWORD>(left));
    if (n <= 0) break;
    Note note{static_cast<SOCKET>(m.wParam), m.message, WSAGETSELECTEVENT(m.lParam),
              WSAGETSELECTERROR(m.lParam)};
    if (note.socket == s) {
      mine.push_back(note);
    } else {
      kept.push_back(note);
    }
  }
  return mine;
}

std::vector<Note> AsyncTest::expect_messages(HWND q, SOCKET s, const std::vector<int>& events,
                                             UINT message) {
  std::vector<Note> got = take_for(q, s, events.size(), kEventTimeoutMs);
  std::vector<Note> want;
  for (int e : events)
    want.push_back(Note{s, message, e, 0});
  EXPECT_EQ(got.size(), events.size()) << "got " << notes_str(got) << ", want " << notes_str(want);
  for (std::size_t i = 0; i < std::min(got.size(), events.size()); ++i) {
    EXPECT_EQ(got[i].event, events[i]) << "got " << notes_str(got) << ", want " << notes_str(want);
    EXPECT_EQ(got[i].message, message);
  }
  expect_no_messages(q, s);
  return got;
}

void AsyncTest::expect_no_messages(HWND q, SOCKET s, int ms) {
  std::vector<Note> extra = take_for(q, s, 1, ms);
  EXPECT_TRUE(extra.empty()) << "unexpected " << notes_str(extra);
}

}  // namespace wsx::test
