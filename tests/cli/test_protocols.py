"""Wire-protocol behaviour: NotImplemented, unknown operations, unsigned requests, Query XML,
model validation, S3 presigned URLs."""

import json
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions

from orgtrail_harness import (ADMIN_ACCESS_KEY, ADMIN_SECRET_KEY, ADMIN_USER_ARN, REGION,
                              OrgtrailTestCase, http_request)

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find(elem, *path):
    """Child by local names, ignoring namespaces."""
    for name in path:
        nxt = None
        for child in elem:
            if local(child.tag) == name:
                nxt = child
                break
        if nxt is None:
            return None
        elem = nxt
    return elem


def text(elem, *path):
    e = find(elem, *path)
    return None if e is None else (e.text or "")


class ProtocolTestCase(OrgtrailTestCase):

    def signed(self, service, body, headers, method="POST", path="/",
               access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY):
        """Sign a raw request with botocore's SigV4 and send it with urllib."""
        req = botocore.awsrequest.AWSRequest(method=method, url=self.endpoint + path,
                                             data=body, headers=headers)
        creds = botocore.credentials.Credentials(access_key, secret_key)
        botocore.auth.SigV4Auth(creds, service, REGION).add_auth(req)
        prepared = req.prepare()
        return http_request(prepared.method, prepared.url, prepared.body, dict(prepared.headers))

    def query(self, service, params, **kwargs):
        return self.signed(service, urllib.parse.urlencode(params), {"Content-Type": FORM},
                           **kwargs)

    def assertRequestId(self, resp):
        rid = resp.header("x-amzn-RequestId")
        self.assertTrue(rid, "no x-amzn-RequestId header: %r" % resp)
        return rid

    def assertQueryError(self, resp, status, code, message=None, namespace=STS_NS):
        self.assertEqual(resp.status, status, resp)
        root = ET.fromstring(resp.body)
        self.assertEqual(root.tag, "{%s}ErrorResponse" % namespace, resp)
        self.assertEqual(text(root, "Error", "Code"), code, resp)
        self.assertEqual(text(root, "Error", "Type"), "Sender", resp)
        if message is not None:
            self.assertEqual(text(root, "Error", "Message"), message, resp)
        rid = self.assertRequestId(resp)
        self.assertEqual(text(root, "RequestId"), rid, resp)
        return root


class NotImplementedTest(ProtocolTestCase):

    def test_kms_list_keys(self):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("kms").list_keys()
        err = self.assertClientError(cm.exception, "NotImplemented", 501)
        self.assertTrue(err["Message"].startswith("orgtrail does not implement "), err)
        self.assertTrue(err["Message"].endswith(".ListKeys"), err)

    def test_kms_list_keys_cli_v2(self):
        result = self.aws(2, "kms", "list-keys")
        self.assertCliError(result, "NotImplemented")

    def test_kms_raw_json_error(self):
        resp = self.signed("kms", b"{}", {"Content-Type": "application/x-amz-json-1.1",
                                          "X-Amz-Target": "TrentService.ListKeys"})
        self.assertEqual(resp.status, 501, resp)
        self.assertRequestId(resp)
        body = resp.json
        self.assertEqual(body["__type"].split("#")[-1], "NotImplemented", body)

    def test_logs_describe_log_groups(self):
        # Loose on purpose: passes both before and after CloudWatch Logs is implemented.
        try:
            out = self.client("logs").describe_log_groups()
        except botocore.exceptions.ClientError as e:
            self.assertClientError(e, "NotImplemented", 501)
        else:
            self.assertIn("logGroups", out)


class UnknownOperationTest(ProtocolTestCase):

    def test_unknown_json_operation(self):
        resp = self.signed("logs", b"{}", {"Content-Type": "application/x-amz-json-1.1",
                                           "X-Amz-Target": "Logs_20140328.NoSuchOperation"})
        self.assertEqual(resp.status, 400, resp)
        self.assertRequestId(resp)
        body = resp.json
        self.assertEqual(body["__type"].split("#")[-1], "UnknownOperationException", body)

    def test_unknown_query_action(self):
        resp = self.query("sts", {"Action": "NoSuchAction", "Version": "2011-06-15"})
        self.assertQueryError(resp, 400, "InvalidAction",
                              "The action NoSuchAction is not valid for this web service.")


class UnsignedTest(ProtocolTestCase):

    def test_unsigned_sts(self):
        resp = http_request("POST", self.endpoint + "/",
                            "Action=GetCallerIdentity&Version=2011-06-15",
                            {"Content-Type": FORM})
        self.assertQueryError(resp, 403, "MissingAuthenticationToken",
                              "Request is missing Authentication Token")

    def test_unsigned_json(self):
        resp = http_request("POST", self.endpoint + "/", "{}",
                            {"Content-Type": "application/x-amz-json-1.1",
                             "X-Amz-Target": "Logs_20140328.DescribeLogGroups"})
        self.assertEqual(resp.status, 400, resp)
        body = resp.json
        self.assertEqual(body["__type"].split("#")[-1], "MissingAuthenticationTokenException",
                         body)
        self.assertEqual(body.get("message", body.get("Message")),
                         "Request is missing Authentication Token")


class QueryResponseTest(ProtocolTestCase):

    def test_get_caller_identity_xml(self):
        resp = self.query("sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/xml"), resp)
        rid = self.assertRequestId(resp)
        self.assertIn('<GetCallerIdentityResponse xmlns="%s">' % STS_NS, resp.text)
        root = ET.fromstring(resp.body)
        self.assertEqual(root.tag, "{%s}GetCallerIdentityResponse" % STS_NS)
        self.assertEqual(text(root, "GetCallerIdentityResult", "Arn"), ADMIN_USER_ARN)
        self.assertEqual(text(root, "GetCallerIdentityResult", "Account"), "000000000000")
        self.assertEqual(text(root, "ResponseMetadata", "RequestId"), rid)

    def test_request_ids_differ(self):
        a = self.query("sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
        b = self.query("sts", {"Action": "GetCallerIdentity", "Version": "2011-06-15"})
        self.assertNotEqual(self.assertRequestId(a), self.assertRequestId(b))

    def test_boto3_request_id(self):
        out = self.client("sts").get_caller_identity()
        self.assertTrue(out["ResponseMetadata"]["RequestId"])
        self.assertIn("x-amzn-requestid", out["ResponseMetadata"]["HTTPHeaders"])


class ValidationTest(ProtocolTestCase):
    # Both AWS CLIs and boto3 refuse DurationSeconds=10 client-side (botocore parameter
    # validation), so the server's model validation is reached with validation turned off
    # or with a raw signed request.

    MESSAGE = "Member must have value greater than or equal to 900"

    def test_duration_too_short_boto3(self):
        sts = self.client("sts", parameter_validation=False)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts.get_session_token(DurationSeconds=10)
        err = self.assertClientError(cm.exception, "ValidationError", 400)
        self.assertIn(self.MESSAGE, err["Message"])
        self.assertTrue(err["Message"].startswith("1 validation error detected: Value '10' at "),
                        err)

    def test_duration_too_short_raw(self):
        resp = self.query("sts", {"Action": "GetSessionToken", "Version": "2011-06-15",
                                  "DurationSeconds": "10"})
        root = self.assertQueryError(resp, 400, "ValidationError")
        self.assertIn(self.MESSAGE, text(root, "Error", "Message"))

    def test_duration_too_long_raw(self):
        resp = self.query("sts", {"Action": "GetSessionToken", "Version": "2011-06-15",
                                  "DurationSeconds": "129601"})
        root = self.assertQueryError(resp, 400, "ValidationError")
        self.assertIn("Member must have value less than or equal to 129600",
                      text(root, "Error", "Message"))

    def test_cli_v2_refuses_client_side(self):
        result = self.aws(2, "sts", "get-session-token", "--duration-seconds", "10")
        self.assertNotEqual(result.returncode, 0, result)


class PresignedUrlTest(ProtocolTestCase):

    def s3(self):
        return self.client("s3", signature_version="s3v4", s3={"addressing_style": "path"})

    def presign(self, expires):
        url = self.s3().generate_presigned_url(
            "get_object", Params={"Bucket": "presign-bucket", "Key": "a/key.txt"},
            ExpiresIn=expires)
        self.assertIn("X-Amz-Signature=", url)
        self.assertIn("X-Amz-Algorithm=AWS4-HMAC-SHA256", url)
        return url

    def error_code(self, resp):
        if not resp.body:
            return None
        root = ET.fromstring(resp.body)
        return text(root, "Code")

    def test_expired(self):
        url = self.presign(1)
        time.sleep(2.2)
        resp = http_request("GET", url)
        self.assertEqual(resp.status, 403, resp)
        self.assertIn("<Code>AccessDenied</Code>", resp.text)
        self.assertIn("Request has expired", resp.text)
        self.assertTrue(resp.header("x-amz-request-id"), resp)

    def test_tampered_signature(self):
        url = self.presign(300)
        parts = urllib.parse.urlsplit(url)
        params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        out = []
        for k, v in params:
            if k == "X-Amz-Signature":
                v = v[:-1] + ("0" if v[-1] != "0" else "1")
            out.append((k, v))
        bad = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(out)))
        resp = http_request("GET", bad)
        self.assertEqual(resp.status, 403, resp)
        self.assertEqual(self.error_code(resp), "SignatureDoesNotMatch", resp)

    def test_valid_is_not_an_auth_error(self):
        resp = http_request("GET", self.presign(300))
        self.assertNotEqual(resp.status, 403, resp)
        self.assertNotIn(self.error_code(resp), ("SignatureDoesNotMatch", "AccessDenied",
                                                 "InvalidAccessKeyId"), resp)


if __name__ == "__main__":
    unittest.main()
