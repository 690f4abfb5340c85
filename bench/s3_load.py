#!/usr/bin/env python3
"""S3 load on loopback: 1 KiB PutObject/GetObject per second (boto3, N threads, one client per
thread) and one large object's upload/download in MB/s (boto3 transfer manager, 8 MiB parts),
against orgtrail and against moto's server started on another port in the same run.

    python3 bench/s3_load.py [--orgtrail build/orgtrail] [--seconds 5] [--threads 16] [--big-mib 1024]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import boto3
import boto3.s3.transfer
import botocore.config


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not start" % port)


def client(endpoint):
    cfg = botocore.config.Config(retries={"total_max_attempts": 1}, max_pool_connections=64)
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=cfg)


PUT_COUNTS = {}


def rate(endpoint, op, seconds, threads):
    body = os.urandom(1024)
    counts = [0] * threads
    stop = time.time() + seconds

    def worker(i):
        c = client(endpoint)
        n = 0
        while time.time() < stop:
            written = PUT_COUNTS.get((endpoint, i), 200) if op == "get" else 200
            key = "small/%d/%d" % (i, n % max(1, min(200, written)))
            if op == "put":
                c.put_object(Bucket="bench", Key=key, Body=body)
            else:
                c.get_object(Bucket="bench", Key=key)["Body"].read()
            n += 1
        counts[i] = n
        if op == "put":
            PUT_COUNTS[(endpoint, i)] = n

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / (time.time() - start)


def big(endpoint, mib, tmp):
    src = os.path.join(tmp, "big.bin")
    if not os.path.exists(src):
        block = os.urandom(1 << 20)
        with open(src, "wb") as f:
            for _ in range(mib):
                f.write(block)
    cfg = boto3.s3.transfer.TransferConfig(multipart_chunksize=8 << 20, max_concurrency=8)
    c = client(endpoint)
    t0 = time.time()
    c.upload_file(src, "bench", "big.bin", Config=cfg)
    up = mib / (time.time() - t0)
    t0 = time.time()
    c.download_file("bench", "big.bin", os.path.join(tmp, "back.bin"), Config=cfg)
    down = mib / (time.time() - t0)
    os.remove(os.path.join(tmp, "back.bin"))
    return up, down


def run(name, endpoint, args, tmp):
    client(endpoint).create_bucket(Bucket="bench")
    put = rate(endpoint, "put", args.seconds, args.threads)
    get = rate(endpoint, "get", args.seconds, args.threads)
    up, down = big(endpoint, args.big_mib, tmp)
    print("%-9s PutObject 1 KiB: %8.0f/s  GetObject 1 KiB: %8.0f/s  %d MiB up: %6.0f MB/s  "
          "down: %6.0f MB/s" % (name, put, get, args.big_mib, up, down), flush=True)
    return put, get


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgtrail", default="build/orgtrail")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--big-mib", type=int, default=1024)
    ap.add_argument("--skip-moto", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="s3bench-")
    procs = []
    try:
        port = free_port()
        procs.append(subprocess.Popen(
            [args.orgtrail, "serve", "--port", str(port), "--data-dir", os.path.join(tmp, "data"),
             "--log-level", "warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(port)
        ours = run("orgtrail", "http://127.0.0.1:%d" % port, args, tmp)
        if not args.skip_moto:
            mport = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-p", str(mport)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(mport)
            theirs = run("moto", "http://127.0.0.1:%d" % mport, args, tmp)
            print("ratio    PutObject %.1fx  GetObject %.1fx" %
                  (ours[0] / theirs[0], ours[1] / theirs[1]))
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
