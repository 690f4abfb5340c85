// CloudWatch Logs handlers in process (spec/logs.md §2-4, §6): PutLogEvents validation and
// rejected events, GetLogEvents tokens, FilterLogEvents patterns and pages, metric filters and
// the datapoints they publish to CloudWatch, retention on the fake clock.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "testing/in_process.h"
#include "testing/json_reply.h"

namespace orgtrail::gateway {
namespace {

// 2026-01-01T00:00:00Z in milliseconds, the fake clock's start.
constexpr int64_t kT0Millis = 1767225600000;
constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 86'400'000;

using Reply = JsonReply;

class LogsOpsTest : public InProcessTest {
 protected:
  Reply Logs(std::string_view operation, std::string body) {
    http::Response r =
        Send(JsonRequest("Logs_20140328." + std::string(operation), std::move(body)), "logs");
    return ToJsonReply(r);
  }
  Reply Monitoring(std::string_view operation, std::string body) {
    return ToJsonReply(Send(CloudWatchJsonRequest(operation, std::move(body)), "monitoring"));
  }

  void MakeStream(const std::string& group = "app", const std::string& stream = "s1") {
    Reply g = Logs("CreateLogGroup", R"({"logGroupName":")" + group + R"("})");
    ASSERT_TRUE(g.status == 200 || g.Code() == "ResourceAlreadyExistsException") << g.raw;
    Reply s = Logs("CreateLogStream",
                   R"({"logGroupName":")" + group + R"(","logStreamName":")" + stream + R"("})");
    ASSERT_EQ(s.status, 200) << s.raw;
  }

  static std::string Event(int64_t ts, const std::string& message) {
    return R"({"timestamp":)" + std::to_string(ts) + R"(,"message":")" + message + R"("})";
  }

  Reply Put(const std::string& events_json, const std::string& group = "app",
            const std::string& stream = "s1") {
    return Logs("PutLogEvents", R"({"logGroupName":")" + group + R"(","logStreamName":")" + stream +
                                    R"(","logEvents":[)" + events_json + "]}");
  }

  // Puts `n` events "<prefix> i" one second apart starting at `start`.
  void PutMany(int n, int64_t start, const std::string& prefix = "line",
               const std::string& stream = "s1") {
    std::string events;
    for (int i = 0; i < n; ++i) {
      if (i) events += ",";
      events += Event(start + i * 1000, prefix + " " + std::to_string(i));
    }
    Reply r = Put(events, "app", stream);
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_FALSE(r.body.Has("rejectedLogEventsInfo")) << r.raw;
  }

  static std::vector<std::string> Messages(const Reply& r) {
    std::vector<std::string> out;
    for (const Value& e : r.body["events"].AsList()) out.push_back(e.GetString("message"));
    return out;
  }
};

TEST_F(LogsOpsTest, PutLogEventsUnknownGroupOrStream) {
  Reply no_group = Put(Event(kT0Millis, "x"), "nope");
  EXPECT_EQ(no_group.status, 400) << no_group.raw;
  EXPECT_EQ(no_group.Code(), "ResourceNotFoundException");
  EXPECT_EQ(no_group.Message(), "The specified log group does not exist.");
  MakeStream();
  Reply no_stream = Put(Event(kT0Millis, "x"), "app", "nope");
  EXPECT_EQ(no_stream.status, 400) << no_stream.raw;
  EXPECT_EQ(no_stream.Code(), "ResourceNotFoundException");
  EXPECT_EQ(no_stream.Message(), "The specified log stream does not exist.");
}

TEST_F(LogsOpsTest, PutLogEventsRefusesEmptyAndUnorderedBatchesAndStoresNothing) {
  MakeStream();
  Reply empty = Put("");
  EXPECT_EQ(empty.status, 400) << empty.raw;
  EXPECT_EQ(empty.Code(), "InvalidParameterException") << empty.raw;
  EXPECT_NE(empty.Message().find("'logEvents'"), std::string::npos) << empty.raw;

  Reply unordered = Put(Event(kT0Millis, "b") + "," + Event(kT0Millis - 1000, "a"));
  EXPECT_EQ(unordered.status, 400) << unordered.raw;
  EXPECT_EQ(unordered.Code(), "InvalidParameterException");
  EXPECT_EQ(unordered.Message(),
            "Log events in a single PutLogEvents request must be in chronological order.");

  Reply span = Put(Event(kT0Millis - 25 * kHour, "a") + "," + Event(kT0Millis, "b"));
  EXPECT_EQ(span.Code(), "InvalidParameterException") << span.raw;
  EXPECT_EQ(span.Message(),
            "The batch of log events in a single PutLogEvents request cannot span more than 24 "
            "hours.");

  // Equal timestamps are in order.
  Reply same = Put(Event(kT0Millis, "c") + "," + Event(kT0Millis, "d"));
  EXPECT_EQ(same.status, 200) << same.raw;
  Reply all = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1"})");
  EXPECT_EQ(Messages(all), (std::vector<std::string>{"c", "d"})) << all.raw;
}

TEST_F(LogsOpsTest, PutLogEventsRejectsTooOldAndTooNewIndividually) {
  MakeStream();
  Reply r =
      Put(Event(kT0Millis - 15 * kDay, "old") + "," + Event(kT0Millis - 2 * kHour, "kept1") + "," +
          Event(kT0Millis + kHour, "kept2") + "," + Event(kT0Millis + 3 * kHour, "new"));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_FALSE(r.body.GetString("nextSequenceToken").empty());
  const Value& info = r.body["rejectedLogEventsInfo"];
  EXPECT_EQ(info["tooOldLogEventEndIndex"].AsInt(), 1) << r.raw;
  EXPECT_EQ(info["tooNewLogEventStartIndex"].AsInt(), 3) << r.raw;
  EXPECT_FALSE(info.Has("expiredLogEventEndIndex")) << r.raw;
  Reply all =
      Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","startFromHead":true})");
  EXPECT_EQ(Messages(all), (std::vector<std::string>{"kept1", "kept2"})) << all.raw;

  // Retention makes events older than it "expired".
  ASSERT_EQ(Logs("PutRetentionPolicy", R"({"logGroupName":"app","retentionInDays":1})").status,
            200);
  Reply exp = Put(Event(kT0Millis - 2 * kDay, "gone") + "," + Event(kT0Millis - 1000, "ok"));
  ASSERT_EQ(exp.status, 200) << exp.raw;
  EXPECT_EQ(exp.body["rejectedLogEventsInfo"]["expiredLogEventEndIndex"].AsInt(), 1) << exp.raw;
  EXPECT_FALSE(exp.body["rejectedLogEventsInfo"].Has("tooOldLogEventEndIndex")) << exp.raw;
}

TEST_F(LogsOpsTest, GetLogEventsForwardAndBackwardTokens) {
  MakeStream();
  PutMany(5, kT0Millis - 10'000);
  // Default (startFromHead=false): the newest page, ascending within the page.
  Reply tail = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":2})");
  ASSERT_EQ(tail.status, 200) << tail.raw;
  EXPECT_EQ(Messages(tail), (std::vector<std::string>{"line 3", "line 4"}));
  std::string back = tail.body.GetString("nextBackwardToken");
  std::string fwd = tail.body.GetString("nextForwardToken");
  EXPECT_EQ(back.substr(0, 2), "b/");
  EXPECT_EQ(back.size(), 58u);
  EXPECT_EQ(fwd.substr(0, 2), "f/");

  Reply older = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":2,)"
                                     R"("nextToken":")" +
                                         back + R"("})");
  EXPECT_EQ(Messages(older), (std::vector<std::string>{"line 1", "line 2"})) << older.raw;
  Reply oldest = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":2,)"
                                      R"("nextToken":")" +
                                          older.body.GetString("nextBackwardToken") + R"("})");
  EXPECT_EQ(Messages(oldest), (std::vector<std::string>{"line 0"})) << oldest.raw;
  // At the start of the stream: an empty page returning the token passed in.
  std::string start_token = oldest.body.GetString("nextBackwardToken");
  Reply before = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":2,)"
                                      R"("nextToken":")" +
                                          start_token + R"("})");
  EXPECT_TRUE(Messages(before).empty()) << before.raw;
  EXPECT_EQ(before.body.GetString("nextBackwardToken"), start_token);

  // At the end: forward from the newest page is empty and returns its token.
  Reply after = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":2,)"
                                     R"("nextToken":")" +
                                         fwd + R"("})");
  EXPECT_TRUE(Messages(after).empty()) << after.raw;
  EXPECT_EQ(after.body.GetString("nextForwardToken"), fwd);

  // From the head, forward through all pages.
  Reply head = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":3,)"
                                    R"("startFromHead":true})");
  EXPECT_EQ(Messages(head), (std::vector<std::string>{"line 0", "line 1", "line 2"}));
  Reply next = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":3,)"
                                    R"("nextToken":")" +
                                        head.body.GetString("nextForwardToken") + R"("})");
  EXPECT_EQ(Messages(next), (std::vector<std::string>{"line 3", "line 4"})) << next.raw;

  // endTime is exclusive, startTime inclusive.
  Reply window = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1",)"
                                      R"("startFromHead":true,"startTime":)" +
                                          std::to_string(kT0Millis - 9'000) + R"(,"endTime":)" +
                                          std::to_string(kT0Millis - 7'000) + "}");
  EXPECT_EQ(Messages(window), (std::vector<std::string>{"line 1", "line 2"})) << window.raw;

  Reply bad =
      Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","nextToken":"f/123"})");
  EXPECT_EQ(bad.Code(), "InvalidParameterException");
  EXPECT_EQ(bad.Message(), "The specified nextToken is invalid.");
  Reply limit =
      Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","limit":10001})");
  EXPECT_EQ(limit.Message(),
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000")
      << limit.raw;
}

TEST_F(LogsOpsTest, FilterLogEventsPatternAndPages) {
  MakeStream();
  MakeStream("app", "s2");
  PutMany(25, kT0Millis - 60'000, "ERROR");
  PutMany(10, kT0Millis - 59'500, "INFO", "s2");
  // 25 matching events, limit 20: a page of 20 and a token, then 5 and no token.
  Reply p1 =
      Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"ERROR","limit":20})");
  ASSERT_EQ(p1.status, 200) << p1.raw;
  ASSERT_EQ(p1.body["events"].size(), 20u) << p1.raw;
  ASSERT_TRUE(p1.body.Has("nextToken")) << p1.raw;
  const Value& first = p1.body["events"].AsList()[0];
  EXPECT_EQ(first.GetString("logStreamName"), "s1");
  EXPECT_EQ(first.GetString("message"), "ERROR 0");
  EXPECT_EQ(first.GetString("eventId").size(), 56u) << p1.raw;
  Reply p2 = Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"ERROR","limit":20,)"
                                     R"("nextToken":")" +
                                         p1.body.GetString("nextToken") + R"("})");
  ASSERT_EQ(p2.status, 200) << p2.raw;
  EXPECT_EQ(p2.body["events"].size(), 5u) << p2.raw;
  EXPECT_FALSE(p2.body.Has("nextToken")) << p2.raw;
  EXPECT_EQ(p2.body["events"].AsList()[4].GetString("message"), "ERROR 24");

  // No pattern: both streams interleaved by timestamp.
  Reply all = Logs("FilterLogEvents", R"({"logGroupName":"app","limit":3})");
  EXPECT_EQ(Messages(all), (std::vector<std::string>{"ERROR 0", "INFO 0", "ERROR 1"})) << all.raw;
  // Exclusion, stream selection and an inclusive endTime.
  Reply info = Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"-ERROR",)"
                                       R"("logStreamNames":["s2"],"endTime":)" +
                                           std::to_string(kT0Millis - 59'500 + 1000) + "}");
  EXPECT_EQ(Messages(info), (std::vector<std::string>{"INFO 0", "INFO 1"})) << info.raw;
  Reply regex =
      Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"%ERROR 2[34]$%"})");
  EXPECT_EQ(Messages(regex), (std::vector<std::string>{"ERROR 23", "ERROR 24"})) << regex.raw;
  Reply both = Logs("FilterLogEvents", R"({"logGroupName":"app","logStreamNames":["s1"],)"
                                       R"("logStreamNamePrefix":"s"})");
  EXPECT_EQ(both.Code(), "InvalidParameterException") << both.raw;
}

TEST_F(LogsOpsTest, FilterLogEventsRefusesAnInvalidPattern) {
  MakeStream();
  PutMany(2, kT0Millis - 5000);
  Reply open = Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"{ $.a = 1"})");
  EXPECT_EQ(open.status, 400) << open.raw;
  EXPECT_EQ(open.Code(), "InvalidParameterException");
  EXPECT_EQ(open.Message(), "If a filter pattern starts with '{' it must end with '}'");
  Reply bad = Logs("FilterLogEvents", R"({"logGroupName":"app","filterPattern":"%a(b%"})");
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.Code(), "InvalidParameterException");
  Reply missing = Logs("FilterLogEvents", R"({"logGroupName":"nope"})");
  EXPECT_EQ(missing.Code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.Message(), "The specified log group does not exist.");
}

TEST_F(LogsOpsTest, PutMetricFilterAndTestMetricFilter) {
  MakeStream();
  const std::string transform =
      R"("metricTransformations":[{"metricName":"Errors","metricNamespace":"App","metricValue":"1"}])";
  Reply put = Logs("PutMetricFilter", R"({"logGroupName":"app","filterName":"errors",)"
                                      R"("filterPattern":"ERROR",)" +
                                          transform + "}");
  ASSERT_EQ(put.status, 200) << put.raw;
  Reply described = Logs("DescribeMetricFilters", R"({"logGroupName":"app"})");
  ASSERT_EQ(described.body["metricFilters"].size(), 1u) << described.raw;
  const Value& f = described.body["metricFilters"].AsList()[0];
  EXPECT_EQ(f.GetString("filterName"), "errors");
  EXPECT_EQ(f.GetString("filterPattern"), "ERROR");
  EXPECT_EQ(f.GetString("logGroupName"), "app");
  EXPECT_FALSE(f["metricTransformations"].AsList()[0].Has("defaultValue")) << described.raw;
  Reply groups = Logs("DescribeLogGroups", "{}");
  EXPECT_EQ(groups.body["logGroups"].AsList()[0]["metricFilterCount"].AsInt(), 1) << groups.raw;

  Reply no_group = Logs("PutMetricFilter", R"({"logGroupName":"nope","filterName":"x",)"
                                           R"("filterPattern":"",)" +
                                               transform + "}");
  EXPECT_EQ(no_group.Code(), "ResourceNotFoundException");
  Reply bad_pattern = Logs("PutMetricFilter", R"({"logGroupName":"app","filterName":"x",)"
                                              R"("filterPattern":"{ $.a = ",)" +
                                                  transform + "}");
  EXPECT_EQ(bad_pattern.Code(), "InvalidParameterException") << bad_pattern.raw;
  Reply dims_default = Logs(
      "PutMetricFilter",
      R"({"logGroupName":"app","filterName":"x","filterPattern":"{ $.a = 1 }",)"
      R"("metricTransformations":[{"metricName":"m","metricNamespace":"App","metricValue":"1",)"
      R"("defaultValue":0,"dimensions":{"A":"$.a"}}]})");
  EXPECT_EQ(dims_default.Code(), "InvalidParameterException") << dims_default.raw;
  EXPECT_EQ(dims_default.Message(),
            "Default value cannot be specified when dimensions are specified.");
  Reply after = Logs("DescribeMetricFilters", R"({"logGroupName":"app"})");
  EXPECT_EQ(after.body["metricFilters"].size(), 1u) << after.raw;

  Reply tested =
      Logs("TestMetricFilter",
           R"({"filterPattern":"[ip, user, status = 4*, bytes]",)"
           R"("logEventMessages":["1.2.3.4 frank 200 10","5.6.7.8 anna 404 20","nope"]})");
  ASSERT_EQ(tested.status, 200) << tested.raw;
  ASSERT_EQ(tested.body["matches"].size(), 1u) << tested.raw;
  const Value& m = tested.body["matches"].AsList()[0];
  EXPECT_EQ(m["eventNumber"].AsInt(), 2);
  EXPECT_EQ(m.GetString("eventMessage"), "5.6.7.8 anna 404 20");
  EXPECT_EQ(m["extractedValues"].GetString("$user"), "anna") << tested.raw;
  EXPECT_EQ(m["extractedValues"].GetString("$bytes"), "20") << tested.raw;
  Reply bad_test =
      Logs("TestMetricFilter", R"({"filterPattern":"{ $.a","logEventMessages":["x"]})");
  EXPECT_EQ(bad_test.Code(), "InvalidParameterException") << bad_test.raw;
  // TestMetricFilter stores nothing: still one filter, no metrics, no events.
  Reply still = Logs("DescribeMetricFilters", "{}");
  EXPECT_EQ(still.body["metricFilters"].size(), 1u) << still.raw;
  Reply metrics = Monitoring("ListMetrics", "{}");
  EXPECT_EQ(metrics.body["Metrics"].size(), 0u) << metrics.raw;

  ASSERT_EQ(Logs("DeleteMetricFilter", R"({"logGroupName":"app","filterName":"errors"})").status,
            200);
  Reply gone = Logs("DeleteMetricFilter", R"({"logGroupName":"app","filterName":"errors"})");
  EXPECT_EQ(gone.Code(), "ResourceNotFoundException");
  EXPECT_EQ(gone.Message(), "The specified metric filter does not exist.");
}

TEST_F(LogsOpsTest, MetricFilterDatapointsReachCloudWatch) {
  MakeStream();
  Reply put = Logs("PutMetricFilter",
                   R"({"logGroupName":"app","filterName":"latency","filterPattern":"{ $.ms > 0 }",)"
                   R"("metricTransformations":[{"metricName":"Latency","metricNamespace":"App",)"
                   R"("metricValue":"$.ms","unit":"Milliseconds"}]})");
  ASSERT_EQ(put.status, 200) << put.raw;
  const int64_t minute = kT0Millis - 5 * kMinute;
  Reply events =
      Put(Event(minute + 1000, R"({\"ms\":10})") + "," + Event(minute + 2000, "not json") + "," +
          Event(minute + 3000, R"({\"ms\":30})") + "," + Event(minute + kMinute, R"({\"ms\":5})"));
  ASSERT_EQ(events.status, 200) << events.raw;

  Reply stats = Monitoring("GetMetricStatistics",
                           R"({"Namespace":"App","MetricName":"Latency","Period":60,"StartTime":)" +
                               std::to_string((kT0Millis - kHour) / 1000) + R"(,"EndTime":)" +
                               std::to_string(kT0Millis / 1000) +
                               R"(,"Statistics":["Sum","SampleCount","Maximum"]})");
  ASSERT_EQ(stats.status, 200) << stats.raw;
  const Value::List& dps = stats.body["Datapoints"].AsList();
  ASSERT_EQ(dps.size(), 2u) << stats.raw;
  EXPECT_EQ(dps[0]["Timestamp"].AsInt(), minute / 1000) << stats.raw;
  EXPECT_EQ(dps[0]["Sum"].AsDouble(), 40);
  EXPECT_EQ(dps[0]["SampleCount"].AsDouble(), 2);
  EXPECT_EQ(dps[0]["Maximum"].AsDouble(), 30);
  EXPECT_EQ(dps[0].GetString("Unit"), "Milliseconds");
  EXPECT_EQ(dps[1]["Sum"].AsDouble(), 5);
}

TEST_F(LogsOpsTest, RetentionHidesEventsOnceTheClockPassesIt) {
  MakeStream();
  PutMany(3, kT0Millis - 10'000);
  ASSERT_EQ(Logs("PutRetentionPolicy", R"({"logGroupName":"app","retentionInDays":1})").status,
            200);
  Reply groups = Logs("DescribeLogGroups", "{}");
  EXPECT_EQ(groups.body["logGroups"].AsList()[0]["retentionInDays"].AsInt(), 1) << groups.raw;
  Reply bad = Logs("PutRetentionPolicy", R"({"logGroupName":"app","retentionInDays":2})");
  EXPECT_EQ(bad.Code(), "InvalidParameterException") << bad.raw;

  Reply before = Logs("FilterLogEvents", R"({"logGroupName":"app"})");
  EXPECT_EQ(before.body["events"].size(), 3u) << before.raw;
  // Half a day later, still visible; a new event after the older ones.
  clock_.Advance(kDay / 2);
  PutMany(1, kT0Millis + kDay / 2, "late");
  EXPECT_EQ(Logs("FilterLogEvents", R"({"logGroupName":"app"})").body["events"].size(), 4u);
  // Past one day after the first events: they are gone from every read; the late one stays.
  clock_.Advance(kDay / 2 + kMinute);
  Reply filtered = Logs("FilterLogEvents", R"({"logGroupName":"app"})");
  EXPECT_EQ(Messages(filtered), (std::vector<std::string>{"late 0"})) << filtered.raw;
  Reply got =
      Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1","startFromHead":true})");
  EXPECT_EQ(Messages(got), (std::vector<std::string>{"late 0"})) << got.raw;
  // And again (after the lazy sweep) from the tail.
  Reply tail = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":"s1"})");
  EXPECT_EQ(Messages(tail), (std::vector<std::string>{"late 0"})) << tail.raw;
  // The policy can be removed.
  ASSERT_EQ(Logs("DeleteRetentionPolicy", R"({"logGroupName":"app"})").status, 200);
  Reply groups2 = Logs("DescribeLogGroups", "{}");
  EXPECT_FALSE(groups2.body["logGroups"].AsList()[0].Has("retentionInDays")) << groups2.raw;
}

TEST_F(LogsOpsTest, AtMostFiveRegexFiltersPerGroup) {
  MakeStream();
  auto put = [this](const std::string& name, const std::string& pattern) {
    return Logs("PutMetricFilter",
                R"({"logGroupName":"app","filterName":")" + name + R"(","filterPattern":")" +
                    pattern +
                    R"(","metricTransformations":[{"metricName":"m","metricNamespace":"App",)"
                    R"("metricValue":"1"}]})");
  };
  for (int i = 0; i < 5; ++i) {
    Reply r = put("re" + std::to_string(i), "%ERROR " + std::to_string(i) + "%");
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  Reply sixth = put("re5", "%WARN%");
  EXPECT_EQ(sixth.status, 400) << sixth.raw;
  EXPECT_EQ(sixth.Code(), "LimitExceededException");
  EXPECT_EQ(sixth.Message(), "Resource limit exceeded.");
  Reply json_regex = put("re6", "{ $.a = %x% }");
  EXPECT_EQ(json_regex.Code(), "LimitExceededException") << json_regex.raw;
  // Filters without a regular expression are not limited by it; replacing one is allowed.
  EXPECT_EQ(put("plain", "ERROR").status, 200);
  EXPECT_EQ(put("re0", "%FATAL%").status, 200);
  Reply described = Logs("DescribeMetricFilters", R"({"logGroupName":"app"})");
  EXPECT_EQ(described.body["metricFilters"].size(), 6u) << described.raw;
  // Another group has its own quota.
  MakeStream("other", "s1");
  Reply other = Logs("PutMetricFilter",
                     R"({"logGroupName":"other","filterName":"re","filterPattern":"%x%",)"
                     R"("metricTransformations":[{"metricName":"m","metricNamespace":"App",)"
                     R"("metricValue":"1"}]})");
  EXPECT_EQ(other.status, 200) << other.raw;
  // Deleting one frees a slot.
  ASSERT_EQ(Logs("DeleteMetricFilter", R"({"logGroupName":"app","filterName":"re1"})").status, 200);
  EXPECT_EQ(put("re5", "%WARN%").status, 200);
}

TEST_F(LogsOpsTest, StopQueryOnACompletedQuery) {
  MakeStream();
  PutMany(3, kT0Millis - 10'000);
  Reply started = Logs("StartQuery", R"({"logGroupName":"app","startTime":)" +
                                         std::to_string((kT0Millis - kHour) / 1000) +
                                         R"(,"endTime":)" + std::to_string(kT0Millis / 1000) +
                                         R"(,"queryString":"fields @message | limit 2"})");
  ASSERT_EQ(started.status, 200) << started.raw;
  std::string id = started.body.GetString("queryId");
  ASSERT_FALSE(id.empty());
  // Queries run to completion at StartQuery: there is nothing left to stop.
  Reply stopped = Logs("StopQuery", R"({"queryId":")" + id + R"("})");
  ASSERT_EQ(stopped.status, 200) << stopped.raw;
  EXPECT_FALSE(stopped.body["success"].AsBool(true)) << stopped.raw;
  Reply results = Logs("GetQueryResults", R"({"queryId":")" + id + R"("})");
  EXPECT_EQ(results.body.GetString("status"), "Complete") << results.raw;
  EXPECT_EQ(results.body["results"].size(), 2u) << results.raw;
  Reply again = Logs("StopQuery", R"({"queryId":")" + id + R"("})");
  EXPECT_FALSE(again.body["success"].AsBool(true)) << again.raw;
  Reply bad = Logs("StartQuery", R"({"logGroupName":"app","startTime":1,"endTime":2,)"
                                 R"("queryString":"fields @message | bogus x"})");
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.Code(), "MalformedQueryException") << bad.raw;
  EXPECT_EQ(bad.body.GetString("message"), "Query syntax error") << bad.raw;
  Reply unknown = Logs("StopQuery", R"({"queryId":"00000000-0000-0000-0000-000000000000"})");
  EXPECT_EQ(unknown.status, 400) << unknown.raw;
  EXPECT_EQ(unknown.Code(), "ResourceNotFoundException") << unknown.raw;
}

}  // namespace
}  // namespace orgtrail::gateway

namespace orgtrail::gateway {
namespace {

// PutLogEvents reads a request's events from its JSON text (the protocol's raw member); an
// internal caller (CloudTrail delivery) passes a list Value. Both store the same events, escapes
// and multi-byte text included.
TEST_F(LogsOpsTest, PutLogEventsFromTheWireAndFromAnInternalCallerStoreTheSameEvents) {
  MakeStream("app", "wire");
  MakeStream("app", "internal");
  const std::vector<std::pair<int64_t, std::string>> events = {
      {kT0Millis - 2000, "plain"},
      {kT0Millis - 1000, "quote \" and \\ slash"},
      {kT0Millis, "caf\xC3\xA9 \t tab"}};
  Value list = Value::MakeList();
  for (const auto& e : events)
    list.Append(Value::MakeMap().Set("timestamp", Value(e.first)).Set("message", e.second));
  Value input = Value::MakeMap()
                    .Set("logGroupName", "app")
                    .Set("logStreamName", "wire")
                    .Set("logEvents", list);
  Reply wire = Logs("PutLogEvents", WriteJson(input));
  ASSERT_EQ(wire.status, 200) << wire.raw;

  input.Set("logStreamName", "internal");
  auth::Principal trail = auth::ServicePrincipal("cloudtrail.amazonaws.com", "000000000000");
  Result<Value> internal =
      registry_.CallInternal(env_, trail, "logs", "PutLogEvents", input, "us-east-1");
  ASSERT_TRUE(internal.ok()) << internal.error().message;

  for (const char* stream : {"wire", "internal"}) {
    Reply got = Logs("GetLogEvents", R"({"logGroupName":"app","logStreamName":")" +
                                         std::string(stream) + R"(","startFromHead":true})");
    ASSERT_EQ(got.body["events"].size(), events.size()) << got.raw;
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(got.body["events"].AsList()[i]["timestamp"].AsInt(), events[i].first);
      EXPECT_EQ(got.body["events"].AsList()[i].GetString("message"), events[i].second);
    }
  }
}

// What the raw pass cannot vouch for takes the model's path: the same errors as before.
TEST_F(LogsOpsTest, PutLogEventsInvalidEventsGetTheModelsErrors) {
  MakeStream();
  Reply empty_message = Put(R"({"timestamp":1,"message":""})");
  EXPECT_EQ(empty_message.Code(), "InvalidParameterException") << empty_message.raw;
  EXPECT_EQ(empty_message.Message(),
            "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1");
  Reply both = Logs("PutLogEvents",
                    R"({"logGroupName":"","logStreamName":"s1","logEvents":[{"timestamp":1}]})");
  EXPECT_EQ(both.Message(),
            "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1; Value null at "
            "'logEvents.1.member.message' failed to satisfy constraint: Member must not be null")
      << both.raw;
  Reply text_ts = Put(R"({"timestamp":"x","message":"m"})");
  EXPECT_EQ(text_ts.Code(), "SerializationException") << text_ts.raw;
  // A whole-number double and an unknown member are accepted, as by the model.
  Reply lenient = Put(R"({"timestamp":1.767225600e12,"message":"m","extra":[1]})");
  EXPECT_EQ(lenient.status, 200) << lenient.raw;
}

}  // namespace
}  // namespace orgtrail::gateway
