// Sockets with select-style notification: the runtime's side of
// WSAEventSelect / WSAAsyncSelect / WSAEnumNetworkEvents and of the calls
// that re-enable events (recv, send, accept, ...).
//
// Every call here is the OS call plus the bookkeeping of conformance.md:
// a call re-enables the events it is the re-enabling function for (R3, R4),
// and a level-triggered condition that still holds afterwards is reported
// again at once (R5). Errors are native (errno on Linux, WSA codes on
// Windows); EINPROGRESS from a non-blocking connect is returned as is.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wsx/event.hpp"
#include "wsx/net_events.hpp"
#include "wsx/platform.hpp"

namespace wsx {

// --- runtime lifetime ------------------------------------------------------

// Starts the runtime (reference counted; the first call creates the
// backend). Returns 0 or the OS error that prevented it.
native_error start();
// The last stop closes the sockets wsx created and cancels the selections
// of the ones it did not; events and wait sets stay valid.
void stop();
bool running();

// RAII for start()/stop().
class Runtime {
 public:
  Runtime() : error_(start()) {}
  ~Runtime() {
    if (error_ == 0) stop();
  }
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  native_error error() const { return error_; }

 private:
  native_error error_;
};

// --- selection ----------------------------------------------------------------

struct NotifyTarget {
  enum class Kind : std::uint8_t { none, event, message };
  Kind kind = Kind::none;
  std::uint64_t handle = 0;   // EventHandle value, or a message queue / window
  std::uint32_t message = 0;  // the message to post (Kind::message)

  static NotifyTarget none() { return {}; }
  static NotifyTarget event(EventHandle e) { return {Kind::event, e.value, 0}; }
  static NotifyTarget message_to(std::uint64_t queue, std::uint32_t msg) {
    return {Kind::message, queue, msg};
  }
};

// Selects `mask` on s, replacing any earlier selection (S1-S4); a mask of 0
// cancels. Puts s in non-blocking mode (S5) and reports at once whatever
// already holds (S8). Works for sockets created outside wsx too.
native_error select_events(native_socket s, NotifyTarget target, EventMask mask);

struct NetworkEvents {
  EventMask events = 0;
  native_error errors[kNetEventCount] = {};  // valid only where `events` has the bit
};

// Copies and clears the socket's record and resets `reset` (if not null) in
// one step (E1). Only errors[i] for reported bits are written (E2); nothing
// changes when it fails (E3).
native_error enumerate_events(native_socket s, EventHandle reset, NetworkEvents* out);

// Whether s has a selection in force.
bool is_selected(native_socket s);

// --- socket calls ------------------------------------------------------------

struct IoResult {
  std::int64_t value = 0;  // bytes, or a socket, or 0
  native_error error = 0;
  bool ok() const { return error == 0; }
};

IoResult open_socket(int family, int type, int protocol);
IoResult close_socket(native_socket s);
IoResult bind_socket(native_socket s, const sockaddr* addr, socklen len);
IoResult listen_socket(native_socket s, int backlog);
IoResult connect_socket(native_socket s, const sockaddr* addr, socklen len);
IoResult shutdown_socket(native_socket s, int how);

// WSAAccept's condition function, reduced to what the runtime needs.
struct AcceptCondition {
  enum class Verdict { accept, reject, defer };
  Verdict (*decide)(void* context, native_socket listener, const sockaddr* peer, socklen peer_len,
                    const sockaddr* local, socklen local_len) = nullptr;
  void* context = nullptr;
};
// The new socket inherits the listener's selection (S7). With a condition:
// reject -> ECONNREFUSED-style error, defer -> kDeferredError and the
// connection is offered again on the next accept (FD_ACCEPT is then not
// re-enabled, R3).
IoResult accept_socket(native_socket s, sockaddr* addr, socklen* len,
                       const AcceptCondition* condition = nullptr);

IoResult receive(native_socket s, void* buf, std::size_t len, int flags);
IoResult receive_from(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
                      socklen* fromlen);
// receive_from that also says whether a datagram was longer than the buffer
// (Winsock fails such a receive with WSAEMSGSIZE; POSIX truncates quietly).
// One system call either way.
IoResult receive_message(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
                         socklen* fromlen, bool* truncated);
IoResult send_bytes(native_socket s, const void* buf, std::size_t len, int flags);
IoResult send_to(native_socket s, const void* buf, std::size_t len, int flags, const sockaddr* to,
                 socklen tolen);

struct IoBuffer {
  void* data;
  std::size_t len;
};
// Scatter/gather forms (WSARecv, WSARecvFrom, WSASend, WSASendTo). *flags
// is in/out for receive, as MSG flags.
IoResult receive_vector(native_socket s, const IoBuffer* bufs, std::size_t count, int* flags,
                        sockaddr* from, socklen* fromlen);
IoResult send_vector(native_socket s, const IoBuffer* bufs, std::size_t count, int flags,
                     const sockaddr* to, socklen tolen);

// FIONBIO: refused with EINVAL-style error while a selection is in force (S5).
IoResult set_nonblocking(native_socket s, bool on);
// FIONREAD and SIOCATMARK.
IoResult bytes_readable(native_socket s);
IoResult at_oob_mark(native_socket s);
IoResult get_option(native_socket s, int level, int name, void* value, socklen* len);
IoResult set_option(native_socket s, int level, int name, const void* value, socklen len);

// --- figures ---------------------------------------------------------------------

struct RuntimeFigures {
  std::size_t bytes_allocated = 0;  // everything the runtime holds from its allocator
  std::size_t socket_table_bytes = 0;
};
RuntimeFigures figures();

}  // namespace wsx
