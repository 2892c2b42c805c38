/* Opt-in: maps Winsock's names onto wsx's, so that a Winsock program moves
 * to wsx by including this header (after its other includes) and linking
 * wsx::compat. Function-like macros: only calls are renamed, so a member or
 * variable named `send` stays untouched unless it is called; code that calls
 * std::bind, or POSIX socket functions directly, must not include this
 * header in the same file. */
#ifndef WSX_WINSOCK_REDIRECT_H
#define WSX_WINSOCK_REDIRECT_H

#include "wsx/winsock.h"

#define WSAStartup(...) wsx_WSAStartup(__VA_ARGS__)
#define WSACleanup(...) wsx_WSACleanup(__VA_ARGS__)
#define WSAGetLastError(...) wsx_WSAGetLastError(__VA_ARGS__)
#define WSASetLastError(...) wsx_WSASetLastError(__VA_ARGS__)

#define socket(...) wsx_socket(__VA_ARGS__)
#undef WSASocket
#define WSASocketA(...) wsx_WSASocketA(__VA_ARGS__)
#define WSASocketW(...) wsx_WSASocketW(__VA_ARGS__)
#define WSASocket(...) wsx_WSASocket(__VA_ARGS__)
#define closesocket(...) wsx_closesocket(__VA_ARGS__)
#define bind(...) wsx_bind(__VA_ARGS__)
#define listen(...) wsx_listen(__VA_ARGS__)
#define connect(...) wsx_connect(__VA_ARGS__)
#define WSAConnect(...) wsx_WSAConnect(__VA_ARGS__)
#define accept(...) wsx_accept(__VA_ARGS__)
#define WSAAccept(...) wsx_WSAAccept(__VA_ARGS__)
#define shutdown(...) wsx_shutdown(__VA_ARGS__)
#define getsockname(...) wsx_getsockname(__VA_ARGS__)
#define getpeername(...) wsx_getpeername(__VA_ARGS__)

#define recv(...) wsx_recv(__VA_ARGS__)
#define recvfrom(...) wsx_recvfrom(__VA_ARGS__)
#define WSARecv(...) wsx_WSARecv(__VA_ARGS__)
#define WSARecvFrom(...) wsx_WSARecvFrom(__VA_ARGS__)
#define send(...) wsx_send(__VA_ARGS__)
#define sendto(...) wsx_sendto(__VA_ARGS__)
#define WSASend(...) wsx_WSASend(__VA_ARGS__)
#define WSASendTo(...) wsx_WSASendTo(__VA_ARGS__)

#define ioctlsocket(...) wsx_ioctlsocket(__VA_ARGS__)
#define WSAIoctl(...) wsx_WSAIoctl(__VA_ARGS__)
#define setsockopt(...) wsx_setsockopt(__VA_ARGS__)
#define getsockopt(...) wsx_getsockopt(__VA_ARGS__)

#define WSACreateEvent(...) wsx_WSACreateEvent(__VA_ARGS__)
#define WSASetEvent(...) wsx_WSASetEvent(__VA_ARGS__)
#define WSAResetEvent(...) wsx_WSAResetEvent(__VA_ARGS__)
#define WSACloseEvent(...) wsx_WSACloseEvent(__VA_ARGS__)
#define WSAWaitForMultipleEvents(...) wsx_WSAWaitForMultipleEvents(__VA_ARGS__)
#define WSAEventSelect(...) wsx_WSAEventSelect(__VA_ARGS__)
#define WSAEnumNetworkEvents(...) wsx_WSAEnumNetworkEvents(__VA_ARGS__)
#define WSAAsyncSelect(...) wsx_WSAAsyncSelect(__VA_ARGS__)

/* Message pumps: GetMessage/PeekMessage/PostMessage on a wsx queue (and, on
 * Windows, on a real window, which wsx hands to the system). */
#undef GetMessage
#undef PeekMessage
#undef PostMessage
#define GetMessage(...) wsx_GetMessage(__VA_ARGS__)
#define PeekMessage(...) wsx_PeekMessage(__VA_ARGS__)
#define PostMessage(...) wsx_PostMessage(__VA_ARGS__)

#endif /* WSX_WINSOCK_REDIRECT_H */
