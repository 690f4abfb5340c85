// ListPublicKeys (spec/cloudtrail.md §8.3).
#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/signing.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html
Result<Value> ListPublicKeys(Call& call, const Value& input) {
  int64_t now = call.NowMillis();
  int64_t start =
      input.Has("StartTime") ? static_cast<int64_t>(input["StartTime"].AsDouble() * 1000) : now;
  int64_t end =
      input.Has("EndTime") ? static_cast<int64_t>(input["EndTime"].AsDouble() * 1000) : now;
  if (start > end)
    return AwsError("InvalidTimeRangeException",
                    "Start time must be before end time and within the last 90 days.");
  Value list = Value::MakeList();
  // The key exists from the first digest of the region (or from this call).
  ORGTRAIL_TRY(SigningKey key, KeyForRegion(call.env.store, call.region, now));
  int64_t valid_from = key.created_ms - int64_t{90} * 24 * 3600 * 1000;
  int64_t valid_to = key.created_ms + kKeyValidityMs;
  if (valid_from <= end && start <= valid_to)
    list.Append(Value::MakeMap()
                    .Set("Value", key.public_der)
                    .Set("ValidityStartTime", valid_from / 1000)
                    .Set("ValidityEndTime", valid_to / 1000)
                    .Set("Fingerprint", key.fingerprint));
  return Value::MakeMap().Set("PublicKeyList", std::move(list));
}

constexpr gateway::OperationRow kKeyOps[] = {
    {"ListPublicKeys", ListPublicKeys},
};

}  // namespace

std::span<const gateway::OperationRow> KeyOps() { return kKeyOps; }

}  // namespace orgtrail::services::cloudtrail
