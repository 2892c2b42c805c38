// Echo server on standalone asio, one io_context run by one thread: the
// classic async_read_some / async_write session of asio's own examples.
// Each session owns its buffer because a read in progress writes into it
// while other sessions run.
#include <array>
#include <csignal>
#include <cstdio>
#include <memory>

#include <asio.hpp>

#include "common/fd_limit.hpp"
#include "common/flags.hpp"

namespace {

using asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket s) : socket_(std::move(s)) {}
  void start() { read(); }

 private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [this, self](std::error_code ec, std::size_t n) {
      if (!ec) write(n);
    });
  }
  void write(std::size_t n) {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(buf_, n),
                      [this, self](std::error_code ec, std::size_t) {
                        if (!ec) read();
                      });
  }

  tcp::socket socket_;
  std::array<char, 16384> buf_;
};

class Server {
 public:
  Server(asio::io_context& io, int port, int backlog) : acceptor_(io) {
    tcp::endpoint ep(tcp::v4(), static_cast<unsigned short>(port));
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(backlog);
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  void accept() {
    acceptor_.async_accept([this](std::error_code ec, tcp::socket s) {
      if (!ec) {
        s.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(s))->start();
      }
      accept();
    });
  }

 private:
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0, backlog = 4096;
  wsx::flags::Parser p("asio_echo", "Echo server on standalone asio, one thread.");
  p.add("port", &port, "TCP port (0: any free port)");
  p.add("backlog", &backlog, "listen backlog");
  p.parse(argc, argv);
  wsx::bench::raise_fd_limit();
  try {
    // Concurrency hint 1: one thread runs the context, so asio may skip its
    // internal locking (what a single-threaded server should ask for).
    asio::io_context io(1);
    Server server(io, port, backlog);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](std::error_code, int) { io.stop(); });
    server.accept();
    std::printf("listening on port %d\n", server.port());
    std::fflush(stdout);
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "asio_echo: %s\n", e.what());
    return 1;
  }
  return 0;
}
