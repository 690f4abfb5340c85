#!/usr/bin/env bash
# Alternating throughput comparison of orgtrail binaries (docs/performance.md, "Cost of
# CloudTrail recording"): each round starts every binary in turn on a fresh store, runs
# `wrk -t2 -c32` with startup_probe's signed STS GetCallerIdentity for LOAD_SECONDS, and prints
# requests/s, the server's CPU time per request (utime + stime of the process from
# /proc/<pid>/stat, all threads: request threads, group commit, delivery) and its RSS (VmRSS,
# VmHWM) at the end of the run. CPU per request does not depend much on what else runs on the
# machine (requests/s does): on a CPU-bound server it is the inverse of throughput, so
# 1 - (CPU off / CPU on) is the share of throughput a feature costs.
#
#   bench/ab_load.sh <orgtrail binary> [<orgtrail binary>...]
#
# ROUNDS (default 3), LOAD_SECONDS (default 8), STORE=memory (default: --in-memory) or
# STORE=sqlite (a fresh temporary data directory per run), STARTUP_PROBE=... (default: the
# startup_probe beside the first binary). TRAIL=org first sets up the organization trail of
# bench/cloudtrail_load.py (S3 log files with validation, CloudWatch Logs through the trail's
# role, default delivery intervals) and, after wrk, delivers what is pending
# (POST /_orgtrail/flush) before the CPU time is read, so delivery is counted per request.
# Loopback only; every server is stopped with SIGTERM. The last lines are the mean CPU per
# request of each binary and its difference to the first binary's.
set -euo pipefail
source "$(dirname "$0")/lib/server.sh"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <orgtrail binary> [<orgtrail binary>...]" >&2
  exit 2
fi
ROUNDS=${ROUNDS:-3}
LOAD_SECONDS=${LOAD_SECONDS:-8}
STORE=${STORE:-memory}
ot_find_probe "$1"
ot_require wrk curl
ot_tmpdir

echo "store: $STORE${TRAIL:+, trail: $TRAIL}; wrk -t2 -c32 -d${LOAD_SECONDS}s; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A cpu_sum=()
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    ot_store_args "$STORE" "$OT_TMP/data"
    ot_start -- "$bin" "${OT_STORE_ARGS[@]}"
    [[ ${TRAIL:-} == org ]] && ot_setup_org_trail
    for _ in $(seq 1 20); do "$OT_PROBE" --send "$OT_PORT" >/dev/null; done # warm-up
    t0=$(ot_cpu_ticks)
    ot_wrk 2 32 "$LOAD_SECONDS"
    [[ ${TRAIL:-} == org ]] && ot_flush
    t1=$(ot_cpu_ticks)
    mem=$(awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$OT_PID/status")
    ot_stop
    us=$(awk -v t="$((t1 - t0))" -v hz="$OT_HZ" -v n="$OT_REQUESTS" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
    cpu_sum[$bin]=$(awk -v a="${cpu_sum[$bin]:-0}" -v b="$us" 'BEGIN {print a + b}')
    printf 'round %d  %-40s %10s req/s  %8s us CPU/request  %s\n' "$round" "$bin" "$OT_RPS" "$us" "$mem"
  done
done
base=""
for bin in "$@"; do
  mean=$(awk -v s="${cpu_sum[$bin]}" -v n="$ROUNDS" 'BEGIN {printf "%.1f", s / n}')
  [[ -z $base ]] && base=$mean
  awk -v m="$mean" -v b="$base" -v bin="$bin" \
    'BEGIN {printf "mean  %-40s %8s us CPU/request  1 - first/this: %.1f%%\n", bin, m, (1 - b / m) * 100}'
done
