#!/bin/sh
# Regenerates cmake/startup-order.txt, the link order of the functions `orgtrail serve` runs from
# its start to its first answered request (CMakeLists.txt links them together with gold's
# --section-ordering-file; docs/performance.md, "Idle RSS", says why).
#
#   cmake/startup-order.sh [build-dir]        (default: build; needs valgrind)
#
# It starts `<build-dir>/orgtrail serve --in-memory` under callgrind, sends one signed
# GetCallerIdentity with `<build-dir>/startup_probe --send`, stops the server, does the same with
# `serve --data-dir` on a fresh directory, and writes the functions of the orgtrail binary that
# ran, in the order callgrind first saw them (the in-memory start's first), as section names. A stale list is harmless: missing names are ignored and new functions are placed after
# the listed ones; regenerate it when start-up changes (the RSS figure shows it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/orgtrail
probe=$build/startup_probe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_start <name> <serve arguments...>: one start-up under callgrind until the first answer.
run_start() {
  name=$1
  shift
  port=$("$probe" --free-port)
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/$name.out" \
    "$bin" serve "$@" --port "$port" --log-level warn 2>"$tmp/$name.log" &
  pid=$!
  tries=0
  until "$probe" --send "$port" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ]; then
      echo "startup-order: the server did not answer ($name)" >&2
      kill "$pid"
      exit 1
    fi
    sleep 0.1
  done
  kill -INT "$pid"
  wait "$pid" || true
}

# The in-memory start first, then what a start on a data directory adds (opening SQLite, the
# schema, the stored state services read at start): both are the default of some user.
run_start memory --in-memory
mkdir "$tmp/data"
run_start data --data-dir "$tmp/data"

# callgrind names each object (ob=) and function (fn=, cfn=) in full once, then by (id).
awk '
  function name_of(line, kind,   id, rest) {
    id = line; sub(/^[a-z]+=\(/, "", id); sub(/\).*/, "", id)
    rest = line; sub(/^[a-z]+=\([0-9]+\) ?/, "", rest)
    if (rest != "") names[kind, id] = rest
    return names[kind, id]
  }
  function emit(section) { if (!(section in seen)) { seen[section] = 1; print section } }
  FNR == 1 { split("", names) }                     # ids are numbered per file
  /^ob=/ { object = name_of($0, "ob"); next }
  /^cob=/ { name_of($0, "ob"); next }
  /^cfn=/ { name_of($0, "fn"); next }
  /^fn=/ {
    fn = name_of($0, "fn")
    if (object !~ /\/orgtrail$/) next
    sub(/'"'"'[0-9]+$/, "", fn)                      # callgrind marks recursion as name'"'"'2
    if (fn !~ /^[A-Za-z_][A-Za-z0-9_.$]*$/) next      # "(below main)", raw addresses
    if (fn ~ /^_GLOBAL__sub_I/) { emit(".text.startup." fn); next }
    emit(".text." fn)
    # Complete-object constructors and destructors (C1, D1) are aliases of the base-object
    # ones (C2, D2), whose section carries the name.
    alias = fn
    if (sub(/C1E/, "C2E", alias) || sub(/D1E/, "D2E", alias) || sub(/C1I/, "C2I", alias) ||
        sub(/D1I/, "D2I", alias))
      emit(".text." alias)
  }
' "$tmp/memory.out" "$tmp/data.out" >"$tmp/order.txt"

count=$(wc -l <"$tmp/order.txt")
if [ "$count" -lt 100 ]; then
  echo "startup-order: only $count functions found; see $tmp/memory.log and $tmp/data.log" >&2
  trap - EXIT
  exit 1
fi
mv "$tmp/order.txt" "$here/startup-order.txt"
echo "startup-order: $count sections written to $here/startup-order.txt"
