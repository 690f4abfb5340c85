// AddTags, RemoveTags, ListTags on trails (spec/cloudtrail.md §1.4).
#include "identity/organizations.h"
#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;

constexpr size_t kMaxTags = 50;

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AddTags.html
Result<Value> AddTags(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("ResourceId"), Access::kWrite));
  for (const Value& tag : input["TagsList"].AsList()) {
    std::string key = tag.GetString("Key");
    if (key.empty() || key.size() > 128 || tag.GetString("Value").size() > 256 ||
        key.rfind("aws:", 0) == 0)
      return AwsError("InvalidTagParameterException", "");
    bool replaced = false;
    for (auto& [k, v] : trail.tags)
      if (k == key) {
        v = tag.GetString("Value");
        replaced = true;
      }
    if (!replaced) trail.tags.emplace_back(key, tag.GetString("Value"));
  }
  if (trail.tags.size() > kMaxTags) return AwsError("TagsLimitExceededException", "");
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_RemoveTags.html
Result<Value> RemoveTags(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("ResourceId"), Access::kWrite));
  for (const Value& tag : input["TagsList"].AsList()) {
    std::string key = tag.GetString("Key");
    std::erase_if(trail.tags, [&](const auto& kv) {
      return kv.first == key && (!tag.Has("Value") || kv.second == tag.GetString("Value"));
    });
  }
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTags.html
// Members of an organization cannot list an organization trail's tags (§1.4).
Result<Value> ListTags(Call& call, const Value& input) {
  Value list = Value::MakeList();
  for (const Value& id : input["ResourceIdList"].AsList()) {
    ORGTRAIL_TRY(Trail trail, ResolveTrail(call, id.AsString(), Access::kRead));
    if (trail.owner != call.account_id() &&
        !call.env.orgs.IsDelegatedAdministrator(call.account_id(), identity::kCloudTrailPrincipal))
      return AwsError("CloudTrailARNInvalidException",
                      "AccountID in ARN is wrong, you can only access resources with AccountID " +
                          call.account_id() + ".");
    Value tags = Value::MakeList();
    for (const auto& [k, v] : trail.tags)
      tags.Append(Value::MakeMap().Set("Key", k).Set("Value", v));
    list.Append(Value::MakeMap().Set("ResourceId", trail.Arn()).Set("TagsList", std::move(tags)));
  }
  return Value::MakeMap().Set("ResourceTagList", std::move(list));
}

constexpr gateway::OperationRow kTagOps[] = {
    {"AddTags", AddTags},
    {"RemoveTags", RemoveTags},
    {"ListTags", ListTags},
};

}  // namespace

std::span<const gateway::OperationRow> TagOps() { return kTagOps; }

}  // namespace orgtrail::services::cloudtrail
