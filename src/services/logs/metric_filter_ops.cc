// Metric filters: PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter, TestMetricFilter
// (spec/logs.md §4.1, §4.3) and the datapoints they emit (§4.2).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "auth/principal.h"
#include "core/json.h"
#include "core/log.h"
#include "filter/pattern.h"
#include "services/logs/errors.h"
#include "services/logs/metric_filters.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;

constexpr size_t kMaxFiltersPerGroup = 100;
// Filters whose pattern holds a regular expression, per log group (spec/logs.md §1.1).
constexpr size_t kMaxRegexFiltersPerGroup = 5;

std::string FilterKey(const GroupRow& g, std::string_view name) { return StreamKey(g.Key(), name); }

bool IsSelector(std::string_view v) { return !v.empty() && v[0] == '$'; }

std::optional<double> ParseNumber(std::string_view s) {
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

Value FilterValue(const Value& row) {
  Value v = Value::MakeMap();
  v.Set("filterName", row["filterName"])
      .Set("filterPattern", row["filterPattern"])
      .Set("metricTransformations", row["metricTransformations"])
      .Set("creationTime", row["creationTime"])
      .Set("logGroupName", row["logGroupName"])
      .Set("applyOnTransformedLogs", row["applyOnTransformedLogs"].AsBool());
  return v;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
Result<Value> PutMetricFilter(Call& call, const Value& input) {
  std::string name = input.GetString("filterName");
  ORGTRAIL_TRY(filter::Pattern pattern, filter::Pattern::Compile(input.GetString("filterPattern")));
  const Value::List& transformations = input["metricTransformations"].AsList();
  if (transformations.size() != 1) {
    return errors::InvalidParameter(
        "1 validation error detected: Value '[...]' at 'metricTransformations' failed to satisfy "
        "constraint: Member must have length less than or equal to 1");
  }
  Value t = transformations[0];
  const Value* dims = t.Find("dimensions");
  bool has_dims = dims && dims->size() > 0;
  if (has_dims && t.Has("defaultValue")) {
    return errors::InvalidParameter(
        "Default value cannot be specified when dimensions are specified.");
  }
  if (has_dims && pattern.kind() != filter::PatternKind::kJson &&
      pattern.kind() != filter::PatternKind::kSpaceDelimited) {
    return errors::InvalidParameter(
        "Dimensions are only supported with JSON or space-delimited filter patterns.");
  }
  if (has_dims && dims->size() > 3) {
    return errors::InvalidParameter("A metric transformation can have at most 3 dimensions.");
  }
  std::string metric_value = t.GetString("metricValue");
  if (!IsSelector(metric_value) && !ParseNumber(metric_value)) {
    return errors::InvalidParameter("Invalid metric value: " + metric_value);
  }
  if (t.Has("defaultValue")) t.Set("defaultValue", t["defaultValue"].AsDouble());

  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::string key = FilterKey(g, name);
  auto existing = call.env.store.Get(kMetricFiltersTable, key);
  std::vector<store::Row> filters = call.env.store.Scan(kMetricFiltersTable, g.Key() + ":");
  if (!existing && filters.size() >= kMaxFiltersPerGroup) return errors::LimitExceeded();
  if (pattern.regex_count() > 0) {
    size_t with_regex = 0;
    for (const store::Row& r : filters) {
      if (r.key == key) continue;  // replaced by this call
      auto other = ParseJson(r.value);
      if (!other.ok()) continue;
      auto compiled = filter::Pattern::Compile((*other).GetString("filterPattern"));
      if (compiled.ok() && compiled->regex_count() > 0) ++with_regex;
    }
    if (with_regex >= kMaxRegexFiltersPerGroup) return errors::LimitExceeded();
  }
  int64_t created = call.NowMillis();
  if (existing) {
    if (auto old = ParseJson(*existing); old.ok()) created = (*old)["creationTime"].AsInt(created);
  }
  Value row = Value::MakeMap()
                  .Set("filterName", name)
                  .Set("filterPattern", input.GetString("filterPattern"))
                  .Set("metricTransformations", Value::MakeList().Append(std::move(t)))
                  .Set("creationTime", created)
                  .Set("logGroupName", g.name)
                  .Set("applyOnTransformedLogs", input["applyOnTransformedLogs"].AsBool());
  ORGTRAIL_CHECK(call.env.store.Put(kMetricFiltersTable, key, row.ToJson()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeMetricFilters.html
Result<Value> DescribeMetricFilters(Call& call, const Value& input) {
  bool has_group = input.Has("logGroupName");
  if (input.Has("filterNamePrefix") && !has_group) {
    return errors::InvalidParameter(
        "If you specify filterNamePrefix, you must also specify logGroupName.");
  }
  if (input.Has("metricName") != input.Has("metricNamespace")) {
    return errors::InvalidParameter(
        "If you specify metricName, you must also specify metricNamespace.");
  }
  std::string prefix;
  if (has_group) {
    ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
    prefix = FilterKey(g, input.GetString("filterNamePrefix"));
  } else {
    prefix = GroupKey(call.account_id(), call.region, "");
  }
  std::vector<Value> rows;
  for (const store::Row& r : call.env.store.Scan(kMetricFiltersTable, prefix)) {
    auto v = ParseJson(r.value);
    if (!v.ok()) continue;
    if (input.Has("metricName")) {
      const Value& t = (*v)["metricTransformations"].AsList().empty()
                           ? Value()
                           : (*v)["metricTransformations"].AsList()[0];
      if (t.GetString("metricName") != input.GetString("metricName") ||
          t.GetString("metricNamespace") != input.GetString("metricNamespace"))
        continue;
    }
    rows.push_back(FilterValue(*v));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Value& a, const Value& b) {
    return a.GetString("filterName") < b.GetString("filterName");
  });
  size_t start = 0;
  if (const Value* token = input.Find("nextToken")) {
    auto t = DecodeToken(token->AsString());
    if (!t) return errors::InvalidToken();
    auto r = std::from_chars(t->data(), t->data() + t->size(), start);
    if (r.ec != std::errc() || start > rows.size()) return errors::InvalidToken();
  }
  size_t limit = static_cast<size_t>(input["limit"].AsInt(50));
  size_t end = std::min(rows.size(), start + limit);
  Value list = Value::MakeList();
  for (size_t i = start; i < end; ++i) list.Append(std::move(rows[i]));
  Value out = Value::MakeMap().Set("metricFilters", std::move(list));
  if (end < rows.size()) out.Set("nextToken", EncodeToken(std::to_string(end)));
  return out;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteMetricFilter.html
Result<Value> DeleteMetricFilter(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::string key = FilterKey(g, input.GetString("filterName"));
  if (!call.env.store.Get(kMetricFiltersTable, key)) return errors::MetricFilterNotFound();
  ORGTRAIL_CHECK(call.env.store.Delete(kMetricFiltersTable, key));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TestMetricFilter.html
Result<Value> TestMetricFilter(Call& call, const Value& input) {
  (void)call;
  ORGTRAIL_TRY(filter::Pattern pattern, filter::Pattern::Compile(input.GetString("filterPattern")));
  Value matches = Value::MakeList();
  int64_t n = 0;
  for (const Value& m : input["logEventMessages"].AsList()) {
    ++n;
    const std::string& message = m.AsString();
    if (!pattern.Matches(message)) continue;
    Value extracted = Value::MakeMap();
    for (auto& [k, v] : pattern.ExtractedValues(message)) extracted.Set(k, v);
    matches.Append(Value::MakeMap()
                       .Set("eventNumber", n)
                       .Set("eventMessage", message)
                       .Set("extractedValues", std::move(extracted)));
  }
  return Value::MakeMap().Set("matches", std::move(matches));
}

constexpr gateway::OperationRow kMetricFilterOps[] = {
    {"PutMetricFilter", PutMetricFilter},
    {"DescribeMetricFilters", DescribeMetricFilters},
    {"DeleteMetricFilter", DeleteMetricFilter},
    {"TestMetricFilter", TestMetricFilter},
};

struct Stats {
  double count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  void Add(double v) {
    if (count == 0 || v < min) min = v;
    if (count == 0 || v > max) max = v;
    count += 1;
    sum += v;
  }
};

// (namespace, metric name, dimensions as "name=value\n...", minute in seconds) -> statistics.
using Datapoints = std::map<std::tuple<std::string, std::string, std::string, int64_t>,
                            std::pair<Stats, std::string /*unit*/>>;

void Publish(Call& call, const GroupRow& group, const Datapoints& points) {
  auth::Principal principal = auth::ServicePrincipal("logs.amazonaws.com", group.account);
  std::map<std::string, Value> by_namespace;
  for (const auto& [k, v] : points) {
    const auto& [ns, metric, dims, minute] = k;
    const Stats& s = v.first;
    Value d = Value::MakeMap().Set("MetricName", metric);
    Value dim_list = Value::MakeList();
    size_t at = 0;
    while (at < dims.size()) {
      size_t nl = dims.find('\n', at);
      std::string_view pair(dims.data() + at, nl - at);
      size_t eq = pair.find('=');
      dim_list.Append(Value::MakeMap()
                          .Set("Name", std::string(pair.substr(0, eq)))
                          .Set("Value", std::string(pair.substr(eq + 1))));
      at = nl + 1;
    }
    if (dim_list.size() > 0) d.Set("Dimensions", std::move(dim_list));
    d.Set("Timestamp", minute);
    if (s.count == 1) {
      d.Set("Value", s.sum);
    } else {
      d.Set("StatisticValues", Value::MakeMap()
                                   .Set("SampleCount", s.count)
                                   .Set("Sum", s.sum)
                                   .Set("Minimum", s.min)
                                   .Set("Maximum", s.max));
    }
    d.Set("Unit", v.second.empty() ? "None" : v.second);
    by_namespace[ns].Append(std::move(d));
  }
  for (auto& [ns, data] : by_namespace) {
    const Value::List& all = data.AsList();
    for (size_t i = 0; i < all.size(); i += 1000) {
      Value chunk = Value::MakeList();
      for (size_t j = i; j < std::min(all.size(), i + 1000); ++j) chunk.Append(all[j]);
      Value in = Value::MakeMap().Set("Namespace", ns).Set("MetricData", std::move(chunk));
      auto r = call.registry.CallInternal(call.env, principal, "cloudwatch", "PutMetricData", in,
                                          group.region);
      if (!r.ok()) {
        log::Debug("logs: metric filter datapoints for " + group.name +
                   " not published: " + r.error().code + " " + r.error().message);
      }
    }
  }
}

}  // namespace

void EmitMetricFilters(gateway::Call& call, const GroupRow& group, std::span<const NewEvent> events,
                       int64_t ingestion_ms) {
  std::vector<store::Row> rows = call.env.store.Scan(kMetricFiltersTable, group.Key() + ":");
  if (rows.empty()) return;
  Datapoints points;
  for (const store::Row& r : rows) {
    auto row = ParseJson(r.value);
    if (!row.ok() || (*row)["creationTime"].AsInt() > ingestion_ms) continue;
    auto pattern = filter::Pattern::Compile((*row).GetString("filterPattern"));
    if (!pattern.ok()) continue;
    const Value::List& ts = (*row)["metricTransformations"].AsList();
    if (ts.empty()) continue;
    const Value& t = ts[0];
    std::string ns = t.GetString("metricNamespace");
    std::string metric = t.GetString("metricName");
    std::string unit = t.GetString("unit");
    std::string value_expr = t.GetString("metricValue");
    std::optional<double> literal = IsSelector(value_expr) ? std::nullopt : ParseNumber(value_expr);
    const Value* default_value = t.Find("defaultValue");
    std::vector<std::pair<std::string, std::string>> dims;
    for (const auto& [k, v] : t["dimensions"].AsMap()) dims.emplace_back(k, v.AsString());
    std::sort(dims.begin(), dims.end());
    for (const NewEvent& e : events) {
      int64_t minute = e.timestamp / 60000 * 60;
      if (!pattern->Matches(e.message)) {
        if (default_value) {
          auto& slot = points[{ns, metric, "", minute}];
          slot.first.Add(default_value->AsDouble());
          slot.second = unit;
        }
        continue;
      }
      std::optional<double> v = literal;
      if (!v) {
        auto text = pattern->Extract(e.message, value_expr);
        if (text) v = ParseNumber(*text);
      }
      if (!v) continue;
      std::string dim_key;
      bool resolved = true;
      for (const auto& [name, selector] : dims) {
        auto text = IsSelector(selector) ? pattern->Extract(e.message, selector)
                                         : std::optional<std::string>(selector);
        if (!text) {
          resolved = false;
          break;
        }
        dim_key += name + "=" + *text + "\n";
      }
      if (!resolved) continue;
      auto& slot = points[{ns, metric, dim_key, minute}];
      slot.first.Add(*v);
      slot.second = unit;
    }
  }
  if (!points.empty()) Publish(call, group, points);
}

void RegisterMetricFilterOps(gateway::Registry& registry) {
  registry.Register("logs", kMetricFilterOps);
}

}  // namespace orgtrail::services::logs
