"""CloudTrail delivery survives kill -9 (spec/cloudtrail.md §4, issue: records are durable): the
records of calls made before the kill, not yet delivered, reach the trail's bucket after the
restart and are still in event history."""

import gzip
import json

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase

BUCKET = "durable-logs"
TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:%s:trail/durable" % ACCOUNT_ID


class DeliveryDurabilityTest(OrgtrailTestCase):
    # Nothing is delivered on its own before the kill.
    server_args = ("--trail-delivery-interval", "3600")

    def delivered_records(self):
        s3 = self.client("s3")
        prefix = "AWSLogs/%s/CloudTrail/" % ACCOUNT_ID
        records = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for obj in page.get("Contents", []):
                body = s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
                records += json.loads(gzip.decompress(body))["Records"]
        return records

    def test_records_journaled_before_kill9_are_delivered_after_restart(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:PutObject"],
                "Resource": ["arn:aws:s3:::" + BUCKET, "arn:aws:s3:::%s/*" % BUCKET]}]}))
        ct = self.client("cloudtrail")
        ct.create_trail(Name="durable", S3BucketName=BUCKET)
        ct.start_logging(Name="durable")
        iam = self.client("iam")
        names = ["before-kill-%d" % i for i in range(5)]
        for name in names:
            iam.create_user(UserName=name)
        self.assertEqual(self.delivered_records(), [])

        self.server.restart(hard=True)
        status, body = self.server.admin("POST", "flush")
        self.assertEqual(status, 200, body)

        created = [r["requestParameters"]["userName"] for r in self.delivered_records()
                   if r["eventName"] == "CreateUser"]
        self.assertEqual(sorted(created), names)
        self.assertTrue(self.client("cloudtrail").get_trail_status(Name="durable")["IsLogging"])
        events = self.client("cloudtrail").lookup_events(LookupAttributes=[{
            "AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
        self.assertEqual(sorted(e["Resources"][0]["ResourceName"].split("/")[-1]
                                for e in events), names)
        # Delivered once: a second flush adds no file with these records again.
        status, body = self.server.admin("POST", "flush")
        self.assertEqual(status, 200, body)
        again = [r for r in self.delivered_records() if r["eventName"] == "CreateUser"]
        self.assertEqual(len(again), len(names))
