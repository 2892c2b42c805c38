// Message mode (WSAAsyncSelect) on top of the conformance fixture, and
// "exactly these messages, in this order, then nothing" as one call.
//
// Everything goes through the API table, so the scenarios run against wsx's
// message queues (Wsx/...) and against the system's WSAAsyncSelect posting
// to a message-only window (System/...), and their messages are compared as
// the event-select scenarios' events are: the ordered (socket, event, error)
// replies, step by step (wsa_fixture.hpp).
#pragma once

#include <map>
#include <string>
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

// An expected message: the event, and the error its high word carries.
struct Reply {
  Reply(int e, int err = 0) : event(e), error(err) {}  // NOLINT: {FD_READ, FD_WRITE} reads well
  int event;
  int error;
};

class AsyncTest : public WinsockTest {
 protected:
  static constexpr UINT kMsg = WM_USER + 1;

  void TearDown() override;

  // A window of this thread, destroyed at the end of the test.
  HWND queue();
  // "[CONNECT, CLOSE WSAECONNRESET]"; a message other than kMsg is named.
  std::string notes_str(const std::vector<Note>& notes);
  // Every message queued now or arriving within timeout_ms, in order.
  std::vector<Note> drain(HWND q, int timeout_ms);
  // The next `replies.size()` messages for s are exactly these, in this
  // order (messages for other sockets are kept for later calls), then none
  // for s within kQuietMs: one step of the trace. Returns them.
  std::vector<Note> expect_messages(HWND q, SOCKET s, const std::vector<Reply>& replies,
                                    UINT message = kMsg, Where where = Where::current());
  void expect_no_messages(HWND q, SOCKET s, int ms = kQuietMs, Where where = Where::current());

 private:
  std::vector<Note> take_for(HWND q, SOCKET s, std::size_t want, int timeout_ms);
  std::vector<HWND> queues_;
  std::map<HWND, std::vector<Note>> kept_;  // messages of other sockets, in order
};

// Message-mode rules run side by side like the event-select ones; suites of
// wsx's own queue calls (which the system has no counterpart of) use
// WSX_ONLY_SUITE.
#define WSX_ASYNC_SUITE(suite) WSX_CONFORMANCE_SUITE(suite)

}  // namespace wsx::test
