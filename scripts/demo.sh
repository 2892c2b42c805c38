#!/usr/bin/env bash
# The echo demo: wsx's native-API echo server driven by the bundled load
# client, beside the raw-epoll reference server, each for a few seconds.
set -euo pipefail
build="${WSX_BUILD_DIR:-build/release}"
duration="${1:-3}"

run_one() {
  local name="$1" server="$2"
  local out; out=$(mktemp)
  "$server" --port 0 >"$out" 2>&1 &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true; rm -f "$out"' RETURN
  for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
  local port; port=$(awk '/listening on port/ {print $4}' "$out")
  [ -n "$port" ] || { echo "demo: $name did not start"; cat "$out"; return 1; }
  for conns in 1 100 1000; do
    printf '%-14s ' "$name"
    "$build/bench/wsx-load" --port "$port" --connections "$conns" --duration "$duration" --warmup 0.5
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "wsx echo demo: 64-byte ping-pong on loopback, ${duration}s per point"
run_one "wsx runtime" "$build/samples/runtime_echo"
run_one "raw epoll" "$build/bench/epoll_echo"
