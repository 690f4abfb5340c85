"""S3 through the AWS CLI v2, the AWS CLI v1 and boto3: buckets, objects, listing, checksums,
conditional and ranged GETs, configuration, bucket policies across accounts, presigned URLs."""

import base64
import hashlib
import json
import os
import subprocess
import tempfile
import time
import unittest
import zlib

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase, http_request


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class S3CliTest(OrgtrailTestCase):

    def test_high_level_commands_both_clis(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(os.path.join(src, "sub"))
            files = {"a.txt": b"alpha\n", "sub/b.bin": os.urandom(3000), "c d.txt": b"space"}
            for name, data in files.items():
                with open(os.path.join(src, name), "wb") as f:
                    f.write(data)
            for version in (1, 2):
                bucket = "cli-v%d" % version
                out = self.aws(version, "s3", "mb", "s3://" + bucket)
                self.assertEqual(out.returncode, 0, out)
                self.assertIn("make_bucket: " + bucket, out.stdout)
                out = self.aws(version, "s3", "sync", src, "s3://%s/tree" % bucket)
                self.assertEqual(out.returncode, 0, out)
                out = self.aws(version, "s3", "ls", "s3://%s/tree/" % bucket)
                self.assertIn("PRE sub/", out.stdout)
                self.assertIn("a.txt", out.stdout)
                out = self.aws(version, "s3", "ls", "--recursive", "s3://" + bucket)
                self.assertIn("tree/sub/b.bin", out.stdout)
                self.assertIn("tree/c d.txt", out.stdout)
                dst = os.path.join(tmp, "dst%d" % version)
                out = self.aws(version, "s3", "cp", "--recursive", "s3://%s/tree" % bucket, dst)
                self.assertEqual(out.returncode, 0, out)
                for name, data in files.items():
                    with open(os.path.join(dst, name), "rb") as f:
                        self.assertEqual(f.read(), data, name)
                out = self.aws(version, "s3", "mv", "s3://%s/tree/a.txt" % bucket,
                               "s3://%s/moved.txt" % bucket)
                self.assertEqual(out.returncode, 0, out)
                out = self.aws(version, "s3", "cp", "s3://%s/moved.txt" % bucket, "-")
                self.assertEqual(out.stdout, "alpha\n")
                out = self.aws(version, "s3", "rm", "s3://%s/moved.txt" % bucket)
                self.assertEqual(out.returncode, 0, out)
                # A second sync uploads nothing.
                out = self.aws(version, "s3", "sync", src, "s3://%s/tree" % bucket)
                self.assertNotIn("c d.txt", out.stdout)
                out = self.aws(version, "s3", "rb", "s3://" + bucket)
                self.assertNotEqual(out.returncode, 0, out)
                self.assertIn("BucketNotEmpty", out.stderr)
                out = self.aws(version, "s3", "rb", "--force", "s3://" + bucket)
                self.assertEqual(out.returncode, 0, out)
            self.assertEqual(self.client("s3").list_buckets()["Buckets"], [])

    def test_s3api_round_trip_both_clis(self):
        for version in (1, 2):
            bucket = "api-v%d" % version
            self.assertCliOk(self.aws(version, "s3api", "create-bucket", "--bucket", bucket))
            with tempfile.NamedTemporaryFile() as f:
                f.write(b"hello world\n")
                f.flush()
                put = self.assertCliOk(self.aws(
                    version, "s3api", "put-object", "--bucket", bucket, "--key", "k/1",
                    "--body", f.name, "--metadata", "color=blue", "--content-type", "text/x"))
            self.assertEqual(put["ETag"], '"6f5902ac237024bdd0c176cb93063dc4"')
            head = self.assertCliOk(self.aws(version, "s3api", "head-object", "--bucket", bucket,
                                             "--key", "k/1"))
            self.assertEqual(head["ContentLength"], 12)
            self.assertEqual(head["Metadata"], {"color": "blue"})
            self.assertEqual(head["ContentType"], "text/x")
            listed = self.assertCliOk(self.aws(version, "s3api", "list-objects-v2", "--bucket",
                                               bucket))
            self.assertEqual([o["Key"] for o in listed["Contents"]], ["k/1"])
            listed = self.assertCliOk(self.aws(version, "s3api", "list-objects", "--bucket",
                                               bucket, "--delimiter", "/"))
            self.assertEqual(listed["CommonPrefixes"], [{"Prefix": "k/"}])
            out = self.aws(version, "s3api", "get-object", "--bucket", bucket, "--key", "nope",
                           "/dev/null")
            self.assertCliError(out, "NoSuchKey")
            self.assertEqual(self.aws(version, "s3api", "delete-object", "--bucket", bucket,
                                      "--key", "k/1").returncode, 0)
            self.assertEqual(self.aws(version, "s3api", "delete-bucket", "--bucket",
                                      bucket).returncode, 0)
            self.assertCliError(self.aws(version, "s3api", "head-bucket", "--bucket", bucket),
                                "404")

    def test_presigned_url_fetched_with_curl_and_expiring(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="pre")
        s3.put_object(Bucket="pre", Key="doc.txt", Body=b"presigned body")
        for version in (1, 2):
            url = self.aws(version, "s3", "presign", "s3://pre/doc.txt").stdout.strip()
            self.assertTrue(url.startswith(self.endpoint), url)
            body = subprocess.run(["curl", "-sS", url], capture_output=True, timeout=30).stdout
            self.assertEqual(body, b"presigned body")
        url = self.aws(2, "s3", "presign", "s3://pre/doc.txt", "--expires-in", "1").stdout.strip()
        time.sleep(2.2)  # presigned expiry is checked against the wall clock (spec/wire.md §5.10)
        proc = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", url], capture_output=True,
                              timeout=30)
        text = proc.stdout.decode()
        self.assertTrue(text.endswith("\n403"), text)
        self.assertIn("<Code>AccessDenied</Code>", text)
        self.assertIn("Request has expired", text)


class S3ObjectTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = self.client("s3")
        self.s3.create_bucket(Bucket="objs")

    def test_checksums_stored_and_returned(self):
        data = b"checksummed payload"
        # CRC32C without botocore[crt]: the client sends the value, the server checks it
        # (0xE3069283 is the CRC32C check value of "123456789").
        check = base64.b64encode(bytes.fromhex("e3069283")).decode()
        put = self.s3.put_object(Bucket="objs", Key="c32c", Body=b"123456789",
                                 ChecksumCRC32C=check)
        self.assertEqual(put["ChecksumCRC32C"], check)
        got = self.s3.get_object(Bucket="objs", Key="c32c", ChecksumMode="ENABLED")
        self.assertEqual(got["ChecksumCRC32C"], check)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="objs", Key="c32c", Body=b"12345678X", ChecksumCRC32C=check)
        self.assertClientError(ctx.exception, "BadDigest", 400)
        for alg in ("CRC32", "SHA1", "SHA256"):
            put = self.s3.put_object(Bucket="objs", Key="c/" + alg, Body=data,
                                     ChecksumAlgorithm=alg)
            self.assertIn("Checksum" + alg, put)
            got = self.s3.get_object(Bucket="objs", Key="c/" + alg, ChecksumMode="ENABLED")
            self.assertEqual(got["Body"].read(), data)
            self.assertEqual(got["Checksum" + alg], put["Checksum" + alg])
            plain = self.s3.head_object(Bucket="objs", Key="c/" + alg)
            self.assertNotIn("Checksum" + alg, plain)
        self.assertEqual(self.s3.head_object(Bucket="objs", Key="c/CRC32",
                                             ChecksumMode="ENABLED")["ChecksumCRC32"],
                         crc32_b64(data))

    def test_bad_digest_is_refused_and_changes_nothing(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="objs", Key="bad", Body=b"abc",
                               ContentMD5=base64.b64encode(hashlib.md5(b"xyz").digest()).decode())
        self.assertClientError(ctx.exception, "BadDigest", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="objs", Key="bad", Body=b"abc",
                               ChecksumCRC32=crc32_b64(b"xyz"))
        self.assertClientError(ctx.exception, "BadDigest", 400)
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="objs"))

    def test_aws_chunked_trailer_upload(self):
        # The SDKs' default over https: aws-chunked with an x-amz-checksum-crc32 trailer.
        body = b"hello world\n"
        chunked = (b"c\r\n" + body + b"\r\n0\r\nx-amz-checksum-crc32:" +
                   crc32_b64(body).encode() + b"\r\n\r\n")
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = self.endpoint + "/objs/chunked"
        headers = {"Content-Encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
                   "x-amz-decoded-content-length": str(len(body)),
                   "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                   "Content-Length": str(len(chunked))}
        req = AWSRequest("PUT", url, data=chunked, headers=headers)
        SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
        resp = http_request("PUT", url, body=chunked, headers=dict(req.headers))
        self.assertEqual(resp.status, 200, resp.text)
        got = self.s3.get_object(Bucket="objs", Key="chunked", ChecksumMode="ENABLED")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ChecksumCRC32"], crc32_b64(body))
        self.assertNotIn("ContentEncoding", got)

    def test_range_and_conditional_gets(self):
        put = self.s3.put_object(Bucket="objs", Key="r", Body=b"0123456789")
        etag = put["ETag"]
        got = self.s3.get_object(Bucket="objs", Key="r", Range="bytes=2-5")
        self.assertEqual(got["Body"].read(), b"2345")
        self.assertEqual(got["ContentRange"], "bytes 2-5/10")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(self.s3.get_object(Bucket="objs", Key="r",
                                            Range="bytes=-3")["Body"].read(), b"789")
        self.assertEqual(self.s3.get_object(Bucket="objs", Key="r",
                                            Range="bytes=7-")["Body"].read(), b"789")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="objs", Key="r", Range="bytes=20-30")
        self.assertClientError(ctx.exception, "InvalidRange", 416)
        self.assertEqual(self.s3.get_object(Bucket="objs", Key="r",
                                            IfMatch=etag)["Body"].read(), b"0123456789")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="objs", Key="r", IfMatch='"nope"')
        self.assertClientError(ctx.exception, "PreconditionFailed", 412)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket="objs", Key="r", IfNoneMatch=etag)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_list_v1_v2_parameters(self):
        keys = ["a/1", "a/2", "a/b/3", "b/4", "c", "sp ace/ü"]
        for k in keys:
            self.s3.put_object(Bucket="objs", Key=k, Body=b"x")
        v2 = self.s3.list_objects_v2(Bucket="objs", MaxKeys=2)
        self.assertEqual([o["Key"] for o in v2["Contents"]], ["a/1", "a/2"])
        self.assertTrue(v2["IsTruncated"])
        rest = self.s3.list_objects_v2(Bucket="objs", ContinuationToken=v2["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in rest["Contents"]], keys[2:])
        self.assertEqual(rest["KeyCount"], 4)
        d = self.s3.list_objects_v2(Bucket="objs", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in d["CommonPrefixes"]], ["a/", "b/", "sp ace/"])
        self.assertEqual([o["Key"] for o in d["Contents"]], ["c"])
        p = self.s3.list_objects_v2(Bucket="objs", Prefix="a/", Delimiter="/", StartAfter="a/1")
        self.assertEqual([o["Key"] for o in p["Contents"]], ["a/2"])
        self.assertEqual(p["CommonPrefixes"], [{"Prefix": "a/b/"}])
        v1 = self.s3.list_objects(Bucket="objs", Marker="b/4")
        self.assertEqual([o["Key"] for o in v1["Contents"]], ["c", "sp ace/ü"])
        page = self.s3.list_objects(Bucket="objs", Delimiter="/", MaxKeys=2)
        self.assertEqual(page["NextMarker"], "b/")
        self.assertEqual([p["Prefix"] for p in self.s3.list_objects(
            Bucket="objs", Delimiter="/", Marker="b/")["CommonPrefixes"]], ["sp ace/"])
        # encoding-type=url asked by the caller: keys come back percent-encoded.
        enc = self.s3.list_objects_v2(Bucket="objs", Prefix="sp", EncodingType="url")
        self.assertEqual([o["Key"] for o in enc["Contents"]], ["sp%20ace/%C3%BC"])
        raw = self.s3.list_objects_v2(Bucket="objs", Prefix="sp")
        self.assertEqual(raw["Contents"][0]["Key"], "sp ace/ü")

    def test_copy_delete_objects_tagging(self):
        self.s3.put_object(Bucket="objs", Key="src", Body=b"copy me", Metadata={"a": "1"},
                           Tagging="t=1")
        out = self.s3.copy_object(Bucket="objs", Key="dst", CopySource="objs/src")
        self.assertEqual(out["CopyObjectResult"]["ETag"], '"%s"' % hashlib.md5(b"copy me").hexdigest())
        self.assertEqual(self.s3.head_object(Bucket="objs", Key="dst")["Metadata"], {"a": "1"})
        self.s3.copy_object(Bucket="objs", Key="dst2", CopySource={"Bucket": "objs", "Key": "src"},
                            MetadataDirective="REPLACE", Metadata={"b": "2"})
        self.assertEqual(self.s3.head_object(Bucket="objs", Key="dst2")["Metadata"], {"b": "2"})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.copy_object(Bucket="objs", Key="src", CopySource="objs/src")
        self.assertClientError(ctx.exception, "InvalidRequest", 400)
        self.assertEqual(self.s3.get_object_tagging(Bucket="objs", Key="dst")["TagSet"],
                         [{"Key": "t", "Value": "1"}])
        self.s3.put_object_tagging(Bucket="objs", Key="dst",
                                   Tagging={"TagSet": [{"Key": "x", "Value": "y"}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket="objs", Key="dst")["TagSet"],
                         [{"Key": "x", "Value": "y"}])
        self.s3.delete_object_tagging(Bucket="objs", Key="dst")
        self.assertEqual(self.s3.get_object_tagging(Bucket="objs", Key="dst")["TagSet"], [])
        out = self.s3.delete_objects(Bucket="objs", Delete={"Objects": [
            {"Key": "src"}, {"Key": "dst"}, {"Key": "dst2"}, {"Key": "absent"}]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]),
                         ["absent", "dst", "dst2", "src"])
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="objs"))

    def test_keys_cannot_escape_the_data_dir(self):
        for key in ["../../etc/passwd", "/abs", "a/../../b", "ü" * 300, "k" * 1024, "a//b", "."]:
            self.s3.put_object(Bucket="objs", Key=key, Body=key.encode())
        for key in ["../../etc/passwd", "/abs", "a/../../b", "ü" * 300, "k" * 1024, "a//b", "."]:
            self.assertEqual(self.s3.get_object(Bucket="objs", Key=key)["Body"].read(),
                             key.encode())
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket="objs", Key="k" * 1025, Body=b"x")
        self.assertClientError(ctx.exception, "KeyTooLongError", 400)


class S3BucketConfigTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = self.client("s3")

    def test_location_and_namespace(self):
        self.s3.create_bucket(Bucket="east")
        self.assertIsNone(self.s3.get_bucket_location(Bucket="east")["LocationConstraint"])
        self.s3.create_bucket(Bucket="east")  # us-east-1: the owner's re-create succeeds
        west = self.client("s3", region="eu-west-1")
        west.create_bucket(Bucket="west", CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1"})
        self.assertEqual(self.s3.get_bucket_location(Bucket="west")["LocationConstraint"],
                         "eu-west-1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            west.create_bucket(Bucket="west", CreateBucketConfiguration={
                "LocationConstraint": "eu-west-1"})
        self.assertClientError(ctx.exception, "BucketAlreadyOwnedByYou", 409)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            west.create_bucket(Bucket="nowhere")
        self.assertClientError(ctx.exception, "IllegalLocationConstraintException", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.create_bucket(Bucket="Bad_Name")
        self.assertClientError(ctx.exception, "InvalidBucketName", 400)
        # Another account: one global namespace.
        other = self.client("organizations")
        other.create_organization()
        acct = other.create_account(Email="o@example.com", AccountName="o")
        self.server.admin("POST", "clock", {"advanceSeconds": 2})
        status = other.describe_create_account_status(
            CreateAccountRequestId=acct["CreateAccountStatus"]["Id"])["CreateAccountStatus"]
        creds = self.client("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % status["AccountId"],
            RoleSessionName="other")["Credentials"]
        member = self.client("s3", access_key=creds["AccessKeyId"],
                             secret_key=creds["SecretAccessKey"],
                             session_token=creds["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.create_bucket(Bucket="east")
        self.assertClientError(ctx.exception, "BucketAlreadyExists", 409)

    def test_configuration_round_trips(self):
        s3 = self.s3
        s3.create_bucket(Bucket="conf")
        self.assertEqual(s3.get_bucket_versioning(Bucket="conf").get("Status"), None)
        s3.put_bucket_tagging(Bucket="conf", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
        self.assertEqual(s3.get_bucket_tagging(Bucket="conf")["TagSet"], [{"Key": "a", "Value": "b"}])
        s3.delete_bucket_tagging(Bucket="conf")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_bucket_tagging(Bucket="conf")
        self.assertClientError(ctx.exception, "NoSuchTagSet", 404)
        pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
               "RestrictPublicBuckets": False}
        s3.put_public_access_block(Bucket="conf", PublicAccessBlockConfiguration=pab)
        self.assertEqual(s3.get_public_access_block(Bucket="conf")["PublicAccessBlockConfiguration"], pab)
        s3.delete_public_access_block(Bucket="conf")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_public_access_block(Bucket="conf")
        self.assertClientError(ctx.exception, "NoSuchPublicAccessBlockConfiguration", 404)
        self.assertEqual(s3.get_bucket_ownership_controls(Bucket="conf")["OwnershipControls"],
                         {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.put_bucket_acl(Bucket="conf", ACL="public-read")
        self.assertClientError(ctx.exception, "AccessControlListNotSupported", 400)
        s3.put_bucket_ownership_controls(Bucket="conf", OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        s3.put_bucket_acl(Bucket="conf", ACL="public-read")
        grants = s3.get_bucket_acl(Bucket="conf")["Grants"]
        self.assertEqual(grants[0]["Permission"], "FULL_CONTROL")
        self.assertEqual(grants[1]["Grantee"]["URI"],
                         "http://acs.amazonaws.com/groups/global/AllUsers")
        enc = s3.get_bucket_encryption(Bucket="conf")["ServerSideEncryptionConfiguration"]
        self.assertEqual(enc["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                         "AES256")
        s3.put_bucket_encryption(Bucket="conf", ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                    "KMSMasterKeyID": "alias/x"}}]})
        enc = s3.get_bucket_encryption(Bucket="conf")["ServerSideEncryptionConfiguration"]
        self.assertEqual(enc["Rules"][0]["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"],
                         "alias/x")
        rules = [{"ID": "expire", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                  "Expiration": {"Days": 30}}]
        s3.put_bucket_lifecycle_configuration(Bucket="conf",
                                              LifecycleConfiguration={"Rules": rules})
        self.assertEqual(s3.get_bucket_lifecycle_configuration(Bucket="conf")["Rules"], rules)
        s3.delete_bucket_lifecycle(Bucket="conf")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_bucket_lifecycle_configuration(Bucket="conf")
        self.assertClientError(ctx.exception, "NoSuchLifecycleConfiguration", 404)

    def test_versioning(self):
        s3 = self.s3
        s3.create_bucket(Bucket="ver")
        s3.put_object(Bucket="ver", Key="k", Body=b"v0")
        s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket="ver")["Status"], "Enabled")
        v1 = s3.put_object(Bucket="ver", Key="k", Body=b"v1")["VersionId"]
        v2 = s3.put_object(Bucket="ver", Key="k", Body=b"v2")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertEqual(s3.get_object(Bucket="ver", Key="k")["Body"].read(), b"v2")
        self.assertEqual(s3.get_object(Bucket="ver", Key="k", VersionId=v1)["Body"].read(), b"v1")
        self.assertEqual(s3.get_object(Bucket="ver", Key="k", VersionId="null")["Body"].read(),
                         b"v0")
        marker = s3.delete_object(Bucket="ver", Key="k")
        self.assertTrue(marker["DeleteMarker"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_object(Bucket="ver", Key="k")
        self.assertClientError(ctx.exception, "NoSuchKey", 404)
        listed = s3.list_object_versions(Bucket="ver")
        self.assertEqual([v["VersionId"] for v in listed["Versions"]], [v2, v1, "null"])
        self.assertEqual(listed["DeleteMarkers"][0]["VersionId"], marker["VersionId"])
        self.assertTrue(listed["DeleteMarkers"][0]["IsLatest"])
        s3.delete_object(Bucket="ver", Key="k", VersionId=marker["VersionId"])
        self.assertEqual(s3.get_object(Bucket="ver", Key="k")["Body"].read(), b"v2")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.delete_bucket(Bucket="ver")
        self.assertClientError(ctx.exception, "BucketNotEmpty", 409)


class S3PolicyTest(OrgtrailTestCase):

    def member_client(self):
        orgs = self.client("organizations")
        orgs.create_organization()
        acct = orgs.create_account(Email="m@example.com", AccountName="member")
        self.server.admin("POST", "clock", {"advanceSeconds": 2})
        account_id = orgs.describe_create_account_status(
            CreateAccountRequestId=acct["CreateAccountStatus"]["Id"]
        )["CreateAccountStatus"]["AccountId"]
        creds = self.client("sts").assume_role(
            RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % account_id,
            RoleSessionName="reader")["Credentials"]
        return account_id, self.client("s3", access_key=creds["AccessKeyId"],
                                       secret_key=creds["SecretAccessKey"],
                                       session_token=creds["SessionToken"])

    def test_member_reads_only_when_the_bucket_policy_allows(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="log-archive")
        s3.put_object(Bucket="log-archive", Key="AWSLogs/file.json", Body=b"{}")
        member_id, member = self.member_client()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.get_object(Bucket="log-archive", Key="AWSLogs/file.json")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.list_objects_v2(Bucket="log-archive")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % member_id},
             "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::log-archive", "arn:aws:s3:::log-archive/*"]}]}
        s3.put_bucket_policy(Bucket="log-archive", Policy=json.dumps(policy))
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket="log-archive")["Policy"]), policy)
        self.assertEqual(member.get_object(Bucket="log-archive",
                                           Key="AWSLogs/file.json")["Body"].read(), b"{}")
        self.assertEqual(member.list_objects_v2(Bucket="log-archive")["KeyCount"], 1)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.put_object(Bucket="log-archive", Key="x", Body=b"no")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.get_bucket_policy(Bucket="log-archive")
        self.assertClientError(ctx.exception, "MethodNotAllowed", 405)

    def test_copy_object_needs_get_object_on_the_source(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="copy-src")
        s3.put_object(Bucket="copy-src", Key="secret", Body=b"source bytes")
        member_id, member = self.member_client()
        member.create_bucket(Bucket="member-dst")
        src = {"Bucket": "copy-src", "Key": "secret"}
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            member.copy_object(Bucket="member-dst", Key="copy", CopySource=src)
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        self.assertEqual(member.list_objects_v2(Bucket="member-dst")["KeyCount"], 0)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % member_id},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::copy-src/*"}]}
        s3.put_bucket_policy(Bucket="copy-src", Policy=json.dumps(policy))
        member.copy_object(Bucket="member-dst", Key="copy", CopySource=src)
        self.assertEqual(member.get_object(Bucket="member-dst", Key="copy")["Body"].read(),
                         b"source bytes")

    def test_malformed_policy_and_root_always_manages_it(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="pol")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.put_bucket_policy(Bucket="pol", Policy='{"Version":"2012-10-17","Statement":[]')
        self.assertClientError(ctx.exception, "MalformedPolicy", 400)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.put_bucket_policy(Bucket="pol", Policy=json.dumps({"Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::other/*"}]}))
        self.assertClientError(ctx.exception, "MalformedPolicy", 400, "Policy has invalid resource")
        deny_all = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::pol", "arn:aws:s3:::pol/*"]}]}
        s3.put_bucket_policy(Bucket="pol", Policy=json.dumps(deny_all))
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_bucket_policy(Bucket="pol")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        key = self.server.root_keys()[0]
        root = self.client("s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
        self.assertIn("Deny", root.get_bucket_policy(Bucket="pol")["Policy"])
        root.delete_bucket_policy(Bucket="pol")
        self.assertEqual(s3.list_objects_v2(Bucket="pol")["KeyCount"], 0)

    def test_anonymous_access_by_policy_alone(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="pub")
        s3.put_object(Bucket="pub", Key="index.html", Body=b"<html/>")
        url = "%s/pub/index.html" % self.endpoint
        self.assertEqual(http_request("GET", url).status, 403)
        s3.put_bucket_policy(Bucket="pub", Policy=json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::pub/*"}]}))
        got = http_request("GET", url)
        self.assertEqual((got.status, got.body), (200, b"<html/>"))
        self.assertEqual(http_request("PUT", url, body=b"x").status, 403)


if __name__ == "__main__":
    unittest.main()
