#!/usr/bin/env bash
# Alternating throughput comparison of orgtrail binaries (docs/performance.md, "Cost of
# CloudTrail recording"): each round starts every binary in turn on a fresh store, runs
# `wrk -t2 -c32` with startup_probe's signed STS GetCallerIdentity for LOAD_SECONDS, and prints
# requests/s and the server's RSS (VmRSS, VmHWM) at the end of the run.
#
#   bench/ab_load.sh <orgtrail binary> [<orgtrail binary>...]
#
# ROUNDS (default 3), LOAD_SECONDS (default 8), STORE=memory (default: --in-memory) or
# STORE=sqlite (a fresh temporary data directory per run), STARTUP_PROBE=... (default: the
# startup_probe beside the first binary). Loopback only; every server is stopped with SIGTERM.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <orgtrail binary> [<orgtrail binary>...]" >&2
  exit 2
fi
ROUNDS=${ROUNDS:-3}
LOAD_SECONDS=${LOAD_SECONDS:-8}
STORE=${STORE:-memory}
PROBE=${STARTUP_PROBE:-$(dirname "$1")/startup_probe}
[[ -x $PROBE ]] || {
  echo "startup_probe not found: $PROBE" >&2
  exit 2
}
command -v wrk >/dev/null || {
  echo "wrk not installed" >&2
  exit 2
}

TMP=$(mktemp -d)
PID=""
cleanup() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "store: $STORE; wrk -t2 -c32 -d${LOAD_SECONDS}s; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    PORT=$("$PROBE" --free-port)
    if [[ $STORE == sqlite ]]; then
      rm -rf "$TMP/data"
      "$bin" serve --data-dir "$TMP/data" --port "$PORT" --log-level warn &
    else
      "$bin" serve --in-memory --port "$PORT" --log-level warn &
    fi
    PID=$!
    for _ in $(seq 1 200); do
      "$PROBE" --send "$PORT" >/dev/null 2>&1 && break
      sleep 0.05
    done
    "$PROBE" --print-request "$PORT" >"$TMP/request.lua"
    wrk -t2 -c32 -d"${LOAD_SECONDS}s" -s "$TMP/request.lua" "http://127.0.0.1:$PORT/" >"$TMP/wrk.out"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
    bad=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk.out")
    mem=$(awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$PID/status")
    kill -TERM "$PID"
    wait "$PID" || true
    PID=""
    printf 'round %d  %-40s %10s req/s  %s%s\n' "$round" "$bin" "$rps" "$mem" \
      "${bad:+ NON-2xx: $bad}"
  done
done
