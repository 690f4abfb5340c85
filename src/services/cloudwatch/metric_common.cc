#include "services/cloudwatch/metric_common.h"

#include <cmath>

namespace orgtrail::services::cloudwatch {

AwsError InvalidParameter(std::string_view value, std::string_view name) {
  return InvalidValue("The value " + std::string(value) + " for parameter " + std::string(name) +
                      " is invalid.");
}

int64_t TimestampMillis(const Value& v) {
  return static_cast<int64_t>(std::llround(v.AsDouble() * 1000.0));
}

Value TimestampValue(int64_t ms) {
  if (ms % 1000 == 0) return Value(ms / 1000);
  return Value(static_cast<double>(ms) / 1000.0);
}

Dimensions DimensionsOf(const Value& list) {
  Dimensions dims;
  for (const Value& d : list.AsList()) dims.emplace_back(d.GetString("Name"), d.GetString("Value"));
  return MetricStore::Sorted(std::move(dims));
}

Status CheckPeriod(int64_t period, std::string_view name) {
  if (period == 1 || period == 5 || period == 10 || period == 30 ||
      (period > 0 && period % 60 == 0))
    return Ok();
  return InvalidValue("The parameter " + std::string(name) + " must be a multiple of 60.");
}

std::string WithThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace orgtrail::services::cloudwatch
