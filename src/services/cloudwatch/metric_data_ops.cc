// GetMetricData (spec/notifications.md §1.4): MetricStat queries; metric math is refused.
#include <algorithm>
#include <charconv>
#include <set>

#include "core/crypto.h"
#include "core/encoding.h"
#include "services/cloudwatch/metric_common.h"

namespace orgtrail::services::cloudwatch {
namespace {

using gateway::Call;

bool ValidId(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

struct Series {
  std::string id;
  std::string label;
  std::vector<std::pair<int64_t, double>> points;  // in ScanBy order
};

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
Result<Value> GetMetricData(Call& call, const Value& input) {
  const Value::List& queries = input["MetricDataQueries"].AsList();
  if (queries.empty()) return Missing("The parameter MetricDataQueries is required.");
  if (queries.size() > 500)
    return InvalidValue("The collection MetricDataQueries must not contain more than 500 items.");
  const int64_t start = TimestampMillis(input["StartTime"]);
  const int64_t end = TimestampMillis(input["EndTime"]);
  if (start >= end)
    return InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
  const std::string scan_by = input.GetString("ScanBy", "TimestampDescending");
  const int64_t max_points =
      input.Has("MaxDatapoints") ? input["MaxDatapoints"].AsInt() : int64_t{100800};
  if (max_points <= 0) return InvalidParameter(std::to_string(max_points), "MaxDatapoints");

  std::set<std::string> ids;
  for (size_t i = 0; i < queries.size(); ++i) {
    const Value& q = queries[i];
    const std::string p = "MetricDataQueries.member." + std::to_string(i + 1) + ".";
    const std::string id = q.GetString("Id");
    if (!ValidId(id)) return InvalidParameter(id, p + "Id");
    if (!ids.insert(id).second)
      return InvalidValue("The values for parameter Id in MetricDataQueries are not unique.");
    if (q.Has("Expression") && q.Has("MetricStat"))
      return Combination("The parameters " + p + "MetricStat and " + p +
                         "Expression are mutually exclusive and you have specified both.");
    if (q.Has("Expression"))
      return InvalidValue("orgtrail does not support metric math expressions.");
    if (!q.Has("MetricStat")) return Missing("The parameter " + p + "MetricStat is required.");
    const Value& ms = q["MetricStat"];
    const std::string stat = ms.GetString("Stat");
    if (!MetricStore::IsStandardStatistic(stat) && !MetricStore::IsPercentile(stat))
      return InvalidParameter(stat, p + "MetricStat.Stat");
    ORGTRAIL_CHECK(CheckPeriod(ms["Period"].AsInt(), p + "MetricStat.Period"));
    if (ms["Metric"].GetString("MetricName").empty())
      return Missing("The parameter " + p + "MetricStat.Metric.MetricName is required.");
    if (ms["Metric"].GetString("Namespace").empty())
      return Missing("The parameter " + p + "MetricStat.Metric.Namespace is required.");
  }

  Value filters = input;
  filters.Erase("NextToken");
  const std::string hash = Sha256Hex(filters.ToJson()).substr(0, 16);
  int64_t skip = 0;
  if (input.Has("NextToken")) {
    std::optional<std::string> raw = Base64UrlDecode(input.GetString("NextToken"));
    const char* raw_end = raw ? raw->data() + raw->size() : nullptr;
    if (!raw || raw->size() < 18 || raw->substr(0, 16) != hash || (*raw)[16] != '\n' ||
        std::from_chars(raw->data() + 17, raw_end, skip).ptr != raw_end || skip < 0)
      return AwsError("InvalidNextToken",
                      "The service found that the provided NextToken is invalid.");
  }

  MetricStore store = Metrics(call);
  std::vector<Series> all;
  for (const Value& q : queries) {
    if (q.Has("ReturnData") && !q["ReturnData"].AsBool(true)) continue;
    const Value& ms = q["MetricStat"];
    const Value& m = ms["Metric"];
    MetricId metric{m.GetString("Namespace"), m.GetString("MetricName"),
                    DimensionsOf(m["Dimensions"])};
    Series s{q.GetString("Id"), q.GetString("Label", metric.name), {}};
    const std::string stat = ms.GetString("Stat");
    for (const Bucket& b :
         store.Aggregate(metric, start, end, ms["Period"].AsInt(), ms.GetString("Unit")))
      if (auto v = MetricStore::Statistic(b, stat)) s.points.emplace_back(b.start_ms, *v);
    if (scan_by != "TimestampAscending") std::reverse(s.points.begin(), s.points.end());
    all.push_back(std::move(s));
  }

  // One page holds MaxDatapoints datapoints, taken query by query in order.
  Value results = Value::MakeList();
  int64_t offset = 0;
  int64_t taken = 0;
  bool more = false;
  for (const Series& s : all) {
    const auto size = static_cast<int64_t>(s.points.size());
    const int64_t from = std::clamp<int64_t>(skip - offset, 0, size);
    const int64_t to = std::min<int64_t>(size, from + (max_points - taken));
    offset += size;
    if (from >= size && size > 0) continue;  // delivered on an earlier page
    Value timestamps = Value::MakeList();
    Value values = Value::MakeList();
    for (int64_t i = from; i < to; ++i) {
      timestamps.Append(TimestampValue(s.points[static_cast<size_t>(i)].first));
      values.Append(s.points[static_cast<size_t>(i)].second);
    }
    taken += to - from;
    const bool partial = to < size;
    more = more || partial;
    results.Append(Value::MakeMap()
                       .Set("Id", s.id)
                       .Set("Label", s.label)
                       .Set("Timestamps", std::move(timestamps))
                       .Set("Values", std::move(values))
                       .Set("StatusCode", partial ? "PartialData" : "Complete"));
    if (partial) break;
  }
  Value out = Value::MakeMap().Set("MetricDataResults", std::move(results));
  if (more) out.Set("NextToken", Base64UrlEncode(hash + "\n" + std::to_string(skip + taken)));
  out.Set("Messages", Value::MakeList());
  return out;
}

constexpr gateway::OperationRow kMetricDataOps[] = {
    {"GetMetricData", GetMetricData},
};

}  // namespace

void RegisterMetricDataOps(gateway::Registry& registry) {
  registry.Register("cloudwatch", kMetricDataOps);
}

}  // namespace orgtrail::services::cloudwatch
