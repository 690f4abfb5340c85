#!/usr/bin/env bash
# Request-level measurements of `orgtrail serve` (figures in docs/performance.md).
#
#   bench/load.sh <orgtrail binary>
#
# Builds nothing: it expects startup_probe beside the binary (both come from the default CMake
# build; override with STARTUP_PROBE=...). Loopback only, bounded in time, stops by itself.
#   1. binary size, as built and stripped;
#   2. start-up: process start to the first answered signed request, idle RSS (startup_probe,
#      STARTUP_RUNS runs, default 5);
#   3. baseline: the same for moto_server when it is on PATH (skipped otherwise);
#   4. load: wrk with a SigV4-signed STS GetCallerIdentity against one `orgtrail serve
#      --in-memory`, LOAD_SECONDS (default 10) per run, -t1 -c16 and -t2 -c32, with the CPU
#      time of the server and of wrk so a saturated load generator is visible.
# Exits non-zero when a check fails (non-200 answers, an unclean server exit, ...).
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
  echo "usage: $0 <orgtrail binary>" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PROBE=${STARTUP_PROBE:-$(dirname "$BIN")/startup_probe}
STARTUP_RUNS=${STARTUP_RUNS:-5}
LOAD_SECONDS=${LOAD_SECONDS:-10}
if [[ ! -x $PROBE ]]; then
  echo "load.sh: $PROBE not found; build it first (cmake --build <build dir> --target startup_probe)" >&2
  exit 2
fi

TMP=$(mktemp -d)
SERVER_PID=""
FAILED=0
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "CHECK FAILED: $*"
  FAILED=1
}
section() { printf '\n== %s\n' "$*"; }

section "machine"
echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel: $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure below)"
echo "binary: $BIN ($("$BIN" version 2>/dev/null || echo unknown version))"

section "binary size"
size=$(stat -c %s "$BIN")
if strip -o "$TMP/orgtrail.stripped" "$BIN" 2>/dev/null; then
  stripped=$(stat -c %s "$TMP/orgtrail.stripped")
  awk -v a="$size" -v b="$stripped" \
    'BEGIN {printf "as built: %d bytes (%.1f MiB); stripped: %d bytes (%.1f MiB)\n", a, a/1048576, b, b/1048576}'
else
  awk -v a="$size" 'BEGIN {printf "as built: %d bytes (%.1f MiB); strip not available\n", a, a/1048576}'
fi

section "start-up: process start to first answered signed GetCallerIdentity, RSS ($STARTUP_RUNS runs)"
timeout 300 "$PROBE" "$BIN" "$STARTUP_RUNS" || fail "startup_probe"

section "baseline: moto_server (if installed)"
if moto=$(command -v moto_server 2>/dev/null); then
  # A pyenv shim adds its own shell start-up; measure the real entry point when it can be found.
  if [[ $moto == */shims/* ]] && command -v pyenv >/dev/null && real=$(pyenv which moto_server 2>/dev/null); then
    moto=$real
  fi
  timeout 600 "$PROBE" --command 3 -- "$moto" -H 127.0.0.1 -p '{port}' ||
    echo "moto_server baseline did not complete (not counted as a failure)"
else
  echo "moto_server not on PATH: baseline skipped"
fi

section "load: signed STS GetCallerIdentity, ${LOAD_SECONDS} s per run"
if ! command -v wrk >/dev/null; then
  echo "wrk not installed (Debian package wrk): load runs skipped"
else
  PORT=$("$PROBE" --free-port)
  "$BIN" serve --in-memory --port "$PORT" --log-level warn &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    "$PROBE" --send "$PORT" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "server pid $SERVER_PID on 127.0.0.1:$PORT; one request: $("$PROBE" --send "$PORT" || true)"
  "$PROBE" --send "$PORT" >/dev/null || fail "the signed request is not answered with 200"

  HZ=$(getconf CLK_TCK)
  NCPU=$(nproc)
  proc_ticks() { sed 's/^.*) //' "$1" | awk '{print $12 + $13}'; }  # utime + stime of a stat file
  machine_ticks() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }  # total idle
  thread_ticks() {  # "tid ticks" for every server thread
    local t
    for t in /proc/"$SERVER_PID"/task/*; do echo "${t##*/} $(proc_ticks "$t/stat")"; done
  }

  for shape in "1 16" "2 32"; do
    read -r threads conns <<<"$shape"
    "$PROBE" --print-request "$PORT" >"$TMP/request.lua"
    echo
    echo "-- wrk -t$threads -c$conns -d${LOAD_SECONDS}s --latency (signed GetCallerIdentity)"
    s0=$(proc_ticks "/proc/$SERVER_PID/stat")
    thread_ticks >"$TMP/threads0"
    read -r m0 i0 < <(machine_ticks)
    TIMEFORMAT='%U %S %R'
    { time timeout $((LOAD_SECONDS + 30)) wrk -t"$threads" -c"$conns" -d"${LOAD_SECONDS}s" --latency \
        -s "$TMP/request.lua" "http://127.0.0.1:$PORT/" >"$TMP/wrk.out" 2>&1; } 2>"$TMP/time.out" ||
      fail "wrk -t$threads -c$conns exited with an error"
    s1=$(proc_ticks "/proc/$SERVER_PID/stat")
    thread_ticks >"$TMP/threads1"
    read -r m1 i1 < <(machine_ticks)
    cat "$TMP/wrk.out"
    read -r wu ws wr <"$TMP/time.out"
    if grep -q 'Non-2xx or 3xx responses' "$TMP/wrk.out"; then
      fail "non-2xx answers: $(grep 'Non-2xx' "$TMP/wrk.out")"
    fi
    if grep -q 'Socket errors' "$TMP/wrk.out"; then
      fail "socket errors: $(grep 'Socket errors' "$TMP/wrk.out")"
    fi
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
    [[ -n $rps ]] || fail "wrk printed no Requests/sec"
    # Busy threads of the server, in % of one core, busiest first.
    per_thread=$(awk -v hz="$HZ" -v wr="$wr" 'NR == FNR {a[$1] = $2; next}
      ($1 in a) && $2 > a[$1] {printf "%.0f\n", ($2 - a[$1]) / hz / wr * 100}' \
      "$TMP/threads0" "$TMP/threads1" | sort -rn | awk '$1 >= 1' | paste -sd/ -)
    awk -v s0="$s0" -v s1="$s1" -v hz="$HZ" -v wu="$wu" -v ws="$ws" -v wr="$wr" \
      -v m0="$m0" -v m1="$m1" -v i0="$i0" -v i1="$i1" -v n="$NCPU" -v t="$threads" \
      -v rps="${rps:-0}" -v per_thread="${per_thread:-0}" '
      BEGIN {
        server = (s1 - s0) / hz / wr * 100; wrk = (wu + ws) / wr * 100
        busy = (m1 > m0) ? (1 - (i1 - i0) / (m1 - m0)) * n * 100 : 0   # % of one core
        other = busy - server - wrk; if (other < 0) other = 0
        printf "summary: %s requests/s, all answers 2xx (wrk reports no non-2xx)\n", rps
        printf "cpu (%% of one core, %d cores = %d%%): server %.0f%% (busy threads %s), wrk %.0f%% (%d thread%s), everything else (other processes, kernel threads) %.0f%%, idle %.0f%%\n",
               n, n * 100, server, per_thread, wrk, t, (t > 1 ? "s" : ""), other, n * 100 - busy
        if (other > 15)
          printf "bottleneck: not attributable - other work on the machine took %.0f%% of a core during the run; the figure is a lower bound (server %.0f%% + wrk %.0f%% of the %d%% available)\n", other, server, wrk, n * 100
        else if (wrk >= 90 * t)
          printf "bottleneck: the load generator (each wrk thread near a full core)\n"
        else if (n * 100 - busy < 10)
          printf "bottleneck: the %d cores are saturated; server and wrk share them (wrk takes %.0f%% of the machine), so the server alone would do more\n", n, wrk / n
        else
          printf "bottleneck: neither the server nor wrk saturates a core (latency-bound at this concurrency)\n"
      }'
  done

  echo
  echo "server memory after the load runs: $(awk '/^VmRSS|^VmHWM/ {printf "%s %s kB  ", $1, $2}' "/proc/$SERVER_PID/status")"
  kill -TERM "$SERVER_PID"
  rc=0
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  echo "server stopped by SIGTERM: exit $rc"
  [[ $rc -eq 0 ]] || fail "server exit status $rc after SIGTERM"
fi

echo
if [[ $FAILED -ne 0 ]]; then
  echo "load.sh: some checks FAILED"
  exit 1
fi
echo "load.sh: all checks passed"
