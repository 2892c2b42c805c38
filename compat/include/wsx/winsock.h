/* wsx: Winsock's select-style notification with Winsock's semantics and
 * without its limits. Usable from C and C++.
 *
 * Every function is the Winsock function of the same name with a wsx_
 * prefix and the same signature. On Windows this header includes the
 * system's winsock2.h; elsewhere it supplies Winsock's types, constants and
 * macros with Windows' numeric values (FD_*, WSA error codes, WSA_WAIT_*).
 * Socket-level constants that the kernel interprets (AF_*, SOCK_*, SOL_*,
 * SO_*, IPPROTO_*, MSG_*) keep the platform's own values, because they are
 * passed to the kernel unchanged.
 *
 * Beyond Winsock: WSAWaitForMultipleEvents takes any number of events, and a
 * persistent wait set (wsx_WaitSet*) waits on thousands of events in time
 * proportional to the number signalled. See docs/semantics.md.
 */
#ifndef WSX_WINSOCK_H
#define WSX_WINSOCK_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
/* winsock2.h must come before windows.h (separate blocks keep them so). */
#include <winsock2.h>

#include <ws2tcpip.h>

#include <windows.h>
#define WSX_API WSAAPI
#else /* !_WIN32: Winsock's vocabulary for POSIX systems */

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>

#define WSX_API

/* ---- basic Windows types -------------------------------------------------- */
typedef uintptr_t SOCKET;
typedef void* HANDLE;
typedef HANDLE WSAEVENT;
typedef WSAEVENT* LPWSAEVENT;
typedef void* HWND;
typedef int BOOL;
typedef unsigned char BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef DWORD* LPDWORD;
typedef int INT;
typedef int* LPINT;
typedef unsigned int UINT;
typedef char CHAR;
typedef uint32_t ULONG;
typedef uintptr_t DWORD_PTR;
typedef uintptr_t WPARAM;
typedef intptr_t LPARAM;
typedef intptr_t LRESULT;
typedef unsigned int GROUP;
typedef struct sockaddr SOCKADDR;
typedef struct sockaddr* PSOCKADDR;
typedef struct sockaddr* LPSOCKADDR;
typedef struct sockaddr_in SOCKADDR_IN;
typedef struct sockaddr_in* PSOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE;
typedef struct in_addr IN_ADDR;
typedef void* LPVOID;
typedef unsigned long u_long; /* the same type glibc names u_long */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef CALLBACK
#define CALLBACK
#endif

#ifndef MAKEWORD
#define MAKEWORD(lo, hi) ((WORD)(((BYTE)(lo)) | ((WORD)((BYTE)(hi))) << 8))
#endif
#ifndef LOBYTE
#define LOBYTE(w) ((BYTE)((w)&0xff))
#endif
#ifndef HIBYTE
#define HIBYTE(w) ((BYTE)(((w) >> 8) & 0xff))
#endif
#ifndef MAKELONG
#define MAKELONG(lo, hi) ((long)(((WORD)(lo)) | ((DWORD)((WORD)(hi))) << 16))
#endif
#ifndef LOWORD
#define LOWORD(l) ((WORD)((l)&0xffff))
#endif
#ifndef HIWORD
#define HIWORD(l) ((WORD)(((DWORD)(l) >> 16) & 0xffff))
#endif

/* ---- sockets ---------------------------------------------------------------- */
#define INVALID_SOCKET (~(SOCKET)0)
#define SOCKET_ERROR (-1)

#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

/* ioctlsocket commands with Windows' values (WSX_FIONBIO & co. are defined
 * below for every platform; wsx_ioctlsocket also accepts the platform's own
 * FIONBIO/FIONREAD/SIOCATMARK). */
#ifndef FIONBIO
#define FIONBIO WSX_FIONBIO
#endif
#ifndef FIONREAD
#define FIONREAD WSX_FIONREAD
#endif
#ifndef SIOCATMARK
#define SIOCATMARK WSX_SIOCATMARK
#endif

#define MSG_PARTIAL 0x8000

#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

typedef struct WSAData {
  WORD wVersion;
  WORD wHighVersion;
  unsigned short iMaxSockets;
  unsigned short iMaxUdpDg;
  char* lpVendorInfo;
  char szDescription[WSADESCRIPTION_LEN + 1];
  char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

typedef struct _WSABUF {
  ULONG len;
  CHAR* buf;
} WSABUF, *LPWSABUF;

/* Overlapped I/O is not part of wsx: these exist so that signatures match;
 * passing a non-NULL overlapped structure fails with WSAEOPNOTSUPP. */
typedef struct _WSAOVERLAPPED {
  uintptr_t Internal;
  uintptr_t InternalHigh;
  DWORD Offset;
  DWORD OffsetHigh;
  WSAEVENT hEvent;
} WSAOVERLAPPED, *LPWSAOVERLAPPED;
typedef void(CALLBACK* LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

typedef struct _flowspec {
  ULONG TokenRate;
  ULONG TokenBucketSize;
  ULONG PeakBandwidth;
  ULONG Latency;
  ULONG DelayVariation;
  ULONG ServiceType;
  ULONG MaxSduSize;
  ULONG MinimumPolicedSize;
} FLOWSPEC, *LPFLOWSPEC;
typedef struct _QualityOfService {
  FLOWSPEC SendingFlowspec;
  FLOWSPEC ReceivingFlowspec;
  WSABUF ProviderSpecific;
} QOS, *LPQOS;

/* Protocol-info structures are accepted only as NULL. */
typedef struct _WSAPROTOCOL_INFOA WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;
typedef struct _WSAPROTOCOL_INFOW WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002
typedef int(CALLBACK* LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS,
                                       LPQOS lpGQOS, LPWSABUF lpCalleeId, LPWSABUF lpCalleeData,
                                       GROUP* g, DWORD_PTR dwCallbackData);

/* ---- network events --------------------------------------------------------- */
#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

typedef struct _WSANETWORKEVENTS {
  long lNetworkEvents;
  int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* ---- WSAIoctl: change notification and its queries ------------------------- */
/* Windows' numbers (IOC_WS2 | direction | code), written out: the IOC_IN &
 * co. of <sys/ioctl.h> have other values on Linux. */
#define IOC_WS2 0x08000000
#define SIO_GET_QOS ((DWORD)0xC8000007)
#define SIO_GET_GROUP_QOS ((DWORD)0xC8000008)
#define SIO_ROUTING_INTERFACE_QUERY ((DWORD)0xC8000014)
#define SIO_ROUTING_INTERFACE_CHANGE ((DWORD)0x88000015)
#define SIO_ADDRESS_LIST_QUERY ((DWORD)0x48000016)
#define SIO_ADDRESS_LIST_CHANGE ((DWORD)0x28000017)

/* SIO_ADDRESS_LIST_QUERY's answer, laid out as on 64-bit Windows: the list,
 * then the addresses its entries point to, in the same buffer. */
typedef struct _SOCKET_ADDRESS {
  LPSOCKADDR lpSockaddr;
  INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;
typedef struct _SOCKET_ADDRESS_LIST {
  INT iAddressCount;
  SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;
#define WSAMAKESELECTREPLY(event, error) MAKELONG(event, error)
#define WSAGETSELECTEVENT(lParam) LOWORD(lParam)
#define WSAGETSELECTERROR(lParam) HIWORD(lParam)

/* ---- waiting ------------------------------------------------------------------ */
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS 64 /* Winsock's limit; wsx has none */
#define WSA_WAIT_EVENT_0 ((DWORD)0)
#define WSA_WAIT_IO_COMPLETION ((DWORD)0xC0)
#define WSA_WAIT_TIMEOUT ((DWORD)0x102)
#define WSA_WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define WSA_INFINITE ((DWORD)0xFFFFFFFF)

/* ---- error codes ----------------------------------------------------------- */
#define WSA_INVALID_HANDLE 6
#define WSA_NOT_ENOUGH_MEMORY 8
#define WSA_INVALID_PARAMETER 87
#define WSA_OPERATION_ABORTED 995
#define WSA_IO_INCOMPLETE 996
#define WSA_IO_PENDING 997

#define WSABASEERR 10000
#define WSAEINTR 10004
#define WSAEBADF 10009
#define WSAEACCES 10013
#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAEMFILE 10024
#define WSAEWOULDBLOCK 10035
#define WSAEINPROGRESS 10036
#define WSAEALREADY 10037
#define WSAENOTSOCK 10038
#define WSAEDESTADDRREQ 10039
#define WSAEMSGSIZE 10040
#define WSAEPROTOTYPE 10041
#define WSAENOPROTOOPT 10042
#define WSAEPROTONOSUPPORT 10043
#define WSAESOCKTNOSUPPORT 10044
#define WSAEOPNOTSUPP 10045
#define WSAEPFNOSUPPORT 10046
#define WSAEAFNOSUPPORT 10047
#define WSAEADDRINUSE 10048
#define WSAEADDRNOTAVAIL 10049
#define WSAENETDOWN 10050
#define WSAENETUNREACH 10051
#define WSAENETRESET 10052
#define WSAECONNABORTED 10053
#define WSAECONNRESET 10054
#define WSAENOBUFS 10055
#define WSAEISCONN 10056
#define WSAENOTCONN 10057
#define WSAESHUTDOWN 10058
#define WSAETOOMANYREFS 10059
#define WSAETIMEDOUT 10060
#define WSAECONNREFUSED 10061
#define WSAELOOP 10062
#define WSAENAMETOOLONG 10063
#define WSAEHOSTDOWN 10064
#define WSAEHOSTUNREACH 10065
#define WSAENOTEMPTY 10066
#define WSAEPROCLIM 10067
#define WSAEUSERS 10068
#define WSAEDQUOT 10069
#define WSAESTALE 10070
#define WSAEREMOTE 10071
#define WSASYSNOTREADY 10091
#define WSAVERNOTSUPPORTED 10092
#define WSANOTINITIALISED 10093
#define WSAEDISCON 10101
#define WSAENOMORE 10102
#define WSAECANCELLED 10103
#define WSAEINVALIDPROCTABLE 10104
#define WSAEINVALIDPROVIDER 10105
#define WSAEPROVIDERFAILEDINIT 10106
#define WSASYSCALLFAILURE 10107
#define WSASERVICE_NOT_FOUND 10108
#define WSATYPE_NOT_FOUND 10109
#define WSA_E_NO_MORE 10110
#define WSA_E_CANCELLED 10111
#define WSAEREFUSED 10112
#define WSAHOST_NOT_FOUND 11001
#define WSATRY_AGAIN 11002
#define WSANO_RECOVERY 11003
#define WSANO_DATA 11004

/* ---- messages (WSAAsyncSelect) ------------------------------------------------ */
typedef struct tagPOINT {
  int32_t x;
  int32_t y;
} POINT;
typedef struct tagMSG {
  HWND hwnd;
  UINT message;
  WPARAM wParam;
  LPARAM lParam;
  DWORD time;
  POINT pt;
} MSG, *PMSG, *LPMSG;

#define WM_QUIT 0x0012
#define WM_USER 0x0400
#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define ERROR_INVALID_WINDOW_HANDLE 1400

#endif /* !_WIN32 */

/* ---- wsx's own types ------------------------------------------------------------ */

/* The ioctlsocket commands with Windows' values, whatever the platform's
 * headers call FIONBIO. */
#define WSX_FIONBIO ((long)0x8004667EL)
#define WSX_FIONREAD ((long)0x4004667FL)
#define WSX_SIOCATMARK ((long)0x40047307L)

/* The size of a SOCKET_ADDRESS_LIST with n entries, without the addresses
 * (ws2def.h has it; mingw-w64's headers do not). */
#ifndef SIZEOF_SOCKET_ADDRESS_LIST
#define SIZEOF_SOCKET_ADDRESS_LIST(AddressCount) \
  (offsetof(SOCKET_ADDRESS_LIST, Address) + (AddressCount) * sizeof(SOCKET_ADDRESS))
#endif

/* A persistent wait set: register events once, wait on them many times. */
typedef struct wsx_wait_set_tag* WSXWAITSET;
typedef struct {
  WSAEVENT hEvent; /* the signalled event */
  uintptr_t key;   /* the key given to wsx_WaitSetAdd */
} WSX_READY_EVENT;

#ifdef __cplusplus
extern "C" {
#endif

/* ---- start-up ----------------------------------------------------------------- */
int WSX_API wsx_WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
int WSX_API wsx_WSACleanup(void);
int WSX_API wsx_WSAGetLastError(void);
void WSX_API wsx_WSASetLastError(int iError);

/* ---- sockets ---------------------------------------------------------------- */
SOCKET WSX_API wsx_socket(int af, int type, int protocol);
SOCKET WSX_API wsx_WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                              GROUP g, DWORD dwFlags);
SOCKET WSX_API wsx_WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                              GROUP g, DWORD dwFlags);
int WSX_API wsx_closesocket(SOCKET s);
int WSX_API wsx_bind(SOCKET s, const struct sockaddr* name, int namelen);
int WSX_API wsx_listen(SOCKET s, int backlog);
int WSX_API wsx_connect(SOCKET s, const struct sockaddr* name, int namelen);
int WSX_API wsx_WSAConnect(SOCKET s, const struct sockaddr* name, int namelen,
                           LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                           LPQOS lpGQOS);
SOCKET WSX_API wsx_accept(SOCKET s, struct sockaddr* addr, int* addrlen);
SOCKET WSX_API wsx_WSAAccept(SOCKET s, struct sockaddr* addr, LPINT addrlen,
                             LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData);
int WSX_API wsx_shutdown(SOCKET s, int how);
int WSX_API wsx_getsockname(SOCKET s, struct sockaddr* name, int* namelen);
int WSX_API wsx_getpeername(SOCKET s, struct sockaddr* name, int* namelen);

int WSX_API wsx_recv(SOCKET s, char* buf, int len, int flags);
int WSX_API wsx_recvfrom(SOCKET s, char* buf, int len, int flags, struct sockaddr* from,
                         int* fromlen);
int WSX_API wsx_WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                        LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSX_API wsx_WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                            LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr* lpFrom,
                            LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSX_API wsx_send(SOCKET s, const char* buf, int len, int flags);
int WSX_API wsx_sendto(SOCKET s, const char* buf, int len, int flags, const struct sockaddr* to,
                       int tolen);
int WSX_API wsx_WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                        LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSX_API wsx_WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                          LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr* lpTo,
                          int iTolen, LPWSAOVERLAPPED lpOverlapped,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

int WSX_API wsx_ioctlsocket(SOCKET s, long cmd, u_long* argp);
/* SIO_ADDRESS_LIST_CHANGE, SIO_ROUTING_INTERFACE_CHANGE (non-blocking:
 * WSAEWOULDBLOCK, then FD_ADDRESS_LIST_CHANGE / FD_ROUTING_INTERFACE_CHANGE
 * once per change; blocking: returns at the change), their _QUERY forms,
 * SIO_GET_QOS / SIO_GET_GROUP_QOS (the platform's answer: WSAEOPNOTSUPP on
 * Linux), FIONBIO, FIONREAD, SIOCATMARK. Other codes: WSAEINVAL; overlapped
 * arguments: WSAEOPNOTSUPP. See docs/semantics.md (R6). */
int WSX_API wsx_WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                         LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                         LPWSAOVERLAPPED lpOverlapped,
                         LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
int WSX_API wsx_setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen);
int WSX_API wsx_getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen);

/* ---- events and waiting --------------------------------------------------------- */
WSAEVENT WSX_API wsx_WSACreateEvent(void);
BOOL WSX_API wsx_WSASetEvent(WSAEVENT hEvent);
BOOL WSX_API wsx_WSAResetEvent(WSAEVENT hEvent);
BOOL WSX_API wsx_WSACloseEvent(WSAEVENT hEvent);
/* Any cEvents from 1 up (no WSA_MAXIMUM_WAIT_EVENTS limit); O(cEvents) per
 * call, as in Winsock. fAlertable is accepted; there are no APCs to run.
 * Past 192 events WSA_WAIT_EVENT_0 + 192 equals WSA_WAIT_IO_COMPLETION and
 * WSA_WAIT_EVENT_0 + 258 equals WSA_WAIT_TIMEOUT: such a result is that
 * index when that event is signalled (docs/semantics.md, W1). */
DWORD WSX_API wsx_WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                           DWORD dwTimeout, BOOL fAlertable);

int WSX_API wsx_WSAEventSelect(SOCKET s, WSAEVENT hEventObject, long lNetworkEvents);
int WSX_API wsx_WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                     LPWSANETWORKEVENTS lpNetworkEvents);

/* ---- the scalable path: persistent wait sets ------------------------------------- */
/* NULL with WSAGetLastError() set on failure. */
WSXWAITSET WSX_API wsx_WaitSetCreate(void);
/* 0 or SOCKET_ERROR. An event belongs to at most one wait set (WSAEINVAL). */
int WSX_API wsx_WaitSetClose(WSXWAITSET set);
int WSX_API wsx_WaitSetAdd(WSXWAITSET set, WSAEVENT hEvent, uintptr_t key);
int WSX_API wsx_WaitSetRemove(WSXWAITSET set, WSAEVENT hEvent);
/* Fills out[0..n) with every signalled member that fits, in time
 * proportional to the number signalled. Returns n >= 1, 0 on time-out, or
 * SOCKET_ERROR. A member stays reported while its event stays signalled. */
int WSX_API wsx_WaitSetWait(WSXWAITSET set, WSX_READY_EVENT* out, DWORD capacity, DWORD dwTimeout);

/* ---- WSAAsyncSelect over wsx message queues --------------------------------------- */
/* hWnd is a wsx message queue (wsx_CreateMessageQueue) or, on Windows, a real
 * window, which then receives the messages through the system's queue. */
int WSX_API wsx_WSAAsyncSelect(SOCKET s, HWND hWnd, unsigned int wMsg, long lEvent);

/* A queue that stands in for a window: no posting quota, any number of
 * threads posting and pumping. The creating thread adopts it as its own (the
 * queue a NULL hWnd means in wsx_GetMessage/wsx_PeekMessage). NULL with
 * WSAGetLastError() set on failure. */
HWND WSX_API wsx_CreateMessageQueue(void);
/* Wakes its pumps (their calls fail), drops what is queued. */
BOOL WSX_API wsx_DestroyMessageQueue(HWND hWnd);
/* Makes hWnd the calling thread's queue for NULL-hWnd calls (NULL: none). */
BOOL WSX_API wsx_SetThreadMessageQueue(HWND hWnd);

/* Win32's GetMessage: blocks; returns 0 for WM_QUIT, -1 on error
 * (WSAGetLastError: ERROR_INVALID_WINDOW_HANDLE, WSAEFAULT), nonzero
 * otherwise. On Windows a real window's hWnd goes to the system. */
BOOL WSX_API wsx_GetMessage(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
/* Win32's PeekMessage with PM_REMOVE or PM_NOREMOVE. */
BOOL WSX_API wsx_PeekMessage(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                             UINT wRemoveMsg);
/* Up to `capacity` messages at once, waiting up to dwTimeout for the first:
 * the count, 0 on time-out, or -1 on error. */
int WSX_API wsx_GetMessages(HWND hWnd, LPMSG lpMsgs, UINT capacity, UINT wMsgFilterMin,
                            UINT wMsgFilterMax, DWORD dwTimeout);
BOOL WSX_API wsx_PostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
/* Removes the queued WSAAsyncSelect messages of socket s; returns how many
 * (-1 on error). Messages may otherwise still arrive after a cancel or a
 * closesocket, as in Winsock. */
int WSX_API wsx_PurgeSocketMessages(HWND hWnd, SOCKET s);

#ifdef __cplusplus
}
#endif

#ifdef UNICODE
#define wsx_WSASocket wsx_WSASocketW
#else
#define wsx_WSASocket wsx_WSASocketA
#endif

#endif /* WSX_WINSOCK_H */
