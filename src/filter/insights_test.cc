// Logs Insights engine: each command with events that match and events that do not.
#include "filter/insights.h"

#include <gtest/gtest.h>

namespace orgtrail::filter::insights {
namespace {

constexpr int64_t kT0 = 1767225600000;  // 2026-01-01 00:00:00 UTC

struct Event {
  int64_t ts;
  std::string message;
  std::string stream = "s1";
};

std::vector<ResultRow> RunQuery(std::string_view query, const std::vector<Event>& events,
                                size_t limit = kDefaultResultLimit,
                                Execution::Stats* stats = nullptr) {
  Result<Query> q = Query::Parse(query);
  EXPECT_TRUE(q.ok()) << query << ": " << (q.ok() ? "" : q.error().message);
  if (!q.ok()) return {};
  Execution ex(*q, limit);
  for (const Event& e : events) ex.Add({e.ts, e.ts + 5, e.message, e.stream, "000000000000:g", {}});
  if (stats) *stats = ex.GetStats();
  return ex.Results();
}

std::string Field(const ResultRow& row, std::string_view name) {
  for (const auto& [k, v] : row)
    if (k == name) return v;
  return "<absent>";
}

std::vector<std::string> Column(const std::vector<ResultRow>& rows, std::string_view name) {
  std::vector<std::string> out;
  for (const ResultRow& r : rows) out.push_back(Field(r, name));
  return out;
}

const std::vector<Event> kTrail = {
    {kT0,
     R"({"eventName":"CreateBucket","userIdentity":{"type":"Root"},"bytes":10,"tags":["a","b"]})"},
    {kT0 + 1000, R"({"eventName":"DeleteBucket","userIdentity":{"type":"IAMUser"},"bytes":30})"},
    {kT0 + 2000, R"({"eventName":"CreateBucket","userIdentity":{"type":"IAMUser"},"bytes":5})"},
    {kT0 + 400000, "plain text ERROR disk full", "s2"},
};

TEST(InsightsTest, DefaultIsNewestFirstWithTimestampMessageAndPtr) {
  auto rows = RunQuery("fields @timestamp, @message", kTrail);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Field(rows[0], "@timestamp"), "2026-01-01 00:06:40.000");
  EXPECT_EQ(Field(rows[3], "@timestamp"), "2026-01-01 00:00:00.000");
  EXPECT_EQ(rows[0].back().first, "@ptr");
  EXPECT_NE(Field(rows[0], "@ptr"), Field(rows[1], "@ptr"));
  EXPECT_EQ(FormatTimestamp(kT0 + 61234), "2026-01-01 00:01:01.234");
}

TEST(InsightsTest, FieldsDiscoverJsonFlattenedAndAliases) {
  auto rows = RunQuery(
      "fields eventName, userIdentity.type as who, tags.1, @logStream, @log | sort @timestamp asc",
      kTrail);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Field(rows[0], "eventName"), "CreateBucket");
  EXPECT_EQ(Field(rows[0], "who"), "Root");
  EXPECT_EQ(Field(rows[0], "tags.1"), "b");
  EXPECT_EQ(Field(rows[0], "@log"), "000000000000:g");
  EXPECT_EQ(Field(rows[1], "tags.1"), "<absent>");  // missing fields are left out
  EXPECT_EQ(Field(rows[3], "eventName"), "<absent>");
  EXPECT_EQ(Field(rows[3], "@logStream"), "s2");
}

TEST(InsightsTest, FilterComparisonsAndBooleans) {
  EXPECT_EQ(RunQuery(R"(filter eventName = "CreateBucket")", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery(R"(filter eventName != "CreateBucket")", kTrail).size(),
            1u);  // missing: false
  EXPECT_EQ(RunQuery("filter bytes > 5", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery("filter bytes >= 5 and bytes <= 10", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery("filter bytes < 10", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery(R"(filter bytes = 30 or userIdentity.type = "Root")", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery(R"(filter not (eventName = "CreateBucket"))", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery(R"(filter eventName in ["DeleteBucket", "PutObject"])", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery(R"(filter eventName not in ["DeleteBucket"])", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery("filter bytes * 2 = 60", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery(R"(filter @logStream = "s2")", kTrail).size(), 1u);
}

TEST(InsightsTest, FilterLikeAndRegex) {
  EXPECT_EQ(RunQuery(R"(filter @message like "ERROR")", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery(R"(filter @message like "error")", kTrail).size(), 0u);  // case-sensitive
  EXPECT_EQ(RunQuery(R"(filter @message like /(?i)error/)", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery(R"(filter eventName =~ /^Create/)", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery(R"(filter eventName not like /Delete/)", kTrail).size(), 2u);
  EXPECT_EQ(RunQuery(R"(filter @message like /disk \w+/ | fields @message)", kTrail).size(), 1u);
}

TEST(InsightsTest, StatsByFieldAndBin) {
  auto rows = RunQuery(
      "stats count(*) as n, sum(bytes), avg(bytes), min(bytes), max(bytes), count(eventName), "
      "count_distinct(userIdentity.type) by eventName | sort eventName asc",
      kTrail);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Field(rows[0], "eventName"), "CreateBucket");
  EXPECT_EQ(Field(rows[0], "n"), "2");
  EXPECT_EQ(Field(rows[0], "sum(bytes)"), "15");
  EXPECT_EQ(Field(rows[0], "avg(bytes)"), "7.5");
  EXPECT_EQ(Field(rows[0], "min(bytes)"), "5");
  EXPECT_EQ(Field(rows[0], "max(bytes)"), "10");
  EXPECT_EQ(Field(rows[0], "count_distinct(userIdentity.type)"), "2");
  EXPECT_EQ(Field(rows[0], "@ptr"), "<absent>");
  EXPECT_EQ(rows[0][0].first, "eventName");            // groups first
  EXPECT_EQ(Field(rows[2], "eventName"), "<absent>");  // the plain-text event's group
  EXPECT_EQ(Field(rows[2], "count(eventName)"), "0");

  auto bins = RunQuery("stats count(*) by bin(5m)", kTrail);
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_EQ(Field(bins[0], "bin(5m)"), "2026-01-01 00:00:00.000");
  EXPECT_EQ(Field(bins[0], "count(*)"), "3");
  EXPECT_EQ(Field(bins[1], "bin(5m)"), "2026-01-01 00:05:00.000");
}

TEST(InsightsTest, SortLimitAndDisplay) {
  auto rows = RunQuery(
      "fields eventName, bytes | filter ispresent(bytes) | sort bytes desc | limit 2 | display "
      "bytes",
      kTrail);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Column(rows, "bytes"), (std::vector<std::string>{"30", "10"}));
  EXPECT_EQ(Field(rows[0], "eventName"), "<absent>");  // display wins
  EXPECT_EQ(RunQuery("fields @message | limit 1", kTrail).size(), 1u);
  EXPECT_EQ(RunQuery("fields @message", kTrail, 3).size(), 3u);  // StartQuery's limit
}

TEST(InsightsTest, ParseGlobAndRegex) {
  auto rows = RunQuery(
      R"(parse @message "plain * * *" as a, level, rest | filter ispresent(level) | display level, rest)",
      kTrail);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Field(rows[0], "level"), "ERROR");
  EXPECT_EQ(Field(rows[0], "rest"), "disk full");
  auto re = RunQuery(
      R"(parse @message /(?<level>[A-Z]{3,}) (?<what>\w+)/ | filter what = "disk" | display level)",
      kTrail);
  ASSERT_EQ(re.size(), 1u);
  EXPECT_EQ(Field(re[0], "level"), "ERROR");
}

TEST(InsightsTest, FunctionsAndComments) {
  auto rows = RunQuery(
      "# a comment\n"
      "filter eventName = 'DeleteBucket' # trailing\n"
      "| fields toupper(eventName) as up, strlen(eventName) as len, concat(eventName, '-x') as c, "
      "substr(eventName, 0, 3) as sub, coalesce(missing, 'dflt') as co, abs(-bytes) as ab",
      kTrail);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Field(rows[0], "up"), "DELETEBUCKET");
  EXPECT_EQ(Field(rows[0], "len"), "12");
  EXPECT_EQ(Field(rows[0], "c"), "DeleteBucket-x");
  EXPECT_EQ(Field(rows[0], "sub"), "Del");
  EXPECT_EQ(Field(rows[0], "co"), "dflt");
  EXPECT_EQ(Field(rows[0], "ab"), "30");
}

TEST(InsightsTest, MalformedQueriesAreQuerySyntaxErrors) {
  for (const char* bad :
       {"", "fields", "filter", "stats", "stats nope(x)", "sort", "limit x", "limit 0", "bogus x",
        "fields a |", "filter a = ", "filter a like", "filter (a = 1",
        "parse @message \"* *\" as a", "filter x =~ /(/", "stats sum(*)",
        "stats count(*) by bin(5q)", "fields `unterminated", "filter 'open"}) {
    Result<Query> q = Query::Parse(bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.error().code, "MalformedQueryException") << bad;
    EXPECT_EQ(q.error().message, "Query syntax error") << bad;
  }
  Result<Query> q = Query::Parse("fields a\n| bogus b");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().message, "Query syntax error");
}

TEST(InsightsTest, StatsCountersAndEarlyDone) {
  Execution::Stats st;
  RunQuery(R"(filter eventName = "CreateBucket")", kTrail, kDefaultResultLimit, &st);
  EXPECT_EQ(st.records_scanned, 4);
  EXPECT_EQ(st.records_matched, 2);
  EXPECT_GT(st.bytes_scanned, 100);

  Result<Query> q = Query::Parse("fields @message | limit 2");
  ASSERT_TRUE(q.ok());
  Execution ex(*q);
  ex.Add({kT0, kT0, "a", "s", "g", {}});
  EXPECT_FALSE(ex.Done());
  ex.Add({kT0 - 1, kT0, "b", "s", "g", {}});
  EXPECT_TRUE(ex.Done());
  Result<Query> sorted = Query::Parse("sort @message | limit 1");
  ASSERT_TRUE(sorted.ok());
  Execution ex2(*sorted);
  ex2.Add({kT0, kT0, "a", "s", "g", {}});
  ex2.Add({kT0, kT0, "b", "s", "g", {}});
  EXPECT_FALSE(ex2.Done());
}

TEST(InsightsTest, ManyEventsKeepOnlyTheBest) {
  std::vector<Event> many;
  for (int i = 0; i < 5000; ++i) many.push_back({kT0 + i, "m" + std::to_string(i)});
  auto rows = RunQuery("fields @message", many, 10);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(Field(rows[0], "@message"), "m4999");
  EXPECT_EQ(Field(rows[9], "@message"), "m4990");
}

}  // namespace
}  // namespace orgtrail::filter::insights
