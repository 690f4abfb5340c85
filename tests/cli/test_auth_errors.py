"""Authentication failures as each protocol renders them: wrong secret, unknown key, clock skew."""

import datetime
import re
import unittest
import unittest.mock

import botocore.exceptions

from orgtrail_harness import ADMIN_USER_ARN, OrgtrailTestCase

SIGNATURE_MESSAGE = ("The request signature we calculated does not match the signature you "
                     "provided. Check your AWS Secret Access Key and signing method. Consult the "
                     "service documentation for details.")
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
UNKNOWN_KEY = "AKIAZZZZZZZZZZZZZZZZ"

AMZ_DATE = "%Y%m%dT%H%M%SZ"
TS = r"(\d{8}T\d{6}Z)"
EXPIRED = re.compile(r"^Signature expired: %s is now earlier than %s \(%s - (\d+) min\.\)$"
                     % (TS, TS, TS))
NOT_YET = re.compile(r"^Signature not yet current: %s is still later than %s \(%s \+ (\d+) min\.\)$"
                     % (TS, TS, TS))


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def signing_time(offset):
    """Patch botocore's signing clock to wall time + offset (naive UTC, as botocore expects)."""
    return unittest.mock.patch("botocore.auth.get_current_datetime",
                               return_value=utc_now() + offset)


def parse_amz(ts):
    return datetime.datetime.strptime(ts, AMZ_DATE)


def sts_call(client):
    return client.get_caller_identity()


def logs_call(client):
    return client.describe_log_groups()


def s3_call(client):
    return client.list_buckets()


class WrongSecretTest(OrgtrailTestCase):

    def test_sts_boto3(self):
        sts = self.client("sts", secret_key="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertClientError(cm.exception, "SignatureDoesNotMatch", 403, SIGNATURE_MESSAGE)

    def test_logs_boto3(self):
        logs = self.client("logs", secret_key="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            logs.describe_log_groups()
        self.assertClientError(cm.exception, "InvalidSignatureException", 400, SIGNATURE_MESSAGE)

    def test_sts_cli_v2(self):
        result = self.aws(2, "sts", "get-caller-identity", secret_key="not-the-secret")
        self.assertCliError(result, "SignatureDoesNotMatch")
        self.assertIn(SIGNATURE_MESSAGE, result.stderr)

    def test_logs_cli_v2(self):
        result = self.aws(2, "logs", "describe-log-groups", secret_key="not-the-secret")
        self.assertCliError(result, "InvalidSignatureException")

    def test_right_secret_still_works(self):
        self.assertEqual(self.client("sts").get_caller_identity()["Arn"], ADMIN_USER_ARN)


class UnknownAccessKeyTest(OrgtrailTestCase):

    def test_sts(self):
        sts = self.client("sts", access_key=UNKNOWN_KEY, secret_key="whatever")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)

    def test_logs(self):
        logs = self.client("logs", access_key=UNKNOWN_KEY, secret_key="whatever")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            logs.describe_log_groups()
        self.assertClientError(cm.exception, "UnrecognizedClientException", 400,
                               INVALID_TOKEN_MESSAGE)

    def test_s3(self):
        s3 = self.client("s3", access_key=UNKNOWN_KEY, secret_key="whatever")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            s3.list_buckets()
        self.assertClientError(cm.exception, "InvalidAccessKeyId", 403,
                               "The AWS Access Key Id you provided does not exist in our records.")

    def test_sts_cli_v2(self):
        result = self.aws(2, "sts", "get-caller-identity", access_key=UNKNOWN_KEY)
        self.assertCliError(result, "InvalidClientTokenId")


class ClockSkewTest(OrgtrailTestCase):
    """Default windows: 5 min for Query (STS), 15 min for JSON (Logs) and S3 (wire.md 5.10)."""

    def skewed_error(self, service, call, offset):
        client = self.client(service)
        with signing_time(offset) as patched:
            signed_at = patched.return_value
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call(client)
            self.assertTrue(patched.called, "botocore did not sign through get_current_datetime")
        return cm.exception, signed_at

    def assertSkewMessage(self, message, pattern, signed_at, window_min, sign):
        m = pattern.match(message)
        self.assertIsNotNone(m, "unexpected message %r" % message)
        request, limit, now, minutes = m.groups()
        self.assertEqual(request, signed_at.strftime(AMZ_DATE))
        self.assertEqual(int(minutes), window_min)
        self.assertEqual(parse_amz(limit),
                         parse_amz(now) + sign * datetime.timedelta(minutes=window_min))
        self.assertLess(abs((parse_amz(now) - utc_now()).total_seconds()), 120,
                        "server 'now' %s is not the wall clock" % now)

    def test_sts_expired(self):
        err, at = self.skewed_error("sts", sts_call, -datetime.timedelta(minutes=20))
        e = self.assertClientError(err, "SignatureDoesNotMatch", 403)
        self.assertTrue(e["Message"].startswith("Signature expired: "), e)
        self.assertIn(" - 5 min.)", e["Message"])
        self.assertSkewMessage(e["Message"], EXPIRED, at, 5, -1)

    def test_logs_expired(self):
        err, at = self.skewed_error("logs", logs_call, -datetime.timedelta(minutes=20))
        e = self.assertClientError(err, "InvalidSignatureException", 400)
        self.assertTrue(e["Message"].startswith("Signature expired: "), e)
        self.assertIn(" - 15 min.)", e["Message"])
        self.assertSkewMessage(e["Message"], EXPIRED, at, 15, -1)

    def test_sts_not_yet_current(self):
        err, at = self.skewed_error("sts", sts_call, datetime.timedelta(minutes=20))
        e = self.assertClientError(err, "SignatureDoesNotMatch", 403)
        self.assertTrue(e["Message"].startswith("Signature not yet current: "), e)
        self.assertSkewMessage(e["Message"], NOT_YET, at, 5, 1)

    def test_logs_not_yet_current(self):
        err, at = self.skewed_error("logs", logs_call, datetime.timedelta(minutes=20))
        e = self.assertClientError(err, "InvalidSignatureException", 400)
        self.assertTrue(e["Message"].startswith("Signature not yet current: "), e)
        self.assertSkewMessage(e["Message"], NOT_YET, at, 15, 1)

    def test_s3_too_skewed(self):
        err, _ = self.skewed_error("s3", s3_call, -datetime.timedelta(minutes=20))
        self.assertClientError(
            err, "RequestTimeTooSkewed", 403,
            "The difference between the request time and the current time is too large.")

    def test_within_window(self):
        # 3 minutes old is inside even the 5-minute Query window.
        with signing_time(-datetime.timedelta(minutes=3)):
            self.assertEqual(self.client("sts").get_caller_identity()["Arn"], ADMIN_USER_ARN)

    def test_skew_checked_before_key_lookup(self):
        # wire.md 5.4: the clock window (step 4) is checked before the key lookup (step 5).
        sts = self.client("sts", access_key=UNKNOWN_KEY, secret_key="whatever")
        with signing_time(-datetime.timedelta(minutes=20)):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                sts.get_caller_identity()
        e = self.assertClientError(cm.exception, "SignatureDoesNotMatch", 403)
        self.assertTrue(e["Message"].startswith("Signature expired: "), e)


class WideClockSkewTest(OrgtrailTestCase):
    """--max-clock-skew 1800 widens every window to 30 minutes."""

    server_args = ("--max-clock-skew", "1800")

    def test_sts_twenty_minutes_old_accepted(self):
        with signing_time(-datetime.timedelta(minutes=20)):
            ident = self.client("sts").get_caller_identity()
        self.assertEqual(ident["Arn"], ADMIN_USER_ARN)

    def test_sts_twenty_minutes_ahead_accepted(self):
        with signing_time(datetime.timedelta(minutes=20)):
            ident = self.client("sts").get_caller_identity()
        self.assertEqual(ident["Arn"], ADMIN_USER_ARN)

    def test_logs_twenty_minutes_old_not_an_auth_error(self):
        logs = self.client("logs")
        with signing_time(-datetime.timedelta(minutes=20)):
            try:
                logs.describe_log_groups()
            except botocore.exceptions.ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "NotImplemented", e.response)

    def test_window_named_in_message(self):
        sts = self.client("sts")
        with signing_time(-datetime.timedelta(minutes=40)):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                sts.get_caller_identity()
        e = self.assertClientError(cm.exception, "SignatureDoesNotMatch", 403)
        self.assertRegex(e["Message"], EXPIRED)
        self.assertIn(" - 30 min.)", e["Message"])


if __name__ == "__main__":
    unittest.main()
