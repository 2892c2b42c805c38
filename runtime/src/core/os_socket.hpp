// The socket calls the core makes, one thin function each, implemented per
// platform (linux/os_socket.cpp, windows/os_socket.cpp). Errors come back as
// native errors; nothing here keeps state.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wsx/platform.hpp"

namespace wsx::detail::os {

// The socket layer's own lifetime, tied to the runtime's first start and
// last stop (Winsock needs WSAStartup before any socket call; POSIX needs
// nothing). Reference counted by the OS.
native_error startup();
void cleanup();

// Native error values the core itself produces or tests for.
native_error err_would_block();
native_error err_in_progress();
native_error err_invalid();
native_error err_not_socket();
native_error err_bad_descriptor();
native_error err_conn_reset();
native_error err_conn_aborted();
native_error err_conn_refused();
native_error err_shutdown();
native_error err_no_memory();
native_error err_fault();
native_error last_error();
bool is_would_block(native_error e);
// The receive flag that makes the kernel return a datagram's full length
// even when the buffer is shorter (Linux: MSG_TRUNC), or 0 where none exists.
int datagram_length_flag();
// A send to a connection that is gone (EPIPE): Winsock says reset or shutdown.
bool is_broken_pipe(native_error e);
// An error that ends the connection for good (reset, abort, time-out): a
// send or receive that returns it has consumed what the OS would not say
// twice on every platform.
bool is_connection_failure(native_error e);

// The current readiness of one socket, without waiting.
struct PollBits {
  bool in = false, out = false, pri = false, rdhup = false, hup = false, err = false;
};
PollBits poll_now(native_socket s);

// Bytes (stream) or the next datagram's size (datagram) waiting; -1 on error.
// On Linux a stream's count stops at an urgent mark that is not inline.
long bytes_available(native_socket s);
// Whether a normal receive on a stream would return data now (not the end of
// data, and past an urgent mark: where FIONREAD says 0).
bool normal_data_waiting(native_socket s);
// Whether a datagram (even an empty one) is queued.
bool datagram_pending(native_socket s);
// Whether urgent data is waiting to be read with MSG_OOB.
bool oob_pending(native_socket s);
// Whether the next byte of the stream is the urgent byte's position.
bool at_urgent_mark(native_socket s);
// Reads and clears the pending socket error (SO_ERROR).
native_error take_socket_error(native_socket s);
// Whether the peer has closed its side (the connection is in CLOSE_WAIT,
// LAST_ACK, TIME_WAIT, CLOSING or CLOSED); used when a local shutdown hides it.
bool peer_has_closed(native_socket s);
// The error to report with FD_CLOSE for a failed connection (R9): a reset
// stays a reset, everything else is an abort.
native_error close_error_for(native_error socket_error);

// What a socket created outside wsx is, read from the OS once.
struct SocketFacts {
  bool stream = false;
  bool listening = false;
  bool connecting = false;
  bool connected = false;
  bool peer_closed = false;
  bool bound = false;
  bool oob_inline = false;
  bool nonblocking = false;
  std::uint64_t identity = 0;
};
// not_socket-style native error when s is not a socket.
native_error inspect(native_socket s, SocketFacts* out);
std::uint64_t identity_of(native_socket s);

native_error set_nonblocking(native_socket s, bool on);

// Raw calls: return -1 (or kInvalidSocket) and set *err on failure.
native_socket open(int family, int type, int protocol, native_error* err);
int close(native_socket s, native_error* err);
int bind(native_socket s, const sockaddr* a, socklen len, native_error* err);
int listen(native_socket s, int backlog, native_error* err);
int connect(native_socket s, const sockaddr* a, socklen len, native_error* err);
native_socket accept(native_socket s, sockaddr* a, socklen* len, bool nonblocking,
                     native_error* err);
int shutdown(native_socket s, int how, native_error* err);
long recv(native_socket s, void* buf, std::size_t len, int flags, native_error* err);
long recvfrom(native_socket s, void* buf, std::size_t len, int flags, sockaddr* from,
              socklen* fromlen, native_error* err);
long send(native_socket s, const void* buf, std::size_t len, int flags, native_error* err);
long sendto(native_socket s, const void* buf, std::size_t len, int flags, const sockaddr* to,
            socklen tolen, native_error* err);
// Scatter/gather with an optional address (WSARecv/WSASend family).
struct Buffer {
  void* data;
  std::size_t len;
};
long recv_vector(native_socket s, const Buffer* bufs, std::size_t count, int* flags, sockaddr* from,
                 socklen* fromlen, native_error* err);
long send_vector(native_socket s, const Buffer* bufs, std::size_t count, int flags,
                 const sockaddr* to, socklen tolen, native_error* err);
int get_option(native_socket s, int level, int name, void* value, socklen* len, native_error* err);
int set_option(native_socket s, int level, int name, const void* value, socklen len,
               native_error* err);
bool local_address(native_socket s, sockaddr* a, socklen* len);
// Whether s has a peer: a connect has completed (getpeername succeeds).
bool has_peer(native_socket s);
// Resets the connection on close (SO_LINGER 0), used for CF_REJECT.
void abort_on_close(native_socket s);

}  // namespace wsx::detail::os
