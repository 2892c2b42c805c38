// The soak's server: an echo server on wsx's Winsock API. One event per
// socket, every event in one wait set, several threads waiting on it. Each
// connection's stream starts with a header that tells the server who it is
// and how it will end, so the server checks every byte and every FD_CLOSE.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "wsx/winsock.h"

namespace wsx::soak {

// How a client ends its connection.
enum class Ending : std::uint8_t {
  graceful,  // sends everything, shuts down its side, reads every echo to the end
  reset,     // resets the connection part-way (SO_LINGER 0)
  abandon,   // sends everything and closes without reading the echo
};

inline constexpr std::uint32_t kMagic = 0x53585357;  // "WSXS"
inline constexpr std::size_t kHeaderSize = 16;

// Byte k of connection id's stream (the header's bytes come first).
inline std::uint8_t stream_byte(std::uint32_t id, std::uint64_t k) {
  std::uint64_t x = (std::uint64_t{id} << 32) ^ (k * 0x9e3779b97f4a7c15ull);
  x ^= x >> 29;
  return static_cast<std::uint8_t>(x * 0xbf58476d1ce4e5b9ull >> 56);
}

struct ServerStats {
  std::atomic<std::uint64_t> bytes_in{0}, bytes_out{0}, close_events{0}, closed{0};
  std::atomic<std::uint64_t> graceful{0}, resets{0}, abandoned{0};
};

class Server {
 public:
  Server(int threads, std::uint64_t seed);
  ~Server();
  // Starts listening (loopback, ephemeral port) and the waiting threads.
  bool start(std::string* why);
  std::uint16_t port() const { return port_; }
  // Stops the threads and closes what is left.
  void stop();
  // The first failure, or empty.
  std::string failure();
  int open_connections() const { return open_.load(); }
  const ServerStats& stats() const { return stats_; }

 private:
  struct Conn;
  void work(int index);
  void on_listener();
  void on_conn(Conn& c, std::uint64_t gen);
  void receive(Conn& c);
  void flush(Conn& c);
  void finish(Conn& c);
  void fail(const std::string& why);
  Conn* allocate();

  int thread_count_;
  std::uint64_t seed_;
  SOCKET listener_ = INVALID_SOCKET;
  WSAEVENT listener_event_ = WSA_INVALID_EVENT;
  std::mutex listener_mu_;
  WSXWAITSET set_ = nullptr;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> open_{0};
  ServerStats stats_;
  std::mutex failure_mu_;
  std::string failure_;
  // Connections live in fixed slots that are never freed: a thread holding
  // a stale wait-set entry finds the slot's generation moved on.
  std::mutex slots_mu_;
  std::vector<Conn*> slots_;
  std::vector<std::size_t> free_;
};

}  // namespace wsx::soak
