// WSAStartup / WSACleanup and the thread's last error (rules X1, X4).
#include <atomic>
#include <cstring>
#include <mutex>

#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

namespace wsx::compat {
namespace {

std::mutex g_mu;
int g_refs = 0;
std::atomic<bool> g_initialised{false};
thread_local int t_last_error = 0;

}  // namespace

bool initialised() {
  return g_initialised.load(std::memory_order_acquire);
}
void set_last_error(int e) {
  t_last_error = e;
}
int fail(int e) {
  t_last_error = e;
  return SOCKET_ERROR;
}

}  // namespace wsx::compat

using namespace wsx::compat;

int WSX_API wsx_WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
  // Winsock 1.1 and 2.x are served as 2.2, like the system does.
  BYTE major = LOBYTE(wVersionRequested), minor = HIBYTE(wVersionRequested);
  if (major < 1 || (major == 1 && minor < 1)) return WSAVERNOTSUPPORTED;
  if (!lpWSAData) return WSAEFAULT;
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_refs == 0) {
    if (wsx::native_error e = wsx::start()) return wsa_from_native(e);
    g_initialised.store(true, std::memory_order_release);
  }
  ++g_refs;
  std::memset(lpWSAData, 0, sizeof *lpWSAData);
  lpWSAData->wVersion = major >= 2 ? MAKEWORD(2, 2) : MAKEWORD(1, 1);
  lpWSAData->wHighVersion = MAKEWORD(2, 2);
  std::strncpy(lpWSAData->szDescription, "wsx: Winsock select-style notification",
               WSADESCRIPTION_LEN);
  std::strncpy(lpWSAData->szSystemStatus, "Running", WSASYS_STATUS_LEN);
  return 0;
}

int WSX_API wsx_WSACleanup(void) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_refs == 0) return fail(WSANOTINITIALISED);
  if (--g_refs == 0) {
    g_initialised.store(false, std::memory_order_release);
    wsx::stop();
  }
  return 0;
}

int WSX_API wsx_WSAGetLastError(void) {
  return t_last_error;
}
void WSX_API wsx_WSASetLastError(int iError) {
  t_last_error = iError;
}
