// The resources IAM operations act on, for the authorize stage (spec/org-iam.md §5.3: the IAM
// entity's ARN). One function serves every IAM row: the entity is named by the same members
// (UserName, RoleName, GroupName, PolicyArn) throughout the model.
#include "identity/directory.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

std::string EntityArn(const std::string& account, std::string_view kind, const std::string& path,
                      const std::string& name) {
  std::string p = path.empty() ? "/" : path;
  return "arn:aws:iam::" + account + ":" + std::string(kind) + p + name;
}

Result<gateway::AuthzTarget> IamTarget(gateway::Call& call, const Value& input) {
  gateway::AuthzTarget target;
  const std::string& account = call.principal.account_id;
  const std::string path = input.GetString("Path", "/");
  if (const Value* user = input.Find("UserName")) {
    const std::string& name = user->AsString();
    auto existing = call.env.identity.FindUser(account, name);
    target.resources = {EntityArn(account, "user", existing ? existing->path : path, name)};
  } else if (const Value* role = input.Find("RoleName")) {
    const std::string& name = role->AsString();
    auto existing = Model(call).FindRole(account, name);
    target.resources = {EntityArn(account, "role", existing ? existing->path : path, name)};
  } else if (const Value* group = input.Find("GroupName")) {
    const std::string& name = group->AsString();
    auto existing = Model(call).GetGroup(account, name);
    target.resources = {EntityArn(account, "group", existing.ok() ? existing->path : path, name)};
  } else if (const Value* policy = input.Find("PolicyArn")) {
    target.resources = {policy->AsString()};
  } else if (input.Has("PolicyName") && input.Has("PolicyDocument")) {  // CreatePolicy
    target.resources = {EntityArn(account, "policy", path, input.GetString("PolicyName"))};
  } else if (call.principal.type == auth::PrincipalType::kIAMUser &&
             (input.Has("AccessKeyId") || call.operation == "CreateAccessKey" ||
              call.operation == "ListAccessKeys")) {
    target.resources = {call.principal.arn};  // access keys of the calling user
  }
  return target;
}

}  // namespace

void RegisterIamTargets(gateway::Registry& registry) {
  registry.SetDefaultTarget("iam", IamTarget);
}

}  // namespace orgtrail::services::iam
