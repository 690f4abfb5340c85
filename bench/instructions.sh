#!/usr/bin/env bash
# Instructions per signed STS GetCallerIdentity, counted by callgrind (docs/performance.md,
# "Cost of CloudTrail recording"). Unlike requests per second, the count does not depend on
# what else runs on the machine, so two binaries can be compared on a shared, loaded machine.
#
#   bench/instructions.sh <orgtrail binary> [seconds]
#
# Starts `orgtrail serve --in-memory` (or STORE=sqlite) under `valgrind --tool=callgrind` with instrumentation off,
# warms it up with a few requests, switches instrumentation on, runs wrk (-t1 -c4) with the signed
# request of startup_probe for the given time (default 10 s), stops the server with SIGTERM
# (so pending records are committed and counted) and prints the instructions of every thread
# of the server (request threads and group commit alike) divided by the requests wrk completed.
# STORE=sqlite uses a fresh data directory (the SQLite store) instead of --in-memory.
# TRAIL=org first sets up, with boto3, the organization trail of bench/cloudtrail_load.py (S3 log
# files with validation and CloudWatch Logs through the trail's role, both delivering at their
# default intervals) and, before stopping the server, delivers what is pending
# (POST /_orgtrail/flush): the delivery thread's instructions are then counted per request too.
# Under callgrind the server runs ~50x slower than natively, so at the default intervals (5 s, 0.5 s)
# each delivery pass would carry ~50x fewer records than at native speed and its fixed cost would
# weigh ~50x more per record; TRAIL=org therefore sets both intervals to DELIVERY_INTERVAL seconds
# (default 60, longer than the run), so that delivery happens in the final flush, in batches of
# the size a native run fills in a few seconds.
# Needs valgrind, wrk and startup_probe beside the binary (STARTUP_PROBE=... overrides).
set -euo pipefail

if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: $0 <orgtrail binary> [seconds]" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SECONDS_RUN=${2:-10}
PROBE=${STARTUP_PROBE:-$(dirname "$BIN")/startup_probe}
[[ -x $PROBE ]] || PROBE=$(dirname "$0")/../build/startup_probe
for tool in valgrind callgrind_control wrk; do
  command -v "$tool" >/dev/null || {
    echo "$tool not installed" >&2
    exit 2
  }
done

TMP=$(mktemp -d)
PID=""
cleanup() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$("$PROBE" --free-port)
STORE_ARGS=(--in-memory)
[[ ${STORE:-memory} == sqlite ]] && STORE_ARGS=(--data-dir "$TMP/data")
if [[ ${TRAIL:-} == org ]]; then
  STORE_ARGS+=(--trail-delivery-interval "${DELIVERY_INTERVAL:-60}"
    --cwl-delivery-interval "${DELIVERY_INTERVAL:-60}")
fi
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$TMP/cg.out" \
  "$BIN" serve "${STORE_ARGS[@]}" --port "$PORT" --log-level warn 2>"$TMP/valgrind.log" &
PID=$!
for _ in $(seq 1 600); do
  "$PROBE" --send "$PORT" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || {
    cat "$TMP/valgrind.log" >&2
    exit 1
  }
  sleep 0.1
done
if [[ ${TRAIL:-} == org ]]; then
  PYTHONPATH="$(cd "$(dirname "$0")" && pwd)${PYTHONPATH:+:$PYTHONPATH}" python3 -c \
    "import cloudtrail_load; cloudtrail_load.setup('http://127.0.0.1:$PORT')"
  # The first digest creates the signing key (RSA key generation): not part of the load.
  curl -fsS -X POST "http://127.0.0.1:$PORT/_orgtrail/flush?digests=true" >/dev/null
fi
for _ in $(seq 1 20); do "$PROBE" --send "$PORT" >/dev/null; done # warm-up
sleep 0.2
"$PROBE" --print-request "$PORT" >"$TMP/request.lua"
callgrind_control --instr=on "$PID" >/dev/null
wrk -t1 -c4 -d"${SECONDS_RUN}s" -s "$TMP/request.lua" "http://127.0.0.1:$PORT/" >"$TMP/wrk.out"
if grep -q 'Non-2xx' "$TMP/wrk.out"; then
  cat "$TMP/wrk.out"
  echo "non-2xx answers" >&2
  exit 1
fi
requests=$(awk '/requests in/ {print $1}' "$TMP/wrk.out")
if [[ ${TRAIL:-} == org ]]; then
  curl -fsS -X POST "http://127.0.0.1:$PORT/_orgtrail/flush" >/dev/null
fi
kill -TERM "$PID"
wait "$PID" || true
PID=""
ir=$(awk '/^summary:/ {print $2}' "$TMP/cg.out"*)
[[ -n $ir && -n $requests && $requests -gt 0 ]] || {
  echo "no counts" >&2
  exit 1
}
awk -v ir="$ir" -v n="$requests" -v bin="$BIN" \
  'BEGIN {printf "%s: %d requests, %.0f instructions, %.0f instructions/request\n", bin, n, ir, ir / n}'
if [[ -n ${KEEP_PROFILE:-} ]]; then cp "$TMP/cg.out" "$KEEP_PROFILE" && echo "profile: $KEEP_PROFILE"; fi
