// The load generator's message format, shared by every traffic pattern:
// a 32-byte header, then a payload derived from (connection, sequence), so a
// byte echoed into the wrong place is caught, not only a lost one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace wsx::load::wire {

constexpr std::uint32_t kMagic = 0x31585357;  // "WSX1"

struct Header {
  std::uint32_t magic;
  std::uint32_t conn;
  std::uint32_t len;
  std::uint32_t checksum;
  std::uint64_t seq;
  std::uint64_t sent_ns;
};
static_assert(sizeof(Header) == 32);

inline std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// "2" or "0.25": a time in seconds for error messages.
inline std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

inline std::uint8_t pattern(std::uint32_t conn, std::uint64_t seq, std::size_t i) {
  return static_cast<std::uint8_t>(i * 7 + seq * 13 + conn * 31);
}

inline std::uint32_t fnv1a(const std::uint8_t* p, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

// Writes one message of `size` bytes (at least sizeof(Header)) at p.
inline void write_message(std::uint8_t* p, std::size_t size, std::uint32_t conn, std::uint64_t seq,
                          std::uint64_t sent_ns) {
  std::uint8_t* payload = p + sizeof(Header);
  const std::size_t plen = size - sizeof(Header);
  for (std::size_t i = 0; i < plen; ++i)
    payload[i] = pattern(conn, seq, i);
  Header h{kMagic, conn, static_cast<std::uint32_t>(size), fnv1a(payload, plen), seq, sent_ns};
  std::memcpy(p, &h, sizeof h);
}

// Checks one echoed message; returns an empty string when every byte is
// right, else what is wrong. *sent_ns receives the send time it carries.
inline std::string check_message(const std::uint8_t* p, std::size_t size, std::uint32_t conn,
                                 std::uint64_t seq, std::uint64_t* sent_ns) {
  Header h;
  std::memcpy(&h, p, sizeof h);
  if (h.magic != kMagic || h.conn != conn || h.len != size) return "corrupt header";
  if (h.seq != seq)
    return "sequence " + std::to_string(h.seq) + ", expected " + std::to_string(seq);
  const std::uint8_t* payload = p + sizeof(Header);
  const std::size_t plen = size - sizeof(Header);
  if (fnv1a(payload, plen) != h.checksum) return "checksum mismatch";
  for (std::size_t i = 0; i < plen; ++i) {
    if (payload[i] != pattern(conn, seq, i))
      return "payload byte " + std::to_string(i) + " differs";
  }
  *sent_ns = h.sent_ns;
  return {};
}

}  // namespace wsx::load::wire
