// CloudWatch metric storage and aggregation (spec/notifications.md §1.1).
#include "services/cloudwatch/metric_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/crypto.h"
#include "core/json.h"
#include "core/value.h"

namespace orgtrail::services::cloudwatch {
namespace {

constexpr std::string_view kMetrics = "cw_metrics";
constexpr std::string_view kDatapoints = "cw_datapoints";

std::string Millis13(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%013lld", static_cast<long long>(std::max<int64_t>(ms, 0)));
  return buf;
}

Value NumberList(const std::vector<double>& v) {
  Value out = Value::MakeList();
  for (double d : v) out.Append(d);
  return out;
}

std::vector<double> Numbers(const Value& v) {
  std::vector<double> out;
  for (const Value& x : v.AsList()) out.push_back(x.AsDouble());
  return out;
}

}  // namespace

Dimensions MetricStore::Sorted(Dimensions dims) {
  std::sort(dims.begin(), dims.end());
  return dims;
}

std::string MetricStore::MetricKey(const MetricId& m) const {
  std::string key = Prefix() + m.ns + "\x1f" + m.name + "\x1f";
  for (const auto& [k, v] : m.dims) key += k + "=" + v + "\x1e";
  return key;
}

std::string MetricStore::MetricHash(const MetricId& m) {
  std::string canon = m.ns + '\0' + m.name + '\0';
  for (const auto& [k, v] : m.dims) canon += k + '\0' + v + '\0';
  return Sha256Hex(canon).substr(0, 32);
}

Status MetricStore::Put(const std::vector<std::pair<MetricId, Sample>>& samples,
                        std::string_view request_id) {
  struct Touched {
    std::string key;
    const MetricId* metric;
    int64_t last;
  };
  std::vector<store::Write> writes;
  std::vector<Touched> touched;
  size_t n = 0;
  for (const auto& [metric, s] : samples) {
    Value row = Value::MakeMap()
                    .Set("u", s.unit)
                    .Set("r", s.storage_resolution)
                    .Set("n", s.count)
                    .Set("s", s.sum)
                    .Set("min", s.min)
                    .Set("max", s.max);
    if (!s.values.empty()) row.Set("v", NumberList(s.values)).Set("c", NumberList(s.counts));
    writes.push_back({std::string(kDatapoints),
                      Prefix() + MetricHash(metric) + "/" + Millis13(s.timestamp_ms) + "/" +
                          std::string(request_id) + "/" + std::to_string(n++),
                      WriteJson(row)});
    std::string mkey = MetricKey(metric);
    auto it = std::find_if(touched.begin(), touched.end(),
                           [&mkey](const Touched& t) { return t.key == mkey; });
    if (it == touched.end()) {
      int64_t last = s.timestamp_ms;
      if (std::optional<std::string> old = store_.Get(kMetrics, mkey))
        if (Result<Value> v = ParseJson(*old); v.ok()) last = std::max(last, (*v)["last"].AsInt());
      touched.push_back({std::move(mkey), &metric, last});
      it = touched.end() - 1;
    }
    it->last = std::max(it->last, s.timestamp_ms);
  }
  for (const Touched& t : touched) {
    Value dims = Value::MakeList();
    for (const auto& [k, v] : t.metric->dims) dims.Append(Value::MakeList().Append(k).Append(v));
    Value row = Value::MakeMap()
                    .Set("id", MetricHash(*t.metric))
                    .Set("ns", t.metric->ns)
                    .Set("name", t.metric->name)
                    .Set("dims", std::move(dims))
                    .Set("last", t.last);
    writes.push_back({std::string(kMetrics), t.key, WriteJson(row)});
  }
  return store_.Apply(writes);
}

std::vector<Bucket> MetricStore::Aggregate(const MetricId& metric, int64_t start_ms, int64_t end_ms,
                                           int64_t period_s, std::string_view unit) const {
  std::vector<Bucket> out;
  if (end_ms <= start_ms || period_s <= 0) return out;
  const int64_t period_ms = period_s * 1000;
  std::string prefix = Prefix() + MetricHash(metric) + "/";
  // Rows are keyed by time: start just before the first millisecond asked for.
  std::string pos = start_ms > 0 ? prefix + Millis13(start_ms - 1) + "/\xff" : "";
  for (;;) {
    std::vector<store::Row> rows = store_.Scan(kDatapoints, prefix, pos, 1000);
    if (rows.empty()) break;
    pos = rows.back().key;
    bool past_end = false;
    for (const store::Row& r : rows) {
      int64_t ts = 0;
      std::string_view digits = std::string_view(r.key).substr(prefix.size(), 13);
      std::from_chars(digits.data(), digits.data() + digits.size(), ts);
      if (ts < start_ms) continue;
      if (ts >= end_ms) {
        past_end = true;
        break;
      }
      Result<Value> v = ParseJson(r.value);
      if (!v.ok()) continue;
      const Value& d = *v;
      if (!unit.empty() && d.GetString("u") != unit) continue;
      int64_t bstart = (ts >= 0 ? ts / period_ms : (ts - period_ms + 1) / period_ms) * period_ms;
      if (out.empty() || out.back().start_ms != bstart) {
        Bucket b;
        b.start_ms = bstart;
        b.unit = d.GetString("u", "None");
        b.min = d["min"].AsDouble();
        b.max = d["max"].AsDouble();
        out.push_back(std::move(b));
      }
      Bucket& b = out.back();
      b.count += d["n"].AsDouble();
      b.sum += d["s"].AsDouble();
      b.min = std::min(b.min, d["min"].AsDouble());
      b.max = std::max(b.max, d["max"].AsDouble());
      if (d.Has("v")) {
        std::vector<double> values = Numbers(d["v"]);
        std::vector<double> counts = Numbers(d["c"]);
        for (size_t i = 0; i < values.size(); ++i)
          b.values.emplace_back(values[i], i < counts.size() ? counts[i] : 1.0);
      } else {
        b.has_stat_sets = true;
      }
    }
    if (past_end || rows.size() < 1000) break;
  }
  return out;
}

std::vector<ListedMetric> MetricStore::ScanMetrics(std::string_view prefix, std::string_view after,
                                                   size_t limit) const {
  std::vector<ListedMetric> out;
  for (store::Row& r : store_.Scan(kMetrics, prefix, after, limit)) {
    Result<Value> v = ParseJson(r.value);
    ListedMetric m;
    m.key = std::move(r.key);
    if (v.ok()) {
      m.metric.ns = v->GetString("ns");
      m.metric.name = v->GetString("name");
      for (const Value& d : (*v)["dims"].AsList())
        if (d.size() == 2)
          m.metric.dims.emplace_back(d.AsList()[0].AsString(), d.AsList()[1].AsString());
      m.last_ms = (*v)["last"].AsInt();
    }
    out.push_back(std::move(m));
  }
  return out;
}

bool MetricStore::IsStandardStatistic(std::string_view stat) {
  return stat == "SampleCount" || stat == "Average" || stat == "Sum" || stat == "Minimum" ||
         stat == "Maximum";
}

bool MetricStore::IsPercentile(std::string_view stat) {
  if (stat.size() < 2 || stat[0] != 'p') return false;
  std::string_view num = stat.substr(1);
  size_t dot = num.find('.');
  std::string_view whole = num.substr(0, dot);
  if (whole.empty() || whole.size() > 3) return false;
  for (char c : whole)
    if (c < '0' || c > '9') return false;
  if (dot != std::string_view::npos) {
    std::string_view frac = num.substr(dot + 1);
    if (frac.empty() || frac.size() > 2) return false;
    for (char c : frac)
      if (c < '0' || c > '9') return false;
  }
  double p = std::strtod(std::string(num).c_str(), nullptr);
  return p >= 0 && p <= 100;
}

std::optional<double> MetricStore::Statistic(const Bucket& b, std::string_view stat) {
  if (stat == "SampleCount") return b.count;
  if (stat == "Sum") return b.sum;
  if (stat == "Minimum") return b.min;
  if (stat == "Maximum") return b.max;
  if (stat == "Average") return b.count > 0 ? b.sum / b.count : 0.0;
  if (!IsPercentile(stat) || b.values.empty() || b.has_stat_sets) return std::nullopt;
  // Nearest rank over the raw values, each repeated by its count.
  double p = std::strtod(std::string(stat.substr(1)).c_str(), nullptr);
  std::vector<std::pair<double, double>> v = b.values;
  std::sort(v.begin(), v.end());
  double total = 0;
  for (const auto& [x, c] : v) total += c;
  if (total <= 0) return std::nullopt;
  double rank = std::max(1.0, std::ceil(p / 100.0 * total));
  double seen = 0;
  for (const auto& [x, c] : v) {
    seen += c;
    if (seen >= rank) return x;
  }
  return v.back().first;
}

}  // namespace orgtrail::services::cloudwatch
