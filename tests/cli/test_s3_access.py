"""S3 Block Public Access enforced (BlockPublicPolicy, BlockPublicAcls, RestrictPublicBuckets) and
the versioned IAM actions (s3:GetObjectVersion, s3:DeleteObjectVersion, ...), with the AWS CLI v1
and v2 and boto3."""

import json
import os
import unittest

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase, http_request

PUBLIC_READ = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::pab/*"}]}


class S3PublicAccessBlockTest(OrgtrailTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = self.client("s3")
        self.s3.create_bucket(Bucket="pab")
        self.s3.put_object(Bucket="pab", Key="index.html", Body=b"<html/>")

    def block(self, **settings):
        cfg = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
               "RestrictPublicBuckets": False}
        cfg.update(settings)
        self.s3.put_public_access_block(Bucket="pab", PublicAccessBlockConfiguration=cfg)

    def test_block_public_policy_both_clis(self):
        self.block(BlockPublicPolicy=True)
        for version in (1, 2):
            out = self.aws(version, "s3api", "put-bucket-policy", "--bucket", "pab",
                           "--policy", json.dumps(PUBLIC_READ))
            self.assertNotEqual(out.returncode, 0, out)
            self.assertIn("AccessDenied", out.stderr)
            self.assertIn("BlockPublicPolicy", out.stderr)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_bucket_policy(Bucket="pab")
        self.assertClientError(ctx.exception, "NoSuchBucketPolicy", 404)
        # A policy pinned to an account or a source ARN is not public and is accepted.
        fixed = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::pab/*",
             "Condition": {"StringEquals": {
                 "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:%s:trail/t" % ACCOUNT_ID}}},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::pab/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}]}
        out = self.aws(2, "s3api", "put-bucket-policy", "--bucket", "pab",
                       "--policy", json.dumps(fixed))
        self.assertEqual(out.returncode, 0, out)
        # Turning the setting off admits the public policy; existing policies are not touched by
        # turning it back on.
        self.block(BlockPublicPolicy=False)
        self.s3.put_bucket_policy(Bucket="pab", Policy=json.dumps(PUBLIC_READ))
        self.block(BlockPublicPolicy=True)
        self.assertEqual(json.loads(self.s3.get_bucket_policy(Bucket="pab")["Policy"]),
                         PUBLIC_READ)

    def test_block_public_acls_both_clis(self):
        self.s3.put_bucket_ownership_controls(Bucket="pab", OwnershipControls={
            "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        self.block(BlockPublicAcls=True)
        for version in (1, 2):
            out = self.aws(version, "s3api", "put-object", "--bucket", "pab", "--key", "p",
                           "--acl", "public-read")
            self.assertNotEqual(out.returncode, 0, out)
            self.assertIn("AccessDenied", out.stderr)
            out = self.aws(version, "s3api", "put-bucket-acl", "--bucket", "pab",
                           "--acl", "public-read-write")
            self.assertNotEqual(out.returncode, 0, out)
            self.assertIn("BlockPublicAcls", out.stderr)
        for acl in ("public-read", "public-read-write", "authenticated-read"):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.s3.put_object_acl(Bucket="pab", Key="index.html", ACL=acl)
            self.assertClientError(ctx.exception, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.copy_object(Bucket="pab", Key="copy", ACL="public-read",
                                CopySource={"Bucket": "pab", "Key": "index.html"})
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.create_multipart_upload(Bucket="pab", Key="mpu", ACL="public-read")
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        # Nothing was written; private ACLs are fine.
        self.assertEqual(self.s3.list_objects_v2(Bucket="pab")["KeyCount"], 1)
        self.assertEqual(self.s3.get_object_acl(Bucket="pab", Key="index.html")["Grants"][0]
                         ["Permission"], "FULL_CONTROL")
        self.s3.put_object(Bucket="pab", Key="private", Body=b"x", ACL="bucket-owner-full-control")
        self.s3.put_bucket_acl(Bucket="pab", ACL="private")
        # Off again: the public ACL is accepted.
        self.block(BlockPublicAcls=False)
        self.s3.put_object(Bucket="pab", Key="p", Body=b"x", ACL="public-read")

    def test_restrict_public_buckets(self):
        self.s3.put_bucket_policy(Bucket="pab", Policy=json.dumps(PUBLIC_READ))
        url = "%s/pab/index.html" % self.endpoint
        self.assertEqual(http_request("GET", url).status, 200)
        self.block(RestrictPublicBuckets=True)
        self.assertEqual(http_request("GET", url).status, 403)
        # The owner's account keeps its access (identity policies).
        self.assertEqual(self.s3.get_object(Bucket="pab", Key="index.html")["Body"].read(),
                         b"<html/>")
        out = self.aws(1, "s3", "cp", "s3://pab/index.html", "-")
        self.assertEqual((out.returncode, out.stdout), (0, "<html/>"), out)
        self.block(RestrictPublicBuckets=False)
        self.assertEqual(http_request("GET", url).status, 200)
        self.s3.delete_public_access_block(Bucket="pab")
        self.assertEqual(http_request("GET", url).status, 200)


class S3VersionActionsTest(OrgtrailTestCase):

    def user_client(self, actions, keep=False):
        iam = self.client("iam")
        name = "reader-%d" % len(actions)
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": "arn:aws:s3:::ver/*"}]}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        if keep:
            self.reader_key = key
        return self.client("s3", access_key=key["AccessKeyId"],
                           secret_key=key["SecretAccessKey"])

    def test_old_versions_need_the_version_actions(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="ver")
        s3.put_bucket_versioning(Bucket="ver", VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="ver", Key="k", Body=b"one")["VersionId"]
        s3.put_object(Bucket="ver", Key="k", Body=b"two")
        get_only = self.user_client(["s3:GetObject"], keep=True)
        self.assertEqual(get_only.get_object(Bucket="ver", Key="k")["Body"].read(), b"two")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            get_only.get_object(Bucket="ver", Key="k", VersionId=v1)
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        self.assertIn("s3:GetObjectVersion", ctx.exception.response["Error"]["Message"])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            get_only.head_object(Bucket="ver", Key="k", VersionId=v1)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            get_only.get_object_tagging(Bucket="ver", Key="k", VersionId=v1)
        self.assertClientError(ctx.exception, "AccessDenied", 403)

        versions = self.user_client(["s3:GetObjectVersion", "s3:DeleteObject"])
        self.assertEqual(versions.get_object(Bucket="ver", Key="k", VersionId=v1)["Body"].read(),
                         b"one")
        # s3:DeleteObject does not remove a version: that is s3:DeleteObjectVersion.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            versions.delete_object(Bucket="ver", Key="k", VersionId=v1)
        self.assertClientError(ctx.exception, "AccessDenied", 403)
        out = versions.delete_objects(Bucket="ver", Delete={"Objects": [
            {"Key": "k", "VersionId": v1}, {"Key": "other"}]})
        self.assertEqual([(e["Key"], e["Code"]) for e in out["Errors"]], [("k", "AccessDenied")])
        self.assertEqual([d["Key"] for d in out["Deleted"]], ["other"])
        self.assertEqual(s3.get_object(Bucket="ver", Key="k", VersionId=v1)["Body"].read(), b"one")
        # The CLIs show the same refusal.
        key = self.reader_key
        for version in (1, 2):
            out = self.aws(version, "s3api", "get-object", "--bucket", "ver", "--key", "k",
                           "--version-id", v1, os.devnull, access_key=key["AccessKeyId"],
                           secret_key=key["SecretAccessKey"])
            self.assertNotEqual(out.returncode, 0, out)
            self.assertIn("AccessDenied", out.stderr)
        s3.delete_object(Bucket="ver", Key="k", VersionId=v1)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s3.get_object(Bucket="ver", Key="k", VersionId=v1)
        self.assertClientError(ctx.exception, "NoSuchVersion", 404)


if __name__ == "__main__":
    unittest.main()
