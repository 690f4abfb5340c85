// CloudWatch metrics in process (spec/notifications.md §1): both wire protocols, statistics,
// percentiles, units, GetMetricData pages, ListMetrics filters, AWS's errors, and PutMetricData
// through Registry::CallInternal as logs.amazonaws.com (how metric filters publish).
#include <gtest/gtest.h>

#include "auth/principal.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/cloudwatch/metric_store.h"
#include "testing/in_process.h"
#include "testing/json_reply.h"

namespace orgtrail::gateway {
namespace {

// 2026-01-01T00:00:00Z, the fake clock's start.
constexpr int64_t kT0Seconds = 1767225600;

using Reply = JsonReply;

class CloudWatchTest : public InProcessTest {
 protected:
  // JSON 1.0, query-compatible, as CLI v1 and boto3 send it.
  Reply Call(std::string_view operation, std::string body) {
    return ToJsonReply(Send(CloudWatchJsonRequest(operation, std::move(body)), "monitoring"));
  }
  // Query protocol, as CLI v2 sends it.
  http::Response Query(std::string form) {
    return Send(QueryRequest("Version=2010-08-01&" + std::move(form)), "monitoring");
  }

  void Put(const std::string& datum, const std::string& ns = "App") {
    Reply r =
        Call("PutMetricData", R"({"Namespace":")" + ns + R"(","MetricData":[)" + datum + "]}");
    ASSERT_EQ(r.status, 200) << r.raw;
  }

  Reply Stats(const std::string& extra, int64_t start = kT0Seconds - 3600,
              int64_t end = kT0Seconds + 3600, int period = 60) {
    return Call("GetMetricStatistics", R"({"Namespace":"App","MetricName":"Latency","StartTime":)" +
                                           std::to_string(start) + R"(,"EndTime":)" +
                                           std::to_string(end) + R"(,"Period":)" +
                                           std::to_string(period) + extra + "}");
  }
};

TEST_F(CloudWatchTest, PutThenStatisticsPerPeriodAscending) {
  Put(R"({"MetricName":"Latency","Value":10,"Unit":"Milliseconds","Timestamp":)" +
      std::to_string(kT0Seconds - 120) + "}");
  Put(R"({"MetricName":"Latency","Value":30,"Unit":"Milliseconds","Timestamp":)" +
      std::to_string(kT0Seconds - 100) + "}");
  Put(R"({"MetricName":"Latency","Value":5,"Unit":"Milliseconds","Timestamp":)" +
      std::to_string(kT0Seconds - 10) + "}");
  Reply r = Stats(R"(,"Statistics":["Sum","Average","SampleCount","Minimum","Maximum"])");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body.GetString("Label"), "Latency");
  const Value::List& dps = r.body["Datapoints"].AsList();
  ASSERT_EQ(dps.size(), 2u) << r.raw;
  EXPECT_EQ(dps[0]["Timestamp"].AsInt(), kT0Seconds - 120);
  EXPECT_EQ(dps[0]["Sum"].AsDouble(), 40);
  EXPECT_EQ(dps[0]["Average"].AsDouble(), 20);
  EXPECT_EQ(dps[0]["SampleCount"].AsDouble(), 2);
  EXPECT_EQ(dps[0]["Minimum"].AsDouble(), 10);
  EXPECT_EQ(dps[0]["Maximum"].AsDouble(), 30);
  EXPECT_EQ(dps[0].GetString("Unit"), "Milliseconds");
  EXPECT_EQ(dps[1]["Timestamp"].AsInt(), kT0Seconds - 60);
  EXPECT_EQ(dps[1]["Sum"].AsDouble(), 5);
}

TEST_F(CloudWatchTest, DimensionsAreAnExactUnorderedSet) {
  Put(R"({"MetricName":"Latency","Value":1,"Dimensions":[{"Name":"B","Value":"2"},{"Name":"A","Value":"1"}]})");
  Put(R"({"MetricName":"Latency","Value":7})");
  Reply with = Stats(
      R"(,"Statistics":["Sum"],"Dimensions":[{"Name":"A","Value":"1"},{"Name":"B","Value":"2"}])");
  ASSERT_EQ(with.body["Datapoints"].size(), 1u) << with.raw;
  EXPECT_EQ(with.body["Datapoints"].AsList()[0]["Sum"].AsDouble(), 1);
  Reply partial = Stats(R"(,"Statistics":["Sum"],"Dimensions":[{"Name":"A","Value":"1"}])");
  EXPECT_EQ(partial.body["Datapoints"].size(), 0u) << partial.raw;
  Reply none = Stats(R"(,"Statistics":["Sum"])");
  ASSERT_EQ(none.body["Datapoints"].size(), 1u);
  EXPECT_EQ(none.body["Datapoints"].AsList()[0]["Sum"].AsDouble(), 7);
}

TEST_F(CloudWatchTest, StatisticSetsValuesCountsPercentilesAndUnitFilter) {
  Put(R"({"MetricName":"Latency","StatisticValues":{"SampleCount":4,"Sum":20,"Minimum":1,"Maximum":9},"Unit":"Count"})");
  Reply set = Stats(R"(,"Statistics":["Average","SampleCount"],"ExtendedStatistics":["p50"])");
  ASSERT_EQ(set.status, 200) << set.raw;
  const Value& dp = set.body["Datapoints"].AsList()[0];
  EXPECT_EQ(dp["Average"].AsDouble(), 5);
  EXPECT_EQ(dp["SampleCount"].AsDouble(), 4);
  EXPECT_EQ(dp["ExtendedStatistics"].size(), 0u);  // no percentiles from statistic sets

  Put(R"({"MetricName":"Latency","Values":[1,2,3,100],"Counts":[1,1,1,1],"Unit":"Seconds"})");
  Reply secs =
      Stats(R"(,"Statistics":["Sum"],"ExtendedStatistics":["p50","p99"],"Unit":"Seconds")");
  ASSERT_EQ(secs.body["Datapoints"].size(), 1u) << secs.raw;
  const Value& s = secs.body["Datapoints"].AsList()[0];
  EXPECT_EQ(s["Sum"].AsDouble(), 106);
  EXPECT_EQ(s.GetString("Unit"), "Seconds");
  EXPECT_EQ(s["ExtendedStatistics"]["p50"].AsDouble(), 2);
  EXPECT_EQ(s["ExtendedStatistics"]["p99"].AsDouble(), 100);
  Reply bytes = Stats(R"(,"Statistics":["Sum"],"Unit":"Bytes")");
  EXPECT_EQ(bytes.body["Datapoints"].size(), 0u);
}

TEST_F(CloudWatchTest, PutMetricDataErrorsAsAws) {
  Reply aws = Call("PutMetricData",
                   R"({"Namespace":"AWS/EC2","MetricData":[{"MetricName":"m","Value":1}]})");
  EXPECT_EQ(aws.status, 400);
  EXPECT_EQ(aws.query_error, "InvalidParameterValue;Sender");
  EXPECT_EQ(aws.Message(), "The value AWS/ for parameter Namespace is invalid.");
  Reply both = Call(
      "PutMetricData",
      R"({"Namespace":"App","MetricData":[{"MetricName":"m","Value":1,"StatisticValues":{"SampleCount":1,"Sum":1,"Minimum":1,"Maximum":1}}]})");
  EXPECT_EQ(both.query_error, "InvalidParameterCombination;Sender");
  EXPECT_EQ(both.Message(),
            "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are "
            "mutually exclusive and you have specified both.");
  Reply old = Call("PutMetricData",
                   R"({"Namespace":"App","MetricData":[{"MetricName":"m","Value":1,"Timestamp":)" +
                       std::to_string(kT0Seconds - 15 * 86400) + "}]}");
  EXPECT_EQ(
      old.Message(),
      "The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.");
  Reply nan = Call("PutMetricData",
                   R"({"Namespace":"App","MetricData":[{"MetricName":"m","Value":"NaN"}]})");
  EXPECT_EQ(nan.status, 400) << nan.raw;
  Reply sizes =
      Call("PutMetricData",
           R"({"Namespace":"App","MetricData":[{"MetricName":"m","Values":[1,2],"Counts":[1]}]})");
  EXPECT_EQ(sizes.query_error, "InvalidParameterValue;Sender");
  // Nothing was stored by the refused requests.
  Reply listed = Call("ListMetrics", "{}");
  EXPECT_EQ(listed.body["Metrics"].size(), 0u) << listed.raw;
}

TEST_F(CloudWatchTest, GetMetricStatisticsErrorsAsAws) {
  Reply none = Stats("");
  EXPECT_EQ(none.query_error, "MissingParameter;Sender");
  EXPECT_EQ(none.Message(), "Must specify either Statistics or ExtendedStatistics.");
  Reply period = Stats(R"(,"Statistics":["Sum"])", kT0Seconds - 3600, kT0Seconds, 7);
  EXPECT_EQ(period.Message(), "The parameter Period must be a multiple of 60.");
  Reply order = Stats(R"(,"Statistics":["Sum"])", kT0Seconds, kT0Seconds - 60);
  EXPECT_EQ(order.Message(), "The parameter StartTime must be less than the parameter EndTime.");
  Reply many = Stats(R"(,"Statistics":["Sum"])", kT0Seconds - 86400, kT0Seconds + 60, 60);
  EXPECT_EQ(many.query_error, "InvalidParameterCombination;Sender");
  EXPECT_EQ(many.Message(),
            "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may "
            "reduce the datapoints requested by increasing Period, or decreasing the time range.");
  Reply pct = Stats(R"(,"ExtendedStatistics":["p101"])");
  EXPECT_EQ(pct.Message(), "The value p101 for parameter ExtendedStatistics.member.1 is invalid.");
}

TEST_F(CloudWatchTest, QueryProtocolRoundTrip) {
  http::Response put = Query(
      "Action=PutMetricData&Namespace=App&MetricData.member.1.MetricName=Latency&"
      "MetricData.member.1.Value=4&MetricData.member.1.Unit=Count&"
      "MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1."
      "Value=a");
  ASSERT_EQ(put.status, 200) << put.body;
  http::Response got = Query(
      "Action=GetMetricStatistics&Namespace=App&MetricName=Latency&StartTime=2025-12-31T23:00:00Z&"
      "EndTime=2026-01-01T01:00:00Z&Period=300&Statistics.member.1=Sum&"
      "Dimensions.member.1.Name=Host&Dimensions.member.1.Value=a");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("<Timestamp>2026-01-01T00:00:00.000Z</Timestamp>"), std::string::npos)
      << got.body;
  EXPECT_NE(got.body.find("<Sum>4"), std::string::npos) << got.body;
  http::Response bad = Query(
      "Action=PutMetricData&Namespace=AWS/X&MetricData.member.1.MetricName=m&"
      "MetricData.member.1.Value=1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("<Code>InvalidParameterValue</Code>"), std::string::npos) << bad.body;
}

TEST_F(CloudWatchTest, GetMetricDataScanByAndPages) {
  for (int i = 0; i < 5; ++i)
    Put(R"({"MetricName":"Latency","Value":)" + std::to_string(i) + R"(,"Timestamp":)" +
        std::to_string(kT0Seconds - 300 + i * 60) + "}");
  const std::string q =
      R"({"MetricDataQueries":[{"Id":"a","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Latency"},"Period":60,"Stat":"Sum"}}],"StartTime":)" +
      std::to_string(kT0Seconds - 3600) + R"(,"EndTime":)" + std::to_string(kT0Seconds);
  Reply desc = Call("GetMetricData", q + "}");
  ASSERT_EQ(desc.status, 200) << desc.raw;
  const Value& res = desc.body["MetricDataResults"].AsList()[0];
  EXPECT_EQ(res.GetString("Label"), "Latency");
  EXPECT_EQ(res.GetString("StatusCode"), "Complete");
  ASSERT_EQ(res["Values"].size(), 5u);
  EXPECT_EQ(res["Values"].AsList()[0].AsDouble(), 4);
  EXPECT_EQ(res["Timestamps"].AsList()[0].AsInt(), kT0Seconds - 60);

  Reply page1 = Call("GetMetricData", q + R"(,"ScanBy":"TimestampAscending","MaxDatapoints":3})");
  ASSERT_EQ(page1.status, 200) << page1.raw;
  const Value& r1 = page1.body["MetricDataResults"].AsList()[0];
  EXPECT_EQ(r1.GetString("StatusCode"), "PartialData");
  ASSERT_EQ(r1["Values"].size(), 3u);
  EXPECT_EQ(r1["Values"].AsList()[0].AsDouble(), 0);
  std::string token = page1.body.GetString("NextToken");
  ASSERT_FALSE(token.empty());
  Reply page2 =
      Call("GetMetricData",
           q + R"(,"ScanBy":"TimestampAscending","MaxDatapoints":3,"NextToken":")" + token + "\"}");
  const Value& r2 = page2.body["MetricDataResults"].AsList()[0];
  EXPECT_EQ(r2.GetString("StatusCode"), "Complete");
  ASSERT_EQ(r2["Values"].size(), 2u);
  EXPECT_EQ(r2["Values"].AsList()[1].AsDouble(), 4);
  EXPECT_FALSE(page2.body.Has("NextToken"));
  // A token is the filters' hash and a count: any other count is refused, changing nothing.
  std::string text = Base64UrlDecode(token).value();
  for (const char* count : {"-1", "-9223372036854775808", "3x", ""}) {
    std::string forged = Base64UrlEncode(text.substr(0, 17) + count);
    Reply bad = Call("GetMetricData", q + R"(,"ScanBy":"TimestampAscending","MaxDatapoints":3,)" +
                                          R"("NextToken":")" + forged + "\"}");
    EXPECT_EQ(bad.status, 400) << count << bad.raw;
    EXPECT_EQ(bad.Code(), "InvalidNextToken") << count;
  }

  Reply expr = Call(
      "GetMetricData",
      R"j({"MetricDataQueries":[{"Id":"e","Expression":"SUM(METRICS())"}],"StartTime":)j" +
          std::to_string(kT0Seconds - 60) + R"(,"EndTime":)" + std::to_string(kT0Seconds) + "}");
  EXPECT_EQ(expr.query_error, "InvalidParameterValue;Sender");
  EXPECT_EQ(expr.Message(), "orgtrail does not support metric math expressions.");
  Reply badid = Call(
      "GetMetricData",
      R"({"MetricDataQueries":[{"Id":"Bad","MetricStat":{"Metric":{"Namespace":"App","MetricName":"Latency"},"Period":60,"Stat":"Sum"}}],"StartTime":)" +
          std::to_string(kT0Seconds - 60) + R"(,"EndTime":)" + std::to_string(kT0Seconds) + "}");
  EXPECT_EQ(badid.Message(),
            "The value Bad for parameter MetricDataQueries.member.1.Id is invalid.");
}

TEST_F(CloudWatchTest, ListMetricsFiltersAndRecentlyActive) {
  Put(R"({"MetricName":"Latency","Value":1,"Dimensions":[{"Name":"Host","Value":"a"}]})");
  Put(R"({"MetricName":"Latency","Value":1,"Dimensions":[{"Name":"Host","Value":"b"}]})");
  Put(R"({"MetricName":"Errors","Value":1,"Timestamp":)" + std::to_string(kT0Seconds - 5 * 3600) +
      "}");
  Put(R"({"MetricName":"Other","Value":1})", "Other");
  EXPECT_EQ(Call("ListMetrics", "{}").body["Metrics"].size(), 4u);
  EXPECT_EQ(Call("ListMetrics", R"({"Namespace":"App"})").body["Metrics"].size(), 3u);
  EXPECT_EQ(Call("ListMetrics", R"({"MetricName":"Latency"})").body["Metrics"].size(), 2u);
  Reply host = Call("ListMetrics", R"({"Dimensions":[{"Name":"Host","Value":"b"}]})");
  ASSERT_EQ(host.body["Metrics"].size(), 1u);
  const Value& m = host.body["Metrics"].AsList()[0];
  EXPECT_EQ(m.GetString("Namespace"), "App");
  EXPECT_EQ(m["Dimensions"].AsList()[0].GetString("Value"), "b");
  EXPECT_EQ(Call("ListMetrics", R"({"Dimensions":[{"Name":"Host"}]})").body["Metrics"].size(), 2u);
  EXPECT_EQ(Call("ListMetrics", R"({"RecentlyActive":"PT3H"})").body["Metrics"].size(), 3u);
  Reply bad = Call("ListMetrics", R"({"NextToken":"garbage"})");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(CloudWatchTest, ListMetricsPaginates) {
  std::string data;
  for (int i = 0; i < 600; ++i)
    data += std::string(i ? "," : "") + R"({"MetricName":"m)" + std::to_string(1000 + i) +
            R"(","Value":1})";
  Reply put = Call("PutMetricData", R"({"Namespace":"Bulk","MetricData":[)" + data + "]}");
  ASSERT_EQ(put.status, 200) << put.raw;
  Reply p1 = Call("ListMetrics", R"({"Namespace":"Bulk"})");
  ASSERT_EQ(p1.body["Metrics"].size(), 500u);
  std::string token = p1.body.GetString("NextToken");
  ASSERT_FALSE(token.empty());
  Reply p2 = Call("ListMetrics", R"({"Namespace":"Bulk","NextToken":")" + token + "\"}");
  ASSERT_EQ(p2.body["Metrics"].size(), 100u) << p2.raw;
  EXPECT_EQ(p2.body["Metrics"].AsList()[0].GetString("MetricName"), "m1500");
  EXPECT_FALSE(p2.body.Has("NextToken"));
  Reply other = Call("ListMetrics", R"({"Namespace":"App","NextToken":")" + token + "\"}");
  EXPECT_EQ(other.status, 400);
}

TEST_F(CloudWatchTest, MetricFiltersPublishThroughCallInternalAsLogs) {
  auth::Principal logs = auth::ServicePrincipal("logs.amazonaws.com", "111111111111");
  Value input =
      Value::MakeMap()
          .Set("Namespace", "CloudTrailMetrics")
          .Set("MetricData", Value::MakeList().Append(Value::MakeMap()
                                                          .Set("MetricName", "CreateBucketCount")
                                                          .Set("Value", 1.0)
                                                          .Set("Timestamp", Value(kT0Seconds))));
  Result<Value> r =
      registry_.CallInternal(env_, logs, "cloudwatch", "PutMetricData", input, "us-east-1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  // Stored in the account the service acted for, not the caller's own.
  services::cloudwatch::MetricStore theirs(*store_, "111111111111", "us-east-1");
  auto buckets = theirs.Aggregate({"CloudTrailMetrics", "CreateBucketCount", {}},
                                  kT0Seconds * 1000 - 60000, kT0Seconds * 1000 + 60000, 60, "");
  ASSERT_EQ(buckets.size(), 1u);
  EXPECT_EQ(buckets[0].sum, 1);
  EXPECT_EQ(Call("ListMetrics", "{}").body["Metrics"].size(), 0u);
}

}  // namespace
}  // namespace orgtrail::gateway
