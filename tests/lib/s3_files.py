"""Helpers for the large-object S3 tests: source files of distinct MiB blocks with their
digests, digests of what a download streams back, and the server's peak memory."""

import hashlib
import os

MIB = 1024 * 1024


def write_source_file(path, mib):
    """Writes `mib` MiB of random bytes (each MiB a rotation of one random block, so no two are
    equal) to `path`; returns their (sha256, md5) hashlib objects."""
    block = os.urandom(MIB)
    sha, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "wb") as f:
        for i in range(mib):
            chunk = block[i:] + block[:i]
            f.write(chunk)
            sha.update(chunk)
            md5.update(chunk)
    return sha, md5


def stream_digests(read):
    """(sha256 hex, md5 hex) of everything `read(n)` returns until it returns b""."""
    sha, md5 = hashlib.sha256(), hashlib.md5()
    for chunk in iter(lambda: read(MIB), b""):
        sha.update(chunk)
        md5.update(chunk)
    return sha.hexdigest(), md5.hexdigest()


def vm_hwm_kib(pid):
    """The peak resident memory of process `pid` (VmHWM), KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM for process %d" % pid)
