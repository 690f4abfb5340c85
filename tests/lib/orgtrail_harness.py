"""Test harness for the CLI suite: runs `orgtrail serve` and drives it with real clients.

The server binary comes from $ORGTRAIL_BIN (set by ctest); when unset, the build tree next to the
sources (`build/orgtrail`) is used. Clients are the AWS CLI v2 (/usr/bin/aws), the AWS CLI v1 (an
`aws` on PATH that reports `aws-cli/1.`), boto3, and plain urllib for the admin API and raw
requests.
"""

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config

ACCOUNT_ID = "000000000000"
ADMIN_ACCESS_KEY = "test"
ADMIN_SECRET_KEY = "test"
ADMIN_USER_ARN = "arn:aws:iam::%s:user/orgtrail-admin" % ACCOUNT_ID
ROOT_ARN = "arn:aws:iam::%s:root" % ACCOUNT_ID
REGION = "us-east-1"

AWS_CLI_V2 = "/usr/bin/aws"
SUBPROCESS_TIMEOUT = 60
START_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0

_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.dirname(os.path.dirname(_HERE))

# Variables that must not leak from the caller's environment into a client run.
_SCRUBBED_PREFIXES = ("AWS_",)
_SCRUBBED_NAMES = {
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
}


def binary_path():
    path = os.environ.get("ORGTRAIL_BIN") or os.path.join(_REPO, "build", "orgtrail")
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest("orgtrail binary not found at %s (set ORGTRAIL_BIN)" % path)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# AWS CLI discovery and environment

_cli_v1_cache = []


def find_cli_v1():
    """Path of an AWS CLI v1 on PATH (not /usr/bin/aws), or None."""
    if _cli_v1_cache:
        return _cli_v1_cache[0]
    found = None
    seen = set()
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not d:
            continue
        candidate = os.path.join(d, "aws")
        real = os.path.realpath(candidate)
        if real == os.path.realpath(AWS_CLI_V2) or candidate in seen:
            continue
        seen.add(candidate)
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            continue
        try:
            p = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                               timeout=SUBPROCESS_TIMEOUT, env=cli_env())
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = (p.stdout.strip() or p.stderr.strip())
        if p.returncode == 0 and version.startswith("aws-cli/1."):
            found = candidate
            break
    _cli_v1_cache.append(found)
    return found


def find_cli_v2():
    if os.access(AWS_CLI_V2, os.X_OK):
        return AWS_CLI_V2
    return None


_empty_files = {}


def _empty_file(name):
    path = _empty_files.get(name)
    if path is None or not os.path.exists(path):
        fd, path = tempfile.mkstemp(prefix="orgtrail-cli-%s-" % name)
        os.close(fd)
        _empty_files[name] = path
    return path


@atexit.register
def _remove_empty_files():
    for path in _empty_files.values():
        try:
            os.unlink(path)
        except OSError:
            pass


def cli_env(access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY, session_token=None,
            extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(_SCRUBBED_PREFIXES) and k not in _SCRUBBED_NAMES}
    env.update({
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": _empty_file("config"),
        "AWS_SHARED_CREDENTIALS_FILE": _empty_file("credentials"),
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    if session_token is not None:
        env["AWS_SESSION_TOKEN"] = session_token
    if extra:
        env.update(extra)
    return env


class CliResult:
    def __init__(self, args, proc):
        self.args = args
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self._json = None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.stdout)
        return self._json

    def __repr__(self):
        return "aws %s -> rc=%d\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.returncode, self.stdout, self.stderr)


def run_aws(version, endpoint, *args, access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY,
            session_token=None, env=None):
    """Run the AWS CLI (version 1 or 2) against `endpoint`; returns a CliResult.

    Raises unittest.SkipTest when the requested CLI is not installed.
    """
    if version == 2:
        exe = find_cli_v2()
        if exe is None:
            raise unittest.SkipTest("AWS CLI v2 not found")
    elif version == 1:
        exe = find_cli_v1()
        if exe is None:
            raise unittest.SkipTest("AWS CLI v1 not found")
    else:
        raise ValueError("AWS CLI version must be 1 or 2")
    argv = [exe, "--endpoint-url", endpoint, "--output", "json"] + [str(a) for a in args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT,
                          env=cli_env(access_key, secret_key, session_token, env),
                          stdin=subprocess.DEVNULL)
    return CliResult([str(a) for a in args], proc)


# --------------------------------------------------------------------------------------------
# Raw HTTP

class HttpResult:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "HTTP %d %s\n%s" % (self.status, dict(self.headers), self.text)


def http_request(method, url, body=None, headers=None, timeout=10):
    """One HTTP request with urllib (no proxy); HTTP error statuses are returned, not raised."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as resp:
            return HttpResult(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as e:
        try:
            data = e.read()
        finally:
            e.close()
        return HttpResult(e.code, dict(e.headers.items()), data)


# --------------------------------------------------------------------------------------------
# The server process

class ServerError(AssertionError):
    pass


class Server:
    """One `orgtrail serve` process on a free loopback port."""

    def __init__(self, in_memory=False, data_dir=None, extra_args=(), port=None):
        self.in_memory = in_memory
        self._own_dir = None
        if data_dir is None and not in_memory:
            self._own_dir = tempfile.mkdtemp(prefix="orgtrail-data-")
            data_dir = self._own_dir
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.port = port or free_port()
        self._log_dir = tempfile.mkdtemp(prefix="orgtrail-log-")
        self._runs = 0
        self.proc = None
        self.stderr_path = None

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def argv(self):
        argv = [binary_path(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.in_memory:
            argv.append("--in-memory")
        else:
            argv += ["--data-dir", self.data_dir]
        return argv + self.extra_args

    def start(self, wait=True):
        assert self.proc is None or self.proc.poll() is not None, "server already running"
        self._runs += 1
        self.stderr_path = os.path.join(self._log_dir, "stderr-%d.log" % self._runs)
        stdout_path = os.path.join(self._log_dir, "stdout-%d.log" % self._runs)
        with open(self.stderr_path, "wb") as err, open(stdout_path, "wb") as out:
            self.proc = subprocess.Popen(self.argv(), stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise ServerError("orgtrail serve exited with %d before answering health\n%s"
                                  % (rc, self.stderr_text()))
            try:
                r = http_request("GET", self.endpoint + "/_orgtrail/health", timeout=1)
                if r.status == 200:
                    return
                last = r
            except OSError as e:
                last = e
            time.sleep(0.05)
        self.kill9()
        raise ServerError("orgtrail serve did not answer /_orgtrail/health within %.0f s "
                          "(last: %r)\n%s" % (timeout, last, self.stderr_text()))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM; the server must exit 0."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
            raise ServerError("orgtrail serve did not exit within %.0f s of SIGTERM\n%s"
                              % (STOP_TIMEOUT, self.stderr_text()))
        if rc != 0:
            raise ServerError("orgtrail serve exited with %d after SIGTERM (expected 0)\n%s"
                              % (rc, self.stderr_text()))

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    def restart(self, hard=False):
        """Stop (SIGTERM, or SIGKILL with hard=True) and start again on the same port/data."""
        if hard:
            self.kill9()
        else:
            self.stop()
        return self.start()

    def cleanup(self):
        self.kill9()
        if self._own_dir:
            shutil.rmtree(self._own_dir, ignore_errors=True)
        shutil.rmtree(self._log_dir, ignore_errors=True)

    def stderr_text(self):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
        return "--- orgtrail stderr (%s) ---\n%s" % (self.stderr_path, data[-8000:])

    # -- admin API ------------------------------------------------------------------------

    def admin(self, method, path, body=None):
        """Call /_orgtrail/<path>; returns (status, parsed JSON or raw text)."""
        url = self.endpoint + "/_orgtrail/" + path.lstrip("/")
        headers = {}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = "application/json"
        r = http_request(method, url, data, headers)
        try:
            return r.status, r.json
        except ValueError:
            return r.status, r.text

    def reset(self):
        status, body = self.admin("POST", "reset")
        if status != 200:
            raise ServerError("POST /_orgtrail/reset -> %d %r" % (status, body))

    def root_keys(self, account_id=ACCOUNT_ID):
        status, body = self.admin("GET", "accounts")
        assert status == 200, (status, body)
        for a in body["accounts"]:
            if a["Id"] == account_id:
                return a["RootAccessKeys"]
        raise AssertionError("account %s not in %r" % (account_id, body))

    # -- clients --------------------------------------------------------------------------

    def aws(self, version, *args, **kwargs):
        return run_aws(version, self.endpoint, *args, **kwargs)

    def client(self, service, access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY,
               session_token=None, region=REGION, **config):
        cfg = botocore.config.Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=10, read_timeout=30, **config)
        session = boto3.session.Session()
        return session.client(service, endpoint_url=self.endpoint, region_name=region,
                              aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                              aws_session_token=session_token, config=cfg)


# --------------------------------------------------------------------------------------------
# Test base class

class OrgtrailTestCase(unittest.TestCase):
    """One server per test class; state reset before every test."""

    server_in_memory = False
    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(in_memory=cls.server_in_memory, extra_args=cls.server_args)
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()
            super().tearDownClass()

    def setUp(self):
        super().setUp()
        if not self.server.running():
            self.fail("orgtrail serve is not running\n%s" % self.server.stderr_text())
        self.server.reset()

    # -- helpers --------------------------------------------------------------------------

    @property
    def endpoint(self):
        return self.server.endpoint

    def aws(self, version, *args, **kwargs):
        return self.server.aws(version, *args, **kwargs)

    def client(self, service, **kwargs):
        return self.server.client(service, **kwargs)

    def assertCliOk(self, result):
        if result.returncode != 0:
            self.fail("CLI failed: %r\n%s" % (result, self.server.stderr_text()))
        return result.json

    def assertCliError(self, result, code):
        self.assertNotEqual(result.returncode, 0, "CLI unexpectedly succeeded: %r" % result)
        self.assertIn("(%s)" % code, result.stderr, "error code %s not in %r" % (code, result))

    def assertClientError(self, ctx_exception, code, status, message=None):
        err = ctx_exception.response.get("Error", {})
        meta = ctx_exception.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code, ctx_exception.response)
        self.assertEqual(meta.get("HTTPStatusCode"), status, ctx_exception.response)
        if message is not None:
            self.assertEqual(err.get("Message"), message, ctx_exception.response)
        return err
