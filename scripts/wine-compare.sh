#!/usr/bin/env bash
# Runs the conformance scenarios against Wine's own ws2_32 (the System/...
# tests of compat_tests) and prints which of them the system fails: each one
# is a place where the system and wsx differ, to be fixed in wsx or listed in
# docs/semantics.md with its reason.
#   scripts/wine-compare.sh [BUILD_DIR]      (default build/mingw)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/mingw}
wine=${WSX_WINE:-/usr/lib/wine/wine64}
prefix=$(mktemp -d /tmp/wsx-wine.XXXXXX)
trap 'scripts/wine-prefix.sh stop "$prefix"; rm -rf "$prefix"' EXIT
scripts/wine-prefix.sh start "$prefix" || exit 1
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
timeout --kill-after=10 "${WSX_WINE_TIMEOUT:-900}" "$wine" "$build/tests/compat_tests.exe" \
  --gtest_filter='System/*' 2>&1 | tee /dev/stderr |
  sed -n 's/^\[  FAILED  \] \(System\/[^ ,]*\).*/differs: \1/p' | sort -u
