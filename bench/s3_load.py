#!/usr/bin/env python3
"""S3 load on loopback, orgtrail against moto's server started on another port in the same run.

Small objects: PutObject and GetObject of 1 KiB objects per second, driven by wrk with SigV4
presigned URLs (query-string authentication: orgtrail verifies every signature; the URLs are
generated once by boto3, then wrk replays them round-robin over `--keys` keys). The same
method, URLs and wrk settings are used for both servers. A boto3 figure (one client per thread)
is printed too, to show how far a Python client is from the server's rate.

Large object: one `--big-mib` MiB object uploaded and downloaded as a single PutObject/GetObject
with curl on a presigned URL, and with boto3's transfer manager (8 MiB multipart parts,
8 threads). The disk's own speed is measured with dd (write with conv=fsync, read with
iflag=direct) in the same directory the servers store into.

    python3 bench/s3_load.py [--orgtrail build/orgtrail] [--seconds 10] [--connections 16]
                             [--big-mib 1024] [--skip-moto] [--skip-boto3] [--in-memory-too]
                             [--small-kib 1] [--big-only] [--part-mib 8] [--parallel 4]

Large object as every AWS client sends it: a multipart upload driven by cheap clients, so that
the client is not the limit: boto3 creates the upload and presigns one UploadPart URL per part
(UNSIGNED-PAYLOAD), one curl process sends the parts, `--parallel` at a time on kept-alive
connections (`--part-mib` MiB each, cut from the source file beforehand; `--curl-per-part`: one
curl process per part instead, `--parallel` at a time), boto3 completes the upload; then the object is read back with
`--parallel` curl processes each fetching `--part-mib` MiB ranges of one presigned GetObject URL.
Reported: MB/s up (first part to Complete's answer) and down, the server's CPU per GiB by thread
and each busy thread's share of one core over the upload and the download, and for the upload
the clients' CPU per GiB (this script and its curl children), the machine's idle share (from
/proc/stat: none left means the machine's CPU is the limit) and the server's VmHWM. The disk's speed for
the same write pattern (`--parallel` dd processes writing `--part-mib` MiB files with
conv=fsync, since each part is synced before it is acknowledged) is measured in the same run.

    python3 bench/s3_load.py --big-only --skip-moto [--part-mib 8] [--parallel 4]

Each wrk run also reports the server process's CPU time (utime + stime from /proc) per request,
which does not depend on how loaded the machine is; the single PUT reports the server's CPU per
GiB by thread (/proc/<pid>/task/<tid>/stat and comm): the receiving side (the I/O threads), the
digest worker, and the total. `--big-only` runs only the large object, on a fresh server: the
single PUT/GET, the curl multipart upload and ranged download, and (unless --skip-boto3) boto3's
transfer manager.
"""
import argparse
import concurrent.futures
import os
import re
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


def wait_port(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not start" % port)


def client(endpoint):
    cfg = botocore.config.Config(retries={"total_max_attempts": 1}, max_pool_connections=64,
                                 signature_version="s3v4")
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=cfg)


def presigned_paths(c, op, keys):
    out = []
    for k in keys:
        url = c.generate_presigned_url(op, Params={"Bucket": "bench", "Key": k}, ExpiresIn=3600)
        out.append(url.split("/", 3)[3])  # "bench/small/0?X-Amz-..."
    return ["/" + p for p in out]


LUA = """
local paths = {%s}
local body = %s
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("%s", paths[i], nil, body)
end
"""


def cpu_seconds(pid):
    """utime + stime of a process, seconds (load-independent: what the server itself spent)."""
    if pid is None:
        return 0.0
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_rate(endpoint, method, paths, body, args, tmp, pid=None):
    script = os.path.join(tmp, "bench_%s.lua" % method.lower())
    with open(script, "w") as f:
        f.write(LUA % (",".join('"%s"' % p for p in paths),
                       '"%s"' % ("x" * len(body)) if body else "nil", method))
    cpu0 = cpu_seconds(pid)
    out = subprocess.run(
        ["wrk", "-t%d" % args.wrk_threads, "-c%d" % args.connections, "-d%ds" % args.seconds,
         "--latency", "-s", script, endpoint], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    if bad or errors:
        print("  wrk %s: %s %s" % (method, bad.group(0) if bad else "",
                                   errors.group(0) if errors else ""), flush=True)
    cpu_us = cpu * 1e6 / requests if requests and pid else 0.0
    return rps, (int(bad.group(1)) if bad else 0), p50.group(1), p99.group(1), cpu_us


def boto3_rate(endpoint, op, keys, seconds, threads):
    body = b"x" * 1024
    counts = [0] * threads
    clients = [client(endpoint) for _ in range(threads)]  # created before the clock starts
    stop = time.time() + seconds

    def worker(i):
        c = clients[i]
        n = 0
        while time.time() < stop:
            key = keys[(i * 7 + n) % len(keys)]
            if op == "put":
                c.put_object(Bucket="bench", Key=key, Body=body)
            else:
                c.get_object(Bucket="bench", Key=key)["Body"].read()
            n += 1
        counts[i] = n

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / (time.time() - start)


def thread_ticks(pid):
    """{tid: (name, utime + stime in clock ticks)} of each live thread of a process."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
        except OSError:
            continue  # ended meanwhile
        out[int(tid)] = (name, int(fields[11]) + int(fields[12]))
    return out


class ThreadCpu:
    """CPU seconds each thread of a process spends over an interval, by thread name. Threads are
    sampled every 20 ms, so that one that ends within the interval (the digest worker ends with
    its request) is still counted; what the process spent beyond the threads seen (the last
    ticks of a thread that ended between two samples) is reported as "ended"."""

    def __init__(self, pid):
        self.pid = pid
        self.start_total = cpu_seconds(pid)
        self.first = thread_ticks(pid)
        self.last = dict(self.first)
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self._sample)
        self.sampler.start()

    def _sample(self):
        while not self.done.wait(0.02):
            self.last.update(thread_ticks(self.pid))

    def stop(self):
        self.done.set()
        self.sampler.join()
        self.last.update(thread_ticks(self.pid))
        tck = os.sysconf("SC_CLK_TCK")
        by_name = {}
        for tid, (name, ticks) in self.last.items():
            spent = (ticks - self.first.get(tid, (name, 0))[1]) / tck
            if tid not in self.first and name != "digest":
                name = "new:" + name  # started within the interval (an unnamed digest worker)
            by_name[name] = by_name.get(name, 0.0) + spent
        total = cpu_seconds(self.pid) - self.start_total
        by_name["ended"] = max(0.0, total - sum(by_name.values()))
        by_name["total"] = total
        self.by_tid = {tid: (name, (ticks - self.first.get(tid, (name, 0))[1]) / tck)
                       for tid, (name, ticks) in self.last.items()}
        return by_name


def curl_mbps(args_list):
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}"] +
                         args_list, capture_output=True, text=True, check=True).stdout.split()
    if out[0] != "200":
        raise RuntimeError("curl answered %s" % out[0])
    return float(out[1])


def print_put_threads(name, cpu, mib):
    """The single PUT's server CPU per GiB by thread: the digest worker (named "digest", or any
    thread started during the PUT, and the last ticks of threads that ended), the receiving
    side (every other thread: the I/O threads take turns)."""
    gib = mib / 1024
    digest = cpu["ended"] + sum(v for k, v in cpu.items() if k == "digest" or k.startswith("new:"))
    receive = cpu["total"] - digest
    detail = ", ".join("%s %.2f" % (k, v / gib) for k, v in sorted(cpu.items())
                       if k not in ("total", "ended") and v > 0)
    print("%-9s single PUT server CPU per GiB: receive %.2f s, digest worker %.2f s, "
          "total %.2f s (threads: %s; ended unsampled %.2f)" %
          (name, receive / gib, digest / gib, cpu["total"] / gib, detail, cpu["ended"] / gib),
          flush=True)


def big(endpoint, c, mib, src, tmp, pid=None, name="orgtrail", multipart=True):
    size_mb = mib * 1048576 / 1e6
    put_url = c.generate_presigned_url("put_object", Params={"Bucket": "bench", "Key": "big1"},
                                       ExpiresIn=3600)
    get_url = c.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": "big1"},
                                       ExpiresIn=3600)
    cpu = ThreadCpu(pid) if pid is not None else None
    single_up = size_mb / curl_mbps(["-T", src, put_url])
    if cpu is not None:
        print_put_threads(name, cpu.stop(), mib)
    single_down = size_mb / curl_mbps([get_url])
    if not multipart:
        c.delete_object(Bucket="bench", Key="big1")
        return single_up, single_down, 0.0, 0.0
    cfg = boto3.s3.transfer.TransferConfig(multipart_chunksize=8 << 20, max_concurrency=8)
    t0 = time.time()
    c.upload_file(src, "bench", "big2", Config=cfg)
    multi_up = size_mb / (time.time() - t0)
    back = os.path.join(tmp, "back.bin")
    t0 = time.time()
    c.download_file("bench", "big2", back, Config=cfg)
    multi_down = size_mb / (time.time() - t0)
    os.remove(back)
    c.delete_object(Bucket="bench", Key="big1")
    c.delete_object(Bucket="bench", Key="big2")
    return single_up, single_down, multi_up, multi_down


def print_busy_threads(name, what, cpu, by_name, mib, seconds):
    """Server CPU per GiB by thread name, and the busiest threads' share of one core."""
    gib = mib / 1024
    detail = ", ".join("%s %.2f" % (k, v / gib) for k, v in sorted(by_name.items())
                       if k != "total" and v > 0)
    busy = sorted(((sec, tid, n) for tid, (n, sec) in cpu.by_tid.items()), reverse=True)[:4]
    share = ", ".join("%s/%d %.0f%%" % (n, tid, 100 * sec / seconds) for sec, tid, n in busy)
    print("%-9s %s server CPU per GiB: total %.2f s (by thread name: %s); busiest threads' "
          "share of one core: %s" % (name, what, by_name["total"] / gib, detail, share),
          flush=True)


def curl_part(url, path):
    """PUTs the file `path` to `url` with curl; returns the part's ETag."""
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}",
                          "-T", path, url], capture_output=True, text=True, check=True).stdout
    if not out.endswith("200"):
        raise RuntimeError("curl answered %s" % out[-3:])
    return re.search(r"(?im)^etag:\s*(\S+)", out).group(1)


def curl_parts(urls, paths, parallel):
    """PUTs each file of `paths` to its URL with one curl process, `parallel` transfers at a time
    on kept-alive connections (as an SDK's transfer manager sends parts); returns the ETags."""
    cmd = ["curl", "-sS", "--parallel", "--parallel-max", str(parallel), "-w",
           "%{http_code} %{url_effective} %header{etag}\n"]
    for url, path in zip(urls, paths):
        cmd += ["-T", path, "-o", "/dev/null", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    etags = {}
    for line in out.splitlines():
        code, url, etag = (line.split() + [""])[:3]
        if code != "200" or not etag:
            raise RuntimeError("curl answered %s for %s" % (code, url))
        etags[url] = etag
    return [etags[url] for url in urls]


def machine_ticks():
    """(busy, idle) clock ticks of the whole machine (/proc/stat; idle includes iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], v[3] + v[4]


def vm_hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))


def curl_range(url, first, last):
    out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                          "-H", "Range: bytes=%d-%d" % (first, last), url],
                         capture_output=True, text=True, check=True).stdout.split()
    if out[0] != "206" or int(out[1]) != last - first + 1:
        raise RuntimeError("curl range answered %s" % out)


def big_multipart_curl(c, mib, src, tmp, part_mib, parallel, pid=None, name="orgtrail",
                       per_part=False):
    """A `mib` MiB multipart upload by `parallel` curl processes on presigned UploadPart URLs
    (`part_mib` MiB parts), CompleteMultipartUpload by boto3, then the object read back by
    `parallel` curl processes fetching `part_mib` MiB ranges. Returns (up MB/s, down MB/s)."""
    size = mib << 20
    part = part_mib << 20
    count = (size + part - 1) // part
    paths = []
    with open(src, "rb") as f:
        for i in range(count):
            path = os.path.join(tmp, "part%05d" % i)
            with open(path, "wb") as out:
                n, off = min(part, size - i * part), i * part
                while n > 0:
                    done = os.copy_file_range(f.fileno(), out.fileno(), n, off)
                    n, off = n - done, off + done
            paths.append(path)
    uid = c.create_multipart_upload(Bucket="bench", Key="big3")["UploadId"]
    urls = [c.generate_presigned_url("upload_part", Params={
        "Bucket": "bench", "Key": "big3", "UploadId": uid, "PartNumber": i + 1}, ExpiresIn=3600)
        for i in range(count)]
    cpu = ThreadCpu(pid) if pid is not None else None
    clients0, machine0 = os.times(), machine_ticks()
    t0 = time.time()
    if per_part:
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            etags = list(pool.map(curl_part, urls, paths))
    else:
        etags = curl_parts(urls, paths, parallel)
    c.complete_multipart_upload(Bucket="bench", Key="big3", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    up_s = time.time() - t0
    clients1, machine1 = os.times(), machine_ticks()
    client = "curl process per part" if per_part else "one curl, --parallel"
    if cpu is not None:
        print_busy_threads(name, "multipart upload (%s x%d, %d MiB parts)" %
                           (client, parallel, part_mib), cpu, cpu.stop(), mib, up_s)
        # Who else used the machine: the clients (this script and its curl children) and the
        # machine's idle share; with no idle left the upload is bound by the machine's CPU.
        busy, idle = (b - a for a, b in zip(machine0, machine1))
        spent = sum(clients1[:4]) - sum(clients0[:4])
        print("%-9s multipart upload: clients' CPU per GiB %.2f s; machine idle %.0f%% of %d "
              "cores; server VmHWM %d KiB" % (name, spent / (mib / 1024), 100 * idle / (busy + idle),
                                             os.cpu_count(), vm_hwm(pid)), flush=True)
    for path in paths:
        os.remove(path)
    get_url = c.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": "big3"},
                                       ExpiresIn=3600)
    ranges = [(i * part, min(size, (i + 1) * part) - 1) for i in range(count)]
    cpu = ThreadCpu(pid) if pid is not None else None
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(lambda r: curl_range(get_url, *r), ranges))
    down_s = time.time() - t0
    if cpu is not None:
        print_busy_threads(name, "ranged download (curl x%d, %d MiB ranges)" %
                           (parallel, part_mib), cpu, cpu.stop(), mib, down_s)
    c.delete_object(Bucket="bench", Key="big3")
    return size / 1e6 / up_s, size / 1e6 / down_s


def disk_speed(directory, mib):
    path = os.path.join(directory, "dd.bin")
    t0 = time.time()
    subprocess.run(["dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=%d" % mib,
                    "conv=fsync"], check=True, capture_output=True)
    write = mib * 1048576 / 1e6 / (time.time() - t0)
    t0 = time.time()
    subprocess.run(["dd", "if=" + path, "of=/dev/null", "bs=1M", "iflag=direct"], check=True,
                   capture_output=True)
    read = mib * 1048576 / 1e6 / (time.time() - t0)
    os.remove(path)
    return write, read


def disk_parts_speed(directory, mib, part_mib, parallel):
    """The disk's speed for the multipart upload's write pattern: `parallel` dd processes at a
    time, each writing one `part_mib` MiB file with conv=fsync (as the server writes and syncs each
    part before answering), `mib` MiB in all. Returns MB/s."""
    count = max(1, mib // part_mib)

    def one(i):
        path = os.path.join(directory, "ddpart.%d" % i)
        subprocess.run(["dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=%d" % part_mib,
                        "conv=fsync"], check=True, capture_output=True)

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(count)))
    speed = count * part_mib * 1048576 / 1e6 / (time.time() - t0)
    for i in range(count):
        os.remove(os.path.join(directory, "ddpart.%d" % i))
    return speed


def run(name, endpoint, args, tmp, src, pid=None):
    c = client(endpoint)
    c.create_bucket(Bucket="bench")
    if args.big_only:
        su, sd, mu, md = big(endpoint, c, args.big_mib, src, tmp, pid, name,
                             multipart=not args.skip_boto3)
        print("%-9s %d MiB single PUT (curl): %6.0f MB/s  single GET (curl): %6.0f MB/s  "
              "multipart upload (boto3): %6.0f MB/s  download: %6.0f MB/s" %
              (name, args.big_mib, su, sd, mu, md), flush=True)
        cu, cd = big_multipart_curl(c, args.big_mib, src, tmp, args.part_mib, args.parallel, pid,
                                    name, per_part=args.curl_per_part)
        print("%-9s %d MiB multipart upload (curl x%d, %d MiB parts): %6.0f MB/s  ranged GET "
              "(curl x%d): %6.0f MB/s" % (name, args.big_mib, args.parallel, args.part_mib, cu,
                                          args.parallel, cd), flush=True)
        return 1.0, 1.0
    keys = ["small/%d" % i for i in range(args.keys)]
    body = b"x" * (1024 * args.small_kib)
    for k in keys:  # so that GetObject finds every key even if the PUT run is short
        c.put_object(Bucket="bench", Key=k, Body=body)
    put = wrk_rate(endpoint, "PUT", presigned_paths(c, "put_object", keys), body, args, tmp, pid)
    get = wrk_rate(endpoint, "GET", presigned_paths(c, "get_object", keys), b"", args, tmp, pid)
    size = "%d KiB" % args.small_kib
    print("%-9s wrk  PutObject %s: %8.0f/s (p50 %s, p99 %s, non-2xx %d, server CPU %.0f us/req)"
          "  GetObject %s: %8.0f/s (p50 %s, p99 %s, non-2xx %d, server CPU %.0f us/req)" %
          (name, size, put[0], put[2], put[3], put[1], put[4], size, get[0], get[2], get[3],
           get[1], get[4]), flush=True)
    if not args.skip_boto3:
        bput = boto3_rate(endpoint, "put", keys, args.boto3_seconds, args.boto3_threads)
        bget = boto3_rate(endpoint, "get", keys, args.boto3_seconds, args.boto3_threads)
        print("%-9s boto3 (%d threads) PutObject 1 KiB: %6.0f/s  GetObject 1 KiB: %6.0f/s" %
              (name, args.boto3_threads, bput, bget), flush=True)
    if args.big_mib:
        su, sd, mu, md = big(endpoint, c, args.big_mib, src, tmp, pid, name)
        print("%-9s %d MiB single PUT (curl): %6.0f MB/s  single GET (curl): %6.0f MB/s  "
              "multipart upload (boto3): %6.0f MB/s  download: %6.0f MB/s" %
              (name, args.big_mib, su, sd, mu, md), flush=True)
    return put[0], get[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgtrail", default="build/orgtrail")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=1)
    ap.add_argument("--keys", type=int, default=200)
    ap.add_argument("--small-kib", type=int, default=1, help="body size of the small objects")
    ap.add_argument("--boto3-threads", type=int, default=16)
    ap.add_argument("--boto3-seconds", type=float, default=5)
    ap.add_argument("--big-mib", type=int, default=1024)
    ap.add_argument("--dir", default=None, help="where data dirs and the big file go")
    ap.add_argument("--big-only", action="store_true",
                    help="only the large object, first thing on a fresh server (with "
                    "--skip-boto3: only the single PUT and GET)")
    ap.add_argument("--part-mib", type=int, default=8,
                    help="part size of the curl multipart upload (and range size of its GET)")
    ap.add_argument("--parallel", type=int, default=4,
                    help="curl processes of the multipart upload and ranged GET")
    ap.add_argument("--curl-per-part", action="store_true",
                    help="one curl process per part (the former client) instead of one curl "
                    "process sending --parallel parts at a time on kept-alive connections")
    ap.add_argument("--skip-moto", action="store_true")
    ap.add_argument("--skip-boto3", action="store_true")
    ap.add_argument("--in-memory-too", action="store_true",
                    help="also measure small objects against orgtrail serve --in-memory")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="s3bench-", dir=args.dir)
    procs = []
    try:
        print("load average before: %s" % open("/proc/loadavg").read().strip(), flush=True)
        src = os.path.join(tmp, "big.bin")
        if args.big_mib:
            w, r = disk_speed(tmp, args.big_mib)
            print("disk (dd %d MiB): write+fsync %.0f MB/s, read (O_DIRECT) %.0f MB/s" %
                  (args.big_mib, w, r), flush=True)
            if args.big_only:
                pw = disk_parts_speed(tmp, args.big_mib, args.part_mib, args.parallel)
                print("disk (dd x%d, %d MiB files with conv=fsync, the parts' pattern): write "
                      "%.0f MB/s" % (args.parallel, args.part_mib, pw), flush=True)
            block = os.urandom(1 << 20)
            with open(src, "wb") as f:
                for _ in range(args.big_mib):
                    f.write(block)
        port = free_port()
        procs.append(subprocess.Popen(
            [args.orgtrail, "serve", "--port", str(port), "--data-dir", os.path.join(tmp, "data"),
             "--log-level", "warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(port)
        ours = run("orgtrail", "http://127.0.0.1:%d" % port, args, tmp, src, procs[0].pid)
        with open("/proc/%d/status" % procs[0].pid) as f:
            hwm = re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)
        print("orgtrail VmHWM after the run: %s KiB" % hwm, flush=True)
        procs[0].terminate()
        procs[0].wait(30)
        if args.in_memory_too:
            # The same server with --in-memory: no file writes and no fsync per PutObject, to
            # separate the server's own cost from the disk's.
            port = free_port()
            procs.append(subprocess.Popen(
                [args.orgtrail, "serve", "--port", str(port), "--in-memory", "--log-level",
                 "warn"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(port)
            big_mib, args.big_mib = args.big_mib, 0
            run("orgtrail --in-memory", "http://127.0.0.1:%d" % port, args, tmp, src,
                procs[-1].pid)
            args.big_mib = big_mib
            procs[-1].terminate()
            procs[-1].wait(30)
        if not args.skip_moto:
            mport = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-p", str(mport)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(mport)
            theirs = run("moto", "http://127.0.0.1:%d" % mport, args, tmp, src, procs[-1].pid)
            print("ratio (wrk)  PutObject %.1fx  GetObject %.1fx" %
                  (ours[0] / theirs[0], ours[1] / theirs[1]))
        print("load average after: %s" % open("/proc/loadavg").read().strip(), flush=True)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
