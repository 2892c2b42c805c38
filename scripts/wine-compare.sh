#!/usr/bin/env bash
# The side-by-side half on its own, for looking: the conformance scenarios
# against Wine's own ws2_32 (the System/... tests of compat_tests), each
# compared step by step with wsx, which the same process runs again. Prints
# how often each listed difference occurred (ids of docs/semantics.md) and
# every System test that failed: a difference nobody listed, or a listed
# one that is gone. CI runs the same tests inside scripts/wine-test.sh.
#   scripts/wine-compare.sh [BUILD_DIR] [GTEST_FILTER]   (build/mingw, System/*)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/mingw}
filter=${2:-System/*}
wine=${WSX_WINE:-/usr/lib/wine/wine64}
prefix=$(mktemp -d /tmp/wsx-wine.XXXXXX)
log=$(mktemp /tmp/wsx-compare.XXXXXX.log)
trap 'scripts/wine-prefix.sh stop "$prefix"; rm -rf "$prefix"' EXIT
scripts/wine-prefix.sh start "$prefix" || exit 1
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timeout --kill-after=10 "${WSX_WINE_TIMEOUT:-900}" "$wine" "$build/tests/compat_tests.exe" \
  --gtest_filter="$filter" >"$log" 2>&1
rc=$?
echo "listed differences seen (count, id):"
sed -n 's/^\[ listed   \] \([^:]*\):.*/\1/p' "$log" | sort | uniq -c
echo "System tests that failed (unlisted or stale differences; details in $log):"
sed -n 's/^\[  FAILED  \] \(System\/[^ ,]*\).*/  \1/p' "$log" | sort -u
echo "exit $rc"
exit $rc
