"""CloudTrail recording and event history: every call becomes a record that lookup-events finds
(spec/cloudtrail.md §5, §7), with both AWS CLI versions; records survive kill -9."""

import json
import time
import unittest

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, ADMIN_USER_ARN, OrgtrailTestCase, Server

TRUST_ACCOUNT = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT_ID},
                   "Action": "sts:AssumeRole"}],
})


def records(events):
    return [json.loads(e["CloudTrailEvent"]) for e in events]


class LookupEventsTest(OrgtrailTestCase):

    def lookup(self, version, *args):
        return self.assertCliOk(self.aws(version, "cloudtrail", "lookup-events", *args))["Events"]

    def test_lookup_by_event_name_with_both_clis(self):
        self.client("iam").create_user(UserName="alice")
        for version in (1, 2):
            with self.subTest(cli=version):
                events = self.lookup(version, "--lookup-attributes",
                                     "AttributeKey=EventName,AttributeValue=CreateUser")
                self.assertEqual(len(events), 1, events)
                event = events[0]
                self.assertEqual(event["EventName"], "CreateUser")
                self.assertEqual(event["EventSource"], "iam.amazonaws.com")
                self.assertEqual(event["ReadOnly"], "false")
                self.assertEqual(event["Username"], "orgtrail-admin")
                self.assertEqual(event["Resources"], [{
                    "ResourceType": "AWS::IAM::User",
                    "ResourceName": "arn:aws:iam::%s:user/alice" % ACCOUNT_ID}])
                record = json.loads(event["CloudTrailEvent"])
                self.assertEqual(record["eventID"], event["EventId"])
                self.assertEqual(record["userIdentity"]["type"], "IAMUser")
                self.assertEqual(record["userIdentity"]["arn"], ADMIN_USER_ARN)
                self.assertEqual(record["requestParameters"], {"userName": "alice"})
                self.assertEqual(record["responseElements"]["user"]["userName"], "alice")
                self.assertEqual(record["recipientAccountId"], ACCOUNT_ID)
                self.assertEqual(record["awsRegion"], "us-east-1")
                self.assertFalse(record["readOnly"])
                self.assertTrue(record["managementEvent"])
                self.assertEqual(record["eventCategory"], "Management")

    def test_other_attributes_and_pagination(self):
        iam = self.client("iam")
        for i in range(3):
            iam.create_user(UserName="u%d" % i)
        self.client("sts").get_caller_identity()
        by_resource = self.lookup(2, "--lookup-attributes",
                                  "AttributeKey=ResourceName,AttributeValue=arn:aws:iam::%s:user/u1"
                                  % ACCOUNT_ID)
        self.assertEqual([e["EventName"] for e in by_resource], ["CreateUser"])
        read_only = self.lookup(1, "--lookup-attributes",
                                "AttributeKey=ReadOnly,AttributeValue=true")
        self.assertIn("GetCallerIdentity", [e["EventName"] for e in read_only])
        self.assertNotIn("CreateUser", [e["EventName"] for e in read_only])
        ct = self.client("cloudtrail")
        page = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                   "AttributeValue": "CreateUser"}], MaxResults=2)
        self.assertEqual(len(page["Events"]), 2)
        rest = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                   "AttributeValue": "CreateUser"}],
                                MaxResults=2, NextToken=page["NextToken"])
        self.assertEqual(len(rest["Events"]), 1)
        self.assertNotIn("NextToken", rest)
        names = [json.loads(e["CloudTrailEvent"])["requestParameters"]["userName"]
                 for e in page["Events"] + rest["Events"]]
        self.assertEqual(names, ["u2", "u1", "u0"])  # newest first

    def test_failed_and_denied_calls_are_recorded_with_error_code(self):
        iam = self.client("iam")
        iam.create_user(UserName="bob")
        with self.assertRaises(botocore.exceptions.ClientError):
            iam.create_user(UserName="bob")
        iam.create_user(UserName="nobody")
        key = iam.create_access_key(UserName="nobody")["AccessKey"]
        denied = self.aws(2, "iam", "list-users", access_key=key["AccessKeyId"],
                          secret_key=key["SecretAccessKey"])
        self.assertCliError(denied, "AccessDenied")

        failed = records(self.lookup(2, "--lookup-attributes",
                                     "AttributeKey=EventName,AttributeValue=CreateUser"))
        errors = [r for r in failed if "errorCode" in r]
        self.assertEqual(len(errors), 1, failed)
        self.assertEqual(errors[0]["errorCode"], "EntityAlreadyExists")
        self.assertIsNone(errors[0]["responseElements"])

        by_user = self.lookup(1, "--lookup-attributes",
                              "AttributeKey=Username,AttributeValue=nobody")
        listed = [r for r in records(by_user) if r["eventName"] == "ListUsers"]
        self.assertEqual(len(listed), 1, by_user)
        self.assertEqual(listed[0]["errorCode"], "AccessDenied")
        self.assertIn("is not authorized to perform: iam:ListUsers", listed[0]["errorMessage"])
        self.assertEqual(listed[0]["userIdentity"]["userName"], "nobody")

    def test_assumed_role_user_identity(self):
        iam = self.client("iam")
        role = iam.create_role(RoleName="Auditor", AssumeRolePolicyDocument=TRUST_ACCOUNT)["Role"]
        creds = self.client("sts").assume_role(RoleArn=role["Arn"],
                                               RoleSessionName="audit-session")["Credentials"]
        ident = self.aws(2, "sts", "get-caller-identity", access_key=creds["AccessKeyId"],
                         secret_key=creds["SecretAccessKey"], session_token=creds["SessionToken"])
        self.assertCliOk(ident)
        events = self.lookup(2, "--lookup-attributes",
                             "AttributeKey=Username,AttributeValue=audit-session")
        self.assertEqual([e["EventName"] for e in events], ["GetCallerIdentity"])
        self.assertEqual(events[0]["AccessKeyId"], creds["AccessKeyId"])
        identity = json.loads(events[0]["CloudTrailEvent"])["userIdentity"]
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["arn"],
                         "arn:aws:sts::%s:assumed-role/Auditor/audit-session" % ACCOUNT_ID)
        self.assertEqual(identity["principalId"], role["RoleId"] + ":audit-session")
        issuer = identity["sessionContext"]["sessionIssuer"]
        self.assertEqual(issuer, {"type": "Role", "principalId": role["RoleId"],
                                  "arn": role["Arn"], "accountId": ACCOUNT_ID,
                                  "userName": "Auditor"})
        self.assertEqual(identity["sessionContext"]["attributes"]["mfaAuthenticated"], "false")
        # The AssumeRole call itself: the secret never appears in the record.
        assumed = records(self.lookup(2, "--lookup-attributes",
                                      "AttributeKey=EventName,AttributeValue=AssumeRole"))
        self.assertEqual(len(assumed), 1)
        credentials = assumed[0]["responseElements"]["credentials"]
        self.assertEqual(credentials["accessKeyId"], creds["AccessKeyId"])
        self.assertNotIn("secretAccessKey", credentials)
        self.assertNotIn(creds["SecretAccessKey"], json.dumps(assumed[0]))

    def test_validation_errors(self):
        two = self.aws(2, "cloudtrail", "lookup-events", "--lookup-attributes",
                       "AttributeKey=EventName,AttributeValue=A",
                       "AttributeKey=EventName,AttributeValue=B")
        self.assertCliError(two, "InvalidLookupAttributesException")
        backwards = self.aws(2, "cloudtrail", "lookup-events", "--start-time",
                             "2030-01-02T00:00:00Z", "--end-time", "2030-01-01T00:00:00Z")
        self.assertCliError(backwards, "InvalidTimeRangeException")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.client("cloudtrail").lookup_events(NextToken="not-a-token")
        self.assertClientError(ctx.exception, "InvalidNextTokenException", 400)


class RecordsSurviveKill9Test(unittest.TestCase):

    def setUp(self):
        self.server = Server()
        self.server.start()

    def tearDown(self):
        self.server.cleanup()

    def event_names(self):
        events = self.server.client("cloudtrail").lookup_events()["Events"]
        return [e["EventName"] for e in events]

    def test_records_survive_kill9(self):
        # A write's record commits with the write: killed right after the response, it is there.
        self.server.client("iam").create_user(UserName="durable")
        self.server.restart(hard=True)
        self.assertIn("CreateUser", self.event_names())
        # A read-only call's record is group-committed within 100 ms.
        self.server.client("sts").get_caller_identity()
        time.sleep(1)
        self.server.restart(hard=True)
        names = self.event_names()
        self.assertIn("GetCallerIdentity", names)
        self.assertIn("CreateUser", names)


if __name__ == "__main__":
    unittest.main()
