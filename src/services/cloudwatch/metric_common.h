// Shared helpers of the CloudWatch operations: errors as AWS words them, input conversion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"
#include "services/cloudwatch/metric_store.h"

namespace orgtrail::services::cloudwatch {

inline AwsError InvalidValue(std::string message) {
  return AwsError("InvalidParameterValueException", std::move(message));
}
inline AwsError Missing(std::string message) {
  return AwsError("MissingRequiredParameterException", std::move(message));
}
inline AwsError Combination(std::string message) {
  return AwsError("InvalidParameterCombinationException", std::move(message));
}
// "The value <v> for parameter <name> is invalid."
AwsError InvalidParameter(std::string_view value, std::string_view name);

inline MetricStore Metrics(gateway::Call& call) {
  return MetricStore(call.env.store, call.account_id(), call.region);
}

// Epoch milliseconds of a timestamp member (epoch seconds in the Value).
int64_t TimestampMillis(const Value& v);
// A timestamp for the wire: whole epoch seconds, or seconds with a millisecond fraction.
Value TimestampValue(int64_t ms);
// Dimensions of a Metric / MetricDatum, sorted by name.
Dimensions DimensionsOf(const Value& list);
// 1, 5, 10, 30 or a multiple of 60.
Status CheckPeriod(int64_t period, std::string_view name);
// "1,441".
std::string WithThousands(int64_t n);

}  // namespace orgtrail::services::cloudwatch
