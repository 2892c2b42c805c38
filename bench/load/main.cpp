// wsx-load: drives an echo server with verified traffic and prints
// what it measured (one line of text, or JSON with --json).
#include <cstdio>
#include <string>

#include "common/flags.hpp"
#include "load/loadgen.hpp"

int main(int argc, char** argv) {
  wsx::load::Config c;
  bool json = false;
  std::string mode = "pingpong";
  wsx::flags::Parser p("wsx-load", "Verified TCP ping-pong load against an echo server.");
  p.add("host", &c.host, "server address");
  p.add("port", &c.port, "server port");
  p.add("mode", &mode, "traffic: pingpong, burst or churn");
  p.add("connections", &c.connections, "connections to open");
  p.add("active", &c.active, "connections that send (-1: all)");
  p.add("size", &c.message_size, "message size in bytes (at least 32)");
  p.add("inflight", &c.inflight, "messages in flight per active connection");
  p.add("burst", &c.burst, "burst: messages per connection per wave");
  p.add("churn-rate", &c.churn_rate, "churn: connections per second (0: as fast as possible)");
  p.add("churn-concurrency", &c.churn_concurrency, "churn: connections open at once, at most");
  p.add("warmup", &c.warmup_s, "seconds of traffic before measuring");
  p.add("duration", &c.duration_s, "seconds measured");
  p.add("threads", &c.threads, "client threads");
  p.add("stall", &c.stall_s, "seconds without a reply that make a connection stalled");
  p.add("json", &json, "print JSON");
  p.parse(argc, argv);
  if (c.port <= 0 || !wsx::load::parse_mode(mode, &c.mode)) p.usage(2);

  wsx::load::Result r = wsx::load::run(c);
  if (json) {
    std::printf(
        "{\"messages\":%llu,\"seconds\":%.3f,\"messages_per_s\":%.1f,\"mb_per_s\":%.3f,"
        "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"errors\":%llu,\"stalled\":%llu,"
        "\"idle_lost\":%llu}\n",
        static_cast<unsigned long long>(r.messages), r.seconds, r.messages_per_s, r.mb_per_s,
        r.p50_us, r.p99_us, r.p999_us, static_cast<unsigned long long>(r.errors),
        static_cast<unsigned long long>(r.stalled), static_cast<unsigned long long>(r.idle_lost));
  } else {
    std::printf(
        "%s, %d connections (%d active), %d-byte messages, %d in flight: %.0f msg/s, %.2f MB/s, "
        "p50 %.1f us, p99 %.1f us, p99.9 %.1f us, errors %llu, stalled %llu, idle lost %llu\n",
        mode.c_str(), c.connections, c.active < 0 ? c.connections : c.active, c.message_size,
        c.inflight, r.messages_per_s, r.mb_per_s, r.p50_us, r.p99_us, r.p999_us,
        static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.stalled),
        static_cast<unsigned long long>(r.idle_lost));
  }
  for (const auto& e : r.error_samples)
    std::fprintf(stderr, "  error: %s\n", e.c_str());
  return (r.errors || r.stalled || r.idle_lost || r.messages == 0) ? 1 : 0;
}
