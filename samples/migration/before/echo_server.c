/* A WSAAsyncSelect echo server as it is written for Windows: a hidden
 * window, a window procedure, the thread's message loop. This is the
 * "before" of docs/migration.md; after/echo_server.c is the same program on
 * wsx. Builds with the Windows (mingw) preset only. */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>

#include <stdio.h>
#include <string.h>
#include <windows.h>

#define WM_SOCKET (WM_USER + 1)
#define MAX_CLIENTS 1024
#define PENDING_MAX 65536

struct client {
  SOCKET s;
  char pending[PENDING_MAX];
  int len;
};

static struct client clients[MAX_CLIENTS];
static SOCKET listener = INVALID_SOCKET;

static struct client* find(SOCKET s) {
  for (int i = 0; i < MAX_CLIENTS; ++i) {
    if (clients[i].s == s) return &clients[i];
  }
  return NULL;
}

static void drop(SOCKET s) {
  struct client* c = find(s);
  if (c) c->s = INVALID_SOCKET;
  closesocket(s);
}

static void flush(struct client* c) {
  while (c->len > 0) {
    int n = send(c->s, c->pending, c->len, 0);
    if (n == SOCKET_ERROR) return; /* WSAEWOULDBLOCK: FD_WRITE comes back */
    memmove(c->pending, c->pending + n, (size_t)(c->len - n));
    c->len -= n;
  }
}

static void echo(struct client* c) {
  char buf[4096];
  if (c->len > PENDING_MAX - (int)sizeof buf) return; /* wait for FD_WRITE */
  int n = recv(c->s, buf, sizeof buf, 0);
  if (n <= 0) return;
  memcpy(c->pending + c->len, buf, (size_t)n);
  c->len += n;
  flush(c);
}

static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam) {
  if (msg != WM_SOCKET) return DefWindowProc(hwnd, msg, wParam, lParam);
  SOCKET s = (SOCKET)wParam;
  if (WSAGETSELECTERROR(lParam)) {
    if (s != listener) drop(s);
    return 0;
  }
  switch (WSAGETSELECTEVENT(lParam)) {
    case FD_ACCEPT: {
      SOCKET c = accept(listener, NULL, NULL);
      if (c == INVALID_SOCKET) break;
      struct client* slot = find(INVALID_SOCKET);
      if (!slot) {
        closesocket(c);
        break;
      }
      slot->s = c;
      slot->len = 0;
      WSAAsyncSelect(c, hwnd, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE);
      break;
    }
    case FD_READ: {
      struct client* c = find(s);
      if (c) echo(c);
      break;
    }
    case FD_WRITE: {
      struct client* c = find(s);
      if (c) {
        flush(c);
        echo(c);
      }
      break;
    }
    case FD_CLOSE:
      drop(s);
      break;
  }
  return 0;
}

int main(int argc, char** argv) {
  unsigned short port = (unsigned short)(argc > 1 ? atoi(argv[1]) : 27017);
  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 1;
  for (int i = 0; i < MAX_CLIENTS; ++i)
    clients[i].s = INVALID_SOCKET;

  WNDCLASSA wc;
  memset(&wc, 0, sizeof wc);
  wc.lpfnWndProc = window_proc;
  wc.lpszClassName = "EchoServerWindow";
  RegisterClassA(&wc);
  HWND hwnd = CreateWindowA("EchoServerWindow", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
  if (!hwnd) return 1;

  listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons(port);
  if (bind(listener, (struct sockaddr*)&a, sizeof a) != 0 || listen(listener, SOMAXCONN) != 0) {
    printf("bind/listen failed: %d\n", WSAGetLastError());
    return 1;
  }
  WSAAsyncSelect(listener, hwnd, WM_SOCKET, FD_ACCEPT | FD_CLOSE);
  printf("listening on port %u\n", port);

  MSG msg;
  while (GetMessage(&msg, NULL, 0, 0) > 0) {
    TranslateMessage(&msg);
    DispatchMessage(&msg);
  }
  WSACleanup();
  return 0;
}
