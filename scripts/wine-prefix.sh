#!/usr/bin/env bash
# A Wine prefix for wsx's Windows test programs.
#   scripts/wine-prefix.sh start DIR   a fresh prefix in DIR, its wineserver running
#   scripts/wine-prefix.sh stop DIR    ends that prefix's wineserver
# The server is started persistent (-p) before any other Wine command, so
# every launch after it attaches to the same server instead of each paying
# for a new one, and so that `stop` can end it deterministically.
set -euo pipefail

wine=${WSX_WINE:-/usr/lib/wine/wine64}
wineserver=${WSX_WINESERVER:-/usr/lib/wine/wineserver}
cmd=${1:?usage: wine-prefix.sh start|stop DIR}
dir=${2:?usage: wine-prefix.sh start|stop DIR}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

export WINEPREFIX="$dir"
export WINEDEBUG=-all
# No Mono or Gecko: the tests need neither, and their installers would ask.
export WINEDLLOVERRIDES="mscoree,mshtml="

stop_server() {
  if [ -d "$dir" ]; then
    "$wineserver" -k >/dev/null 2>&1 || true
    timeout 20 "$wineserver" -w >/dev/null 2>&1 || true
  fi
  # After heavy runs (wsx-bench's Wine servers), some of the prefix's Wine
  # processes were seen outliving their wineserver, one spinning: end any
  # Wine program (its executable is Wine's loader) whose environment names
  # this prefix.
  local env pid exe
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}
    pid=${pid%/environ}
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
    case "$exe" in /usr/lib/wine/* | "$wine"*) ;; *) continue ;; esac
    if tr '\0' '\n' <"$env" 2>/dev/null | grep -qxF "WINEPREFIX=$dir"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

case "$cmd" in
  start)
    stop_server
    rm -rf "$dir"
    mkdir -p "$dir"
    # Its output and that of the Wine services wineboot starts (they live as
    # long as the server) go nowhere: whoever runs this script, ctest for
    # one, would otherwise wait for their end of its pipes to close.
    "$wineserver" -p </dev/null >/dev/null 2>&1
    timeout 180 "$wine" wineboot -i </dev/null >/dev/null 2>&1
    # An empty debugger: a crashing test program ends at once with its
    # exception code instead of waiting in winedbg until its time-out.
    timeout 60 "$wine" reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
      /v Debugger /t REG_SZ /d '' /f </dev/null >/dev/null 2>&1
    # No display driver: there is no X display here, and without this every
    # program that creates a window (wsx-bench's WSAAsyncSelect server) would
    # first try, and fail, to start the desktop process, seconds each time.
    timeout 60 "$wine" reg add 'HKCU\Software\Wine\Drivers' \
      /v Graphics /t REG_SZ /d null /f </dev/null >/dev/null 2>&1
    ;;
  stop)
    stop_server
    ;;
  *)
    echo "usage: wine-prefix.sh start|stop DIR" >&2
    exit 2
    ;;
esac
