// The whole kernel boundary of the Windows backend: the AFD poll request,
// its structures and the three native calls it needs. Nothing here keeps
// state; iocp_backend.cpp decides what to poll and when.
//
// IOCTL_AFD_POLL is what select() and WSAPoll() are built on inside
// mswsock: one request names sockets and the conditions to wait for, and
// completes once any of them holds. Sent on an AFD handle associated with a
// completion port it becomes an overlapped operation whose completion lands
// in GetQueuedCompletionStatusEx like any other I/O. The request is
// undocumented but stable since Windows Vista; wepoll, libuv and mio rely on
// the same layout.
#pragma once

// winsock2.h first: it brings windows.h without the old winsock.h.
#include <winsock2.h>

#include <winternl.h>

namespace wsx::detail::afd {

// Conditions of one socket, as the request and its completion name them.
inline constexpr ULONG kReceive = 0x0001;           // data to read
inline constexpr ULONG kReceiveExpedited = 0x0002;  // urgent (out-of-band) data
inline constexpr ULONG kSend = 0x0004;              // send space
inline constexpr ULONG kDisconnect = 0x0008;        // the peer's FIN
inline constexpr ULONG kAbort = 0x0010;             // reset or other failure
inline constexpr ULONG kLocalClose = 0x0020;        // the handle was closed
inline constexpr ULONG kConnect = 0x0040;           // connected (Wine reports it while connected)
inline constexpr ULONG kAccept = 0x0080;            // a connection waits to be accepted
inline constexpr ULONG kConnectFail = 0x0100;       // a non-blocking connect failed

struct PollHandleInfo {
  HANDLE handle;    // the socket's base handle (base_handle below)
  ULONG events;     // in: wanted conditions; out: the ones that hold
  NTSTATUS status;  // out: the error that came with them
};

// One socket per request: the backend never batches sockets into one
// request, since each then completes, and is re-issued, on its own.
struct PollInfo {
  LARGE_INTEGER timeout;  // absolute, INT64_MAX for no limit
  ULONG handle_count;     // in: 1; out: how many entries of handles[] hold
  ULONG exclusive;        // FALSE: other polls on the socket are left alone
  PollHandleInfo handles[1];
};

// Opens a handle on \Device\Afd that is not a socket, only a way to send
// poll requests, and ties its completions to `port`. nullptr and *err
// (a Win32 error) when the OS refuses.
HANDLE open_helper(HANDLE port, DWORD* err);

// Issues an overlapped poll on `helper`. STATUS_PENDING or STATUS_SUCCESS
// mean a completion packet will reach the port with `iosb` as its
// OVERLAPPED pointer; any other status means none will. `info` and `iosb`
// belong to the kernel until that packet is dequeued.
NTSTATUS poll(HANDLE helper, PollInfo* info, IO_STATUS_BLOCK* iosb);

// Asks the kernel to complete the poll issued with `iosb` early (with
// STATUS_CANCELLED). Harmless when it has completed already: the packet it
// queued is then the only one.
void cancel(HANDLE helper, IO_STATUS_BLOCK* iosb);

// The base provider's handle of s, which AFD polls: a socket created
// through a layered provider is not itself an AFD endpoint. INVALID_SOCKET
// and *err (a WSA error) when no layer will say.
SOCKET base_handle(SOCKET s, int* err);

// How many polls and cancels this process has sent, for the tests that
// hold the backend to one request per event (tests/windows).
struct Counts {
  unsigned long long polls = 0;
  unsigned long long cancels = 0;
};
Counts counts();

}  // namespace wsx::detail::afd
