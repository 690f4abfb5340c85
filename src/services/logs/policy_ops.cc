// Account-level resource policies of CloudWatch Logs: PutResourcePolicy,
// DescribeResourcePolicies, DeleteResourcePolicy (at most 10 per account and region).
#include "core/json.h"
#include "services/logs/errors.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;

constexpr size_t kMaxPolicies = 10;

Value PolicyValue(const Value& row) {
  return Value::MakeMap()
      .Set("policyName", row["policyName"])
      .Set("policyDocument", row["policyDocument"])
      .Set("lastUpdatedTime", row["lastUpdatedTime"])
      .Set("policyScope", "ACCOUNT")
      .Set("revisionId", row["revisionId"]);
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html
Result<Value> PutResourcePolicy(Call& call, const Value& input) {
  std::string name = input.GetString("policyName");
  std::string document = input.GetString("policyDocument");
  if (name.empty() || document.empty()) {
    return errors::InvalidParameter("policyName and policyDocument are required.");
  }
  auto parsed = ParseJson(document);
  if (!parsed.ok() || !parsed->is_map()) {
    return errors::InvalidParameter("Policy document is not valid JSON.");
  }
  std::lock_guard lock(WriteMutex());
  std::string key = GroupKey(call.account_id(), call.region, name);
  if (!call.env.store.Get(kPoliciesTable, key) &&
      call.env.store.Scan(kPoliciesTable, GroupKey(call.account_id(), call.region, "")).size() >=
          kMaxPolicies) {
    return errors::LimitExceeded();
  }
  Value row = Value::MakeMap()
                  .Set("policyName", name)
                  .Set("policyDocument", document)
                  .Set("lastUpdatedTime", call.NowMillis())
                  .Set("revisionId", call.env.ids.Uuid());
  ORGTRAIL_CHECK(call.env.store.Put(kPoliciesTable, key, row.ToJson()));
  return Value::MakeMap().Set("resourcePolicy", PolicyValue(row));
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeResourcePolicies.html
Result<Value> DescribeResourcePolicies(Call& call, const Value& input) {
  (void)input;
  Value list = Value::MakeList();
  for (const store::Row& r :
       call.env.store.Scan(kPoliciesTable, GroupKey(call.account_id(), call.region, ""))) {
    auto v = ParseJson(r.value);
    if (v.ok()) list.Append(PolicyValue(*v));
  }
  return Value::MakeMap().Set("resourcePolicies", std::move(list));
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteResourcePolicy.html
Result<Value> DeleteResourcePolicy(Call& call, const Value& input) {
  std::string name = input.GetString("policyName");
  std::lock_guard lock(WriteMutex());
  std::string key = GroupKey(call.account_id(), call.region, name);
  if (!call.env.store.Get(kPoliciesTable, key)) {
    return errors::ResourceNotFound("Policy with name [" + name + "] does not exist");
  }
  ORGTRAIL_CHECK(call.env.store.Delete(kPoliciesTable, key));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kPolicyOps[] = {
    {"PutResourcePolicy", PutResourcePolicy},
    {"DescribeResourcePolicies", DescribeResourcePolicies},
    {"DeleteResourcePolicy", DeleteResourcePolicy},
};

}  // namespace

void RegisterPolicyOps(gateway::Registry& registry) { registry.Register("logs", kPolicyOps); }

}  // namespace orgtrail::services::logs
