// Echo server on libuv, one loop on one thread, written the way libuv's
// documentation suggests: write at once with uv_try_write and queue a
// uv_write only for what the socket would not take (libuv's own uv_write
// also writes at once when nothing is queued; this just skips the copy).
// While a queued write is pending, reading stops: the same back-pressure
// as the reference server.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

#include <uv.h>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"

namespace {

struct Conn {
  uv_tcp_t tcp;  // first member: the handle pointer is the Conn pointer
  uv_write_t req;
  std::vector<char> pending;
};

// One loop thread, and on_read consumes the buffer before the next
// allocation, so one static buffer serves every connection.
char g_buf[65536];

void on_alloc(uv_handle_t*, std::size_t, uv_buf_t* b) {
  *b = uv_buf_init(g_buf, sizeof g_buf);
}

void on_closed(uv_handle_t* h) {
  delete reinterpret_cast<Conn*>(h);
}

void close_conn(Conn* c) {
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), on_closed);
  }
}

void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* b);

void on_written(uv_write_t* req, int status) {
  Conn* c = static_cast<Conn*>(req->data);
  c->pending.clear();
  if (status < 0) {
    close_conn(c);
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), on_alloc, on_read);
}

void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* b) {
  Conn* c = reinterpret_cast<Conn*>(s);
  if (nread < 0) {  // UV_EOF or an error
    close_conn(c);
    return;
  }
  if (nread == 0) return;  // EAGAIN
  uv_buf_t out = uv_buf_init(b->base, static_cast<unsigned>(nread));
  int w = uv_try_write(s, &out, 1);
  if (w == nread) return;
  if (w < 0 && w != UV_EAGAIN) {
    close_conn(c);
    return;
  }
  std::size_t sent = w < 0 ? 0 : static_cast<std::size_t>(w);
  c->pending.assign(b->base + sent, b->base + nread);
  uv_buf_t rest = uv_buf_init(c->pending.data(), static_cast<unsigned>(c->pending.size()));
  c->req.data = c;
  uv_read_stop(s);
  if (uv_write(&c->req, s, &rest, 1, on_written) != 0) close_conn(c);
}

void on_connection(uv_stream_t* server, int status) {
  if (status < 0) return;
  Conn* c = new Conn;
  uv_tcp_init(server->loop, &c->tcp);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    close_conn(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), on_alloc, on_read);
}

void on_signal(uv_signal_t* h, int) {
  uv_stop(h->loop);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, backlog = 4096;
  wsx::flags::Parser p("libuv_echo", "Echo server on libuv, one loop, one thread.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("backlog", &backlog, "listen backlog");
  p.parse(argc, argv);
  wsx::bench::raise_fd_limit();

  uv_loop_t* loop = uv_default_loop();
  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  sockaddr_in a{};
  uv_ip4_addr("0.0.0.0", port, &a);
  int r = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&a), 0);
  if (r == 0) r = uv_listen(reinterpret_cast<uv_stream_t*>(&server), backlog, on_connection);
  if (r != 0) {
    std::fprintf(stderr, "libuv_echo: bind/listen: %s\n", uv_strerror(r));
    return 1;
  }
  int len = sizeof a;
  uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&a), &len);
  std::printf("listening on port %d\n", ntohs(a.sin_port));
  std::fflush(stdout);

  uv_signal_t sigterm, sigint;
  uv_signal_init(loop, &sigterm);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  uv_signal_init(loop, &sigint);
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_run(loop, UV_RUN_DEFAULT);
  // Connections are left to the process exit: closing 10,000 handles one by
  // one would only lengthen the harness's wait.
  return 0;
}
