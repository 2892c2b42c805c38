#include "compat/known_differences.hpp"

namespace wsx::test {
namespace {

// Reasons, one per row of docs/semantics.md ("wsx and the system's ws2_32,
// side by side"), which gives them in full.
constexpr const char* kCrashesWine =
    "Wine's ws2_32 dereferences the NULL pointer; the page's answer is the error";
constexpr const char* kBeyond64 = "WSA_MAXIMUM_WAIT_EVENTS is the limit wsx exists to remove (W1)";
constexpr const char* kCloseWhileWaiting =
    "undefined in Windows; wsx fails the wait at once (W2) rather than leave it hanging";
constexpr const char* kAfterCleanup =
    "Wine closes the sockets at the last WSACleanup; rule X1 and Windows say WSANOTINITIALISED";
constexpr const char* kEventsWithoutStartup =
    "Windows' events are kernel objects; wsx's belong to its runtime, which needs WSAStartup";
constexpr const char* kUndefinedBits = "Wine ignores undefined FD_ bits; rule X3 says WSAEINVAL";
constexpr const char* kUnknownIoctl =
    "Wine answers WSAEOPNOTSUPP; wsx keeps WSAEINVAL (\"not a valid command\", WSAIoctl's page)";
constexpr const char* kShortAddress =
    "Wine reads the two bytes it was given as an address; the connect page says WSAEFAULT";
constexpr const char* kResetError =
    "Wine's AFD reports a reset with no error; the pages give FD_CLOSE WSAECONNRESET";
constexpr const char* kBogusEvent =
    "Wine does not check the event handle; wsx fails a handle that is no live event (E5)";
constexpr const char* kDeferReenables =
    "Wine re-enables FD_ACCEPT after CF_DEFER; the page says WSATRY_AGAIN does not (R3)";
constexpr const char* kRawRecv =
    "the scenario reads around the API; for the system that read is its own recv, which "
    "re-enables (not a difference in behaviour)";
constexpr const char* kOobInline =
    "Wine reports FD_OOB with SO_OOBINLINE on; the page says FD_READ only (R8)";
constexpr const char* kDatagramConnect =
    "the pages: FD_CONNECT even when connect succeeds at once, as with datagrams (R10/R11)";
constexpr const char* kAsyncBadTarget =
    "Wine posts to no window and says nothing; the page says WSAEINVAL when hWnd is no window";
constexpr const char* kWindowsWithoutStartup =
    "Windows' windows and queues are not Winsock's; wsx's queues belong to its runtime";
constexpr const char* kCancelBogusEvent =
    "Wine checks the handle of a cancel; the page says it is ignored when the mask is 0 (S4)";

std::vector<KnownDifference> make_table() {
  std::vector<KnownDifference> t = {
      {"wait-null-array", "Wait.W1_ReturnValues", "NULL array", "not run: crashes Wine's ws2_32",
       "WSA_WAIT_FAILED WSA_INVALID_PARAMETER", kCrashesWine},
      {"beyond-64", "Wait.W1_NoSixtyFourEventLimit", "65 events",
       "WSA_WAIT_FAILED WSA_INVALID_PARAMETER", "WSA_WAIT_EVENT_0+64", kBeyond64},
      {"beyond-64", "Beyond64.W1_SixtyFourIsTheSystemsLimit", "wait on all 65",
       "WSA_WAIT_FAILED WSA_INVALID_PARAMETER", "WSA_WAIT_EVENT_0+64", kBeyond64},
      {"beyond-64", "Beyond64.W1_ThousandSocketsOneThreadOneWait", "wait on 1,000 events",
       "WSA_WAIT_FAILED WSA_INVALID_PARAMETER", "WSA_WAIT_TIMEOUT", kBeyond64},
      {"close-while-waiting", "Wait.W2_CloseWhileAnotherThreadWaits", "the waiting thread's wait",
       "WSA_WAIT_TIMEOUT", "WSA_WAIT_FAILED WSA_INVALID_HANDLE", kCloseWhileWaiting},
      {"events-without-startup", "Errors.X1_EveryCallNeedsStartup", "WSACreateEvent", "an event",
       "WSA_INVALID_EVENT WSANOTINITIALISED", kEventsWithoutStartup},
      {"events-without-startup", "Errors.X1_EveryCallNeedsStartup", "WSASetEvent", "TRUE",
       "FALSE WSANOTINITIALISED", kEventsWithoutStartup},
      {"events-without-startup", "Errors.X1_EveryCallNeedsStartup", "WSAResetEvent", "TRUE",
       "FALSE WSANOTINITIALISED", kEventsWithoutStartup},
      {"events-without-startup", "Errors.X1_EveryCallNeedsStartup", "WSAWaitForMultipleEvents",
       "WSA_WAIT_TIMEOUT", "WSA_WAIT_FAILED WSANOTINITIALISED", kEventsWithoutStartup},
      {"undefined-event-bits", "Errors.X3_InvalidParameters", "select an undefined bit", "0",
       "SOCKET_ERROR WSAEINVAL", kUndefinedBits},
      {"unknown-ioctl", "Errors.X3_InvalidParameters", "ioctlsocket unknown command",
       "SOCKET_ERROR WSAEOPNOTSUPP", "SOCKET_ERROR WSAEINVAL", kUnknownIoctl},
      {"short-connect-address", "Errors.BadPointersAndLengths", "connect with a short address",
       "SOCKET_ERROR WSAEADDRNOTAVAIL", "SOCKET_ERROR WSAEFAULT", kShortAddress},
      {"reset-error", "Enumerate.E2_OnlyReportedErrorCodesAreWritten", "record after a reset",
       "{CLOSE}", "{CLOSE} CLOSE=WSAECONNRESET", kResetError},
      {"reset-error", "Record.R9_ResetGivesConnReset", "after a reset", "{CLOSE}",
       "{CLOSE} CLOSE=WSAECONNRESET", kResetError},
      {"reset-error", "Record.R9_ResetGivesConnReset", "recv after the reset", "0",
       "SOCKET_ERROR WSAECONNRESET", kResetError},
      {"enumerate-null", "Enumerate.E3_FailureChangesNothing", "enumerate into NULL",
       "not run: crashes Wine's ws2_32", "SOCKET_ERROR WSAEFAULT", kCrashesWine},
      {"enumerate-null", "Enumerate.E5_Errors", "enumerate into NULL",
       "not run: crashes Wine's ws2_32", "SOCKET_ERROR WSAEFAULT", kCrashesWine},
      {"enumerate-bogus-event", "Enumerate.E5_Errors", "enumerate with a bogus event handle", "0",
       "SOCKET_ERROR WSAEINVAL", kBogusEvent},
      {"after-cleanup", "Enumerate.E5_Errors", "enumerate after WSACleanup",
       "SOCKET_ERROR WSAENOTSOCK", "SOCKET_ERROR WSANOTINITIALISED", kAfterCleanup},
      {"defer-reenables-accept", "Record.R3_AcceptReenablesExceptDefer",
       "second connection after CF_DEFER", "{ACCEPT}", "{}", kDeferReenables},
      {"raw-recv", "Record.R4_FailingRecvReenables", "new data, not re-enabled", "{READ}", "{}",
       kRawRecv},
      {"oobinline-oob", "Record.R8_OobInlineGivesReadNotOob", "urgent byte inline: expect {READ}",
       "{READ|OOB}", "{READ}", kOobInline},
      {"datagram-connect", "Record.R10_DatagramConnectReportsConnectAtOnce",
       "datagram connect: expect {CONNECT}", "{}", "{CONNECT}", kDatagramConnect},
      {"cancel-bogus-event", "Select.S4_MaskZeroCancels", "cancel with a bogus handle",
       "SOCKET_ERROR WSAEINVAL", "0", kCancelBogusEvent},
  };
  // Message mode.
  for (const char* step : {"async select to NULL", "async select to a bogus window",
                           "async select to a destroyed window"}) {
    t.push_back({"async-bad-window", "Async.S1_X3_ReturnValuesAndInvalidTargets", step, "0",
                 "SOCKET_ERROR WSAEINVAL", kAsyncBadTarget});
  }
  t.push_back({"undefined-event-bits", "Async.S1_X3_ReturnValuesAndInvalidTargets",
               "async select an undefined bit", "0", "SOCKET_ERROR WSAEINVAL", kUndefinedBits});
  t.push_back({"reset-error", "Async.R9_CloseMessageOnceWithError", "messages for s1", "[CLOSE]",
               "[CLOSE WSAECONNRESET]", kResetError});
  t.push_back({"reset-error", "Async.X4_MessageErrorLeavesLastErrorAlone", "the message", "[CLOSE]",
               "[CLOSE WSAECONNRESET]", kResetError});
  t.push_back({"after-cleanup", "Async.X1_MessageCallsNeedStartup", "async select",
               "SOCKET_ERROR WSAENOTSOCK", "SOCKET_ERROR WSANOTINITIALISED", kAfterCleanup});
  t.push_back({"windows-without-startup", "Async.X1_MessageCallsNeedStartup", "open a window",
               "a window", "NULL WSANOTINITIALISED", kWindowsWithoutStartup});
  t.push_back({"windows-without-startup", "Async.X1_MessageCallsNeedStartup", "take messages", "0",
               "SOCKET_ERROR WSANOTINITIALISED", kWindowsWithoutStartup});
  t.push_back({"windows-without-startup", "Async.X1_MessageCallsNeedStartup", "post", "TRUE",
               "FALSE WSANOTINITIALISED", kWindowsWithoutStartup});
  // X1: every call on a socket made before the last WSACleanup.
  for (const char* call : {"bind", "listen", "connect", "shutdown", "recv", "recvfrom", "WSARecv",
                           "send", "sendto", "WSASend", "ioctlsocket", "setsockopt", "getsockopt",
                           "getsockname", "WSAEventSelect", "WSAEnumNetworkEvents"}) {
    t.push_back({"after-cleanup", "Errors.X1_EveryCallNeedsStartup", call,
                 "SOCKET_ERROR WSAENOTSOCK", "SOCKET_ERROR WSANOTINITIALISED", kAfterCleanup});
  }
  for (const char* call : {"accept", "WSAAccept"}) {
    t.push_back({"after-cleanup", "Errors.X1_EveryCallNeedsStartup", call,
                 "INVALID_SOCKET WSAENOTSOCK", "INVALID_SOCKET WSANOTINITIALISED", kAfterCleanup});
  }
  return t;
}

}  // namespace

const std::vector<KnownDifference>& known_differences() {
  static const std::vector<KnownDifference> table = make_table();
  return table;
}

const KnownDifference* find_known(std::string_view scenario, const Difference& d) {
  for (const KnownDifference& k : known_differences()) {
    if (scenario == k.scenario && d.what == k.step && d.system == k.system && d.wsx == k.wsx) {
      return &k;
    }
  }
  return nullptr;
}

}  // namespace wsx::test
