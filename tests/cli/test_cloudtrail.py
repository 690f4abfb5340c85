"""CloudTrail trails with both AWS CLI versions (spec/cloudtrail.md §1, §2, §6, §8.3, §9.1):
create/get/describe (shadow trails)/list/update/delete, start/stop/status, event selectors
(basic and advanced), insight selectors, tags, list-public-keys, delegated administrator, and
the organization-trail pitfalls with AWS's errors. boto3 does the set-up."""

import json

from orgtrail_harness import ACCOUNT_ID, OrgtrailTestCase

REGION = "us-east-1"


def bucket_policy(bucket, trail_arn, prefixes):
    acl = {"StringEquals": {"aws:SourceArn": trail_arn}}
    write = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                              "aws:SourceArn": trail_arn}}
    statements = [{"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
                   "Principal": {"Service": "cloudtrail.amazonaws.com"},
                   "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::" + bucket,
                   "Condition": acl}]
    for i, p in enumerate(prefixes):
        statements.append({"Sid": "AWSCloudTrailWrite%d" % i, "Effect": "Allow",
                           "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
                           "Action": "s3:PutObject",
                           "Resource": "arn:aws:s3:::%s/AWSLogs/%s/*" % (bucket, p),
                           "Condition": write})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


class CloudTrailTrailsTest(OrgtrailTestCase):

    def ok(self, version, *args, keys=None, region=REGION):
        kwargs = {"access_key": keys[0], "secret_key": keys[1]} if keys else {}
        r = self.aws(version, "--region", region, *args, **kwargs)
        return self.assertCliOk(r) if r.stdout.strip() or r.returncode else {}

    def fails(self, version, code, *args, keys=None, region=REGION):
        kwargs = {"access_key": keys[0], "secret_key": keys[1]} if keys else {}
        r = self.aws(version, "--region", region, *args, **kwargs)
        self.assertCliError(r, code)
        return r.stderr

    def account_bucket(self, bucket, trail_names):
        s3 = self.client("s3")
        s3.create_bucket(Bucket=bucket)
        # One policy naming every trail that will write to it.
        statements = []
        for name in trail_names:
            arn = "arn:aws:cloudtrail:%s:%s:trail/%s" % (REGION, ACCOUNT_ID, name)
            statements += json.loads(bucket_policy(bucket, arn, [ACCOUNT_ID]))["Statement"]
        for i, s in enumerate(statements):
            s["Sid"] = "S%d" % i
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))

    def organization(self):
        org = self.client("organizations")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        reqs = [org.create_account(Email="%s@example.com" % n, AccountName=n)
                ["CreateAccountStatus"]["Id"] for n in ("log", "member")]
        self.server.admin("POST", "clock", {"advanceSeconds": 2})
        ids = [org.describe_create_account_status(CreateAccountRequestId=r)
               ["CreateAccountStatus"]["AccountId"] for r in reqs]
        org.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
        keys = []
        for account in ids:
            status, body = self.server.admin("POST", "accounts/%s/root-access-key" % account)
            self.assertEqual(status, 200, body)
            keys.append((body["AccessKeyId"], body["SecretAccessKey"]))
        return org_id, ids[0], ids[1], keys[0], keys[1]

    # -- account trails ------------------------------------------------------------------

    def test_account_trail_lifecycle_with_both_clis(self):
        self.account_bucket("trail-bucket", ["trail-v1", "trail-v2"])
        for v in (1, 2):
            with self.subTest(cli=v):
                name = "trail-v%d" % v
                arn = "arn:aws:cloudtrail:%s:%s:trail/%s" % (REGION, ACCOUNT_ID, name)
                created = self.ok(v, "cloudtrail", "create-trail", "--name", name,
                                  "--s3-bucket-name", "trail-bucket")
                self.assertEqual(created["TrailARN"], arn)
                self.assertEqual(created["S3BucketName"], "trail-bucket")
                self.assertTrue(created["IncludeGlobalServiceEvents"])
                self.assertFalse(created["IsMultiRegionTrail"])
                self.assertFalse(created["LogFileValidationEnabled"])
                self.assertFalse(created["IsOrganizationTrail"])
                self.assertNotIn("HomeRegion", created)
                self.fails(v, "TrailAlreadyExistsException", "cloudtrail", "create-trail",
                           "--name", name, "--s3-bucket-name", "trail-bucket")

                trail = self.ok(v, "cloudtrail", "get-trail", "--name", name)["Trail"]
                self.assertEqual(trail["HomeRegion"], REGION)
                self.assertFalse(trail["HasCustomEventSelectors"])
                self.assertFalse(trail["HasInsightSelectors"])
                listed = self.ok(v, "cloudtrail", "list-trails")["Trails"]
                self.assertIn({"TrailARN": arn, "Name": name, "HomeRegion": REGION}, listed)
                described = self.ok(v, "cloudtrail", "describe-trails", "--trail-name-list",
                                    name)["trailList"]
                self.assertEqual([t["TrailARN"] for t in described], [arn])

                updated = self.ok(v, "cloudtrail", "update-trail", "--name", name,
                                  "--enable-log-file-validation", "--is-multi-region-trail")
                self.assertTrue(updated["LogFileValidationEnabled"])
                self.assertTrue(updated["IsMultiRegionTrail"])

                status = self.ok(v, "cloudtrail", "get-trail-status", "--name", name)
                self.assertFalse(status["IsLogging"])
                self.ok(v, "cloudtrail", "start-logging", "--name", name)
                status = self.ok(v, "cloudtrail", "get-trail-status", "--name", arn)
                self.assertTrue(status["IsLogging"])
                self.assertIn("StartLoggingTime", status)
                self.ok(v, "cloudtrail", "stop-logging", "--name", name)
                status = self.ok(v, "cloudtrail", "get-trail-status", "--name", name)
                self.assertFalse(status["IsLogging"])
                self.assertIn("StopLoggingTime", status)

                # Event selectors: the default, basic, then advanced (replacing basic).
                got = self.ok(v, "cloudtrail", "get-event-selectors", "--trail-name", name)
                self.assertEqual(got["TrailARN"], arn)
                self.assertEqual(got["EventSelectors"], [{
                    "ReadWriteType": "All", "IncludeManagementEvents": True,
                    "DataResources": [], "ExcludeManagementEventSources": []}])
                basic = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True,
                          "DataResources": [{"Type": "AWS::S3::Object",
                                             "Values": ["arn:aws:s3:::trail-bucket/"]}]}]
                self.ok(v, "cloudtrail", "put-event-selectors", "--trail-name", name,
                        "--event-selectors", json.dumps(basic))
                got = self.ok(v, "cloudtrail", "get-event-selectors", "--trail-name", name)
                self.assertEqual(got["EventSelectors"][0]["ReadWriteType"], "WriteOnly")
                self.assertEqual(got["EventSelectors"][0]["DataResources"],
                                 basic[0]["DataResources"])
                advanced = [{"Name": "mgmt", "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["false"]}]}]
                self.ok(v, "cloudtrail", "put-event-selectors", "--trail-name", name,
                        "--advanced-event-selectors", json.dumps(advanced))
                got = self.ok(v, "cloudtrail", "get-event-selectors", "--trail-name", name)
                self.assertNotIn("EventSelectors", got)
                self.assertEqual(got["AdvancedEventSelectors"][0]["Name"], "mgmt")
                self.assertEqual(len(got["AdvancedEventSelectors"][0]["FieldSelectors"]), 2)
                self.fails(v, "InvalidEventSelectorsException", "cloudtrail",
                           "put-event-selectors", "--trail-name", name,
                           "--advanced-event-selectors", json.dumps([{"FieldSelectors": [
                               {"Field": "noSuchField", "Equals": ["x"]}]}]))

                # Insight selectors are stored.
                self.ok(v, "cloudtrail", "put-insight-selectors", "--trail-name", name,
                        "--insight-selectors", '[{"InsightType":"ApiCallRateInsight"}]')
                got = self.ok(v, "cloudtrail", "get-insight-selectors", "--trail-name", name)
                self.assertEqual(got["InsightSelectors"], [{"InsightType": "ApiCallRateInsight"}])
                trail = self.ok(v, "cloudtrail", "get-trail", "--name", name)["Trail"]
                self.assertTrue(trail["HasCustomEventSelectors"])
                self.assertTrue(trail["HasInsightSelectors"])

                # Tags.
                self.ok(v, "cloudtrail", "add-tags", "--resource-id", arn, "--tags-list",
                        "Key=team,Value=audit", "Key=env,Value=test")
                tags = self.ok(v, "cloudtrail", "list-tags", "--resource-id-list",
                               arn)["ResourceTagList"]
                self.assertEqual(tags[0]["ResourceId"], arn)
                self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags[0]["TagsList"]),
                                 [("env", "test"), ("team", "audit")])
                self.ok(v, "cloudtrail", "remove-tags", "--resource-id", arn, "--tags-list",
                        "Key=env")
                tags = self.ok(v, "cloudtrail", "list-tags", "--resource-id-list",
                               arn)["ResourceTagList"]
                self.assertEqual(tags[0]["TagsList"], [{"Key": "team", "Value": "audit"}])

                self.ok(v, "cloudtrail", "delete-trail", "--name", name)
                err = self.fails(v, "TrailNotFoundException", "cloudtrail", "get-trail",
                                 "--name", name)
                self.assertIn("Unknown trail: %s for the user: %s" % (arn, ACCOUNT_ID), err)

    def test_shadow_trails_and_home_region(self):
        self.account_bucket("trail-bucket", ["everywhere", "local"])
        ct = self.client("cloudtrail")
        ct.create_trail(Name="everywhere", S3BucketName="trail-bucket", IsMultiRegionTrail=True)
        ct.create_trail(Name="local", S3BucketName="trail-bucket")
        for v in (1, 2):
            with self.subTest(cli=v):
                shadows = self.ok(v, "cloudtrail", "describe-trails",
                                  region="eu-west-1")["trailList"]
                self.assertEqual([(t["Name"], t["HomeRegion"]) for t in shadows],
                                 [("everywhere", REGION)])
                none = self.ok(v, "cloudtrail", "describe-trails", "--no-include-shadow-trails",
                               region="eu-west-1")["trailList"]
                self.assertEqual(none, [])
                home = self.ok(v, "cloudtrail", "describe-trails")["trailList"]
                self.assertEqual(sorted(t["Name"] for t in home), ["everywhere", "local"])
                # Reads work from a covered region; writes only in the home region.
                self.ok(v, "cloudtrail", "get-trail-status", "--name", "everywhere",
                        region="eu-west-1")
                self.fails(v, "InvalidHomeRegionException", "cloudtrail", "start-logging",
                           "--name", "everywhere", region="eu-west-1")
                self.fails(v, "TrailNotFoundException", "cloudtrail", "get-trail", "--name",
                           "local", region="eu-west-1")

    def test_bucket_policy_is_checked(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="no-policy")
        for v in (1, 2):
            with self.subTest(cli=v):
                err = self.fails(v, "InsufficientS3BucketPolicyException", "cloudtrail",
                                 "create-trail", "--name", "trail-t", "--s3-bucket-name", "no-policy")
                self.assertIn("Incorrect S3 bucket policy is detected for bucket: no-policy",
                              err)
                err = self.fails(v, "S3BucketDoesNotExistException", "cloudtrail",
                                 "create-trail", "--name", "trail-t", "--s3-bucket-name", "missing-b")
                self.assertIn("S3 bucket missing-b does not exist.", err)
        # A policy for another trail's ARN is not enough either.
        other = "arn:aws:cloudtrail:%s:%s:trail/other" % (REGION, ACCOUNT_ID)
        s3.put_bucket_policy(Bucket="no-policy",
                             Policy=bucket_policy("no-policy", other, [ACCOUNT_ID]))
        self.fails(2, "InsufficientS3BucketPolicyException", "cloudtrail", "create-trail",
                   "--name", "trail-t", "--s3-bucket-name", "no-policy")
        self.assertEqual(self.client("cloudtrail").describe_trails()["trailList"], [])

    def test_list_public_keys_with_both_clis(self):
        for v in (1, 2):
            with self.subTest(cli=v):
                keys = self.ok(v, "cloudtrail", "list-public-keys")["PublicKeyList"]
                self.assertEqual(len(keys), 1, keys)
                self.assertTrue(keys[0]["Value"].startswith("MIIBCgKCAQEA"), keys)
                self.assertRegex(keys[0]["Fingerprint"], r"^[0-9a-f]{32}$")
                self.assertIn("ValidityStartTime", keys[0])
                self.assertIn("ValidityEndTime", keys[0])

    # -- organization trails -------------------------------------------------------------

    def test_delegated_admin_with_both_clis(self):
        org_id, log_id, member_id, log, member = self.organization()
        orgs = self.client("organizations")
        for v in (1, 2):
            with self.subTest(cli=v):
                self.ok(v, "cloudtrail", "register-organization-delegated-admin",
                        "--member-account-id", log_id)
                admins = orgs.list_delegated_administrators(
                    ServicePrincipal="cloudtrail.amazonaws.com")["DelegatedAdministrators"]
                self.assertEqual([a["Id"] for a in admins], [log_id])
                self.ok(v, "cloudtrail", "deregister-organization-delegated-admin",
                        "--delegated-admin-account-id", log_id)
                admins = orgs.list_delegated_administrators(
                    ServicePrincipal="cloudtrail.amazonaws.com")["DelegatedAdministrators"]
                self.assertEqual(admins, [])
        # A member cannot register one.
        self.fails(2, "NotOrganizationManagementAccountException", "cloudtrail",
                   "register-organization-delegated-admin", "--member-account-id", log_id,
                   keys=member)

    def test_organization_trail_from_the_delegated_admin(self):
        org_id, log_id, member_id, log, member = self.organization()
        self.client("cloudtrail").register_organization_delegated_admin(MemberAccountId=log_id)
        arn = "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (REGION, ACCOUNT_ID)
        s3 = self.client("s3", access_key=log[0], secret_key=log[1])
        s3.create_bucket(Bucket="org-logs")
        s3.put_bucket_policy(Bucket="org-logs",
                             Policy=bucket_policy("org-logs", arn, [ACCOUNT_ID, org_id]))
        # A member that is not the delegated admin cannot create one.
        self.fails(2, "NotOrganizationMasterAccountException", "cloudtrail", "create-trail",
                   "--name", "org-trail", "--s3-bucket-name", "org-logs",
                   "--is-organization-trail", keys=member)
        created = self.ok(2, "cloudtrail", "create-trail", "--name", "org-trail",
                          "--s3-bucket-name", "org-logs", "--is-organization-trail",
                          "--is-multi-region-trail", keys=log)
        self.assertEqual(created["TrailARN"], arn)
        self.assertTrue(created["IsOrganizationTrail"])

        for v in (1, 2):
            with self.subTest(cli=v):
                # By name from the delegated admin: not its trail.
                err = self.fails(v, "TrailNotFoundException", "cloudtrail", "start-logging",
                                 "--name", "org-trail", keys=log)
                self.assertIn("Unknown trail: arn:aws:cloudtrail:%s:%s:trail/org-trail for the "
                              "user: %s" % (REGION, log_id, log_id), err)
                self.ok(v, "cloudtrail", "start-logging", "--name", arn, keys=log)
                # Members see it (same ARN) and cannot change it.
                seen = self.ok(v, "cloudtrail", "describe-trails", keys=member)["trailList"]
                self.assertEqual([(t["TrailARN"], t["IsOrganizationTrail"]) for t in seen],
                                 [(arn, True)])
                self.ok(v, "cloudtrail", "get-trail-status", "--name", arn, keys=member)
                self.fails(v, "CloudTrailARNInvalidException", "cloudtrail", "stop-logging",
                           "--name", arn, keys=member)
                self.fails(v, "CloudTrailARNInvalidException", "cloudtrail", "update-trail",
                           "--name", arn, "--no-include-global-service-events", keys=member)
                self.fails(v, "TrailNotFoundException", "cloudtrail", "get-trail", "--name",
                           "org-trail", keys=member)
        # The delegated admin cannot convert it to an account trail.
        self.fails(2, "NotOrganizationMasterAccountException", "cloudtrail", "update-trail",
                   "--name", arn, "--no-is-organization-trail", keys=log)

        # CloudWatch Logs: a role policy with a wrong log-stream ARN is refused.
        logs = self.client("logs", access_key=log[0], secret_key=log[1])
        logs.create_log_group(logGroupName="org-logs")
        group_arn = logs.describe_log_groups(logGroupNamePrefix="org-logs")["logGroups"][0]["arn"]
        iam = self.client("iam", access_key=log[0], secret_key=log[1])
        base = "arn:aws:logs:%s:%s:log-group:org-logs:log-stream:" % (REGION, log_id)

        def role(name, stream_base):
            doc = json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [stream_base + "%s_CloudTrail_%s*" % (ACCOUNT_ID, REGION),
                             stream_base + org_id + "_*"]}]})
            role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
            iam.put_role_policy(RoleName=name, PolicyName="logs", PolicyDocument=doc)
            return role_arn

        wrong = role("wrong", base.replace(":log-stream:", "::log-stream:"))
        right = role("right", base)
        untrusted = iam.create_role(RoleName="untrusted", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        for v in (1, 2):
            with self.subTest(cli=v):
                err = self.fails(v, "InvalidCloudWatchLogsLogGroupArnException", "cloudtrail",
                                 "update-trail", "--name", arn,
                                 "--cloud-watch-logs-log-group-arn", group_arn,
                                 "--cloud-watch-logs-role-arn", wrong, keys=log)
                self.assertIn("Access denied. Check the permissions for your role.", err)
                err = self.fails(v, "InvalidCloudWatchLogsRoleArnException", "cloudtrail",
                                 "update-trail", "--name", arn,
                                 "--cloud-watch-logs-log-group-arn", group_arn,
                                 "--cloud-watch-logs-role-arn", untrusted, keys=log)
                self.assertIn("Access denied. Check the trust relationships for your role.", err)
                err = self.fails(v, "InvalidCloudWatchLogsRoleArnException", "cloudtrail",
                                 "update-trail", "--name", arn,
                                 "--cloud-watch-logs-log-group-arn", group_arn, keys=log)
                self.assertIn("You must specify a role ARN as well as a log group.", err)
        updated = self.ok(1, "cloudtrail", "update-trail", "--name", arn,
                          "--cloud-watch-logs-log-group-arn", group_arn,
                          "--cloud-watch-logs-role-arn", right, keys=log)
        self.assertEqual(updated["CloudWatchLogsRoleArn"], right)
        self.assertEqual(updated["TrailARN"], arn)
