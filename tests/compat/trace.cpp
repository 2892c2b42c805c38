#include "compat/trace.hpp"

#include <algorithm>
#include <sstream>

namespace wsx::test {

std::string error_name(int code) {
  struct Name {
    int code;
    const char* name;
  };
  static const Name names[] = {
      {WSA_INVALID_HANDLE, "WSA_INVALID_HANDLE"},
      {WSA_NOT_ENOUGH_MEMORY, "WSA_NOT_ENOUGH_MEMORY"},
      {WSA_INVALID_PARAMETER, "WSA_INVALID_PARAMETER"},
      {WSAEINTR, "WSAEINTR"},
      {WSAEBADF, "WSAEBADF"},
      {WSAEACCES, "WSAEACCES"},
      {WSAEFAULT, "WSAEFAULT"},
      {WSAEINVAL, "WSAEINVAL"},
      {WSAEMFILE, "WSAEMFILE"},
      {WSAEWOULDBLOCK, "WSAEWOULDBLOCK"},
      {WSAEINPROGRESS, "WSAEINPROGRESS"},
      {WSAEALREADY, "WSAEALREADY"},
      {WSAENOTSOCK, "WSAENOTSOCK"},
      {WSAEDESTADDRREQ, "WSAEDESTADDRREQ"},
      {WSAEMSGSIZE, "WSAEMSGSIZE"},
      {WSAEPROTOTYPE, "WSAEPROTOTYPE"},
      {WSAENOPROTOOPT, "WSAENOPROTOOPT"},
      {WSAEOPNOTSUPP, "WSAEOPNOTSUPP"},
      {WSAEAFNOSUPPORT, "WSAEAFNOSUPPORT"},
      {WSAEADDRINUSE, "WSAEADDRINUSE"},
      {WSAEADDRNOTAVAIL, "WSAEADDRNOTAVAIL"},
      {WSAENETDOWN, "WSAENETDOWN"},
      {WSAENETUNREACH, "WSAENETUNREACH"},
      {WSAECONNABORTED, "WSAECONNABORTED"},
      {WSAECONNRESET, "WSAECONNRESET"},
      {WSAENOBUFS, "WSAENOBUFS"},
      {WSAEISCONN, "WSAEISCONN"},
      {WSAENOTCONN, "WSAENOTCONN"},
      {WSAESHUTDOWN, "WSAESHUTDOWN"},
      {WSAETIMEDOUT, "WSAETIMEDOUT"},
      {WSAECONNREFUSED, "WSAECONNREFUSED"},
      {WSAEHOSTUNREACH, "WSAEHOSTUNREACH"},
      {WSAVERNOTSUPPORTED, "WSAVERNOTSUPPORTED"},
      {WSANOTINITIALISED, "WSANOTINITIALISED"},
      {WSASYSCALLFAILURE, "WSASYSCALLFAILURE"},
      {WSATRY_AGAIN, "WSATRY_AGAIN"},
  };
  for (const Name& n : names) {
    if (n.code == code) return n.name;
  }
  return std::to_string(code);
}

std::string events_str(long mask) {
  static const char* names[FD_MAX_EVENTS] = {"READ",  "WRITE", "OOB",       "ACCEPT",  "CONNECT",
                                             "CLOSE", "QOS",   "GROUP_QOS", "ROUTING", "ADDRLIST"};
  if (mask == 0) return "{}";
  std::string s = "{";
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (!(mask & (1L << i))) continue;
    if (s.size() > 1) s += "|";
    s += names[i];
  }
  if (mask & ~static_cast<long>(FD_ALL_EVENTS)) s += "|?";
  return s + "}";
}

std::string event_errors_str(const WSANETWORKEVENTS& ne) {
  std::string s;
  for (int i = 0; i < FD_MAX_EVENTS; ++i) {
    if (!(ne.lNetworkEvents & (1L << i)) || ne.iErrorCode[i] == 0) continue;
    if (!s.empty()) s += " ";
    std::string bit = events_str(1L << i);
    s += bit.substr(1, bit.size() - 2) + "=" + error_name(ne.iErrorCode[i]);
  }
  return s;
}

std::string network_events_str(const WSANETWORKEVENTS& ne) {
  std::string errors = event_errors_str(ne);
  return events_str(ne.lNetworkEvents) + (errors.empty() ? "" : " " + errors);
}

std::string int_result(int rc, int err) {
  return rc == SOCKET_ERROR ? "SOCKET_ERROR " + error_name(err) : std::to_string(rc);
}

std::string socket_result(SOCKET rc, int err) {
  // The handle's value differs from run to run; that there is one does not.
  return rc == INVALID_SOCKET ? "INVALID_SOCKET " + error_name(err) : "a socket";
}

std::string bool_result(BOOL rc, int err) {
  return rc ? "TRUE" : "FALSE " + error_name(err);
}

std::string wait_result(DWORD rc, int err) {
  if (rc == WSA_WAIT_FAILED) return "WSA_WAIT_FAILED " + error_name(err);
  if (rc == WSA_WAIT_TIMEOUT) return "WSA_WAIT_TIMEOUT";
  if (rc == WSA_WAIT_IO_COMPLETION) return "WSA_WAIT_IO_COMPLETION";
  return "WSA_WAIT_EVENT_0+" + std::to_string(rc - WSA_WAIT_EVENT_0);
}

std::string events_handle_result(bool valid, int err) {
  return valid ? "an event" : "WSA_INVALID_EVENT " + error_name(err);
}

std::vector<Difference> compare(const Trace& system, const Trace& wsx) {
  std::vector<Difference> out;
  const std::size_t n = std::max(system.steps.size(), wsx.steps.size());
  bool apart = false;  // once the labels part, nothing after lines up
  for (std::size_t i = 0; i < n; ++i) {
    const Step* s = i < system.steps.size() ? &system.steps[i] : nullptr;
    const Step* w = i < wsx.steps.size() ? &wsx.steps[i] : nullptr;
    if (s && w && s->what != w->what) apart = true;
    if (!apart && s && w && s->seen == w->seen) continue;
    Difference d;
    d.index = i;
    d.what = s ? s->what : w->what;
    d.system = s ? s->seen : "(no step)";
    // Where the paths parted, wsx's step is another one: name it.
    d.wsx = w ? (w->what == d.what ? w->seen : "[" + w->what + "] " + w->seen) : "(no step)";
    out.push_back(std::move(d));
  }
  return out;
}

std::string side_by_side(const Trace& system, const Trace& wsx) {
  std::ostringstream o;
  const std::size_t n = std::max(system.steps.size(), wsx.steps.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Step* s = i < system.steps.size() ? &system.steps[i] : nullptr;
    const Step* w = i < wsx.steps.size() ? &wsx.steps[i] : nullptr;
    bool same = s && w && s->what == w->what && s->seen == w->seen;
    o << (same ? "   " : " * ") << i << " " << (s ? s->what : w->what) << "\n";
    if (same) {
      o << "       both:   " << s->seen << "\n";
      continue;
    }
    o << "       system: "
      << (s ? (w && s->what != w->what ? "[" + s->what + "] " : "") + s->seen : "(no step)")
      << "\n";
    o << "       wsx:    "
      << (w ? (s && s->what != w->what ? "[" + w->what + "] " : "") + w->seen : "(no step)")
      << "\n";
  }
  return o.str();
}

}  // namespace wsx::test
