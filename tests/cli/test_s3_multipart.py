"""S3 multipart through boto3 and the AWS CLI: a 100 MiB upload and download with checksums
verified, ListParts / ListMultipartUploads / Abort / UploadPartCopy, durability of an
acknowledged PutObject across kill -9 (small bodies stored as rows, large ones as files), and a
completed upload stored as its parts' files (ranges across parts, copy, overwrite, delete,
kill -9)."""

import os
import tempfile
import unittest

import boto3.s3.transfer
import botocore.exceptions

from orgtrail_harness import OrgtrailTestCase
from s3_files import MIB, stream_digests, vm_hwm_kib, write_source_file


class S3MultipartTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = self.client("s3")
        self.s3.create_bucket(Bucket="mpu")

    def test_100_mib_upload_and_download_with_checksums(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.bin")
            digest, _ = write_source_file(src, 100)
            cfg = boto3.s3.transfer.TransferConfig(multipart_threshold=8 * MIB,
                                                   multipart_chunksize=8 * MIB, max_concurrency=4)
            self.s3.upload_file(src, "mpu", "big.bin", Config=cfg,
                                ExtraArgs={"ChecksumAlgorithm": "CRC32"})
            head = self.s3.head_object(Bucket="mpu", Key="big.bin", ChecksumMode="ENABLED")
            self.assertEqual(head["ContentLength"], 100 * MIB)
            self.assertRegex(head["ETag"], r'^"[0-9a-f]{32}-13"$')
            self.assertRegex(head["ChecksumCRC32"], r"^[A-Za-z0-9+/=]{8}-13$")
            dst = os.path.join(tmp, "dst.bin")
            self.s3.download_file("mpu", "big.bin", dst, Config=cfg)
            with open(dst, "rb") as f:
                self.assertEqual(stream_digests(f.read)[0], digest.hexdigest())
            # The CLI's own multipart (above 8 MiB) reads it back too.
            out = self.aws(2, "s3", "cp", "s3://mpu/big.bin", os.path.join(tmp, "cli.bin"))
            self.assertEqual(out.returncode, 0, out)
            self.assertEqual(os.path.getsize(os.path.join(tmp, "cli.bin")), 100 * MIB)

    def vm_hwm_kib(self):
        return vm_hwm_kib(self.server.proc.pid)

    def test_large_get_streamed_from_the_blob_file(self):
        # 120 MiB uploaded in 5 MiB parts one at a time, so the server's peak memory stays low.
        size = 120 * MIB
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src.bin")
            digest, _ = write_source_file(src, size // MIB)
            cfg = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MIB,
                                                   multipart_chunksize=5 * MIB, max_concurrency=1)
            self.s3.upload_file(src, "mpu", "streamed.bin", Config=cfg)
            with open(src, "rb") as f:
                f.seek(7 * MIB + 3)
                middle = f.read(50 * MIB)
        before = self.vm_hwm_kib()
        # One GetObject of the whole object, and a 50 MiB range of it: the body is streamed
        # from the blob file in pieces, so the peak RSS grows far less than the object's size.
        resp = self.s3.get_object(Bucket="mpu", Key="streamed.bin")
        self.assertEqual(resp["ContentLength"], size)
        self.assertEqual(stream_digests(resp["Body"].read)[0], digest.hexdigest())
        ranged = self.s3.get_object(Bucket="mpu", Key="streamed.bin",
                                    Range="bytes=%d-%d" % (7 * MIB + 3, 57 * MIB + 2))
        self.assertEqual(ranged["ContentRange"], "bytes %d-%d/%d" % (7 * MIB + 3, 57 * MIB + 2,
                                                                     size))
        self.assertEqual(ranged["Body"].read(), middle)
        grown_kib = self.vm_hwm_kib() - before
        self.assertLess(grown_kib, 32 * 1024, "peak RSS grew by %d KiB" % grown_kib)

    def test_parts_listing_abort_and_copy(self):
        s3 = self.s3
        up = s3.create_multipart_upload(Bucket="mpu", Key="obj", ContentType="text/x")
        uid = up["UploadId"]
        p1 = s3.upload_part(Bucket="mpu", Key="obj", UploadId=uid, PartNumber=1,
                            Body=b"a" * (5 * MIB))
        s3.put_object(Bucket="mpu", Key="source", Body=b"0123456789")
        p2 = s3.upload_part_copy(Bucket="mpu", Key="obj", UploadId=uid, PartNumber=2,
                                 CopySource="mpu/source", CopySourceRange="bytes=2-5")
        parts = s3.list_parts(Bucket="mpu", Key="obj", UploadId=uid)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 5 * MIB), (2, 4)])
        uploads = s3.list_multipart_uploads(Bucket="mpu")["Uploads"]
        self.assertEqual([u["UploadId"] for u in uploads], [uid])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.complete_multipart_upload(Bucket="mpu", Key="obj", UploadId=uid, MultipartUpload={
                "Parts": [{"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]},
                          {"PartNumber": 1, "ETag": p1["ETag"]}]})
        self.assertClientError(ctx.exception, "InvalidPartOrder", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.complete_multipart_upload(Bucket="mpu", Key="obj", UploadId=uid, MultipartUpload={
                "Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})
        self.assertClientError(ctx.exception, "InvalidPart", 400)
        done = s3.complete_multipart_upload(Bucket="mpu", Key="obj", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": p1["ETag"]},
                      {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]})
        self.assertTrue(done["ETag"].endswith('-2"'), done)
        got = s3.get_object(Bucket="mpu", Key="obj", Range="bytes=%d-" % (5 * MIB - 1))
        self.assertEqual(got["Body"].read(), b"a2345")
        self.assertEqual(s3.head_object(Bucket="mpu", Key="obj")["ContentType"], "text/x")
        self.assertNotIn("Uploads", s3.list_multipart_uploads(Bucket="mpu"))
        aborted = s3.create_multipart_upload(Bucket="mpu", Key="gone")["UploadId"]
        s3.abort_multipart_upload(Bucket="mpu", Key="gone", UploadId=aborted)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.list_parts(Bucket="mpu", Key="gone", UploadId=aborted)
        self.assertClientError(ctx.exception, "NoSuchUpload", 404)

    def test_small_and_large_objects_survive_kill_9(self):
        # Bodies up to 64 KiB are rows committed with the object's row; larger ones are files.
        s3 = self.s3
        s3.create_bucket(Bucket="durable")
        s3.put_bucket_versioning(Bucket="durable", VersioningConfiguration={"Status": "Enabled"})
        small = os.urandom(1024)
        edge = os.urandom(64 * 1024)
        large = os.urandom(300 * 1024)
        old = s3.put_object(Bucket="durable", Key="small", Body=b"old version")["VersionId"]
        s3.put_object(Bucket="durable", Key="small", Body=small)
        s3.put_object(Bucket="durable", Key="edge", Body=edge)
        s3.put_object(Bucket="durable", Key="large", Body=large)
        s3.copy_object(Bucket="durable", Key="copy", CopySource={"Bucket": "durable",
                                                                 "Key": "small"})
        s3.put_object(Bucket="durable", Key="gone", Body=b"deleted before the crash")
        s3.delete_object(Bucket="durable", Key="gone")
        self.server.restart(hard=True)
        s3 = self.client("s3")
        self.assertEqual(s3.get_object(Bucket="durable", Key="small")["Body"].read(), small)
        self.assertEqual(s3.get_object(Bucket="durable", Key="small",
                                       VersionId=old)["Body"].read(), b"old version")
        self.assertEqual(s3.get_object(Bucket="durable", Key="edge")["Body"].read(), edge)
        self.assertEqual(s3.get_object(Bucket="durable", Key="large")["Body"].read(), large)
        self.assertEqual(s3.get_object(Bucket="durable", Key="copy")["Body"].read(), small)
        self.assertEqual(s3.get_object(Bucket="durable", Key="small",
                                       Range="bytes=10-19")["Body"].read(), small[10:20])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_object(Bucket="durable", Key="gone")
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        # Small bodies are rows: no file under objects/ for them.
        objects = os.path.join(self.server.data_dir, "objects")
        files = [f for d, _, fs in os.walk(objects) if not d.endswith("tmp") for f in fs]
        self.assertEqual(len(files), 1, files)  # the 300 KiB body

    def composite_dirs(self):
        objects = os.path.join(self.server.data_dir, "objects")
        return sorted(d for d, _, _ in os.walk(objects) if d.endswith(".parts"))

    def test_completed_upload_shares_the_parts_files(self):
        # The object's body is its parts' files (hard links), not a copy: ranges across part
        # boundaries, CopyObject, UploadPartCopy from it, versions, overwrite, delete and kill -9.
        s3 = self.s3
        s3.create_bucket(Bucket="parts")
        s3.put_bucket_versioning(Bucket="parts", VersioningConfiguration={"Status": "Enabled"})
        bodies = [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(1000)]
        whole = b"".join(bodies)
        uid = s3.create_multipart_upload(Bucket="parts", Key="obj")["UploadId"]
        etags = [s3.upload_part(Bucket="parts", Key="obj", UploadId=uid, PartNumber=n + 1,
                                Body=b)["ETag"] for n, b in enumerate(bodies)]
        # A part sent twice: only the last one counts, the first is deleted.
        etags[1] = s3.upload_part(Bucket="parts", Key="obj", UploadId=uid, PartNumber=2,
                                  Body=bodies[1])["ETag"]
        done = s3.complete_multipart_upload(Bucket="parts", Key="obj", UploadId=uid,
                                            MultipartUpload={"Parts": [
                                                {"PartNumber": n + 1, "ETag": e}
                                                for n, e in enumerate(etags)]})
        first_version = done["VersionId"]
        self.assertEqual(len(self.composite_dirs()), 1)
        # No upload left, no part file left outside the object.
        self.assertNotIn("Uploads", s3.list_multipart_uploads(Bucket="parts"))
        self.assertEqual(s3.head_object(Bucket="parts", Key="obj")["ContentLength"], len(whole))
        a, b = 5 * MIB - 10, 10 * MIB + 5
        got = s3.get_object(Bucket="parts", Key="obj", Range="bytes=%d-%d" % (a, b))
        self.assertEqual(got["Body"].read(), whole[a:b + 1])
        self.assertEqual(got["ContentRange"], "bytes %d-%d/%d" % (a, b, len(whole)))
        small = s3.get_object(Bucket="parts", Key="obj", Range="bytes=%d-%d" % (a, a + 19))
        self.assertEqual(small["Body"].read(), whole[a:a + 20])
        s3.copy_object(Bucket="parts", Key="copy", CopySource={"Bucket": "parts", "Key": "obj"})
        self.assertEqual(len(self.composite_dirs()), 2)
        up2 = s3.create_multipart_upload(Bucket="parts", Key="from-copy")["UploadId"]
        pc = s3.upload_part_copy(Bucket="parts", Key="from-copy", UploadId=up2, PartNumber=1,
                                 CopySource="parts/obj",
                                 CopySourceRange="bytes=%d-%d" % (a, a + 99))
        s3.complete_multipart_upload(Bucket="parts", Key="from-copy", UploadId=up2,
                                     MultipartUpload={"Parts": [{
                                         "PartNumber": 1,
                                         "ETag": pc["CopyPartResult"]["ETag"]}]})
        self.server.restart(hard=True)
        s3 = self.client("s3")
        self.assertEqual(s3.get_object(Bucket="parts", Key="obj")["Body"].read(), whole)
        self.assertEqual(s3.get_object(Bucket="parts", Key="copy")["Body"].read(), whole)
        self.assertEqual(s3.get_object(Bucket="parts", Key="from-copy")["Body"].read(),
                         whole[a:a + 100])
        # Overwritten: the old version keeps its parts; deleting it drops them.
        s3.put_object(Bucket="parts", Key="obj", Body=b"new")
        self.assertEqual(s3.get_object(Bucket="parts", Key="obj")["Body"].read(), b"new")
        self.assertEqual(s3.get_object(Bucket="parts", Key="obj", VersionId=first_version,
                                       Range="bytes=%d-%d" % (a, b))["Body"].read(),
                         whole[a:b + 1])
        s3.delete_object(Bucket="parts", Key="obj", VersionId=first_version)
        self.assertEqual(len(self.composite_dirs()), 1)  # the copy's
        self.assertEqual(s3.get_object(Bucket="parts", Key="copy", Range="bytes=%d-%d" % (a, b))
                         ["Body"].read(), whole[a:b + 1])
        for v in s3.list_object_versions(Bucket="parts", Prefix="copy")["Versions"]:
            s3.delete_object(Bucket="parts", Key="copy", VersionId=v["VersionId"])
        self.assertEqual(self.composite_dirs(), [])
        # An aborted upload leaves nothing either.
        up3 = s3.create_multipart_upload(Bucket="parts", Key="aborted")["UploadId"]
        s3.upload_part(Bucket="parts", Key="aborted", UploadId=up3, PartNumber=1,
                       Body=bodies[0])
        s3.abort_multipart_upload(Bucket="parts", Key="aborted", UploadId=up3)
        objects = os.path.join(self.server.data_dir, "objects")
        big_files = [f for d, _, fs in os.walk(objects) for f in fs
                     if os.path.getsize(os.path.join(d, f)) >= MIB]
        self.assertEqual(big_files, [])


if __name__ == "__main__":
    unittest.main()
