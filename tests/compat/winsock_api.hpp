// The Winsock functions the conformance tests call, as a table, so that the
// same scenarios run against wsx and, on Windows, against the system's own
// ws2_32 (whose events are then compared with wsx's, event for event).
#pragma once

#include "wsx/winsock.h"

namespace wsx::test {

struct WinsockApi {
  const char* name;
  bool is_system;  // the platform's ws2_32 (limits such as 64 events apply)
  int(WSX_API* WSAStartup)(WORD, LPWSADATA);
  int(WSX_API* WSACleanup)();
  int(WSX_API* WSAGetLastError)();
  SOCKET(WSX_API* socket)(int, int, int);
  int(WSX_API* closesocket)(SOCKET);
  int(WSX_API* bind)(SOCKET, const sockaddr*, int);
  int(WSX_API* listen)(SOCKET, int);
  int(WSX_API* connect)(SOCKET, const sockaddr*, int);
  SOCKET(WSX_API* accept)(SOCKET, sockaddr*, int*);
  SOCKET(WSX_API* WSAAccept)(SOCKET, sockaddr*, LPINT, LPCONDITIONPROC, DWORD_PTR);
  int(WSX_API* shutdown)(SOCKET, int);
  int(WSX_API* getsockname)(SOCKET, sockaddr*, int*);
  int(WSX_API* recv)(SOCKET, char*, int, int);
  int(WSX_API* recvfrom)(SOCKET, char*, int, int, sockaddr*, int*);
  int(WSX_API* WSARecv)(SOCKET, LPWSABUF, DWORD, LPDWORD, LPDWORD, LPWSAOVERLAPPED,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE);
  int(WSX_API* WSARecvFrom)(SOCKET, LPWSABUF, DWORD, LPDWORD, LPDWORD, sockaddr*, LPINT,
                            LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
  int(WSX_API* send)(SOCKET, const char*, int, int);
  int(WSX_API* sendto)(SOCKET, const char*, int, int, const sockaddr*, int);
  int(WSX_API* WSASend)(SOCKET, LPWSABUF, DWORD, LPDWORD, DWORD, LPWSAOVERLAPPED,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE);
  int(WSX_API* WSASendTo)(SOCKET, LPWSABUF, DWORD, LPDWORD, DWORD, const sockaddr*, int,
                          LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
  int(WSX_API* ioctlsocket)(SOCKET, long, u_long*);
  int(WSX_API* setsockopt)(SOCKET, int, int, const char*, int);
  int(WSX_API* getsockopt)(SOCKET, int, int, char*, int*);
  WSAEVENT(WSX_API* WSACreateEvent)();
  BOOL(WSX_API* WSASetEvent)(WSAEVENT);
  BOOL(WSX_API* WSAResetEvent)(WSAEVENT);
  BOOL(WSX_API* WSACloseEvent)(WSAEVENT);
  DWORD(WSX_API* WSAWaitForMultipleEvents)(DWORD, const WSAEVENT*, BOOL, DWORD, BOOL);
  int(WSX_API* WSAEventSelect)(SOCKET, WSAEVENT, long);
  int(WSX_API* WSAEnumNetworkEvents)(SOCKET, WSAEVENT, LPWSANETWORKEVENTS);
  void(WSX_API* WSASetLastError)(int);

  // Message mode (WSAAsyncSelect). A "window" is what the API posts to: a
  // wsx message queue, or for the system a message-only window
  // (HWND_MESSAGE) of the calling thread, which only that thread can pump.
  int(WSX_API* WSAAsyncSelect)(SOCKET, HWND, unsigned int, long);
  HWND(WSX_API* open_window)();  // NULL with WSAGetLastError() set on failure
  BOOL(WSX_API* close_window)(HWND);
  BOOL(WSX_API* post_message)(HWND, UINT, WPARAM, LPARAM);
  // Removes up to `capacity` messages of hwnd, waiting at most timeout_ms
  // for the first: how many, or -1 (WSAGetLastError() says why).
  int(WSX_API* take_messages)(HWND, MSG* out, int capacity, DWORD timeout_ms);
  // Whether a message is queued for hwnd, leaving it there.
  BOOL(WSX_API* peek_message)(HWND, MSG* out);
};

extern const WinsockApi kWsxApi;
#ifdef _WIN32
extern const WinsockApi kSystemApi;
#endif

}  // namespace wsx::test
