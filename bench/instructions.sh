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
# Needs valgrind, wrk, curl and startup_probe beside the binary (STARTUP_PROBE=... overrides).
# Server start-up, trail set-up and wrk are shared with bench/ab_load.sh (bench/lib/server.sh).
set -euo pipefail
source "$(dirname "$0")/lib/server.sh"

if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: $0 <orgtrail binary> [seconds]" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SECONDS_RUN=${2:-10}
ot_find_probe "$BIN"
ot_require valgrind callgrind_control wrk curl
ot_tmpdir

ot_store_args "${STORE:-memory}" "$OT_TMP/data"
if [[ ${TRAIL:-} == org ]]; then
  OT_STORE_ARGS+=(--trail-delivery-interval "${DELIVERY_INTERVAL:-60}"
    --cwl-delivery-interval "${DELIVERY_INTERVAL:-60}")
fi
ot_start --wrap valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OT_TMP/cg.out" \
  -- "$BIN" "${OT_STORE_ARGS[@]}"
# The first digest creates the signing key (RSA key generation): not part of the load.
[[ ${TRAIL:-} == org ]] && ot_setup_org_trail
for _ in $(seq 1 20); do "$OT_PROBE" --send "$OT_PORT" >/dev/null; done # warm-up
sleep 0.2
callgrind_control --instr=on "$OT_PID" >/dev/null
ot_wrk 1 4 "$SECONDS_RUN"
requests=$OT_REQUESTS
[[ ${TRAIL:-} == org ]] && ot_flush
ot_stop
ir=$(awk '/^summary:/ {print $2}' "$OT_TMP/cg.out"*)
[[ -n $ir && -n $requests && $requests -gt 0 ]] || {
  echo "no counts" >&2
  exit 1
}
awk -v ir="$ir" -v n="$requests" -v bin="$BIN" \
  'BEGIN {printf "%s: %d requests, %.0f instructions, %.0f instructions/request\n", bin, n, ir, ir / n}'
if [[ -n ${KEEP_PROFILE:-} ]]; then cp "$OT_TMP/cg.out" "$KEEP_PROFILE" && echo "profile: $KEEP_PROFILE"; fi
