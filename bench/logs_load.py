#!/usr/bin/env python3
"""CloudWatch Logs load: PutLogEvents throughput and FilterLogEvents scans, orgtrail against
moto's server in the same run (figures in docs/performance.md).

    python3 bench/logs_load.py [--orgtrail build/orgtrail] [--events 1000000] [--seconds 5]

Starts `orgtrail serve` on a temporary data directory (SQLite, durable when acknowledged) and
`python3 -m moto.server` as the baseline, each on a free loopback port, and stops both at the
end.

Throughput is measured with wrk (Debian package): one PutLogEvents or FilterLogEvents request
is SigV4-signed once by botocore (with the payload hash) and replayed by a wrk Lua script over
keep-alive connections for --seconds (a signature stays valid within the clock-skew window;
sequence tokens are ignored, as on AWS). orgtrail and moto are measured the same way. Besides
the rate, the CPU time the server process used during each run (utime + stime from
/proc/<pid>/stat) is reported per request, which depends little on the load of the machine.
The scan data set is loaded by Python clients replaying signed batches of 1,000.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials

REGION = "us-east-1"
EVENT_NAMES = ["GetObject", "PutObject", "ListBuckets", "DescribeInstances", "AssumeRole",
               "GetCallerIdentity", "Decrypt", "CreateLogStream"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("port %d did not open" % port)


def message(i, rnd):
    """A CloudTrail-shaped record of about 300 bytes; 1 in 200 is an AccessDenied error, one
    in 100,000 carries the rare term NeedleInTheHaystack."""
    rec = {"eventVersion": "1.11", "eventTime": "2026-01-01T00:00:00Z",
           "eventSource": "s3.amazonaws.com", "eventName": EVENT_NAMES[i % len(EVENT_NAMES)],
           "awsRegion": REGION, "sourceIPAddress": "10.0.%d.%d" % (i % 250, rnd.randrange(250)),
           "userAgent": "aws-cli/2.9.19", "requestID": "%032x" % rnd.getrandbits(128),
           "userIdentity": {"type": "IAMUser", "accountId": "000000000000",
                            "userName": "user%d" % (i % 97)}}
    if i % 200 == 7:
        rec["errorCode"] = "AccessDenied"
    if i % 100000 == 4242:
        rec["userAgent"] = "NeedleInTheHaystack"
    return json.dumps(rec, separators=(",", ":"))


def client(endpoint, service="logs"):
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=600))


def signed_put(endpoint, group, stream, events):
    """A signed PutLogEvents request as (path, headers, body)."""
    body = json.dumps({"logGroupName": group, "logStreamName": stream, "logEvents": events})
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=body,
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "Logs_20140328.PutLogEvents"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), "logs",
                            REGION).add_auth(req)
    return body.encode(), {k: v for k, v in req.headers.items()}


def proc_cpu(pid):
    """CPU seconds (user + system, all threads) used so far by process `pid`."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_request(endpoint, target, payload):
    """A SigV4-signed JSON request (X-Amz-Target `target`) as (body bytes, headers)."""
    body = json.dumps(payload)
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=body,
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "Logs_20140328." + target})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), "logs",
                            REGION).add_auth(req)
    return body.encode(), {k: v for k, v in req.headers.items()}


def run_wrk(port, pid, body, headers, seconds, conns, tmp):
    """Replays one signed request with wrk; returns (requests/s, requests, server CPU s)."""
    body_path = os.path.join(tmp, "body.json")
    with open(body_path, "wb") as f:
        f.write(body)
    script = os.path.join(tmp, "request.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write('local f = io.open(%s, "rb")\nwrk.body = f:read("*a")\nf:close()\n'
                % json.dumps(body_path))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
    cpu0 = proc_cpu(pid)
    out = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--timeout", "60s",
                          "-s", script, "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True, timeout=seconds + 120).stdout
    cpu = proc_cpu(pid) - cpu0
    m = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m or not rps:
        raise RuntimeError("wrk printed no rate:\n" + out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError("wrk: %s non-2xx answers\n%s" % (bad.group(1), out))
    return float(rps.group(1)), int(m.group(1)), cpu


def ingest_wrk(endpoint, port, pid, batch, seconds, conns, group, tmp):
    """PutLogEvents with `batch` events per call, one signed request replayed by wrk. Returns
    (events/s, server CPU seconds per 1,000 events)."""
    logs = client(endpoint)
    logs.create_log_group(logGroupName=group)
    stream = group.strip("/").replace("/", "-")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    rnd = random.Random(batch)
    now = int(time.time() * 1000)
    evs = [{"timestamp": now + i, "message": message(i, rnd)} for i in range(batch)]
    body, headers = signed_request(endpoint, "PutLogEvents",
                                   {"logGroupName": group, "logStreamName": stream,
                                    "logEvents": evs})
    rps, n, cpu = run_wrk(port, pid, body, headers, seconds, conns, tmp)
    return rps * batch, cpu / (n * batch) * 1000


def load_stream(args):
    endpoint, port, group, s, per_stream, base = args
    rnd = random.Random(7 + s)
    name = "stream-%03d" % s
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    text = 0
    for b in range(0, per_stream, 1000):
        evs = [{"timestamp": base + (b + j) * 3, "message": message(s * per_stream + b + j, rnd)}
               for j in range(min(1000, per_stream - b))]
        text += sum(len(e["message"]) for e in evs)
        body, headers = signed_put(endpoint, group, name, evs)
        conn.request("POST", "/", body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError("load -> %d %s" % (r.status, data[:300]))
    return text


def load_dataset(endpoint, port, group, total, streams, procs):
    """`total` distinct CloudTrail-shaped events in `streams` streams, batches of 1,000.
    Returns the bytes of event text stored."""
    logs = client(endpoint)
    logs.create_log_group(logGroupName=group)
    base = int(time.time() * 1000) - 3_600_000
    per_stream = total // streams
    for s in range(streams):
        logs.create_log_stream(logGroupName=group, logStreamName="stream-%03d" % s)
    with multiprocessing.Pool(procs) as pool:
        texts = pool.map(load_stream, [(endpoint, port, group, s, per_stream, base)
                                       for s in range(streams)])
    return per_stream * streams, sum(texts)


def filter_all(endpoint, group, pattern):
    """Runs FilterLogEvents to the last page; returns (seconds, events found, pages)."""
    logs = client(endpoint)
    start = time.time()
    found = 0
    pages = 0
    token = None
    while True:
        kw = {"nextToken": token} if token else {}
        page = logs.filter_log_events(logGroupName=group, filterPattern=pattern, **kw)
        found += len(page["events"])
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    return time.time() - start, found, pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgtrail", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                       "orgtrail"))
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--moto-events", type=int, default=0,
                    help="events stored in moto for the scans (default: same as --events)")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--procs", type=int, default=2, help="client processes loading the scan data")
    ap.add_argument("--conns", type=int, default=8, help="wrk connections")
    ap.add_argument("--no-moto", action="store_true")
    ap.add_argument("--no-ingest", action="store_true")
    ap.add_argument("--no-scan", action="store_true")
    args = ap.parse_args()
    moto_events = args.moto_events or args.events
    seconds = max(1, int(args.seconds))

    data = tempfile.mkdtemp(prefix="orgtrail-logs-bench-")
    port = free_port()
    server = subprocess.Popen([args.orgtrail, "serve", "--port", str(port), "--data-dir", data,
                               "--log-level", "warn"])
    moto = None
    results = {}
    try:
        wait_port(port)
        endpoint = "http://127.0.0.1:%d" % port
        targets = [("orgtrail", endpoint, port, server.pid)]
        if not args.no_moto:
            mport = free_port()
            moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(mport)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_port(mport)
            targets.append(("moto", "http://127.0.0.1:%d" % mport, mport, moto.pid))

        for name, ep, p, pid in targets if not args.no_ingest else []:
            for batch in (10, 1000):
                rate, cpu_k = ingest_wrk(ep, p, pid, batch, seconds, args.conns,
                                         "/bench/ingest-%d" % batch, data)
                results["%s put batch %d (events/s)" % (name, batch)] = rate
                results["%s put batch %d (server CPU ms per 1,000 events)" % (name, batch)] = \
                    cpu_k * 1000
                print("%-8s PutLogEvents batch %5d: %12.0f events/s, server CPU %8.2f ms per "
                      "1,000 events" % (name, batch, rate, cpu_k * 1000), flush=True)

        patterns = [("term, selective", "NeedleInTheHaystack"),
                    ("term, 0.5% of events", "AccessDenied"),
                    ("JSON, 0.5% of events", '{ $.errorCode = "AccessDenied" }')]
        for name, ep, p, pid in targets if not args.no_scan else []:
            n = args.events if name == "orgtrail" else moto_events
            t0 = time.time()
            loaded, text = load_dataset(ep, p, "/bench/scan", n, 10, args.procs)
            print("%-8s loaded %d events (%d bytes of text) in %.1f s"
                  % (name, loaded, text, time.time() - t0), flush=True)
            for label, pattern in patterns:
                cpu0 = proc_cpu(pid)
                secs, found, pages = filter_all(ep, "/bench/scan", pattern)
                cpu = proc_cpu(pid) - cpu0
                results["%s filter %s (events/s)" % (name, label)] = loaded / secs
                results["%s filter %s (MB of text per server CPU s)" % (name, label)] = \
                    text / max(cpu, 1e-9) / 1e6
                print("%-8s FilterLogEvents %-22s %8.3f s, %6d found, %d pages, %12.0f events/s,"
                      " server CPU %.3f s = %.0f MB of text per CPU s"
                      % (name, label, secs, found, pages, loaded / secs, cpu,
                         text / max(cpu, 1e-9) / 1e6), flush=True)
            # The selective search is one page: replayed with wrk, so client overhead is out.
            body, headers = signed_request(ep, "FilterLogEvents",
                                           {"logGroupName": "/bench/scan",
                                            "filterPattern": "NeedleInTheHaystack"})
            rps, reqs, cpu = run_wrk(p, pid, body, headers, seconds, 2, data)
            results["%s filter selective, wrk (stored events searched/s)" % name] = rps * loaded
            print("%-8s FilterLogEvents selective (wrk): %.1f requests/s over %d events = %.3g "
                  "stored events searched/s, server CPU %.3f ms per request"
                  % (name, rps, loaded, rps * loaded, cpu / reqs * 1000), flush=True)
        print(json.dumps(results, indent=1))
    finally:
        for proc in (server, moto):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
