#!/usr/bin/env bash
# Installs what wsx needs to build, test and benchmark, from Debian's
# packages only. Idempotent and quick when everything is already there: one
# dpkg query, and apt-get only for what is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev   # libFuzzer, formatting
  libtbb-dev libmimalloc-dev                          # oneTBB, mimalloc
  googletest libgtest-dev libbenchmark-dev            # tests, micro-benchmarks
  g++-mingw-w64-x86-64-posix wine64                   # the Windows build and its test run
  libuv1-dev libasio-dev gnuplot-nox                  # comparison servers, plots
  iproute2 procps psmisc                              # namespaces, process tools
)

missing=()
while read -r pkg status; do
  [ "$status" = "installed" ] || missing+=("$pkg")
done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
# dpkg-query prints nothing for packages it has never heard of.
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -q '^installed$' ||
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}"
