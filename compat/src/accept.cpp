// accept and WSAAccept with its condition function (rules S7, R3, R4, R5).
#include <cstring>

#include "compat_internal.hpp"
#include "wsx/sockets.hpp"

using namespace wsx::compat;

namespace {

struct Condition {
  LPCONDITIONPROC fn;
  DWORD_PTR data;
  bool bad_verdict = false;
};

// The condition function sees the caller and callee addresses as WSABUFs
// (TCP carries no connect data and wsx provides no QoS, so those are NULL).
wsx::AcceptCondition::Verdict decide(void* context, wsx::native_socket, const sockaddr* peer,
                                     wsx::socklen peer_len, const sockaddr* local,
                                     wsx::socklen local_len) {
  auto* c = static_cast<Condition*>(context);
  sockaddr_storage caller_addr{}, callee_addr{};
  std::memcpy(&caller_addr, peer, static_cast<std::size_t>(peer_len));
  std::memcpy(&callee_addr, local, static_cast<std::size_t>(local_len));
  WSABUF caller{static_cast<ULONG>(peer_len), reinterpret_cast<CHAR*>(&caller_addr)};
  WSABUF callee{static_cast<ULONG>(local_len), reinterpret_cast<CHAR*>(&callee_addr)};
  GROUP g = 0;
  switch (c->fn(&caller, nullptr, nullptr, nullptr, &callee, nullptr, &g, c->data)) {
    case CF_ACCEPT:
      return wsx::AcceptCondition::Verdict::accept;
    case CF_DEFER:
      return wsx::AcceptCondition::Verdict::defer;
    case CF_REJECT:
      return wsx::AcceptCondition::Verdict::reject;
    default:
      c->bad_verdict = true;
      return wsx::AcceptCondition::Verdict::reject;
  }
}

SOCKET do_accept(SOCKET s, struct sockaddr* addr, int* addrlen, Condition* cond) {
  WSX_REQUIRE_STARTUP(INVALID_SOCKET);
  wsx::native_socket n;
  WSX_NATIVE_SOCKET(s, n, INVALID_SOCKET);
  if (addr && (!addrlen || *addrlen < static_cast<int>(sizeof(sockaddr_in)))) {
    set_last_error(WSAEFAULT);
    return INVALID_SOCKET;
  }
  sockaddr_storage peer{};
  wsx::socklen len = sizeof peer;
  wsx::AcceptCondition ac;
  if (cond) {
    ac.decide = decide;
    ac.context = cond;
  }
  wsx::IoResult r =
      wsx::accept_socket(n, reinterpret_cast<sockaddr*>(&peer), &len, cond ? &ac : nullptr);
  if (!r.ok()) {
    set_last_error(cond && cond->bad_verdict ? WSAEINVAL : wsa_from_native(r.error));
    return INVALID_SOCKET;
  }
  if (addr) {
    if (*addrlen < static_cast<int>(len)) {
      // Too small for this peer's address family: Winsock refuses the call.
      wsx::close_socket(static_cast<wsx::native_socket>(r.value));
      set_last_error(WSAEFAULT);
      return INVALID_SOCKET;
    }
    std::memcpy(addr, &peer, static_cast<std::size_t>(len));
    *addrlen = static_cast<int>(len);
  }
  return socket_of(static_cast<wsx::native_socket>(r.value));
}

}  // namespace

SOCKET WSX_API wsx_accept(SOCKET s, struct sockaddr* addr, int* addrlen) {
  return do_accept(s, addr, addrlen, nullptr);
}

SOCKET WSX_API wsx_WSAAccept(SOCKET s, struct sockaddr* addr, LPINT addrlen,
                             LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData) {
  if (!lpfnCondition) return do_accept(s, addr, addrlen, nullptr);
  Condition c{lpfnCondition, dwCallbackData};
  return do_accept(s, addr, addrlen, &c);
}
