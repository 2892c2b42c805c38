#!/usr/bin/env bash
# Runs every Windows test program of the mingw build under Wine:
#   scripts/wine-test.sh [BUILD_DIR]      (default build/mingw)
# A fresh prefix per run (scripts/wine-prefix.sh), one Wine launch per
# program (a launch costs far more than a test case), each bounded by a
# time-out; exits non-zero when any program fails, crashes or hangs. Wine's
# socket path is much slower than Linux's, so this run checks correctness,
# not speed.
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/mingw}
wine=${WSX_WINE:-/usr/lib/wine/wine64}
limit=${WSX_WINE_TIMEOUT:-600}

shopt -s nullglob
programs=("$build"/tests/*_tests.exe)
if [ ${#programs[@]} -eq 0 ]; then
  echo "wine-test: no test programs in $build/tests (build the mingw preset first)" >&2
  exit 1
fi

prefix=$(mktemp -d /tmp/wsx-wine.XXXXXX)
logs=$(mktemp -d /tmp/wsx-wine-logs.XXXXXX)
cleanup() {
  scripts/wine-prefix.sh stop "$prefix"
  rm -rf "$prefix" "$logs"
}
trap cleanup EXIT
scripts/wine-prefix.sh start "$prefix" || {
  echo "wine-test: could not make a Wine prefix" >&2
  exit 1
}
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

passed=0
failed=0
bad_programs=()
# One Wine launch: the program with its arguments, a time-out, and its
# counts added to the totals. $1 names the launch in the log.
launch() {
  local label=$1 p=$2
  shift 2
  echo "=== wine: $label"
  local start
  start=$(date +%s)
  timeout --kill-after=10 "$limit" "$wine" "$p" "$@" 2>&1 | tee "$logs/$label.log"
  local rc=${PIPESTATUS[0]}
  local ok bad
  ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$logs/$label.log" | tail -1)
  bad=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}, listed below:.*/\1/p' "$logs/$label.log" | tail -1)
  passed=$((passed + ${ok:-0}))
  if [ "$rc" -ne 0 ]; then
    # A crash or a time-out fails the program even when no case said so.
    failed=$((failed + ${bad:-1}))
    bad_programs+=("$label (exit $rc$([ "$rc" -eq 124 ] && echo ', timed out'))")
  fi
  echo "=== wine: $label exit $rc after $(($(date +%s) - start)) s"
}

# The suites that open thousands of sockets. Wine's ws2_32 closes its whole
# socket list at the last WSACleanup, a list as long as the most sockets the
# process ever had open, and every test ends with that WSACleanup: run after
# them, each test would cost up to ~140 ms more. So they get a launch of
# their own, last.
heavy='*Beyond64.*:*Queue.EightPumps*'

for p in "${programs[@]}"; do
  name=$(basename "$p" .exe)
  if [ "$name" = compat_tests ]; then
    # Both halves: Wsx/... holds wsx to the rules; System/... runs the same
    # scenarios against Wine's own ws2_32 and fails on any difference from
    # wsx that docs/semantics.md does not list (tests/compat/wsa_fixture.hpp).
    launch "$name" "$p" --gtest_filter="-$heavy"
    launch "$name (many sockets)" "$p" --gtest_filter="$heavy"
  else
    launch "$name" "$p"
  fi
done

for b in "${bad_programs[@]}"; do echo "wine-test: FAILED $b"; done
echo "wine: $passed passed, $failed failed"
[ ${#bad_programs[@]} -eq 0 ]
