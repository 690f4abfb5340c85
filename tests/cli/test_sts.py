"""STS through the AWS CLI v2, the AWS CLI v1 and boto3: GetCallerIdentity, GetSessionToken."""

import re
import unittest

import botocore.exceptions

from orgtrail_harness import (ACCOUNT_ID, ADMIN_USER_ARN, OrgtrailTestCase)

ASIA_KEY = re.compile(r"^ASIA[A-Z2-7]{16}$")
USER_ID = re.compile(r"^AIDA[A-Z0-9]{17}$")
SECRET = re.compile(r"^[A-Za-z0-9/+]{40}$")

INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"


def tampered(token):
    """The same token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


class GetCallerIdentityTest(OrgtrailTestCase):

    def assertAdminIdentity(self, ident):
        self.assertEqual(ident["Account"], ACCOUNT_ID, ident)
        self.assertEqual(ident["Arn"], ADMIN_USER_ARN, ident)
        self.assertRegex(ident["UserId"], USER_ID)
        self.assertEqual(len(ident["UserId"]), 21)

    def test_cli_v2(self):
        self.assertAdminIdentity(self.assertCliOk(self.aws(2, "sts", "get-caller-identity")))

    def test_cli_v1(self):
        self.assertAdminIdentity(self.assertCliOk(self.aws(1, "sts", "get-caller-identity")))

    def test_boto3(self):
        ident = self.client("sts").get_caller_identity()
        self.assertEqual(ident["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertAdminIdentity(ident)

    def test_user_id_is_stable(self):
        sts = self.client("sts")
        first = sts.get_caller_identity()["UserId"]
        self.assertEqual(sts.get_caller_identity()["UserId"], first)
        self.assertEqual(self.client("sts").get_caller_identity()["UserId"], first)


class GetSessionTokenTest(OrgtrailTestCase):

    def assertSessionCredentials(self, creds):
        self.assertRegex(creds["AccessKeyId"], ASIA_KEY)
        self.assertRegex(creds["SecretAccessKey"], SECRET)
        self.assertGreaterEqual(len(creds["SessionToken"]), 300)
        self.assertIn("Expiration", creds)

    def session_client(self, creds, service="sts", token=None):
        return self.client(service, access_key=creds["AccessKeyId"],
                           secret_key=creds["SecretAccessKey"],
                           session_token=creds["SessionToken"] if token is None else token)

    def new_session(self, **kwargs):
        creds = self.client("sts").get_session_token(**kwargs)["Credentials"]
        self.assertSessionCredentials(creds)
        return creds

    def test_cli_v2_session_token_and_use(self):
        out = self.assertCliOk(self.aws(2, "sts", "get-session-token"))
        creds = out["Credentials"]
        self.assertSessionCredentials(creds)
        ident = self.assertCliOk(self.aws(
            2, "sts", "get-caller-identity", access_key=creds["AccessKeyId"],
            secret_key=creds["SecretAccessKey"], session_token=creds["SessionToken"]))
        self.assertEqual(ident["Arn"], ADMIN_USER_ARN)
        self.assertEqual(ident["Account"], ACCOUNT_ID)

    def test_cli_v2_wrong_token(self):
        creds = self.new_session()
        result = self.aws(2, "sts", "get-caller-identity", access_key=creds["AccessKeyId"],
                          secret_key=creds["SecretAccessKey"],
                          session_token=tampered(creds["SessionToken"]))
        self.assertCliError(result, "InvalidClientTokenId")

    def test_boto3_session_credentials_work(self):
        creds = self.new_session()
        ident = self.session_client(creds).get_caller_identity()
        self.assertEqual(ident["Arn"], ADMIN_USER_ARN)
        self.assertEqual(ident["Account"], ACCOUNT_ID)
        self.assertRegex(ident["UserId"], USER_ID)

    def test_two_sessions_are_distinct(self):
        a = self.new_session()
        b = self.new_session()
        self.assertNotEqual(a["AccessKeyId"], b["AccessKeyId"])
        self.assertNotEqual(a["SessionToken"], b["SessionToken"])

    def test_explicit_duration(self):
        creds = self.new_session(DurationSeconds=900)
        self.assertEqual(self.session_client(creds).get_caller_identity()["Arn"], ADMIN_USER_ARN)

    def test_wrong_token(self):
        creds = self.new_session()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.session_client(creds, token=tampered(creds["SessionToken"])).get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)

    def test_token_of_another_session(self):
        a = self.new_session()
        b = self.new_session()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.session_client(a, token=b["SessionToken"]).get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)

    def test_missing_token(self):
        creds = self.new_session()
        sts = self.client("sts", access_key=creds["AccessKeyId"],
                          secret_key=creds["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)

    def test_long_term_key_with_token(self):
        creds = self.new_session()
        sts = self.client("sts", session_token=creds["SessionToken"])  # test/test + a token
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)

    def test_get_session_token_with_session_credentials(self):
        creds = self.new_session()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.session_client(creds).get_session_token()
        self.assertClientError(cm.exception, "AccessDenied", 403,
                               "Cannot call GetSessionToken with session credentials")

    def test_session_expires_by_orgtrail_clock(self):
        creds = self.new_session()
        sts = self.session_client(creds)
        self.assertEqual(sts.get_caller_identity()["Arn"], ADMIN_USER_ARN)
        status, body = self.server.admin("POST", "clock", {"advanceSeconds": 43201})
        self.assertEqual(status, 200, body)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertClientError(cm.exception, "ExpiredToken", 403, EXPIRED_TOKEN_MESSAGE)
        # Signatures keep using the wall clock: long-term keys still work.
        self.assertEqual(self.client("sts").get_caller_identity()["Arn"], ADMIN_USER_ARN)

    def test_session_valid_before_expiry(self):
        creds = self.new_session(DurationSeconds=900)
        status, body = self.server.admin("POST", "clock", {"advanceSeconds": 600})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.session_client(creds).get_caller_identity()["Arn"], ADMIN_USER_ARN)
        status, body = self.server.admin("POST", "clock", {"advanceSeconds": 301})
        self.assertEqual(status, 200, body)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.session_client(creds).get_caller_identity()
        self.assertClientError(cm.exception, "ExpiredToken", 403, EXPIRED_TOKEN_MESSAGE)


if __name__ == "__main__":
    unittest.main()
