// IAM roles: create, read, update, delete, service-linked roles, tags (spec/org-iam.md §4).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html and neighbours.
#include "core/json.h"
#include "identity/iam_internal.h"
#include "policy/document.h"

namespace orgtrail::identity {

using namespace iam_internal;  // NOLINT(google-build-using-namespace)

namespace {

Status ValidateTrust(std::string_view document) {
  if (PolicySize(document) > kTrustPolicySize)
    return AwsError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048");
  return policy::ValidateDocument(document, policy::PolicyKind::kTrust);
}

}  // namespace

std::string Iam::NewId(std::string_view prefix) const {
  return std::string(prefix) + ids_.Chars(17, IdSource::kUpperDigits);
}

Status Iam::PutRole(const Role& role) {
  return store_.Put(kRoles, Key(role.account_id, role.name), RoleToRow(role).ToJson());
}

Result<Role> Iam::CreateRole(std::string_view account_id, std::string_view name,
                             std::string_view path, std::string_view trust_policy_json,
                             int64_t max_session_seconds, std::string_view description,
                             const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  if (FindRole(account_id, name))
    return AwsError("EntityAlreadyExists",
                    "Role with name " + std::string(name) + " already exists.");
  ORGTRAIL_CHECK(ValidateTrust(trust_policy_json));
  ORGTRAIL_TRY(std::vector<Tag> merged, MergeTags({}, tags));
  Role role;
  role.account_id = std::string(account_id);
  role.name = std::string(name);
  role.path = path.empty() ? "/" : std::string(path);
  role.role_id = NewId("AROA");
  role.assume_role_policy = std::string(trust_policy_json);
  role.description = std::string(description);
  role.max_session_seconds = max_session_seconds;
  role.created_ms = clock_.NowMillis();
  role.tags = std::move(merged);
  ORGTRAIL_CHECK(PutRole(role));
  return role;
}

std::optional<Role> Iam::FindRole(std::string_view account_id, std::string_view name) const {
  auto v = GetRow(store_, kRoles, Key(account_id, name));
  if (!v) return std::nullopt;
  return RoleFromRow(*v);
}

std::optional<Role> Iam::FindRoleByArn(std::string_view arn) const {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view resource = rest.substr(colon + 1);
  if (resource.substr(0, 5) != "role/") return std::nullopt;
  std::string_view name = resource.substr(resource.rfind('/') + 1);
  auto role = FindRole(rest.substr(0, colon), name);
  if (!role || role->Arn() != arn) return std::nullopt;
  return role;
}

Result<Role> Iam::GetRole(std::string_view account_id, std::string_view name) const {
  auto role = FindRole(account_id, name);
  if (!role) return NoSuchRole(name);
  return *role;
}

std::vector<Role> Iam::ListRoles(std::string_view account_id, std::string_view path_prefix) const {
  std::vector<Role> out;
  for (const Value& v : ScanRows(store_, kRoles, std::string(account_id) + "/")) {
    Role r = RoleFromRow(v);
    if (r.path.rfind(path_prefix, 0) == 0) out.push_back(std::move(r));
  }
  return out;
}

Status Iam::DeleteRole(std::string_view account_id, std::string_view name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(Role role, GetRole(account_id, name));
  if (role.service_linked()) return ProtectedRole(name);
  if (!store_.Scan(iam_internal::kAttachments, Key(account_id, "role", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
  if (!store_.Scan(kInline, Key(account_id, "role", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
  return store_.Delete(kRoles, Key(account_id, name));
}

Status Iam::UpdateAssumeRolePolicy(std::string_view account_id, std::string_view name,
                                   std::string_view trust_policy_json) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(Role role, GetRole(account_id, name));
  if (role.service_linked()) return ProtectedRole(name);
  ORGTRAIL_CHECK(ValidateTrust(trust_policy_json));
  role.assume_role_policy = std::string(trust_policy_json);
  return PutRole(role);
}

Result<Role> Iam::UpdateRole(std::string_view account_id, std::string_view name,
                             std::optional<std::string> description,
                             std::optional<int64_t> max_session_seconds) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(Role role, GetRole(account_id, name));
  if (role.service_linked() && max_session_seconds) return ProtectedRole(name);
  if (description) role.description = *description;
  if (max_session_seconds) role.max_session_seconds = *max_session_seconds;
  ORGTRAIL_CHECK(PutRole(role));
  return role;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
Result<Role> Iam::CreateServiceLinkedRole(std::string_view account_id, std::string_view service,
                                          std::string_view description,
                                          std::string_view custom_suffix) {
  std::lock_guard lock(mu_);
  auto info = FindServiceLinkedRole(service);
  if (!info)  // decision: the services orgtrail knows; the wording is orgtrail's
    return AwsError("InvalidInput", "Service principal " + std::string(service) +
                                        " does not support service-linked roles.");
  std::string name(info->role_name);
  if (!custom_suffix.empty()) name += "_" + std::string(custom_suffix);
  if (FindRole(account_id, name))
    return AwsError("InvalidInput", "Service role name " + name +
                                        " has been taken in this account, please try a "
                                        "different suffix.");
  Role role;
  role.account_id = std::string(account_id);
  role.name = name;
  role.path = "/aws-service-role/" + std::string(service) + "/";
  role.role_id = NewId("AROA");
  role.assume_role_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":[")" +
      std::string(service) + R"("]},"Action":["sts:AssumeRole"]}]})";
  role.description = std::string(description);
  role.created_ms = clock_.NowMillis();
  ORGTRAIL_CHECK(PutRole(role));
  if (!info->policy_arn.empty()) {
    auto policy = FindAwsManagedPolicy(info->policy_arn);
    if (policy) ORGTRAIL_CHECK(AttachUnchecked(account_id, EntityKind::kRole, name, *policy));
  }
  return role;
}

Status Iam::TagRole(std::string_view account_id, std::string_view name,
                    const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(Role role, GetRole(account_id, name));
  ORGTRAIL_TRY(role.tags, MergeTags(std::move(role.tags), tags));
  return PutRole(role);
}

Status Iam::UntagRole(std::string_view account_id, std::string_view name,
                      const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(Role role, GetRole(account_id, name));
  role.tags = RemoveTags(std::move(role.tags), keys);
  return PutRole(role);
}

}  // namespace orgtrail::identity
