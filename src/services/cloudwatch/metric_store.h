// The metric store of CloudWatch (spec/notifications.md §1.1), on store::Store.
//
// Tables (docs/persistence.md):
//   cw_metrics     key "<account>/<region>/<namespace>\x1f<metric name>\x1f<dims>", one row per
//                  metric (dimension set sorted by name), value {"id","ns","name","dims","last"}.
//   cw_datapoints  key "<account>/<region>/<metric id>/<timestamp ms, 13 digits>/<request id>/<n>",
//                  one row per MetricDatum, value {"u","r","n","s","min","max","v","c"}.
// Nothing is cached in memory: a query scans only its metric's rows in its time range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace orgtrail::services::cloudwatch {

using Dimensions = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct MetricId {
  std::string ns;
  std::string name;
  Dimensions dims;
};

// One stored MetricDatum: a statistic set, plus the raw values (with counts) when it had any.
struct Sample {
  int64_t timestamp_ms = 0;
  std::string unit = "None";
  int storage_resolution = 60;
  double count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::vector<double> values;  // empty for a StatisticValues datum
  std::vector<double> counts;  // parallel to values
};

// Aggregated statistics of one period bucket.
struct Bucket {
  int64_t start_ms = 0;
  std::string unit;
  double count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::vector<std::pair<double, double>> values;  // (value, count) of raw datapoints
  bool has_stat_sets = false;                     // some datum carried only a statistic set
};

struct ListedMetric {
  std::string key;  // the cw_metrics row key (pagination position)
  MetricId metric;
  int64_t last_ms = 0;
};

class MetricStore {
 public:
  MetricStore(store::Store& store, std::string account, std::string region)
      : store_(store), account_(std::move(account)), region_(std::move(region)) {}

  // Stores samples of metrics atomically (one batch for the whole request).
  Status Put(const std::vector<std::pair<MetricId, Sample>>& samples, std::string_view request_id);

  // Buckets of `period_s` seconds aligned to the epoch, for samples in [start_ms, end_ms) whose
  // unit is `unit` (empty = any), ascending by time. Buckets with no sample are absent.
  std::vector<Bucket> Aggregate(const MetricId& metric, int64_t start_ms, int64_t end_ms,
                                int64_t period_s, std::string_view unit) const;

  // Metrics of `ns` (empty = all) in key order after `after`, at most `limit` (0 = all) that
  // satisfy `keep`.
  template <typename Pred>
  std::vector<ListedMetric> List(std::string_view ns, std::string_view after, size_t limit,
                                 Pred keep) const;

  // A statistic of a bucket ("Sum", "p99", ...); nullopt when it cannot be computed.
  static std::optional<double> Statistic(const Bucket& b, std::string_view stat);
  // True for SampleCount, Average, Sum, Minimum, Maximum.
  static bool IsStandardStatistic(std::string_view stat);
  // True for pNN / pNN.NN (0 to 100).
  static bool IsPercentile(std::string_view stat);

  static Dimensions Sorted(Dimensions dims);

 private:
  std::string Prefix() const { return account_ + "/" + region_ + "/"; }
  std::string MetricKey(const MetricId& m) const;
  static std::string MetricHash(const MetricId& m);
  std::vector<ListedMetric> ScanMetrics(std::string_view prefix, std::string_view after,
                                        size_t limit) const;

  store::Store& store_;
  std::string account_;
  std::string region_;
};

template <typename Pred>
std::vector<ListedMetric> MetricStore::List(std::string_view ns, std::string_view after,
                                            size_t limit, Pred keep) const {
  std::string prefix = Prefix();
  if (!ns.empty()) prefix += std::string(ns) + "\x1f";
  std::vector<ListedMetric> out;
  std::string pos(after);
  for (;;) {
    std::vector<ListedMetric> page = ScanMetrics(prefix, pos, 1000);
    if (page.empty()) break;
    pos = page.back().key;
    for (ListedMetric& m : page) {
      if (!keep(m)) continue;
      out.push_back(std::move(m));
      if (limit != 0 && out.size() >= limit) return out;
    }
  }
  return out;
}

}  // namespace orgtrail::services::cloudwatch
