// Inline policies: Put/Get/Delete{User,Group,Role}Policy and List{User,Group,Role}Policies
// (spec/org-iam.md §4.1, §4.3). Get answers the document URL-encoded, as AWS does.
// https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;
using identity::EntityKind;

Result<Value> Put(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  ORGTRAIL_CHECK(Model(call).PutInlinePolicy(call.account_id(), kind, input.GetString(name_field),
                                             input.GetString("PolicyName"),
                                             input.GetString("PolicyDocument")));
  return Value::MakeMap();
}

Result<Value> Get(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  const std::string entity = input.GetString(name_field);
  ORGTRAIL_TRY(
      identity::InlinePolicy p,
      Model(call).GetInlinePolicy(call.account_id(), kind, entity, input.GetString("PolicyName")));
  return Value::MakeMap()
      .Set(std::string(name_field), entity)
      .Set("PolicyName", p.name)
      .Set("PolicyDocument", EncodeDocument(p.document));
}

Result<Value> Delete(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  ORGTRAIL_CHECK(Model(call).DeleteInlinePolicy(
      call.account_id(), kind, input.GetString(name_field), input.GetString("PolicyName")));
  return Value::MakeMap();
}

Result<Value> List(Call& call, const Value& input, EntityKind kind, std::string_view name_field) {
  ORGTRAIL_TRY(std::vector<identity::InlinePolicy> policies,
               Model(call).InlinePolicies(call.account_id(), kind, input.GetString(name_field)));
  Value::List names;
  for (const identity::InlinePolicy& p : policies) names.push_back(Value(p.name));
  return Page(Value::MakeMap(), "PolicyNames", std::move(names), input);
}

Result<Value> PutUserPolicy(Call& call, const Value& input) {
  return Put(call, input, EntityKind::kUser, "UserName");
}
Result<Value> PutGroupPolicy(Call& call, const Value& input) {
  return Put(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> PutRolePolicy(Call& call, const Value& input) {
  return Put(call, input, EntityKind::kRole, "RoleName");
}
Result<Value> GetUserPolicy(Call& call, const Value& input) {
  return Get(call, input, EntityKind::kUser, "UserName");
}
Result<Value> GetGroupPolicy(Call& call, const Value& input) {
  return Get(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> GetRolePolicy(Call& call, const Value& input) {
  return Get(call, input, EntityKind::kRole, "RoleName");
}
Result<Value> DeleteUserPolicy(Call& call, const Value& input) {
  return Delete(call, input, EntityKind::kUser, "UserName");
}
Result<Value> DeleteGroupPolicy(Call& call, const Value& input) {
  return Delete(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> DeleteRolePolicy(Call& call, const Value& input) {
  return Delete(call, input, EntityKind::kRole, "RoleName");
}
Result<Value> ListUserPolicies(Call& call, const Value& input) {
  return List(call, input, EntityKind::kUser, "UserName");
}
Result<Value> ListGroupPolicies(Call& call, const Value& input) {
  return List(call, input, EntityKind::kGroup, "GroupName");
}
Result<Value> ListRolePolicies(Call& call, const Value& input) {
  return List(call, input, EntityKind::kRole, "RoleName");
}

constexpr gateway::OperationRow kInlineOps[] = {
    {"PutUserPolicy", PutUserPolicy},         {"PutGroupPolicy", PutGroupPolicy},
    {"PutRolePolicy", PutRolePolicy},         {"GetUserPolicy", GetUserPolicy},
    {"GetGroupPolicy", GetGroupPolicy},       {"GetRolePolicy", GetRolePolicy},
    {"DeleteUserPolicy", DeleteUserPolicy},   {"DeleteGroupPolicy", DeleteGroupPolicy},
    {"DeleteRolePolicy", DeleteRolePolicy},   {"ListUserPolicies", ListUserPolicies},
    {"ListGroupPolicies", ListGroupPolicies}, {"ListRolePolicies", ListRolePolicies},
};

}  // namespace

void RegisterInlineOps(gateway::Registry& registry) { registry.Register("iam", kInlineOps); }

}  // namespace orgtrail::services::iam
