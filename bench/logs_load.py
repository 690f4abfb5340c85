#!/usr/bin/env python3
"""CloudWatch Logs load: PutLogEvents throughput and FilterLogEvents scans, orgtrail against
moto's server in the same run (figures in docs/performance.md).

    python3 bench/logs_load.py [--orgtrail build/orgtrail] [--events 1000000] [--seconds 5]

Starts `orgtrail serve` on a temporary data directory (SQLite, durable when acknowledged) and
`python3 -m moto.server` as the baseline, each on a free loopback port, and stops both at the
end. Requests are SigV4-signed once each by botocore and replayed over keep-alive connections
by several client processes, so the load generator is not the bottleneck of the figures.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
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


def worker(args):
    port, requests, seconds, stop_after = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    sent = 0
    events = 0
    start = time.time()
    while True:
        for body, headers, n in requests:
            conn.request("POST", "/", body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError("PutLogEvents -> %d %s" % (r.status, data[:300]))
            sent += 1
            events += n
            if stop_after and sent >= stop_after:
                return events, time.time() - start
            if not stop_after and time.time() - start >= seconds:
                return events, time.time() - start


def ingest(endpoint, port, batch, seconds, procs, group, streams_per_proc=1, total=None):
    """Events/s of PutLogEvents with `batch` events per call (procs client processes)."""
    logs = client(endpoint)
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    rnd = random.Random(batch)
    now = int(time.time() * 1000)
    jobs = []
    for p in range(procs):
        stream = "%s-%d" % (group.strip("/").replace("/", "-"), p)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        requests = []
        distinct = 8 if batch >= 1000 else 64
        per_proc = (total // procs // batch) if total else None
        count = min(distinct, per_proc) if per_proc else distinct
        for k in range(count):
            evs = [{"timestamp": now + k * batch + i,
                    "message": message(p * 10_000_000 + k * batch + i, rnd)}
                   for i in range(batch)]
            body, headers = signed_put(endpoint, group, stream, evs)
            requests.append((body, headers, batch))
        jobs.append((port, requests, seconds, per_proc))
    with multiprocessing.Pool(procs) as pool:
        results = pool.map(worker, jobs)
    events = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results)
    return events / elapsed


def load_dataset(endpoint, group, total, streams, fast_port=None):
    """`total` distinct CloudTrail-shaped events in `streams` streams, batches of 1,000."""
    logs = client(endpoint)
    logs.create_log_group(logGroupName=group)
    rnd = random.Random(7)
    base = int(time.time() * 1000) - 3_600_000
    per_stream = total // streams
    i = 0
    for s in range(streams):
        name = "stream-%03d" % s
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        conn = http.client.HTTPConnection("127.0.0.1", fast_port, timeout=600)
        for b in range(0, per_stream, 1000):
            evs = [{"timestamp": base + (b + j) * 3, "message": message(i + j, rnd)}
                   for j in range(min(1000, per_stream - b))]
            body, headers = signed_put(endpoint, group, name, evs)
            conn.request("POST", "/", body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError("load -> %d %s" % (r.status, data[:300]))
            i += len(evs)
    return i


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
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--no-moto", action="store_true")
    args = ap.parse_args()
    moto_events = args.moto_events or args.events

    data = tempfile.mkdtemp(prefix="orgtrail-logs-bench-")
    port = free_port()
    server = subprocess.Popen([args.orgtrail, "serve", "--port", str(port), "--data-dir", data,
                               "--log-level", "warn"])
    moto = None
    results = {}
    try:
        wait_port(port)
        endpoint = "http://127.0.0.1:%d" % port
        targets = [("orgtrail", endpoint, port)]
        if not args.no_moto:
            mport = free_port()
            moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(mport)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_port(mport)
            targets.append(("moto", "http://127.0.0.1:%d" % mport, mport))

        for name, ep, p in targets:
            for batch in (10, 1000):
                rate = ingest(ep, p, batch, args.seconds, args.procs, "/bench/ingest-%d" % batch)
                results["%s put batch %d (events/s)" % (name, batch)] = rate
                print("%-8s PutLogEvents batch %5d: %12.0f events/s" % (name, batch, rate),
                      flush=True)

        patterns = [("term, selective", "NeedleInTheHaystack"),
                    ("term, 0.5% of events", "AccessDenied"),
                    ("JSON, 0.5% of events", '{ $.errorCode = "AccessDenied" }')]
        for name, ep, p in targets:
            n = args.events if name == "orgtrail" else moto_events
            t0 = time.time()
            loaded = load_dataset(ep, "/bench/scan", n, 10, fast_port=p)
            print("%-8s loaded %d events in %.1f s" % (name, loaded, time.time() - t0), flush=True)
            for label, pattern in patterns:
                secs, found, pages = filter_all(ep, "/bench/scan", pattern)
                rate = loaded / secs
                results["%s filter %s (events/s)" % (name, label)] = rate
                print("%-8s FilterLogEvents %-22s %8.3f s, %6d found, %d pages, "
                      "%12.0f events/s" % (name, label, secs, found, pages, rate), flush=True)
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
