# Shared by the bench scripts that drive `orgtrail serve` with wrk (bench/ab_load.sh,
# bench/instructions.sh): start-up of a server on a free port, the optional organization trail
# of bench/cloudtrail_load.py, wrk with startup_probe's signed STS GetCallerIdentity, CPU time
# of the server process, and clean shutdown. Source it; it defines functions and variables only.
#
#   ot_require TOOL...              exits 2 when a tool is missing
#   ot_tmpdir                       OT_TMP: a temporary directory removed at exit (with the server)
#   ot_store_args STORE DIR         OT_STORE_ARGS: --in-memory, or --data-dir DIR (STORE=sqlite)
#   ot_start [--wrap CMD...] -- BIN ARGS...
#                                   starts BIN serve ARGS --port <free port> --log-level warn
#                                   (under CMD when given, e.g. valgrind), sets OT_PID and
#                                   OT_PORT, waits until it answers the signed request
#   ot_setup_org_trail              the organization trail of bench/cloudtrail_load.py (S3 log
#                                   files with validation, CloudWatch Logs through the trail's
#                                   role), then a first digest (the RSA key is generated once)
#   ot_flush [QUERY]                POST /_orgtrail/flush[?QUERY]
#   ot_wrk THREADS CONNS SECONDS    wrk with the signed request; OT_REQUESTS, OT_RPS set; exits
#                                   1 on non-2xx answers
#   ot_cpu_ticks                    utime + stime of the server process (/proc/<pid>/stat), in
#                                   clock ticks (OT_HZ per second)
#   ot_stop                         SIGTERM and wait (pending records are committed)
# OT_PROBE: startup_probe (STARTUP_PROBE=..., else beside the binary given to ot_find_probe,
# else build/startup_probe).

OT_BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OT_PID=""
OT_PORT=""
OT_TMP=""
OT_HZ=$(getconf CLK_TCK)

ot_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "$tool not installed" >&2
      exit 2
    }
  done
}

ot_find_probe() {  # ot_find_probe <orgtrail binary>
  OT_PROBE=${STARTUP_PROBE:-$(dirname "$1")/startup_probe}
  [[ -x $OT_PROBE ]] || OT_PROBE=$OT_BENCH_DIR/../build/startup_probe
  [[ -x $OT_PROBE ]] || {
    echo "startup_probe not found (build it, or set STARTUP_PROBE=...)" >&2
    exit 2
  }
}

ot_cleanup() {
  if [[ -n $OT_PID ]] && kill -0 "$OT_PID" 2>/dev/null; then kill -TERM "$OT_PID" 2>/dev/null || true; fi
  [[ -n $OT_TMP ]] && rm -rf "$OT_TMP"
  return 0
}

ot_tmpdir() {
  OT_TMP=$(mktemp -d)
  trap ot_cleanup EXIT
}

ot_store_args() {  # ot_store_args <memory|sqlite> <data dir>
  OT_STORE_ARGS=(--in-memory)
  if [[ $1 == sqlite ]]; then
    rm -rf "$2"
    OT_STORE_ARGS=(--data-dir "$2")
  fi
}

ot_start() {  # ot_start [--wrap CMD...] -- BIN ARGS...
  local wrap=()
  if [[ $1 == --wrap ]]; then
    shift
    while [[ $1 != -- ]]; do
      wrap+=("$1")
      shift
    done
  fi
  [[ $1 == -- ]] && shift
  local bin=$1
  shift
  OT_PORT=$("$OT_PROBE" --free-port)
  "${wrap[@]}" "$bin" serve "$@" --port "$OT_PORT" --log-level warn 2>"$OT_TMP/server.log" &
  OT_PID=$!
  local _
  for _ in $(seq 1 600); do
    "$OT_PROBE" --send "$OT_PORT" >/dev/null 2>&1 && break
    kill -0 "$OT_PID" 2>/dev/null || {
      cat "$OT_TMP/server.log" >&2
      exit 1
    }
    sleep 0.1
  done
  "$OT_PROBE" --print-request "$OT_PORT" >"$OT_TMP/request.lua"
}

ot_flush() {
  curl -fsS -X POST "http://127.0.0.1:$OT_PORT/_orgtrail/flush${1:+?$1}" >/dev/null
}

ot_setup_org_trail() {
  PYTHONPATH="$OT_BENCH_DIR${PYTHONPATH:+:$PYTHONPATH}" python3 -c \
    "import cloudtrail_load; cloudtrail_load.setup('http://127.0.0.1:$OT_PORT')"
  ot_flush digests=true
}

ot_wrk() {  # ot_wrk <threads> <connections> <seconds>
  wrk -t"$1" -c"$2" -d"$3s" -s "$OT_TMP/request.lua" "http://127.0.0.1:$OT_PORT/" >"$OT_TMP/wrk.out"
  if grep -q 'Non-2xx' "$OT_TMP/wrk.out"; then
    cat "$OT_TMP/wrk.out" >&2
    echo "non-2xx answers" >&2
    exit 1
  fi
  OT_REQUESTS=$(awk '/requests in/ {print $1}' "$OT_TMP/wrk.out")
  OT_RPS=$(awk '/^Requests\/sec:/ {print $2}' "$OT_TMP/wrk.out")
}

ot_cpu_ticks() {
  sed 's/^.*) //' "/proc/$OT_PID/stat" | awk '{print $12 + $13}'
}

ot_stop() {
  kill -TERM "$OT_PID"
  wait "$OT_PID" || true
  OT_PID=""
}
