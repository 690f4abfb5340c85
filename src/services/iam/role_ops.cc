// IAM roles: CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy, UpdateRole,
// UpdateRoleDescription, CreateServiceLinkedRole, role tags and permissions boundaries
// (spec/org-iam.md §4.1, §2.4). https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;
using identity::EntityKind;

// API_CreateRole.html: the answer carries the trust policy URL-encoded, as AWS sends it.
Result<Value> CreateRole(Call& call, const Value& input) {
  const std::string boundary = input.GetString("PermissionsBoundary");
  if (!boundary.empty() && !Model(call).FindPolicy(call.account_id(), boundary))
    return AwsError("NoSuchEntity", "Policy " + boundary + " does not exist or is not attachable.");
  ORGTRAIL_TRY(identity::Role role,
               Model(call).CreateRole(call.account_id(), input.GetString("RoleName"),
                                      input.GetString("Path", "/"),
                                      input.GetString("AssumeRolePolicyDocument"),
                                      input["MaxSessionDuration"].AsInt(3600),
                                      input.GetString("Description"), TagsFrom(input["Tags"])));
  if (!boundary.empty()) {
    ORGTRAIL_CHECK(Model(call).PutPermissionsBoundary(call.account_id(), EntityKind::kRole,
                                                      role.name, boundary));
    role.permissions_boundary_arn = boundary;
  }
  Value out = RoleValue(role, true);
  out.Erase("RoleLastUsed");
  return Value::MakeMap().Set("Role", std::move(out));
}

// API_GetRole.html
Result<Value> GetRole(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Role role,
               Model(call).GetRole(call.account_id(), input.GetString("RoleName")));
  return Value::MakeMap().Set("Role", RoleValue(role, true));
}

// API_ListRoles.html
Result<Value> ListRoles(Call& call, const Value& input) {
  Value::List items;
  for (const identity::Role& r :
       Model(call).ListRoles(call.account_id(), input.GetString("PathPrefix", "/")))
    items.push_back(RoleValue(r));
  return Page(Value::MakeMap(), "Roles", std::move(items), input);
}

// API_DeleteRole.html
Result<Value> DeleteRole(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeleteRole(call.account_id(), input.GetString("RoleName")));
  return Value::MakeMap();
}

// API_UpdateAssumeRolePolicy.html
Result<Value> UpdateAssumeRolePolicy(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).UpdateAssumeRolePolicy(call.account_id(), input.GetString("RoleName"),
                                                    input.GetString("PolicyDocument")));
  return Value::MakeMap();
}

// API_UpdateRole.html
Result<Value> UpdateRole(Call& call, const Value& input) {
  std::optional<std::string> description;
  std::optional<int64_t> max_session;
  if (input.Has("Description")) description = input.GetString("Description");
  if (input.Has("MaxSessionDuration")) max_session = input["MaxSessionDuration"].AsInt();
  ORGTRAIL_CHECK(Model(call).UpdateRole(call.account_id(), input.GetString("RoleName"), description,
                                        max_session));
  return Value::MakeMap();
}

// API_UpdateRoleDescription.html
Result<Value> UpdateRoleDescription(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Role role,
               Model(call).UpdateRole(call.account_id(), input.GetString("RoleName"),
                                      input.GetString("Description"), std::nullopt));
  return Value::MakeMap().Set("Role", RoleValue(role));
}

// API_CreateServiceLinkedRole.html
Result<Value> CreateServiceLinkedRole(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Role role,
               Model(call).CreateServiceLinkedRole(
                   call.account_id(), input.GetString("AWSServiceName"),
                   input.GetString("Description"), input.GetString("CustomSuffix")));
  return Value::MakeMap().Set("Role", RoleValue(role));
}

Result<Value> TagRole(Call& call, const Value& input) {
  ORGTRAIL_CHECK(
      Model(call).TagRole(call.account_id(), input.GetString("RoleName"), TagsFrom(input["Tags"])));
  return Value::MakeMap();
}

Result<Value> UntagRole(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).UntagRole(call.account_id(), input.GetString("RoleName"),
                                       StringsFrom(input["TagKeys"])));
  return Value::MakeMap();
}

Result<Value> ListRoleTags(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::Role role,
               Model(call).GetRole(call.account_id(), input.GetString("RoleName")));
  return Page(Value::MakeMap(), "Tags", TagList(role.tags).AsList(), input);
}

Result<Value> PutRolePermissionsBoundary(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).PutPermissionsBoundary(call.account_id(), EntityKind::kRole,
                                                    input.GetString("RoleName"),
                                                    input.GetString("PermissionsBoundary")));
  return Value::MakeMap();
}

Result<Value> DeleteRolePermissionsBoundary(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeletePermissionsBoundary(call.account_id(), EntityKind::kRole,
                                                       input.GetString("RoleName")));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kRoleOps[] = {
    {"CreateRole", CreateRole},
    {"GetRole", GetRole},
    {"ListRoles", ListRoles},
    {"DeleteRole", DeleteRole},
    {"UpdateAssumeRolePolicy", UpdateAssumeRolePolicy},
    {"UpdateRole", UpdateRole},
    {"UpdateRoleDescription", UpdateRoleDescription},
    {"CreateServiceLinkedRole", CreateServiceLinkedRole},
    {"TagRole", TagRole},
    {"UntagRole", UntagRole},
    {"ListRoleTags", ListRoleTags},
    {"PutRolePermissionsBoundary", PutRolePermissionsBoundary},
    {"DeleteRolePermissionsBoundary", DeleteRolePermissionsBoundary},
};

}  // namespace

void RegisterRoleOps(gateway::Registry& registry) { registry.Register("iam", kRoleOps); }

}  // namespace orgtrail::services::iam
