"""CloudWatch metrics through the AWS CLI v2 (Query protocol), the AWS CLI v1 (JSON 1.0,
query-compatible) and boto3 (spec/notifications.md §1): put-metric-data, get-metric-statistics,
get-metric-data, list-metrics and AWS's errors."""

import datetime
import json
import time
import unittest

import botocore.exceptions

from orgtrail_harness import OrgtrailTestCase


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class CloudWatchCase(OrgtrailTestCase):

    def now(self):
        status, body = self.server.admin("GET", "clock")
        self.assertEqual(status, 200, body)
        for key in ("epochMillis",):
            if key in body:
                return body[key] // 1000
        return int(time.time())

    def base(self):
        """A minute boundary ten minutes ago."""
        return (self.now() // 60) * 60 - 600

    def test_put_and_statistics_with_both_cli_versions(self):
        t0 = self.base()
        for version in (2, 1):
            ns = "App%d" % version
            for i, value in enumerate((10, 30, 5)):
                r = self.aws(version, "cloudwatch", "put-metric-data", "--namespace", ns,
                             "--metric-name", "Latency", "--unit", "Milliseconds",
                             "--value", value, "--timestamp", iso(t0 + i * 20),
                             "--dimensions", "Host=a,Zone=z1")
                self.assertEqual(r.returncode, 0, r)
                self.assertEqual(r.stdout.strip(), "", r)
            out = self.assertCliOk(self.aws(
                version, "cloudwatch", "get-metric-statistics", "--namespace", ns,
                "--metric-name", "Latency", "--dimensions", "Name=Zone,Value=z1",
                "Name=Host,Value=a", "--start-time", iso(t0 - 300),
                "--end-time", iso(t0 + 300), "--period", 60,
                "--statistics", "Sum", "Average", "SampleCount", "Maximum",
                "--extended-statistics", "p50"))
            self.assertEqual(out["Label"], "Latency")
            self.assertEqual(len(out["Datapoints"]), 1, out)
            dp = out["Datapoints"][0]
            self.assertEqual(dp["Sum"], 45.0)
            self.assertEqual(dp["Average"], 15.0)
            self.assertEqual(dp["SampleCount"], 3.0)
            self.assertEqual(dp["Maximum"], 30.0)
            self.assertEqual(dp["ExtendedStatistics"], {"p50": 10.0})
            self.assertEqual(dp["Unit"], "Milliseconds")
            if isinstance(dp["Timestamp"], str):  # v2 prints ISO 8601, v1 epoch seconds
                self.assertTrue(dp["Timestamp"].startswith(iso(t0)[:16]), dp)
            else:
                self.assertEqual(dp["Timestamp"], t0, dp)

    def test_get_metric_data_and_list_metrics_with_both_cli_versions(self):
        t0 = self.base()
        cw = self.client("cloudwatch")
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Value": float(i), "Timestamp": t0 + i * 60,
             "Dimensions": [{"Name": "Store", "Value": "s1"}]} for i in range(4)])
        cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Refunds", "Value": 1.0}])
        queries = json.dumps([{"Id": "orders", "MetricStat": {"Metric": {
            "Namespace": "Shop", "MetricName": "Orders",
            "Dimensions": [{"Name": "Store", "Value": "s1"}]}, "Period": 60, "Stat": "Sum"}}])
        for version in (2, 1):
            out = self.assertCliOk(self.aws(
                version, "cloudwatch", "get-metric-data", "--metric-data-queries", queries,
                "--start-time", iso(t0 - 600), "--end-time", iso(t0 + 600),
                "--scan-by", "TimestampAscending"))
            res = out["MetricDataResults"][0]
            self.assertEqual(res["Id"], "orders")
            self.assertEqual(res["Label"], "Orders")
            self.assertEqual(res["StatusCode"], "Complete")
            self.assertEqual(res["Values"], [0.0, 1.0, 2.0, 3.0])
            self.assertEqual(len(res["Timestamps"]), 4)
            listed = self.assertCliOk(self.aws(version, "cloudwatch", "list-metrics",
                                               "--namespace", "Shop"))
            names = sorted(m["MetricName"] for m in listed["Metrics"])
            self.assertEqual(names, ["Orders", "Refunds"])
            filtered = self.assertCliOk(self.aws(
                version, "cloudwatch", "list-metrics", "--dimensions", "Name=Store,Value=s1"))
            self.assertEqual(filtered["Metrics"], [{
                "Namespace": "Shop", "MetricName": "Orders",
                "Dimensions": [{"Name": "Store", "Value": "s1"}]}])

    def test_errors_with_both_cli_versions(self):
        t0 = self.base()
        for version in (2, 1):
            r = self.aws(version, "cloudwatch", "put-metric-data", "--namespace", "AWS/EC2",
                         "--metric-name", "m", "--value", 1)
            self.assertCliError(r, "InvalidParameterValue")
            self.assertIn("The value AWS/ for parameter Namespace is invalid.", r.stderr)
            r = self.aws(version, "cloudwatch", "get-metric-statistics", "--namespace", "App",
                         "--metric-name", "m", "--start-time", iso(t0 - 86400),
                         "--end-time", iso(t0 + 60), "--period", 60, "--statistics", "Sum")
            self.assertCliError(r, "InvalidParameterCombination")
            self.assertIn("which exceeds the limit of 1,440", r.stderr)
            r = self.aws(version, "cloudwatch", "get-metric-statistics", "--namespace", "App",
                         "--metric-name", "m", "--start-time", iso(t0),
                         "--end-time", iso(t0 + 60), "--period", 7, "--statistics", "Sum")
            self.assertCliError(r, "InvalidParameterValue")
            r = self.aws(version, "cloudwatch", "get-metric-data", "--metric-data-queries",
                         json.dumps([{"Id": "e", "Expression": "SUM(METRICS())"}]),
                         "--start-time", iso(t0), "--end-time", iso(t0 + 60))
            self.assertCliError(r, "InvalidParameterValue")
        listed = self.assertCliOk(self.aws(2, "cloudwatch", "list-metrics"))
        self.assertEqual(listed["Metrics"], [])

    def test_boto3_statistic_sets_pagination_and_errors(self):
        t0 = self.base()
        cw = self.client("cloudwatch")
        cw.put_metric_data(Namespace="Batch", MetricData=[
            {"MetricName": "Jobs", "Timestamp": t0, "Unit": "Count",
             "StatisticValues": {"SampleCount": 4, "Sum": 20, "Minimum": 1, "Maximum": 9}},
            {"MetricName": "Jobs", "Timestamp": t0 + 1, "Unit": "Count",
             "Values": [1, 2, 3], "Counts": [1, 1, 2]}])
        out = cw.get_metric_statistics(Namespace="Batch", MetricName="Jobs", StartTime=t0 - 60,
                                       EndTime=t0 + 60, Period=60, Unit="Count",
                                       Statistics=["Sum", "SampleCount", "Minimum"])
        self.assertEqual(len(out["Datapoints"]), 1, out)
        dp = out["Datapoints"][0]
        self.assertEqual((dp["Sum"], dp["SampleCount"], dp["Minimum"]), (29.0, 8.0, 1.0))
        none = cw.get_metric_statistics(Namespace="Batch", MetricName="Jobs", StartTime=t0 - 60,
                                        EndTime=t0 + 60, Period=60, Unit="Bytes",
                                        Statistics=["Sum"])
        self.assertEqual(none["Datapoints"], [])

        for chunk in range(2):
            cw.put_metric_data(Namespace="Many", MetricData=[
                {"MetricName": "m%04d" % (chunk * 300 + i), "Value": 1.0} for i in range(300)])
        pages = list(cw.get_paginator("list_metrics").paginate(Namespace="Many"))
        self.assertEqual([len(p["Metrics"]) for p in pages], [500, 100])

        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            cw.put_metric_data(Namespace="Batch", MetricData=[
                {"MetricName": "Jobs", "Value": 1.0,
                 "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])
        self.assertClientError(
            cm.exception, "InvalidParameterCombination", 400,
            "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues "
            "are mutually exclusive and you have specified both.")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            cw.get_metric_statistics(Namespace="Batch", MetricName="Jobs", StartTime=t0 - 60,
                                     EndTime=t0 + 60, Period=60)
        self.assertClientError(cm.exception, "MissingParameter", 400,
                               "Must specify either Statistics or ExtendedStatistics.")

    def test_datapoints_survive_restart(self):
        t0 = self.base()
        cw = self.client("cloudwatch")
        cw.put_metric_data(Namespace="Durable", MetricData=[
            {"MetricName": "m", "Value": 2.5, "Timestamp": t0}])
        self.server.restart(hard=True)
        cw = self.client("cloudwatch")
        out = cw.get_metric_statistics(Namespace="Durable", MetricName="m", StartTime=t0 - 60,
                                       EndTime=t0 + 60, Period=60, Statistics=["Sum"])
        self.assertEqual([d["Sum"] for d in out["Datapoints"]], [2.5])


if __name__ == "__main__":
    unittest.main()
