#include "windows/afd.hpp"

#include <mswsock.h>

#include <atomic>

extern "C" NTSTATUS NTAPI NtCancelIoFileEx(HANDLE file, IO_STATUS_BLOCK* request,
                                           IO_STATUS_BLOCK* status);

namespace wsx::detail::afd {

namespace {

constexpr ULONG kIoctlPoll = 0x00012024;
constexpr NTSTATUS kStatusSuccess = 0;

std::atomic<unsigned long long> g_polls{0};
std::atomic<unsigned long long> g_cancels{0};

}  // namespace

Counts counts() {
  return {g_polls.load(std::memory_order_relaxed), g_cancels.load(std::memory_order_relaxed)};
}

HANDLE open_helper(HANDLE port, DWORD* err) {
  // Any name below \Device\Afd opens the driver; with no extended attributes
  // the handle has no endpoint, so it is not a socket. The suffix names who
  // opened it in handle listings.
  wchar_t path[] = L"\\Device\\Afd\\Wsx";
  UNICODE_STRING name;
  name.Buffer = path;
  name.Length = static_cast<USHORT>(sizeof path - sizeof path[0]);
  name.MaximumLength = static_cast<USHORT>(sizeof path);
  OBJECT_ATTRIBUTES attrs;
  InitializeObjectAttributes(&attrs, &name, 0, nullptr, nullptr);
  HANDLE helper = nullptr;
  IO_STATUS_BLOCK iosb{};
  NTSTATUS st = NtCreateFile(&helper, SYNCHRONIZE, &attrs, &iosb, nullptr, 0,
                             FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0, nullptr, 0);
  if (st != kStatusSuccess) {
    *err = RtlNtStatusToDosError(st);
    return nullptr;
  }
  // Completions go to the port only; nobody waits on the handle itself, so
  // the kernel need not signal it.
  if (!CreateIoCompletionPort(helper, port, 0, 0) ||
      !SetFileCompletionNotificationModes(helper, FILE_SKIP_SET_EVENT_ON_HANDLE)) {
    *err = GetLastError();
    CloseHandle(helper);
    return nullptr;
  }
  return helper;
}

NTSTATUS poll(HANDLE helper, PollInfo* info, IO_STATUS_BLOCK* iosb) {
  iosb->Status = STATUS_PENDING;
  g_polls.fetch_add(1, std::memory_order_relaxed);
  // The IO_STATUS_BLOCK doubles as the APC context: on a completion port
  // that context is what GetQueuedCompletionStatusEx returns as the
  // OVERLAPPED pointer, which leads the backend back to its socket.
  return NtDeviceIoControlFile(helper, nullptr, nullptr, iosb, iosb, kIoctlPoll, info, sizeof *info,
                               info, sizeof *info);
}

void cancel(HANDLE helper, IO_STATUS_BLOCK* iosb) {
  IO_STATUS_BLOCK ignored;
  g_cancels.fetch_add(1, std::memory_order_relaxed);
  // STATUS_NOT_FOUND means the poll completed first; its packet is queued
  // and the backend handles it like any other completion.
  NtCancelIoFileEx(helper, iosb, &ignored);
}

SOCKET base_handle(SOCKET s, int* err) {
  // Wine answers SIO_BASE_HANDLE for any handle at all, so ask first
  // whether s is a socket; Windows would refuse the ioctl with the same error.
  int type = 0;
  int len = sizeof type;
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &len) != 0) {
    *err = WSAGetLastError();
    return INVALID_SOCKET;
  }
  SOCKET base = INVALID_SOCKET;
  DWORD bytes = 0;
  if (WSAIoctl(s, SIO_BASE_HANDLE, nullptr, 0, &base, sizeof base, &bytes, nullptr, nullptr) == 0 &&
      base != INVALID_SOCKET) {
    return base;
  }
  int first = WSAGetLastError();
  // Some layered providers refuse SIO_BASE_HANDLE but answer the query
  // select() itself makes; ask that one before giving up.
  base = INVALID_SOCKET;
  if (WSAIoctl(s, SIO_BSP_HANDLE_POLL, nullptr, 0, &base, sizeof base, &bytes, nullptr, nullptr) ==
          0 &&
      base != INVALID_SOCKET && base != s) {
    return base;
  }
  *err = first != 0 ? first : WSAEINVAL;
  return INVALID_SOCKET;
}

}  // namespace wsx::detail::afd
