// Message mode (WSAAsyncSelect) on top of the conformance fixture: wsx
// message queues, and "exactly these messages, in this order, then nothing".
#pragma once

#include <map>
#include <vector>

#include "compat/wsa_fixture.hpp"

namespace wsx::test {

// One WSAAsyncSelect message, decoded (M1).
struct Note {
  SOCKET socket = INVALID_SOCKET;
  UINT message = 0;
  int event = 0;  // WSAGETSELECTEVENT
  int error = 0;  // WSAGETSELECTERROR
};

std::string notes_str(const std::vector<Note>& notes);

class AsyncTest : public WinsockTest {
 protected:
  static constexpr UINT kMsg = WM_USER + 1;

  void TearDown() override;

  HWND queue();
  // Every message queued now or arriving within timeout_ms, in order.
  std::vector<Note> drain(HWND q, int timeout_ms);
  // The next `events.size()` messages for s are exactly these events in this
  // order (messages for other sockets are kept for later calls), then none
  // for s within kQuietMs. Returns them.
  std::vector<Note> expect_messages(HWND q, SOCKET s, const std::vector<int>& events,
                                    UINT message = kMsg);
  void expect_no_messages(HWND q, SOCKET s, int ms = kQuietMs);

 private:
  std::vector<Note> take_for(HWND q, SOCKET s, std::size_t want, int timeout_ms);
  std::vector<HWND> queues_;
  std::map<HWND, std::vector<Note>> kept_;  // messages of other sockets, in order
};

// The message-mode scenarios run against wsx only for now: the system side
// needs a real window and a Win32 pump (docs/semantics.md, side by side).
#define WSX_ASYNC_SUITE(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Wsx, suite, ::testing::Values(&::wsx::test::kWsxApi), \
                           [](const auto&) { return std::string("wsx"); })

}  // namespace wsx::test
