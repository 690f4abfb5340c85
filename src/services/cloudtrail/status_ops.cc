// StartLogging, StopLogging, GetTrailStatus (spec/cloudtrail.md §10).
#include "core/time_format.h"
#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/delivery.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartLogging.html
Result<Value> StartLogging(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kWrite));
  int64_t now = call.NowMillis();
  bool was_logging = LoadStatus(call.env.store, trail.Arn()).is_logging;
  ORGTRAIL_CHECK(UpdateStatus(call.env.store, trail.Arn(), [now](TrailStatus& s) {
    if (!s.is_logging) s.start_ms = now;
    s.is_logging = true;
  }));
  if (!was_logging) ORGTRAIL_CHECK(OpenDigestChains(call.env, trail, now));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html
Result<Value> StopLogging(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kWrite));
  int64_t now = call.NowMillis();
  bool was_logging = LoadStatus(call.env.store, trail.Arn()).is_logging;
  ORGTRAIL_CHECK(UpdateStatus(call.env.store, trail.Arn(), [now](TrailStatus& s) {
    if (s.is_logging) s.stop_ms = now;
    s.is_logging = false;
  }));
  if (was_logging) ORGTRAIL_CHECK(CloseDigestChains(call.env, trail, now));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html
Result<Value> GetTrailStatus(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kRead));
  TrailStatus s = LoadStatus(call.env.store, trail.Arn());
  Value v = Value::MakeMap();
  v.Set("IsLogging", s.is_logging);
  auto time = [&v](const char* key, int64_t ms) {
    if (ms > 0) v.Set(key, Seconds(ms));
  };
  auto text = [&v](const char* key, const std::string& s2) {
    if (!s2.empty()) v.Set(key, s2);
  };
  time("LatestDeliveryTime", s.delivery_ms);
  text("LatestDeliveryError", s.delivery_error);
  time("StartLoggingTime", s.start_ms);
  time("StopLoggingTime", s.stop_ms);
  time("LatestCloudWatchLogsDeliveryTime", s.cwl_ms);
  text("LatestCloudWatchLogsDeliveryError", s.cwl_error);
  time("LatestDigestDeliveryTime", s.digest_ms);
  text("LatestDigestDeliveryError", s.digest_error);
  auto iso = [](int64_t ms) { return ms > 0 ? FormatIso8601Seconds(ms) : std::string(); };
  v.Set("LatestDeliveryAttemptTime", iso(s.delivery_attempt_ms));
  v.Set("LatestNotificationAttemptTime", "");
  v.Set("LatestNotificationAttemptSucceeded", "");
  v.Set("LatestDeliveryAttemptSucceeded",
        s.delivery_error.empty() ? iso(s.delivery_ms) : std::string());
  v.Set("TimeLoggingStarted", iso(s.start_ms));
  v.Set("TimeLoggingStopped", iso(s.stop_ms));
  return v;
}

constexpr gateway::OperationRow kStatusOps[] = {
    {"StartLogging", StartLogging},
    {"StopLogging", StopLogging},
    {"GetTrailStatus", GetTrailStatus},
};

}  // namespace

std::span<const gateway::OperationRow> StatusOps() { return kStatusOps; }

}  // namespace orgtrail::services::cloudtrail
