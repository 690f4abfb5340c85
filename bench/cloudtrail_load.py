#!/usr/bin/env python3
"""CloudTrail under load (figures in docs/performance.md): sustained signed API calls per second
with recording and both deliveries on, and the latency from a call to its record in CloudWatch
Logs.

    python3 bench/cloudtrail_load.py [--orgtrail build/orgtrail] [--seconds 10] [--procs 2]
                                     [--markers 100]

State machine of one run:
  1. start `orgtrail serve` on a temporary data directory (SQLite, durable), default
     --trail-delivery-interval (5 s) and --cwl-delivery-interval (0.5 s);
  2. set up, with boto3 as the management account: organization, trusted access for CloudTrail,
     a bucket with the organization-trail policy, a multi-region organization trail with log file
     validation, StartLogging, a log group, a role trusting cloudtrail.amazonaws.com allowed to
     write the trail's streams, UpdateTrail with the group and role;
  3. baseline: the same load with the trail stopped (recording and event history only);
  4. load: --procs client processes replay a SigV4-signed STS GetCallerIdentity over keep-alive
     connections for --seconds (each call is recorded, delivered to S3 every 5 s and to the
     management account's stream in CloudWatch Logs);
  5. during that load, --markers calls one after another, each IAM GetUser of a user name unique
     to the call (it fails with NoSuchEntity and is recorded with its requestParameters); for each,
     FilterLogEvents on the stream with the name as the pattern is polled every 20 ms until the
     record is there: latency = first poll that sees it − the call's response;
  6. report calls/s with and without delivery, latency median / p99 / max, and check that the
     S3 log files arrived (GetTrailStatus LatestDeliveryTime, no delivery error); stop the server.
"""

import argparse
import http.client
import multiprocessing
import os
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials

REGION = "us-east-1"
MGMT = "000000000000"
BUCKET = "org-trail-bench"
GROUP = "org-trail-bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(endpoint, service):
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=60))


def signed_get_caller_identity(endpoint):
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"), "sts",
                            REGION).add_auth(req)
    return body.encode(), dict(req.headers.items())


def worker(args):
    port, body, headers, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sent = 0
    start = time.time()
    while time.time() - start < seconds:
        conn.request("POST", "/", body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError("GetCallerIdentity -> %d %s" % (r.status, data[:300]))
        sent += 1
    return sent, time.time() - start


def load(endpoint, port, seconds, procs):
    body, headers = signed_get_caller_identity(endpoint)
    with multiprocessing.Pool(procs) as pool:
        results = pool.map(worker, [(port, body, headers, seconds)] * procs)
    return sum(r[0] for r in results) / max(r[1] for r in results)


def setup(endpoint):
    orgs = client(endpoint, "organizations")
    org_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    orgs.enable_aws_service_access(ServicePrincipal="cloudtrail.amazonaws.com")
    trail_arn = "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (REGION, MGMT)
    write = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                              "aws:SourceArn": trail_arn}}
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::" + BUCKET},
        {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Condition": write,
         "Resource": ["arn:aws:s3:::%s/AWSLogs/%s/*" % (BUCKET, MGMT),
                      "arn:aws:s3:::%s/AWSLogs/%s/*" % (BUCKET, org_id)]}]}))
    ct = client(endpoint, "cloudtrail")
    ct.create_trail(Name="org-trail", S3BucketName=BUCKET, IsOrganizationTrail=True,
                    IsMultiRegionTrail=True, EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName=GROUP)
    group_arn = logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["arn"]
    base = "arn:aws:logs:%s:%s:log-group:%s:log-stream:" % (REGION, MGMT, GROUP)
    iam = client(endpoint, "iam")
    role_arn = iam.create_role(RoleName="CloudTrailToLogs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    iam.put_role_policy(RoleName="CloudTrailToLogs", PolicyName="logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [base + "%s_CloudTrail_%s*" % (MGMT, REGION), base + org_id + "_*"]}]}))
    ct.update_trail(Name="org-trail", CloudWatchLogsLogGroupArn=group_arn,
                    CloudWatchLogsRoleArn=role_arn)
    return "%s_CloudTrail_%s" % (MGMT, REGION)


def markers(endpoint, stream, count, out):
    iam = client(endpoint, "iam")
    logs = client(endpoint, "logs")
    run = "%x" % int(time.time())
    for i in range(count):
        name = "latency-marker-%s-%d" % (run, i)
        try:
            iam.get_user(UserName=name)
        except iam.exceptions.NoSuchEntityException:
            pass
        done = time.time()
        while True:
            found = logs.filter_log_events(logGroupName=GROUP, logStreamNames=[stream],
                                           startTime=int((done - 60) * 1000),
                                           filterPattern='"%s"' % name)["events"]
            if found:
                out.append(time.time() - done)
                break
            if time.time() - done > 30:
                out.append(float("inf"))
                break
            time.sleep(0.02)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgtrail", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                       "orgtrail"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--markers", type=int, default=100)
    args = ap.parse_args()

    data = tempfile.mkdtemp(prefix="orgtrail-ct-bench-")
    port = free_port()
    endpoint = "http://127.0.0.1:%d" % port
    server = subprocess.Popen([args.orgtrail, "serve", "--port", str(port), "--data-dir", data,
                               "--log-level", "warn"], stdin=subprocess.DEVNULL)
    failed = False
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        print("machine: %d cpus, load average %s" % (os.cpu_count(),
                                                      open("/proc/loadavg").read().split()[:3]))
        stream = setup(endpoint)
        ct = client(endpoint, "cloudtrail")

        ct.stop_logging(Name="org-trail")
        base = load(endpoint, port, args.seconds, args.procs)
        print("GetCallerIdentity, recording only (trail stopped): %.0f calls/s" % base)
        ct.start_logging(Name="org-trail")

        latencies = []
        t = threading.Thread(target=markers, args=(endpoint, stream, args.markers, latencies))
        t.start()
        rate = load(endpoint, port, args.seconds, args.procs)
        t.join()
        print("GetCallerIdentity, org trail delivering to S3 and CloudWatch Logs: %.0f calls/s "
              "(%.1f%% of the trail-stopped rate)" % (rate, 100.0 * rate / base))
        finite = [x for x in latencies if x != float("inf")]
        if len(finite) != len(latencies):
            print("CHECK FAILED: %d markers never reached CloudWatch Logs"
                  % (len(latencies) - len(finite)))
            failed = True
        if finite:
            print("call -> record in CloudWatch Logs over %d markers: median %.0f ms, p99 %.0f "
                  "ms, max %.0f ms" % (len(finite), 1000 * statistics.median(finite),
                                        1000 * pct(finite, 99), 1000 * max(finite)))
        time.sleep(6)  # one --trail-delivery-interval
        status = ct.get_trail_status(Name="org-trail")
        print("S3: LatestDeliveryTime %s, LatestDeliveryError %s; CloudWatch Logs error %s" % (
            status.get("LatestDeliveryTime"), status.get("LatestDeliveryError"),
            status.get("LatestCloudWatchLogsDeliveryError")))
        if "LatestDeliveryTime" not in status or status.get("LatestDeliveryError"):
            print("CHECK FAILED: no S3 delivery")
            failed = True
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
