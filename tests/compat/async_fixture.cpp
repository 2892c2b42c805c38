#include "compat/async_fixture.hpp"

#include <algorithm>
#include <chrono>

namespace wsx::test {

std::string AsyncTest::notes_str(const std::vector<Note>& notes) {
  std::string s = "[";
  for (const Note& n : notes) {
    if (s.size() > 1) s += ", ";
    s += events_str(n.event).substr(1);
    s.pop_back();  // "READ" out of "{READ}"
    if (n.error) {
      // Appended piece by piece: GCC 12 -O3 warns falsely (-Wrestrict) on
      // a chained string concatenation here.
      s += ' ';
      s += error_name(n.error);
    }
    if (n.message != kMsg) {
      s += " (message WM_USER+";
      s += std::to_string(static_cast<long>(n.message) - WM_USER);
      s += ')';
    }
  }
  return s + "]";
}

void AsyncTest::TearDown() {
  for (HWND q : queues_)
    api().close_window(q);
  queues_.clear();
  kept_.clear();
  WinsockTest::TearDown();
}

HWND AsyncTest::queue() {
  HWND q = api().open_window();
  EXPECT_NE(q, nullptr) << error_name(api().WSAGetLastError());
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
    int n = api().take_messages(q, msgs, 64, static_cast<DWORD>(left > 0 ? left : 0));
    EXPECT_GE(n, 0) << "taking messages failed: " << error_name(api().WSAGetLastError());
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
    int n = api().take_messages(q, &m, 1, static_cast<DWORD>(left));
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

std::vector<Note> AsyncTest::expect_messages(HWND q, SOCKET s, const std::vector<Reply>& replies,
                                             UINT message, Where where) {
  std::vector<Note> got = take_for(q, s, replies.size(), kEventTimeoutMs);
  std::vector<Note> extra = take_for(q, s, 1, kQuietMs);
  std::vector<Note> want;
  for (const Reply& r : replies)
    want.push_back(Note{s, message, r.event, r.error});
  std::string seen = notes_str(got);
  if (!extra.empty()) seen += " then " + notes_str(extra);
  std::string label = "messages for " + name_of(s);
  observe(label.c_str(), seen, notes_str(want), where);
  return got;
}

void AsyncTest::expect_no_messages(HWND q, SOCKET s, int ms, Where where) {
  std::vector<Note> extra = take_for(q, s, 1, ms);
  std::string label = "no messages for " + name_of(s);
  observe(label.c_str(), notes_str(extra), "[]", where);
}

}  // namespace wsx::test
