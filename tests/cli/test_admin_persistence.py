"""The admin API, persistence across restarts, and the server process itself."""

import datetime
import os
import re
import signal
import subprocess
import tempfile
import unittest

import botocore.exceptions

from orgtrail_harness import (ACCOUNT_ID, ADMIN_USER_ARN, ROOT_ARN, START_TIMEOUT, Server,
                              OrgtrailTestCase, binary_path, free_port)

AKIA_KEY = re.compile(r"^AKIA[A-Z2-7]{16}$")
SECRET = re.compile(r"^[A-Za-z0-9/+]{40}$")
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."


def parse_iso(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


class AdminApiTest(OrgtrailTestCase):

    def test_health(self):
        status, body = self.server.admin("GET", "health")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "running")
        self.assertIsInstance(body["version"], str)
        self.assertTrue(body["version"])
        self.assertIn("sts", body["services"])
        self.assertIn("storage", body)

    def test_unknown_admin_endpoint(self):
        status, _ = self.server.admin("GET", "no-such-endpoint")
        self.assertEqual(status, 404)

    def management_account(self):
        status, body = self.server.admin("GET", "accounts")
        self.assertEqual(status, 200, body)
        accounts = [a for a in body["accounts"] if a["Id"] == ACCOUNT_ID]
        self.assertEqual(len(accounts), 1, body)
        return accounts[0]

    def test_accounts_lists_management_account_with_root_key(self):
        account = self.management_account()
        keys = account["RootAccessKeys"]
        self.assertEqual(len(keys), 1, account)
        self.assertRegex(keys[0]["AccessKeyId"], AKIA_KEY)
        self.assertRegex(keys[0]["SecretAccessKey"], SECRET)

    def test_root_key_signs_as_root(self):
        key = self.management_account()["RootAccessKeys"][0]
        ident = self.client("sts", access_key=key["AccessKeyId"],
                            secret_key=key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], ROOT_ARN)
        self.assertEqual(ident["UserId"], ACCOUNT_ID)
        self.assertEqual(ident["Account"], ACCOUNT_ID)

    def test_root_key_cli_v2(self):
        key = self.management_account()["RootAccessKeys"][0]
        ident = self.assertCliOk(self.aws(2, "sts", "get-caller-identity",
                                          access_key=key["AccessKeyId"],
                                          secret_key=key["SecretAccessKey"]))
        self.assertEqual(ident["Arn"], ROOT_ARN)
        self.assertEqual(ident["UserId"], ACCOUNT_ID)

    def test_mint_root_key(self):
        first = self.management_account()["RootAccessKeys"][0]
        status, body = self.server.admin("POST", "accounts/%s/root-access-key" % ACCOUNT_ID)
        self.assertEqual(status, 200, body)
        self.assertRegex(body["AccessKeyId"], AKIA_KEY)
        self.assertRegex(body["SecretAccessKey"], SECRET)
        self.assertNotEqual(body["AccessKeyId"], first["AccessKeyId"])
        ident = self.client("sts", access_key=body["AccessKeyId"],
                            secret_key=body["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], ROOT_ARN)
        ids = [k["AccessKeyId"] for k in self.management_account()["RootAccessKeys"]]
        self.assertEqual(sorted(ids), sorted([first["AccessKeyId"], body["AccessKeyId"]]))
        # The first key keeps working.
        ident = self.client("sts", access_key=first["AccessKeyId"],
                            secret_key=first["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], ROOT_ARN)

    def test_mint_root_key_unknown_account(self):
        status, body = self.server.admin("POST", "accounts/123456789012/root-access-key")
        self.assertEqual(status, 404, body)

    def test_reset_forgets_sessions_keeps_bootstrap(self):
        creds = self.client("sts").get_session_token()["Credentials"]
        sts_session = self.client("sts", access_key=creds["AccessKeyId"],
                                  secret_key=creds["SecretAccessKey"],
                                  session_token=creds["SessionToken"])
        self.assertEqual(sts_session.get_caller_identity()["Arn"], ADMIN_USER_ARN)
        status, body = self.server.admin("POST", "reset")
        self.assertEqual(status, 200, body)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            sts_session.get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403, INVALID_TOKEN_MESSAGE)
        self.assertEqual(self.client("sts").get_caller_identity()["Arn"], ADMIN_USER_ARN)

    def test_reset_forgets_minted_root_keys(self):
        status, minted = self.server.admin("POST", "accounts/%s/root-access-key" % ACCOUNT_ID)
        self.assertEqual(status, 200, minted)
        self.server.reset()
        keys = self.management_account()["RootAccessKeys"]
        self.assertEqual(len(keys), 1, keys)
        self.assertNotEqual(keys[0]["AccessKeyId"], minted["AccessKeyId"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("sts", access_key=minted["AccessKeyId"],
                        secret_key=minted["SecretAccessKey"]).get_caller_identity()
        self.assertClientError(cm.exception, "InvalidClientTokenId", 403)

    def test_clock_get_and_advance(self):
        status, before = self.server.admin("GET", "clock")
        self.assertEqual(status, 200, before)
        t0 = parse_iso(before["now"])
        status, after = self.server.admin("POST", "clock", {"advanceSeconds": 3600})
        self.assertEqual(status, 200, after)
        t1 = parse_iso(after["now"])
        delta = (t1 - t0).total_seconds()
        self.assertGreaterEqual(delta, 3600)
        self.assertLess(delta, 3600 + 30)
        status, again = self.server.admin("GET", "clock")
        self.assertEqual(status, 200, again)
        self.assertGreaterEqual(parse_iso(again["now"]), t1)

    def test_clock_set_now(self):
        status, current = self.server.admin("GET", "clock")
        self.assertEqual(status, 200, current)
        target = parse_iso(current["now"]) + datetime.timedelta(days=2)
        iso = target.strftime("%Y-%m-%dT%H:%M:%SZ")
        status, body = self.server.admin("POST", "clock", {"now": iso})
        self.assertEqual(status, 200, body)
        self.assertLess(abs((parse_iso(body["now"]) - target).total_seconds()), 30)

    def test_clock_bad_bodies(self):
        for body in ("not json", "[]", {}, {"advanceSeconds": "soon"}, {"advanceSeconds": -5},
                     {"now": "yesterday"}):
            with self.subTest(body=body):
                status, answer = self.server.admin("POST", "clock", body)
                self.assertEqual(status, 400, answer)

    def test_api_calls(self):
        sts = self.client("sts")
        ok = sts.get_caller_identity()
        creds = sts.get_session_token()["Credentials"]
        session = self.client("sts", access_key=creds["AccessKeyId"],
                              secret_key=creds["SecretAccessKey"],
                              session_token=creds["SessionToken"])
        with self.assertRaises(botocore.exceptions.ClientError) as denied:
            session.get_session_token()
        self.assertClientError(denied.exception, "AccessDenied", 403)
        with self.assertRaises(botocore.exceptions.ClientError) as bad_sig:
            self.client("sts", secret_key="wrong").get_caller_identity()
        self.assertClientError(bad_sig.exception, "SignatureDoesNotMatch", 403)

        status, body = self.server.admin("GET", "api-calls?limit=10")
        self.assertEqual(status, 200, body)
        calls = body["apiCalls"]
        self.assertLessEqual(len(calls), 10)
        by_id = {c.get("requestID"): (i, c) for i, c in enumerate(calls)}

        ok_id = ok["ResponseMetadata"]["RequestId"]
        self.assertIn(ok_id, by_id, calls)
        i_ok, rec = by_id[ok_id]
        self.assertEqual(rec["eventName"], "GetCallerIdentity")
        self.assertEqual(rec["eventSource"], "sts.amazonaws.com")
        self.assertEqual(rec["userIdentity"]["arn"], ADMIN_USER_ARN)
        self.assertEqual(rec["userIdentity"]["accountId"], ACCOUNT_ID)
        self.assertNotIn("errorCode", rec)

        denied_id = denied.exception.response["ResponseMetadata"]["RequestId"]
        self.assertIn(denied_id, by_id, calls)
        i_denied, rec = by_id[denied_id]
        self.assertEqual(rec["eventName"], "GetSessionToken")
        self.assertEqual(rec["eventSource"], "sts.amazonaws.com")
        self.assertEqual(rec["errorCode"], "AccessDenied")
        self.assertEqual(rec["userIdentity"]["arn"], ADMIN_USER_ARN)
        self.assertEqual(rec["userIdentity"]["accessKeyId"], creds["AccessKeyId"])
        self.assertLess(i_ok, i_denied, "api-calls must list the newest last")

        bad_id = bad_sig.exception.response["ResponseMetadata"].get("RequestId")
        if bad_id:
            self.assertNotIn(bad_id, by_id)
        self.assertFalse([c for c in calls if c.get("errorCode") == "SignatureDoesNotMatch"],
                         "authentication failures must not be audited: %r" % calls)
        # The bad-signature call was the last request: the newest record is the denied one.
        self.assertEqual(calls[-1].get("requestID"), denied_id)

    def test_api_calls_limit(self):
        sts = self.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        status, body = self.server.admin("GET", "api-calls?limit=2")
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["apiCalls"]), 2)


class PersistenceTest(unittest.TestCase):
    """Each test runs its own servers: restarts are the subject."""

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.cleanup()

    def new_server(self, **kwargs):
        s = Server(**kwargs)
        self.servers.append(s)
        return s.start()

    def session(self, server):
        creds = server.client("sts").get_session_token()["Credentials"]
        return creds

    def session_identity(self, server, creds):
        return server.client("sts", access_key=creds["AccessKeyId"],
                             secret_key=creds["SecretAccessKey"],
                             session_token=creds["SessionToken"]).get_caller_identity()

    def test_session_survives_kill9(self):
        server = self.new_server()
        creds = self.session(server)
        self.assertEqual(self.session_identity(server, creds)["Arn"], ADMIN_USER_ARN)
        server.restart(hard=True)
        self.assertEqual(self.session_identity(server, creds)["Arn"], ADMIN_USER_ARN)
        server.stop()

    def test_root_key_survives_restart(self):
        server = self.new_server()
        before = server.root_keys()
        self.assertEqual(len(before), 1, before)
        user_id = server.client("sts").get_caller_identity()["UserId"]
        server.restart()  # SIGTERM, must exit 0
        self.assertEqual(server.root_keys(), before)
        key = before[0]
        ident = server.client("sts", access_key=key["AccessKeyId"],
                              secret_key=key["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], ROOT_ARN)
        # The admin user is the same user, not a new one.
        self.assertEqual(server.client("sts").get_caller_identity()["UserId"], user_id)
        server.restart(hard=True)
        self.assertEqual(server.root_keys(), before)
        server.stop()

    def test_minted_root_key_survives_kill9(self):
        server = self.new_server()
        status, minted = server.admin("POST", "accounts/%s/root-access-key" % ACCOUNT_ID)
        self.assertEqual(status, 200, minted)
        server.restart(hard=True)
        ident = server.client("sts", access_key=minted["AccessKeyId"],
                              secret_key=minted["SecretAccessKey"]).get_caller_identity()
        self.assertEqual(ident["Arn"], ROOT_ARN)
        server.stop()

    def test_in_memory_restart_forgets_sessions(self):
        server = self.new_server(in_memory=True)
        status, health = server.admin("GET", "health")
        self.assertEqual(status, 200, health)
        creds = self.session(server)
        self.assertEqual(self.session_identity(server, creds)["Arn"], ADMIN_USER_ARN)
        server.restart()
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.session_identity(server, creds)
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "InvalidClientTokenId", err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403, err)
        self.assertEqual(server.client("sts").get_caller_identity()["Arn"], ADMIN_USER_ARN)
        server.stop()

    def test_in_memory_writes_nothing(self):
        with tempfile.TemporaryDirectory() as home:
            server = Server(in_memory=True)
            self.servers.append(server)
            # No --data-dir: the default data dir lives under XDG_DATA_HOME, which must stay empty.
            env = dict(os.environ, XDG_DATA_HOME=home, HOME=home)
            proc = subprocess.Popen(server.argv(), env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            server.proc = proc
            try:
                server.wait_ready()
                server.client("sts").get_session_token()
            finally:
                proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=15)
            self.assertEqual(proc.returncode, 0, err)
            self.assertEqual(os.listdir(home), [])


class ServerProcessTest(unittest.TestCase):

    def run_serve(self, *args, timeout=START_TIMEOUT + 5):
        return subprocess.run([binary_path(), "serve", "--host", "127.0.0.1"] + list(args),
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def test_port_in_use(self):
        first = Server(in_memory=True)
        try:
            first.start()
            p = self.run_serve("--port", str(first.port), "--in-memory")
            self.assertNotEqual(p.returncode, 0, p)
            self.assertIn("address already in use", p.stderr.lower(), p)
            # The first server is unaffected.
            self.assertEqual(first.admin("GET", "health")[0], 200)
            first.stop()
        finally:
            first.cleanup()

    def test_data_dir_is_a_file(self):
        with tempfile.NamedTemporaryFile(prefix="orgtrail-not-a-dir-") as f:
            p = self.run_serve("--port", str(free_port()), "--data-dir", f.name)
            self.assertNotEqual(p.returncode, 0, p)
            self.assertIn(f.name, p.stderr, p)

    def test_sigterm_exits_zero(self):
        server = Server()
        try:
            server.start()
            server.client("sts").get_caller_identity()
            server.stop()  # asserts exit code 0
            self.assertEqual(server.proc.returncode, 0)
        finally:
            server.cleanup()

    def test_sigint_exits_zero(self):
        server = Server(in_memory=True)
        try:
            server.start()
            server.proc.send_signal(signal.SIGINT)
            rc = server.proc.wait(timeout=15)
            self.assertEqual(rc, 0, server.stderr_text())
        finally:
            server.cleanup()

    def test_version(self):
        p = subprocess.run([binary_path(), "version"], capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p)
        self.assertTrue(p.stdout.startswith("orgtrail "), p)


if __name__ == "__main__":
    unittest.main()
