// IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, user tags and permissions
// boundaries (spec/org-iam.md §4.1). https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;
using identity::EntityKind;

// API_CreateUser.html
Result<Value> CreateUser(Call& call, const Value& input) {
  const std::string boundary = input.GetString("PermissionsBoundary");
  if (!boundary.empty() && !Model(call).FindPolicy(call.account_id(), boundary))
    return AwsError("NoSuchEntity", "Policy " + boundary + " does not exist or is not attachable.");
  ORGTRAIL_TRY(identity::User user,
               Model(call).CreateUser(call.account_id(), input.GetString("UserName"),
                                      input.GetString("Path", "/"), TagsFrom(input["Tags"])));
  if (!boundary.empty()) {
    ORGTRAIL_CHECK(Model(call).PutPermissionsBoundary(call.account_id(), EntityKind::kUser,
                                                      user.name, boundary));
    user.permissions_boundary_arn = boundary;
  }
  return Value::MakeMap().Set("User", UserValue(user, true));
}

// API_GetUser.html: without UserName, the caller. Root answers with the account's root ARN.
Result<Value> GetUser(Call& call, const Value& input) {
  const auth::Principal& p = call.principal;
  if (!input.Has("UserName") && p.type == auth::PrincipalType::kRoot) {
    return Value::MakeMap().Set(
        "User",
        Value::MakeMap().Set("UserId", p.account_id).Set("Arn", p.arn).Set("CreateDate", Time(0)));
  }
  ORGTRAIL_TRY(std::string name, UserNameOrCaller(call, input));
  ORGTRAIL_TRY(identity::User user, Model(call).GetUser(call.account_id(), name));
  return Value::MakeMap().Set("User", UserValue(user, true));
}

// API_ListUsers.html
Result<Value> ListUsers(Call& call, const Value& input) {
  std::string prefix = input.GetString("PathPrefix", "/");
  Value::List items;
  for (const identity::User& u : call.env.identity.ListUsers(call.account_id()))
    if (u.path.rfind(prefix, 0) == 0) items.push_back(UserValue(u));
  return Page(Value::MakeMap(), "Users", std::move(items), input);
}

// API_UpdateUser.html
Result<Value> UpdateUser(Call& call, const Value& input) {
  std::optional<std::string> new_name, new_path;
  if (input.Has("NewUserName")) new_name = input.GetString("NewUserName");
  if (input.Has("NewPath")) new_path = input.GetString("NewPath");
  ORGTRAIL_CHECK(
      Model(call).UpdateUser(call.account_id(), input.GetString("UserName"), new_name, new_path));
  return Value::MakeMap();
}

// API_DeleteUser.html
Result<Value> DeleteUser(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeleteUser(call.account_id(), input.GetString("UserName")));
  return Value::MakeMap();
}

Result<Value> TagUser(Call& call, const Value& input) {
  ORGTRAIL_CHECK(
      Model(call).TagUser(call.account_id(), input.GetString("UserName"), TagsFrom(input["Tags"])));
  return Value::MakeMap();
}

Result<Value> UntagUser(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).UntagUser(call.account_id(), input.GetString("UserName"),
                                       StringsFrom(input["TagKeys"])));
  return Value::MakeMap();
}

Result<Value> ListUserTags(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::User user,
               Model(call).GetUser(call.account_id(), input.GetString("UserName")));
  return Page(Value::MakeMap(), "Tags", TagList(user.tags).AsList(), input);
}

Result<Value> PutUserPermissionsBoundary(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).PutPermissionsBoundary(call.account_id(), EntityKind::kUser,
                                                    input.GetString("UserName"),
                                                    input.GetString("PermissionsBoundary")));
  return Value::MakeMap();
}

Result<Value> DeleteUserPermissionsBoundary(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeletePermissionsBoundary(call.account_id(), EntityKind::kUser,
                                                       input.GetString("UserName")));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kUserOps[] = {
    {"CreateUser", CreateUser},
    {"GetUser", GetUser},
    {"ListUsers", ListUsers},
    {"UpdateUser", UpdateUser},
    {"DeleteUser", DeleteUser},
    {"TagUser", TagUser},
    {"UntagUser", UntagUser},
    {"ListUserTags", ListUserTags},
    {"PutUserPermissionsBoundary", PutUserPermissionsBoundary},
    {"DeleteUserPermissionsBoundary", DeleteUserPermissionsBoundary},
};

}  // namespace

void RegisterUserOps(gateway::Registry& registry) { registry.Register("iam", kUserOps); }

}  // namespace orgtrail::services::iam
