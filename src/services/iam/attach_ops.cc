// Managed policy attachments: Attach/Detach/ListAttached{User,Group,Role}Policies
// (spec/org-iam.md §4.1). https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;
using identity::EntityKind;

Result<Value> Attach(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  ORGTRAIL_CHECK(Model(call).AttachPolicy(call.account_id(), kind, input.GetString(name_field),
                                          input.GetString("PolicyArn")));
  return Value::MakeMap();
}

Result<Value> Detach(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  ORGTRAIL_CHECK(Model(call).DetachPolicy(call.account_id(), kind, input.GetString(name_field),
                                          input.GetString("PolicyArn")));
  return Value::MakeMap();
}

Result<Value> ListAttached(Call& call, const Value& input, EntityKind kind,
                           std::string_view name_field) {
  ORGTRAIL_TRY(std::vector<identity::AttachedPolicy> attached,
               Model(call).AttachedPolicies(call.account_id(), kind, input.GetString(name_field)));
  const std::string prefix = input.GetString("PathPrefix", "/");
  Value::List items;
  for (const identity::AttachedPolicy& a : attached) {
    auto p = Model(call).FindPolicy(call.account_id(), a.arn);
    if (p && p->path.rfind(prefix, 0) != 0) continue;
    items.push_back(Value::MakeMap().Set("PolicyName", a.name).Set("PolicyArn", a.arn));
  }
  return Page(Value::MakeMap(), "AttachedPolicies", std::move(items), input);
}

Result<Value> AttachUserPolicy(Call& call, const Value& input) {
  return Attach(call, input, EntityKind::kUser, "UserName");
}
Result<Value> AttachGroupPolicy(Call& call, const Value& input) {
  return Attach(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> AttachRolePolicy(Call& call, const Value& input) {
  return Attach(call, input, EntityKind::kRole, "RoleName");
}
Result<Value> DetachUserPolicy(Call& call, const Value& input) {
  return Detach(call, input, EntityKind::kUser, "UserName");
}
Result<Value> DetachGroupPolicy(Call& call, const Value& input) {
  return Detach(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> DetachRolePolicy(Call& call, const Value& input) {
  return Detach(call, input, EntityKind::kRole, "RoleName");
}
Result<Value> ListAttachedUserPolicies(Call& call, const Value& input) {
  return ListAttached(call, input, EntityKind::kUser, "UserName");
}
Result<Value> ListAttachedGroupPolicies(Call& call, const Value& input) {
  return ListAttached(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> ListAttachedRolePolicies(Call& call, const Value& input) {
  return ListAttached(call, input, EntityKind::kRole, "RoleName");
}

constexpr gateway::OperationRow kAttachOps[] = {
    {"AttachUserPolicy", AttachUserPolicy},
    {"AttachGroupPolicy", AttachGroupPolicy},
    {"AttachRolePolicy", AttachRolePolicy},
    {"DetachUserPolicy", DetachUserPolicy},
    {"DetachGroupPolicy", DetachGroupPolicy},
    {"DetachRolePolicy", DetachRolePolicy},
    {"ListAttachedUserPolicies", ListAttachedUserPolicies},
    {"ListAttachedGroupPolicies", ListAttachedGroupPolicies},
    {"ListAttachedRolePolicies", ListAttachedRolePolicies},
};

}  // namespace

void RegisterAttachOps(gateway::Registry& registry) { registry.Register("iam", kAttachOps); }

}  // namespace orgtrail::services::iam
