"""Large S3 uploads stream to disk: a 200 MiB PUT to a presigned URL with curl and a 200 MiB
boto3 put_object (one request, checksum on) leave the server's peak memory nearly where it was,
read back identical, and leave no temporary file behind; bodies over the limits are refused
before they are read."""

import base64
import hashlib
import http.client
import os
import subprocess
import tempfile
import unittest

from orgtrail_harness import OrgtrailTestCase
from s3_files import MIB, stream_digests, vm_hwm_kib, write_source_file


class S3StreamedPutTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = self.client("s3")
        self.s3.create_bucket(Bucket="big")

    def vm_hwm_kib(self):
        return vm_hwm_kib(self.server.proc.pid)

    def read_back(self, key):
        resp = self.s3.get_object(Bucket="big", Key=key)
        return (resp,) + stream_digests(resp["Body"].read)

    def test_200_mib_puts_are_streamed_to_disk(self):
        size = 200 * MIB
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.bin")
            sha, md5 = write_source_file(src, size // MIB)
            before = self.vm_hwm_kib()

            url = self.s3.generate_presigned_url(
                "put_object", Params={"Bucket": "big", "Key": "curl.bin"}, ExpiresIn=600)
            proc = subprocess.run(["curl", "-sS", "-f", "-T", src, url], capture_output=True,
                                  timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)

            with open(src, "rb") as f:
                put = self.s3.put_object(Bucket="big", Key="boto.bin", Body=f,
                                         ChecksumAlgorithm="SHA256")
            self.assertEqual(put["ETag"], '"%s"' % md5.hexdigest())
            self.assertEqual(put["ChecksumSHA256"], base64.b64encode(sha.digest()).decode())

            grown_kib = self.vm_hwm_kib() - before
            self.assertLess(grown_kib, 48 * 1024, "peak RSS grew by %d KiB" % grown_kib)

        for key in ("curl.bin", "boto.bin"):
            resp, got_sha, got_md5 = self.read_back(key)
            self.assertEqual(resp["ContentLength"], size)
            self.assertEqual(resp["ETag"], '"%s"' % md5.hexdigest())
            self.assertEqual(got_sha, sha.hexdigest())
        head = self.s3.head_object(Bucket="big", Key="boto.bin", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumSHA256"], base64.b64encode(sha.digest()).decode())
        # The spooled bodies were renamed into the blob store, not left behind.
        self.assertEqual(os.listdir(os.path.join(self.server.data_dir, "tmp")), [])

    def test_bad_checksum_on_a_large_body_stores_nothing(self):
        data = os.urandom(9 * MIB)
        with self.assertRaises(Exception) as ctx:
            self.s3.put_object(Bucket="big", Key="bad.bin", Body=data,
                               ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode())
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BadDigest")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="big"))
        self.assertEqual(os.listdir(os.path.join(self.server.data_dir, "tmp")), [])

    def raw_put(self, path, length, headers=()):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.putrequest("PUT", path, skip_accept_encoding=True)
        conn.putheader("Content-Length", str(length))
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read().decode()
        conn.close()
        return resp.status, body

    def test_bodies_over_the_limits_are_refused_before_reading(self):
        # S3: 5 GiB for one PUT (EntityTooLarge); nothing of the body is ever sent.
        status, body = self.raw_put("/big/huge.bin", 6 * 1024 * MIB)
        self.assertEqual(status, 400, body)
        self.assertIn("<Code>EntityTooLarge</Code>", body)
        self.assertIn("<ProposedSize>6442450944</ProposedSize>", body)
        # Other services keep their bodies in memory and small.
        status, body = self.raw_put(
            "/", 64 * MIB,
            [("Content-Type", "application/x-www-form-urlencoded"),
             ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/"
                               "aws4_request, SignedHeaders=host, Signature=00")])
        self.assertEqual(status, 413, body)
        self.assertIn("RequestEntityTooLarge", body)


if __name__ == "__main__":
    unittest.main()
