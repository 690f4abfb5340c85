// PutMetricData, GetMetricStatistics and ListMetrics (spec/notifications.md §1.2, §1.3, §1.5).
#include <algorithm>
#include <cmath>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/cloudwatch/cloudwatch.h"
#include "services/cloudwatch/metric_common.h"

namespace orgtrail::services::cloudwatch {
namespace {

using gateway::Call;

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kTwoWeeksMs = 14 * 24 * kHourMs;

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return Value(d).ToJson();
}

Status CheckFinite(const Value& v, const std::string& name) {
  if (!std::isfinite(v.AsDouble())) return InvalidParameter(FormatNumber(v.AsDouble()), name);
  return Ok();
}

// One MetricDatum → a stored sample (index is 1-based, as in AWS's messages).
Result<std::pair<MetricId, Sample>> SampleOf(const std::string& ns, const Value& d, size_t index,
                                             int64_t now_ms) {
  const std::string p = "MetricData.member." + std::to_string(index) + ".";
  MetricId metric{ns, d.GetString("MetricName"), DimensionsOf(d["Dimensions"])};
  if (metric.name.empty()) return Missing("The parameter " + p + "MetricName is required.");
  if (d["Dimensions"].size() > 30)
    return InvalidValue("The collection " + p + "Dimensions must not contain more than 30 items.");
  for (size_t i = 1; i < metric.dims.size(); ++i)
    if (metric.dims[i].first == metric.dims[i - 1].first)
      return InvalidValue("No metric may have duplicate dimension names.");
  const bool has_value = d.Has("Value");
  const bool has_set = d.Has("StatisticValues");
  const bool has_values = d.Has("Values");
  if (has_value && has_set)
    return Combination("The parameters " + p + "Value and " + p +
                       "StatisticValues are mutually exclusive and you have specified both.");
  if (has_value && has_values)
    return Combination("The parameters " + p + "Value and " + p +
                       "Values are mutually exclusive and you have specified both.");
  if (has_set && has_values)
    return Combination("The parameters " + p + "StatisticValues and " + p +
                       "Values are mutually exclusive and you have specified both.");
  if (d.Has("Counts") && !has_values)
    return Missing("The parameter " + p + "Values is required when " + p + "Counts is specified.");
  Sample s;
  s.timestamp_ms = d.Has("Timestamp") ? TimestampMillis(d["Timestamp"]) : now_ms;
  if (s.timestamp_ms > now_ms + 2 * kHourMs)
    return InvalidValue("The parameter " + p +
                        "Timestamp must specify a time no more than two hours in the future.");
  if (s.timestamp_ms < now_ms - kTwoWeeksMs)
    return InvalidValue("The parameter " + p +
                        "Timestamp must specify a time within the past two weeks.");
  s.unit = d.GetString("Unit", "None");
  if (d.Has("StorageResolution")) {
    int64_t r = d["StorageResolution"].AsInt();
    if (r != 1 && r != 60) return InvalidParameter(std::to_string(r), p + "StorageResolution");
    s.storage_resolution = static_cast<int>(r);
  }
  if (has_set) {
    const Value& set = d["StatisticValues"];
    for (const char* f : {"SampleCount", "Sum", "Minimum", "Maximum"}) {
      if (!set.Has(f))
        return Missing("The parameter " + p + "StatisticValues." + f + " is required.");
      ORGTRAIL_CHECK(CheckFinite(set[f], p + "StatisticValues." + f));
    }
    s.count = set["SampleCount"].AsDouble();
    s.sum = set["Sum"].AsDouble();
    s.min = set["Minimum"].AsDouble();
    s.max = set["Maximum"].AsDouble();
    if (s.count <= 0)
      return InvalidParameter(FormatNumber(s.count), p + "StatisticValues.SampleCount");
    if (s.min > s.max)
      return InvalidValue("The parameter " + p +
                          "StatisticValues.Minimum must not be greater than " + p +
                          "StatisticValues.Maximum.");
  } else if (has_values) {
    const Value::List& values = d["Values"].AsList();
    const Value::List& counts = d["Counts"].AsList();
    if (values.size() > 150)
      return InvalidValue("The collection " + p + "Values must not contain more than 150 items.");
    if (d.Has("Counts") && counts.size() != values.size())
      return InvalidValue("The parameters " + p + "Values and " + p +
                          "Counts must be of the same size.");
    if (values.empty()) return Missing("The parameter " + p + "Values is required.");
    s.min = INFINITY;
    s.max = -INFINITY;
    for (size_t i = 0; i < values.size(); ++i) {
      ORGTRAIL_CHECK(CheckFinite(values[i], p + "Values.member." + std::to_string(i + 1)));
      double v = values[i].AsDouble();
      double c = i < counts.size() ? counts[i].AsDouble() : 1.0;
      if (!std::isfinite(c) || c < 0)
        return InvalidParameter(FormatNumber(c), p + "Counts.member." + std::to_string(i + 1));
      s.values.push_back(v);
      s.counts.push_back(c);
      s.count += c;
      s.sum += v * c;
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
    }
  } else {
    // A datum without a value records 0, as AWS does for `put-metric-data --value` omitted.
    double v = 0;
    if (has_value) {
      ORGTRAIL_CHECK(CheckFinite(d["Value"], p + "Value"));
      v = d["Value"].AsDouble();
    }
    s.count = 1;
    s.sum = s.min = s.max = v;
    s.values = {v};
    s.counts = {1};
  }
  return std::make_pair(std::move(metric), std::move(s));
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
Result<Value> PutMetricData(Call& call, const Value& input) {
  const std::string ns = input.GetString("Namespace");
  if (ns.empty()) return Missing("The parameter Namespace is required.");
  if (ns.starts_with("AWS/") && !call.internal) return InvalidParameter("AWS/", "Namespace");
  const Value::List& data = input["MetricData"].AsList();
  if (data.empty()) return Missing("The parameter MetricData is required.");
  if (data.size() > 1000)
    return InvalidValue("The collection MetricData must not contain more than 1000 items.");
  std::vector<std::pair<MetricId, Sample>> samples;
  samples.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    ORGTRAIL_TRY(auto sample, SampleOf(ns, data[i], i + 1, call.NowMillis()));
    samples.push_back(std::move(sample));
  }
  ORGTRAIL_CHECK(Metrics(call).Put(samples, call.request_id));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
Result<Value> GetMetricStatistics(Call& call, const Value& input) {
  std::vector<std::string> stats;
  for (const Value& s : input["Statistics"].AsList()) stats.push_back(s.AsString());
  std::vector<std::string> extended;
  for (const Value& s : input["ExtendedStatistics"].AsList()) extended.push_back(s.AsString());
  if (stats.empty() && extended.empty())
    return Missing("Must specify either Statistics or ExtendedStatistics.");
  for (size_t i = 0; i < extended.size(); ++i)
    if (!MetricStore::IsPercentile(extended[i]))
      return InvalidParameter(extended[i], "ExtendedStatistics.member." + std::to_string(i + 1));
  const int64_t period = input["Period"].AsInt();
  ORGTRAIL_CHECK(CheckPeriod(period, "Period"));
  const int64_t start = TimestampMillis(input["StartTime"]);
  const int64_t end = TimestampMillis(input["EndTime"]);
  if (start >= end)
    return InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
  const int64_t points = (end - start + period * 1000 - 1) / (period * 1000);
  if (points > 1440)
    return Combination("You have requested up to " + WithThousands(points) +
                       " datapoints, which exceeds the limit of 1,440. You may reduce the "
                       "datapoints requested by increasing Period, or decreasing the time range.");
  MetricId metric{input.GetString("Namespace"), input.GetString("MetricName"),
                  DimensionsOf(input["Dimensions"])};
  const std::string unit = input.GetString("Unit");
  Value datapoints = Value::MakeList();
  for (const Bucket& b : Metrics(call).Aggregate(metric, start, end, period, unit)) {
    Value dp = Value::MakeMap().Set("Timestamp", TimestampValue(b.start_ms));
    for (const std::string& s : stats)
      if (auto v = MetricStore::Statistic(b, s)) dp.Set(s, *v);
    dp.Set("Unit", b.unit);
    if (!extended.empty()) {
      Value ext = Value::MakeMap();
      for (const std::string& s : extended)
        if (auto v = MetricStore::Statistic(b, s)) ext.Set(s, *v);
      dp.Set("ExtendedStatistics", std::move(ext));
    }
    datapoints.Append(std::move(dp));
  }
  return Value::MakeMap().Set("Label", metric.name).Set("Datapoints", std::move(datapoints));
}

// The request's filters, so that a token is refused with other filters (wire.md §8).
std::string FilterHash(const Value& input) {
  Value filters = input;
  filters.Erase("NextToken");
  return Sha256Hex(filters.ToJson()).substr(0, 16);
}

// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html
Result<Value> ListMetrics(Call& call, const Value& input) {
  constexpr size_t kPage = 500;
  const std::string ns = input.GetString("Namespace");
  const std::string name = input.GetString("MetricName");
  std::vector<std::pair<std::string, std::optional<std::string>>> wanted;
  for (const Value& f : input["Dimensions"].AsList())
    wanted.emplace_back(f.GetString("Name"), f.Has("Value")
                                                 ? std::optional<std::string>(f.GetString("Value"))
                                                 : std::nullopt);
  const int64_t now = call.NowMillis();
  const int64_t since =
      input.GetString("RecentlyActive") == "PT3H" ? now - 3 * kHourMs : now - kTwoWeeksMs;
  std::string after;
  const std::string hash = FilterHash(input);
  if (input.Has("NextToken")) {
    const std::string& token = input.GetString("NextToken");
    std::optional<std::string> raw = Base64UrlDecode(token);
    if (!raw || raw->size() < 17 || raw->substr(0, 16) != hash || (*raw)[16] != '\n')
      return InvalidParameter(token, "NextToken");
    after = raw->substr(17);
  }
  auto keep = [&](const ListedMetric& m) {
    if (m.last_ms < since) return false;
    if (!name.empty() && m.metric.name != name) return false;
    for (const auto& want : wanted) {
      auto it = std::find_if(m.metric.dims.begin(), m.metric.dims.end(),
                             [&want](const auto& d) { return d.first == want.first; });
      if (it == m.metric.dims.end() || (want.second && it->second != *want.second)) return false;
    }
    return true;
  };
  std::vector<ListedMetric> found = Metrics(call).List(ns, after, kPage + 1, keep);
  Value metrics = Value::MakeList();
  for (size_t i = 0; i < found.size() && i < kPage; ++i) {
    const MetricId& m = found[i].metric;
    Value dims = Value::MakeList();
    for (const auto& [k, v] : m.dims) dims.Append(Value::MakeMap().Set("Name", k).Set("Value", v));
    metrics.Append(Value::MakeMap()
                       .Set("Namespace", m.ns)
                       .Set("MetricName", m.name)
                       .Set("Dimensions", std::move(dims)));
  }
  Value out = Value::MakeMap().Set("Metrics", std::move(metrics));
  if (found.size() > kPage)
    out.Set("NextToken", Base64UrlEncode(hash + "\n" + found[kPage - 1].key));
  return out;
}

constexpr gateway::OperationRow kMetricOps[] = {
    {"PutMetricData", PutMetricData},
    {"GetMetricStatistics", GetMetricStatistics},
    {"ListMetrics", ListMetrics},
};

}  // namespace

void RegisterMetricOps(gateway::Registry& registry) { registry.Register("cloudwatch", kMetricOps); }

}  // namespace orgtrail::services::cloudwatch
