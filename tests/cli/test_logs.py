"""CloudWatch Logs through the AWS CLI v2, the AWS CLI v1 and boto3 (spec/logs.md §2-4, §6):
groups, streams, retention, tags, PutLogEvents validation, GetLogEvents and FilterLogEvents
paging, metric filters and the datapoints they publish, resource policies, Insights queries,
invalid filter patterns, durability of acknowledged events across kill -9, and the event files
of the data directory (<dir>/logs: one per stream, removed with the stream, its group or a
reset)."""

import json
import os
import time
import unittest

import botocore.exceptions

from orgtrail_harness import ACCOUNT_ID, REGION, OrgtrailTestCase

GROUP_ARN = "arn:aws:logs:%s:%s:log-group:%%s" % (REGION, ACCOUNT_ID)
INVALID_PATTERNS = ["{ $.eventName = \"x\" ", "{ $.eventName }", "%a% %b% %c%", "(oops"]


def now_ms():
    return int(time.time() * 1000)


class LogsCase(OrgtrailTestCase):

    def cli(self, version, *args):
        r = self.aws(version, "logs", *args)
        if r.returncode != 0:
            self.fail("CLI failed: %r\n%s" % (r, self.server.stderr_text()))
        return json.loads(r.stdout) if r.stdout.strip() else {}

    def cli_error(self, version, code, *args):
        r = self.aws(version, "logs", *args)
        self.assertCliError(r, code)
        return r.stderr

    def logs(self):
        return self.client("logs")

    def clock_ms(self):
        status, body = self.server.admin("GET", "clock")
        self.assertEqual(status, 200, body)
        for key in ("epochMillis",):
            if key in body:
                return int(body[key])
        return now_ms()

    def advance(self, seconds):
        status, body = self.server.admin("POST", "clock", {"advanceSeconds": seconds})
        self.assertEqual(status, 200, body)

    def assertLogsError(self, call, code, message=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        return self.assertClientError(cm.exception, code, 400, message)


class LogsCliTest(LogsCase):
    """Every operation with both CLI versions."""

    def flow(self, v):
        g = "/orgtrail/cli-v%d" % v
        self.cli(v, "create-log-group", "--log-group-name", g, "--tags", "team=audit")
        self.cli_error(v, "ResourceAlreadyExistsException", "create-log-group",
                       "--log-group-name", g)
        groups = self.cli(v, "describe-log-groups", "--log-group-name-prefix", "/orgtrail/")
        self.assertEqual([x["logGroupName"] for x in groups["logGroups"]], [g])
        item = groups["logGroups"][0]
        self.assertEqual(item["arn"], GROUP_ARN % g + ":*")
        if "logGroupArn" in item:  # newer CLI models only
            self.assertEqual(item["logGroupArn"], GROUP_ARN % g)
        self.assertEqual(item["metricFilterCount"], 0)

        self.cli(v, "put-retention-policy", "--log-group-name", g, "--retention-in-days", "7")
        groups = self.cli(v, "describe-log-groups", "--log-group-name-prefix", g)
        self.assertEqual(groups["logGroups"][0]["retentionInDays"], 7)
        self.cli(v, "delete-retention-policy", "--log-group-name", g)
        groups = self.cli(v, "describe-log-groups", "--log-group-name-prefix", g)
        self.assertNotIn("retentionInDays", groups["logGroups"][0])

        arn = GROUP_ARN % g
        self.cli(v, "tag-resource", "--resource-arn", arn, "--tags", "env=test")
        tags = self.cli(v, "list-tags-for-resource", "--resource-arn", arn)
        self.assertEqual(tags["tags"], {"team": "audit", "env": "test"})
        self.cli(v, "untag-resource", "--resource-arn", arn, "--tag-keys", "env")
        self.cli(v, "tag-log-group", "--log-group-name", g, "--tags", "owner=sec")
        tags = self.cli(v, "list-tags-log-group", "--log-group-name", g)
        self.assertEqual(tags["tags"], {"team": "audit", "owner": "sec"})
        self.cli(v, "untag-log-group", "--log-group-name", g, "--tags", "owner")
        self.assertEqual(self.cli(v, "list-tags-log-group", "--log-group-name", g)["tags"],
                         {"team": "audit"})

        self.cli(v, "create-log-stream", "--log-group-name", g, "--log-stream-name", "s1")
        self.cli_error(v, "ResourceNotFoundException", "create-log-stream",
                       "--log-group-name", "/missing", "--log-stream-name", "s1")
        t = now_ms()
        events = json.dumps([
            {"timestamp": t, "message": '{"eventName":"CreateBucket","n":1}'},
            {"timestamp": t + 1, "message": "ERROR 419 MISSING ARGUMENTS"},
            {"timestamp": t + 2, "message": "INFO all good \u00e9t\u00e9"},
        ])
        put = self.cli(v, "put-log-events", "--log-group-name", g, "--log-stream-name", "s1",
                       "--log-events", events)
        self.assertRegex(put["nextSequenceToken"], r"^\d{56}$")
        self.assertNotIn("rejectedLogEventsInfo", put)
        streams = self.cli(v, "describe-log-streams", "--log-group-name", g)["logStreams"]
        self.assertEqual(streams[0]["logStreamName"], "s1")
        self.assertEqual(streams[0]["firstEventTimestamp"], t)
        self.assertEqual(streams[0]["lastEventTimestamp"], t + 2)
        self.assertEqual(streams[0]["arn"], arn + ":log-stream:s1")

        got = self.cli(v, "get-log-events", "--log-group-name", g, "--log-stream-name", "s1",
                       "--start-from-head")
        self.assertEqual([e["message"] for e in got["events"]],
                         ['{"eventName":"CreateBucket","n":1}', "ERROR 419 MISSING ARGUMENTS",
                          "INFO all good \u00e9t\u00e9"])
        self.assertRegex(got["nextForwardToken"], r"^f/\d{56}$")
        self.assertRegex(got["nextBackwardToken"], r"^b/\d{56}$")

        found = self.cli(v, "filter-log-events", "--log-group-name", g,
                         "--filter-pattern", "ERROR ARGUMENTS")
        self.assertEqual([e["message"] for e in found["events"]], ["ERROR 419 MISSING ARGUMENTS"])
        self.assertEqual(found["events"][0]["logStreamName"], "s1")
        self.assertRegex(found["events"][0]["eventId"], r"^\d{56}$")
        found = self.cli(v, "filter-log-events", "--log-group-name", g,
                         "--filter-pattern", '{ $.eventName = "CreateBucket" }')
        self.assertEqual(len(found["events"]), 1)
        self.cli_error(v, "InvalidParameterException", "filter-log-events",
                       "--log-group-name", g, "--filter-pattern", "{ $.eventName }")

        self.cli(v, "put-metric-filter", "--log-group-name", g, "--filter-name", "buckets",
                 "--filter-pattern", '{ $.eventName = "CreateBucket" }',
                 "--metric-transformations",
                 "metricName=BucketCount,metricNamespace=Audit,metricValue=1")
        filters = self.cli(v, "describe-metric-filters", "--log-group-name", g)["metricFilters"]
        self.assertEqual(filters[0]["filterName"], "buckets")
        self.assertEqual(filters[0]["metricTransformations"][0]["metricName"], "BucketCount")
        tested = self.cli(v, "test-metric-filter", "--filter-pattern", "[ip, user, status=4*]",
                          "--log-event-messages", "1.2.3.4 bob 404", "1.2.3.4 bob 200")
        self.assertEqual([m["eventNumber"] for m in tested["matches"]], [1])
        self.cli(v, "delete-metric-filter", "--log-group-name", g, "--filter-name", "buckets")
        self.cli_error(v, "ResourceNotFoundException", "delete-metric-filter",
                       "--log-group-name", g, "--filter-name", "buckets")

        doc = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "route53.amazonaws.com"},
            "Action": "logs:PutLogEvents", "Resource": "*"}]})
        pol = self.cli(v, "put-resource-policy", "--policy-name", "r53", "--policy-document", doc)
        self.assertEqual(pol["resourcePolicy"]["policyName"], "r53")
        pols = self.cli(v, "describe-resource-policies")["resourcePolicies"]
        self.assertEqual([p["policyName"] for p in pols], ["r53"])
        self.cli(v, "delete-resource-policy", "--policy-name", "r53")
        self.cli_error(v, "ResourceNotFoundException", "delete-resource-policy",
                       "--policy-name", "r53")

        q = self.cli(v, "start-query", "--log-group-name", g, "--start-time",
                     str(t // 1000 - 60), "--end-time", str(t // 1000 + 60), "--query-string",
                     "fields @message | filter @message like /ERROR/")
        res = self.cli(v, "get-query-results", "--query-id", q["queryId"])
        self.assertEqual(res["status"], "Complete")
        self.assertIn("statistics", res)
        queries = self.cli(v, "describe-queries", "--log-group-name", g)["queries"]
        self.assertEqual([x["queryId"] for x in queries], [q["queryId"]])
        err = self.cli_error(v, "MalformedQueryException", "start-query", "--log-group-name", g,
                             "--start-time", str(t // 1000 - 60), "--end-time",
                             str(t // 1000 + 60), "--query-string", "fields @message | bogus x")
        self.assertIn("Query syntax error", err)
        self.assertEqual(self.cli(v, "stop-query", "--query-id", q["queryId"]),
                         {"success": False})

        self.cli(v, "delete-log-stream", "--log-group-name", g, "--log-stream-name", "s1")
        self.cli_error(v, "ResourceNotFoundException", "get-log-events", "--log-group-name", g,
                       "--log-stream-name", "s1")
        self.cli(v, "delete-log-group", "--log-group-name", g)
        self.cli_error(v, "ResourceNotFoundException", "delete-log-group",
                       "--log-group-name", g)

    def test_cli_v2(self):
        self.flow(2)

    def test_cli_v1(self):
        self.flow(1)


class LogsEventsTest(LogsCase):

    def setup_stream(self, group="g", stream="s"):
        logs = self.logs()
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        return logs

    def test_put_validation_and_rejected_info(self):
        logs = self.setup_stream()
        t = self.clock_ms()
        self.assertLogsError(lambda: logs.put_log_events(
            logGroupName="g", logStreamName="s",
            logEvents=[{"timestamp": t, "message": "b"}, {"timestamp": t - 1, "message": "a"}]),
            "InvalidParameterException",
            "Log events in a single PutLogEvents request must be in chronological order.")
        self.assertLogsError(lambda: logs.put_log_events(
            logGroupName="nope", logStreamName="s", logEvents=[{"timestamp": t, "message": "a"}]),
            "ResourceNotFoundException", "The specified log group does not exist.")
        self.assertLogsError(lambda: logs.put_log_events(
            logGroupName="g", logStreamName="nope", logEvents=[{"timestamp": t, "message": "a"}]),
            "ResourceNotFoundException", "The specified log stream does not exist.")
        day = 86400000
        r = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
            {"timestamp": t - 15 * day, "message": "old"},
            {"timestamp": t, "message": "ok"},
            {"timestamp": t + 3 * 3600000, "message": "new"}])
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2})
        got = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)
        self.assertEqual([e["message"] for e in got["events"]], ["ok"])
        # Nothing changes after a refused batch.
        self.assertEqual(len(logs.filter_log_events(logGroupName="g")["events"]), 1)

    def test_retention_by_orgtrail_clock(self):
        logs = self.setup_stream()
        t = self.clock_ms()
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t - 2 * 86400000, "message": "two days"}])
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t, "message": "today"}])
        logs.put_retention_policy(logGroupName="g", retentionInDays=1)
        self.assertEqual([e["message"] for e in logs.filter_log_events(logGroupName="g")["events"]],
                         ["today"])
        self.advance(2 * 86400)
        self.assertEqual(logs.filter_log_events(logGroupName="g")["events"], [])
        self.assertLogsError(lambda: logs.put_retention_policy(logGroupName="g",
                                                               retentionInDays=2),
                             "InvalidParameterException")

    def test_get_log_events_tokens(self):
        logs = self.setup_stream()
        t = self.clock_ms()
        logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
            {"timestamp": t + i, "message": "m%d" % i} for i in range(5)])
        newest = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2)
        self.assertEqual([e["message"] for e in newest["events"]], ["m3", "m4"])
        back = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2,
                                   nextToken=newest["nextBackwardToken"])
        self.assertEqual([e["message"] for e in back["events"]], ["m1", "m2"])
        head = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2,
                                   startFromHead=True)
        self.assertEqual([e["message"] for e in head["events"]], ["m0", "m1"])
        fwd = logs.get_log_events(logGroupName="g", logStreamName="s", limit=10,
                                  nextToken=head["nextForwardToken"])
        self.assertEqual([e["message"] for e in fwd["events"]], ["m2", "m3", "m4"])
        end = logs.get_log_events(logGroupName="g", logStreamName="s",
                                  nextToken=fwd["nextForwardToken"])
        self.assertEqual(end["events"], [])
        self.assertEqual(end["nextForwardToken"], fwd["nextForwardToken"])
        # endTime is exclusive.
        window = logs.get_log_events(logGroupName="g", logStreamName="s", startTime=t + 1,
                                     endTime=t + 3, startFromHead=True)
        self.assertEqual([e["message"] for e in window["events"]], ["m1", "m2"])
        self.assertLogsError(lambda: logs.get_log_events(
            logGroupName="g", logStreamName="s", nextToken="f/123"),
            "InvalidParameterException", "The specified nextToken is invalid.")

    def test_filter_paging_streams_and_order(self):
        logs = self.setup_stream()
        logs.create_log_stream(logGroupName="g", logStreamName="other")
        t = self.clock_ms()
        for i in range(25):
            stream = "s" if i % 2 == 0 else "other"
            logs.put_log_events(logGroupName="g", logStreamName=stream,
                                logEvents=[{"timestamp": t + i, "message": "event %d" % i}])
        page1 = logs.filter_log_events(logGroupName="g", limit=20)
        self.assertEqual(len(page1["events"]), 20)
        page2 = logs.filter_log_events(logGroupName="g", limit=20, nextToken=page1["nextToken"])
        self.assertEqual(len(page2["events"]), 5)
        self.assertNotIn("nextToken", page2)
        msgs = [e["message"] for e in page1["events"] + page2["events"]]
        self.assertEqual(msgs, ["event %d" % i for i in range(25)])
        only = logs.filter_log_events(logGroupName="g", logStreamNames=["other"],
                                      startTime=t, endTime=t + 5)
        self.assertEqual([e["message"] for e in only["events"]],
                         ["event 1", "event 3", "event 5"])
        pref = logs.filter_log_events(logGroupName="g", logStreamNamePrefix="oth",
                                      filterPattern="-\"event 1\"")
        self.assertEqual(len(pref["events"]), 12 - 6)  # odd events, minus 1 and 11..19
        self.assertLogsError(lambda: logs.filter_log_events(
            logGroupName="g", logStreamNames=["s"], logStreamNamePrefix="s"),
            "InvalidParameterException")

    def test_many_small_batches_share_blocks(self):
        logs = self.setup_stream()
        t = self.clock_ms()
        for b in range(30):
            logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
                {"timestamp": t + b * 10 + i, "message": "batch %d event %d" % (b, i)}
                for i in range(10)])
        every = []
        token = None
        while True:
            kw = {"nextToken": token} if token else {}
            page = logs.filter_log_events(logGroupName="g", limit=70, **kw)
            every += page["events"]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(len(every), 300)
        self.assertEqual(every[-1]["message"], "batch 29 event 9")
        hits = logs.filter_log_events(logGroupName="g", filterPattern='"batch 17 event"')
        self.assertEqual(len(hits["events"]), 10)

    def test_invalid_patterns_refused_everywhere(self):
        logs = self.setup_stream()
        for p in INVALID_PATTERNS:
            with self.subTest(pattern=p):
                self.assertLogsError(lambda: logs.filter_log_events(
                    logGroupName="g", filterPattern=p), "InvalidParameterException")
                self.assertLogsError(lambda: logs.put_metric_filter(
                    logGroupName="g", filterName="f", filterPattern=p,
                    metricTransformations=[{"metricName": "m", "metricNamespace": "n",
                                            "metricValue": "1"}]),
                    "InvalidParameterException")
                self.assertLogsError(lambda: logs.test_metric_filter(
                    filterPattern=p, logEventMessages=["x"]), "InvalidParameterException")
        self.assertEqual(logs.describe_metric_filters(logGroupName="g")["metricFilters"], [])

    def test_describe_paging(self):
        logs = self.logs()
        for i in range(7):
            logs.create_log_group(logGroupName="grp-%d" % i)
            logs.create_log_stream(logGroupName="grp-0", logStreamName="st-%d" % i)
        page = logs.describe_log_groups(limit=3)
        names = [x["logGroupName"] for x in page["logGroups"]]
        while "nextToken" in page:
            page = logs.describe_log_groups(limit=3, nextToken=page["nextToken"])
            names += [x["logGroupName"] for x in page["logGroups"]]
        self.assertEqual(names, ["grp-%d" % i for i in range(7)])
        pat = logs.describe_log_groups(logGroupNamePattern="RP-3")["logGroups"]
        self.assertEqual([x["logGroupName"] for x in pat], ["grp-3"])
        streams = logs.describe_log_streams(logGroupName="grp-0", descending=True, limit=4)
        self.assertEqual([s["logStreamName"] for s in streams["logStreams"]],
                         ["st-6", "st-5", "st-4", "st-3"])
        rest = logs.describe_log_streams(logGroupName="grp-0", descending=True,
                                         nextToken=streams["nextToken"])
        self.assertEqual(len(rest["logStreams"]), 3)
        self.assertLogsError(lambda: logs.describe_log_streams(
            logGroupName="grp-0", orderBy="LastEventTime", logStreamNamePrefix="st"),
            "InvalidParameterException")


class LogsMetricsTest(LogsCase):

    def test_metric_filter_publishes_datapoint(self):
        logs = self.logs()
        logs.create_log_group(logGroupName="trail")
        logs.create_log_stream(logGroupName="trail", logStreamName="s")
        logs.put_metric_filter(
            logGroupName="trail", filterName="buckets",
            filterPattern='{ $.eventName = "CreateBucket" }',
            metricTransformations=[{"metricName": "CreateBucketCount",
                                    "metricNamespace": "CISBenchmark", "metricValue": "1"}])
        t = self.clock_ms()
        logs.put_log_events(logGroupName="trail", logStreamName="s", logEvents=[
            {"timestamp": t, "message": json.dumps({"eventName": "CreateBucket"})},
            {"timestamp": t, "message": json.dumps({"eventName": "ListBuckets"})},
            {"timestamp": t + 1, "message": json.dumps({"eventName": "CreateBucket"})}])
        for v in (2, 1):
            r = self.aws(v, "cloudwatch", "get-metric-statistics", "--namespace", "CISBenchmark",
                         "--metric-name", "CreateBucketCount", "--statistics", "Sum",
                         "--period", "60", "--start-time", str(t // 1000 - 300),
                         "--end-time", str(t // 1000 + 300))
            if r.returncode != 0 and "NotImplemented" in r.stderr:
                self.skipTest("cloudwatch metrics not served by this build")
            out = self.assertCliOk(r)
            self.assertEqual(sum(d["Sum"] for d in out["Datapoints"]), 2.0, out)


class LogsDurabilityTest(LogsCase):

    def test_acknowledged_events_survive_kill9(self):
        logs = self.logs()
        logs.create_log_group(logGroupName="durable")
        logs.create_log_stream(logGroupName="durable", logStreamName="s")
        t = self.clock_ms()
        for b in range(3):
            logs.put_log_events(logGroupName="durable", logStreamName="s", logEvents=[
                {"timestamp": t + b * 100 + i, "message": "b%d-%d" % (b, i)} for i in range(100)])
        self.server.restart(hard=True)
        logs = self.logs()
        events = logs.filter_log_events(logGroupName="durable")["events"]
        self.assertEqual(len(events), 300)
        self.assertEqual(events[-1]["message"], "b2-99")
        logs.put_log_events(logGroupName="durable", logStreamName="s",
                            logEvents=[{"timestamp": t + 1000, "message": "after"}])
        self.assertEqual(len(logs.filter_log_events(logGroupName="durable")["events"]), 301)
        # Sequence numbers continue past those used before the kill: an event with the
        # timestamp of the first one gets an id of its own.
        logs.put_log_events(logGroupName="durable", logStreamName="s",
                            logEvents=[{"timestamp": t, "message": "same time"}])
        events = logs.filter_log_events(logGroupName="durable")["events"]
        self.assertEqual(len({e["eventId"] for e in events}), 302)

    def test_small_batches_survive_kill9_and_read_back_in_order(self):
        # Batches of ten grow the open block's range of the stream's file, batch after batch.
        logs = self.logs()
        logs.create_log_group(logGroupName="small")
        logs.create_log_stream(logGroupName="small", logStreamName="s")
        t = self.clock_ms()
        for b in range(30):
            logs.put_log_events(logGroupName="small", logStreamName="s", logEvents=[
                {"timestamp": t + b * 10 + i, "message": "m%03d" % (b * 10 + i)}
                for i in range(10)])
        self.server.restart(hard=True)
        logs = self.logs()
        got = logs.get_log_events(logGroupName="small", logStreamName="s",
                                  startFromHead=True)["events"]
        self.assertEqual([e["message"] for e in got], ["m%03d" % i for i in range(300)])
        found = logs.filter_log_events(logGroupName="small", filterPattern="m29")["events"]
        self.assertEqual([e["message"] for e in found], ["m29%d" % i for i in range(10)])
        # Writing goes on at the committed end of the file.
        logs.put_log_events(logGroupName="small", logStreamName="s",
                            logEvents=[{"timestamp": t + 400, "message": "after"}])
        got = logs.get_log_events(logGroupName="small", logStreamName="s",
                                  startFromHead=True)["events"]
        self.assertEqual(len(got), 301)
        self.assertEqual(got[-1]["message"], "after")

    def files(self):
        d = os.path.join(self.server.data_dir, "logs")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def test_deleted_streams_groups_and_reset_leave_no_files(self):
        logs = self.logs()
        self.assertEqual(self.files(), [])
        t = self.clock_ms()
        for g in ("g1", "g2"):
            logs.create_log_group(logGroupName=g)
            for s in ("a", "b"):
                logs.create_log_stream(logGroupName=g, logStreamName=s)
                logs.put_log_events(logGroupName=g, logStreamName=s,
                                    logEvents=[{"timestamp": t, "message": g + s}])
        self.assertEqual(len(self.files()), 4)
        logs.delete_log_stream(logGroupName="g1", logStreamName="a")
        self.assertEqual(len(self.files()), 3)
        logs.delete_log_group(logGroupName="g1")
        self.assertEqual(len(self.files()), 2)
        self.assertEqual(logs.filter_log_events(logGroupName="g2")["events"][0]["message"], "g2a")
        self.server.reset()
        self.assertEqual(self.files(), [])


if __name__ == "__main__":
    unittest.main()
