#!/usr/bin/env python3
"""Instructions per PutLogEvents, counted by callgrind (docs/performance.md, CloudWatch Logs).

    python3 bench/logs_instructions.py <orgtrail binary> [--batch 1000] [--requests 40]

Starts `orgtrail serve` on a fresh data directory (the SQLite store, as bench/logs_load.py)
under `valgrind --tool=callgrind` with instrumentation off, creates a group and a stream, warms
up with a few requests, switches instrumentation on, replays one signed PutLogEvents request of
`--batch` events (the same request bench/logs_load.py replays with wrk) `--requests` times over
one keep-alive connection, stops the server with SIGTERM and prints the instructions of every
thread of the server divided by the events put. Unlike CPU time, the count does not depend on
what else runs on the machine, so binaries can be compared on a shared, loaded machine. It counts
user-space instructions only: the kernel's share (socket reads, file writes) is not in it.
"""
import argparse
import glob
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logs_load  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("orgtrail")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=40)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="orgtrail-logs-instr-")
    port = logs_load.free_port()
    out = os.path.join(tmp, "cg.out")
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" + out,
         args.orgtrail, "serve", "--port", str(port), "--data-dir", os.path.join(tmp, "data"),
         "--log-level", "warn"], stderr=open(os.path.join(tmp, "valgrind.log"), "w"))
    try:
        logs_load.wait_port(port, timeout=120)
        endpoint = "http://127.0.0.1:%d" % port
        logs = logs_load.client(endpoint)
        logs.create_log_group(logGroupName="/bench/instr")
        logs.create_log_stream(logGroupName="/bench/instr", logStreamName="s")
        rnd = random.Random(args.batch)
        now = int(time.time() * 1000)
        evs = [{"timestamp": now + i, "message": logs_load.message(i, rnd)}
               for i in range(args.batch)]
        body, headers = logs_load.signed_put(endpoint, "/bench/instr", "s", evs)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

        def put():
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                raise RuntimeError("PutLogEvents answered %d: %s" % (resp.status, data[:300]))

        for _ in range(5):
            put()
        subprocess.run(["callgrind_control", "--instr=on", str(server.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        for _ in range(args.requests):
            put()
        conn.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=300)
        ir = 0
        for f in glob.glob(out + "*"):
            with open(f) as fh:
                m = re.search(r"^summary:\s+(\d+)", fh.read(), re.M)
                if m:
                    ir += int(m.group(1))
        events = args.requests * args.batch
        print("%s: batch %d, %d requests, %.1f million instructions per 1,000 events "
              "(%.0f per request)" % (args.orgtrail, args.batch, args.requests,
                                      ir / events * 1000 / 1e6, ir / args.requests))
    finally:
        if server.poll() is None:
            server.kill()
        if os.environ.get("KEEP_PROFILE"):
            for f in glob.glob(os.path.join(tmp, "cg.out*")):
                shutil.copy(f, os.environ["KEEP_PROFILE"])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
