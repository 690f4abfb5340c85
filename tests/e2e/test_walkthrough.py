"""Steps 1-15 of the organization walkthrough (spec/walkthrough.md) with the AWS CLI v2, and
step 18 (`aws cloudtrail validate-logs`) with the AWS CLI v1: an organization trail created by
the delegated administrator in the log account delivers the member account's records to the
log bucket and to the member's stream in CloudWatch Logs."""
import gzip
import json
import os
import re
import subprocess
import unittest

from orgtrail_harness import OrgtrailTestCase, cli_env, find_cli_v1

REGION = "ap-northeast-1"
BUCKET = "org-trail-logs"
MEMBER_BUCKET = "member-bucket-1"


class WalkthroughTest(OrgtrailTestCase):

    def cli(self, *args, keys=None):
        kwargs = {}
        if keys:
            kwargs = {"access_key": keys[0], "secret_key": keys[1]}
        return self.aws(2, "--region", REGION, *args, **kwargs)

    def ok(self, *args, keys=None):
        r = self.cli(*args, keys=keys)
        self.assertEqual(r.returncode, 0, r)
        return r.json if r.stdout.strip() else {}

    def fails(self, code, *args, keys=None):
        r = self.cli(*args, keys=keys)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn(code, r.stderr, r)
        return r.stderr

    def root_keys_of(self, account_id):
        status, body = self.server.admin("POST", "accounts/%s/root-access-key" % account_id)
        self.assertEqual(status, 200, body)
        return body["AccessKeyId"], body["SecretAccessKey"]

    def flush(self, digests=False):
        status, body = self.server.admin("POST", "flush" + ("?digests=true" if digests else ""))
        self.assertEqual(status, 200, body)

    def test_walkthrough(self):
        status, health = self.server.admin("GET", "health")
        if "s3" not in health.get("services", []):
            self.skipTest("S3 is not served by this build")
        # 1. Organization with a log and a member account.
        org = self.ok("organizations", "create-organization", "--feature-set", "ALL")
        org_id = org["Organization"]["Id"]
        mgmt = org["Organization"]["MasterAccountId"]
        requests = {}
        for name in ("log", "member"):
            requests[name] = self.ok("organizations", "create-account", "--email",
                                     "%s@example.com" % name, "--account-name",
                                     name)["CreateAccountStatus"]["Id"]
        self.server.admin("POST", "clock", {"advanceSeconds": 2})
        ids = {}
        for name, rid in requests.items():
            st = self.ok("organizations", "describe-create-account-status",
                         "--create-account-request-id", rid)["CreateAccountStatus"]
            self.assertEqual(st["State"], "SUCCEEDED")
            ids[name] = st["AccountId"]
        log_id, member_id = ids["log"], ids["member"]
        log = self.root_keys_of(log_id)
        member = self.root_keys_of(member_id)

        # 3 (before 2): refused without trusted access.
        self.fails("CloudTrailAccessNotEnabledException", "cloudtrail",
                   "register-organization-delegated-admin", "--member-account-id", log_id)
        # 2. Trusted access.
        self.ok("organizations", "enable-aws-service-access", "--service-principal",
                "cloudtrail.amazonaws.com")
        access = self.ok("organizations", "list-aws-service-access-for-organization")
        self.assertIn("cloudtrail.amazonaws.com",
                      [s["ServicePrincipal"] for s in access["EnabledServicePrincipals"]])
        self.ok("iam", "get-role", "--role-name", "AWSServiceRoleForCloudTrail")
        # 3. Delegated administrator.
        self.ok("cloudtrail", "register-organization-delegated-admin", "--member-account-id",
                log_id)
        admins = self.ok("organizations", "list-delegated-administrators",
                         "--service-principal", "cloudtrail.amazonaws.com")
        self.assertEqual([a["Id"] for a in admins["DelegatedAdministrators"]], [log_id])

        # 4. The log bucket in the log account.
        self.ok("s3api", "create-bucket", "--bucket", BUCKET, "--create-bucket-configuration",
                "LocationConstraint=" + REGION, keys=log)
        # 5. CreateTrail without a bucket policy is refused.
        create = ("cloudtrail", "create-trail", "--name", "org-trail", "--s3-bucket-name",
                  BUCKET, "--is-organization-trail", "--is-multi-region-trail",
                  "--enable-log-file-validation")
        err = self.fails("InsufficientS3BucketPolicyException", *create, keys=log)
        self.assertIn("Incorrect S3 bucket policy is detected for bucket: " + BUCKET, err)
        # 6. The organization-trail bucket policy, then the trail, then StartLogging by ARN.
        trail_arn = "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (REGION, mgmt)
        cond = {"StringEquals": {"aws:SourceArn": trail_arn}}
        write_cond = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                       "aws:SourceArn": trail_arn}}
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
             "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Action": "s3:GetBucketAcl",
             "Resource": "arn:aws:s3:::" + BUCKET, "Condition": cond},
            {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow",
             "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::%s/AWSLogs/%s/*" % (BUCKET, mgmt), "Condition": write_cond},
            {"Sid": "AWSCloudTrailOrganizationWrite20150319", "Effect": "Allow",
             "Principal": {"Service": ["cloudtrail.amazonaws.com"]}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::%s/AWSLogs/%s/*" % (BUCKET, org_id),
             "Condition": write_cond}]}
        self.ok("s3api", "put-bucket-policy", "--bucket", BUCKET, "--policy",
                json.dumps(policy), keys=log)
        trail = self.ok(*create, keys=log)
        self.assertEqual(trail["TrailARN"], trail_arn)
        self.assertTrue(trail["IsOrganizationTrail"])
        self.ok("cloudtrail", "start-logging", "--name", trail_arn, keys=log)

        # 7. Log group, role policy, role.
        self.ok("logs", "create-log-group", "--log-group-name", "org-trail-logs", keys=log)
        groups = self.ok("logs", "describe-log-groups", "--log-group-name-prefix",
                         "org-trail-logs", keys=log)["logGroups"]
        group_arn = groups[0]["arn"]
        self.assertTrue(group_arn.endswith(":*"), group_arn)
        stream_base = "arn:aws:logs:%s:%s:log-group:org-trail-logs:log-stream:" % (REGION, log_id)

        def role_policy(base):
            return json.dumps({"Version": "2012-10-17", "Statement": [
                {"Sid": "AWSCloudTrailCreateLogStream2014110", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream"],
                 "Resource": [base + "%s_CloudTrail_%s*" % (mgmt, REGION), base + org_id + "_*"]},
                {"Sid": "AWSCloudTrailPutLogEvents20141101", "Effect": "Allow",
                 "Action": ["logs:PutLogEvents"],
                 "Resource": [base + "%s_CloudTrail_%s*" % (mgmt, REGION), base + org_id + "_*"]}]})

        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole"}]})
        good = self.ok("iam", "create-policy", "--policy-name", "CloudTrailToLogs",
                       "--policy-document", role_policy(stream_base), keys=log)["Policy"]["Arn"]
        bad_base = stream_base.replace(":log-stream:", "::log-stream:")
        bad = self.ok("iam", "create-policy", "--policy-name", "CloudTrailToLogsWrong",
                      "--policy-document", role_policy(bad_base), keys=log)["Policy"]["Arn"]
        role_arn = self.ok("iam", "create-role", "--role-name", "CloudTrail_CloudWatchLogs_Role",
                           "--assume-role-policy-document", trust, keys=log)["Role"]["Arn"]
        wrong_role = self.ok("iam", "create-role", "--role-name", "CloudTrailWrongRole",
                             "--assume-role-policy-document", trust, keys=log)["Role"]["Arn"]
        self.ok("iam", "attach-role-policy", "--role-name", "CloudTrail_CloudWatchLogs_Role",
                "--policy-arn", good, keys=log)
        self.ok("iam", "attach-role-policy", "--role-name", "CloudTrailWrongRole",
                "--policy-arn", bad, keys=log)

        # 8. By name from the log account: the trail is the management account's.
        update = ("--cloud-watch-logs-log-group-arn", group_arn)
        err = self.fails("TrailNotFoundException", "cloudtrail", "update-trail", "--name",
                         "org-trail", *update, "--cloud-watch-logs-role-arn", role_arn, keys=log)
        self.assertIn("Unknown trail: arn:aws:cloudtrail:%s:%s:trail/org-trail for the user: %s"
                      % (REGION, log_id, log_id), err)
        # 9. describe-trails shows the ARN; a role with a wrong stream ARN is refused.
        described = self.ok("cloudtrail", "describe-trails", keys=log)["trailList"]
        self.assertEqual([t["TrailARN"] for t in described], [trail_arn])
        err = self.fails("InvalidCloudWatchLogsLogGroupArnException", "cloudtrail",
                         "update-trail", "--name", trail_arn, *update,
                         "--cloud-watch-logs-role-arn", wrong_role, keys=log)
        self.assertIn("Access denied. Check the permissions for your role.", err)
        # 10. With the ARN and the right role.
        updated = self.ok("cloudtrail", "update-trail", "--name", trail_arn, *update,
                          "--cloud-watch-logs-role-arn", role_arn, keys=log)
        self.assertEqual(updated["CloudWatchLogsRoleArn"], role_arn)

        # 12. The member creates a bucket.
        self.ok("s3api", "create-bucket", "--bucket", MEMBER_BUCKET,
                "--create-bucket-configuration", "LocationConstraint=" + REGION, keys=member)
        # 11. (any activity) The management account acts too.
        self.ok("s3api", "list-buckets")
        self.flush()
        status = self.ok("cloudtrail", "get-trail-status", "--name", trail_arn, keys=log)
        self.assertTrue(status["IsLogging"])
        self.assertIn("LatestCloudWatchLogsDeliveryTime", status)
        self.assertIn("LatestDeliveryTime", status)
        self.assertNotIn("LatestDeliveryError", status)

        # 11. The streams.
        member_stream = "%s_%s_CloudTrail_%s" % (org_id, member_id, REGION)
        streams = [s["logStreamName"] for s in self.ok(
            "logs", "describe-log-streams", "--log-group-name", "org-trail-logs",
            keys=log)["logStreams"]]
        self.assertIn(member_stream, streams)
        self.assertIn("%s_CloudTrail_%s" % (mgmt, REGION), streams)
        # 13. The member's CreateBucket in its stream.
        found = self.ok("logs", "filter-log-events", "--log-group-name", "org-trail-logs",
                        "--log-stream-names", member_stream, "--filter-pattern", "CreateBucket",
                        keys=log)["events"]
        records = [json.loads(e["message"]) for e in found]
        self.assertTrue(any(r["eventName"] == "CreateBucket" and
                            MEMBER_BUCKET in json.dumps(r["requestParameters"])
                            for r in records), records)
        # 14. The log file in the log bucket.
        prefix = "AWSLogs/%s/%s/CloudTrail/%s/" % (org_id, member_id, REGION)
        listing = self.ok("s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", prefix,
                          keys=log)
        keys = [o["Key"] for o in listing.get("Contents", [])]
        pattern = re.compile(re.escape(prefix) + r"\d{4}/\d{2}/\d{2}/" + member_id +
                             "_CloudTrail_" + REGION + r"_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$")
        self.assertTrue(keys and all(pattern.match(k) for k in keys), keys)
        s3 = self.client("s3", access_key=log[0], secret_key=log[1], region=REGION)
        delivered = []
        for k in keys:
            body = s3.get_object(Bucket=BUCKET, Key=k)["Body"].read()
            delivered += json.loads(gzip.decompress(body))["Records"]
        self.assertTrue(any(r["eventName"] == "CreateBucket" and
                            r["recipientAccountId"] == member_id for r in delivered), delivered)

        # 15. Event history.
        events = self.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                         "AttributeKey=EventName,AttributeValue=CreateBucket",
                         keys=member)["Events"]
        self.assertTrue(any(MEMBER_BUCKET in e["CloudTrailEvent"] for e in events), events)
        failed = self.ok("cloudtrail", "lookup-events", "--lookup-attributes",
                         "AttributeKey=EventName,AttributeValue=UpdateTrail", keys=log)["Events"]
        codes = [json.loads(e["CloudTrailEvent"]).get("errorCode") for e in failed]
        self.assertIn("TrailNotFoundException", codes)
        self.assertIn("InvalidCloudWatchLogsLogGroupArnException", codes)

        # 18. validate-logs (CLI v1) by the bucket owner, for the member's chain.
        self.flush(digests=True)
        self.validate_logs(log, trail_arn, member_id, s3, keys[0])

    def validate_logs(self, log, trail_arn, member_id, s3, altered_key):
        exe = find_cli_v1()
        if exe is None:
            raise unittest.SkipTest("AWS CLI v1 not found")
        env = cli_env(log[0], log[1], extra={"AWS_ENDPOINT_URL": self.endpoint,
                                              "AWS_DEFAULT_REGION": REGION})
        argv = [exe, "cloudtrail", "validate-logs", "--trail-arn", trail_arn, "--account-id",
                member_id, "--region", REGION, "--start-time", "2000-01-01T00:00:00Z",
                "--verbose"]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertRegex(proc.stdout, r"(\d+)/\1 digest files valid")
        self.assertRegex(proc.stdout, r"(\d+)/\1 log files valid")
        # Alter one log file: validate-logs names it.
        body = gzip.compress(b'{"Records":[]}')
        s3.put_object(Bucket=BUCKET, Key=altered_key, Body=body)
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)
        self.assertNotEqual(proc.returncode, 0, proc.stdout)
        self.assertIn(altered_key, proc.stdout + proc.stderr)
        self.assertIn("hash value doesn't match", proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
