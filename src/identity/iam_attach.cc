// Managed policy attachments, inline policies and permissions boundaries of users, groups and
// roles, and what the authorize stage reads from them (spec/org-iam.md §4.1, §5.5).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html and neighbours.
#include "core/json.h"
#include "identity/iam_internal.h"
#include "policy/document.h"

namespace orgtrail::identity {

using namespace iam_internal;  // NOLINT(google-build-using-namespace)

namespace {

constexpr int kMaxAttachedPolicies = 10;

std::string EntityPrefix(std::string_view account_id, EntityKind kind, std::string_view entity) {
  return Key(account_id, KindName(kind), entity) + "/";
}

const char* QuotaName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "PoliciesPerUser";
    case EntityKind::kGroup:
      return "PoliciesPerGroup";
    case EntityKind::kRole:
      return "PoliciesPerRole";
  }
  return "PoliciesPerUser";
}

size_t InlineLimit(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return kUserInlineSize;
    case EntityKind::kGroup:
      return kGroupInlineSize;
    case EntityKind::kRole:
      return kRoleInlineSize;
  }
  return kUserInlineSize;
}

}  // namespace

Status Iam::CheckEntity(std::string_view account_id, EntityKind kind,
                        std::string_view entity) const {
  switch (kind) {
    case EntityKind::kUser:
      if (!directory_.FindUser(account_id, entity)) return NoSuchUser(entity);
      return Ok();
    case EntityKind::kGroup:
      if (!store_.Get(kGroups, Key(account_id, entity))) return NoSuchGroup(entity);
      return Ok();
    case EntityKind::kRole: {
      auto role = FindRole(account_id, entity);
      if (!role) return NoSuchRole(entity);
      return Ok();
    }
  }
  return Ok();
}

// Callers may not change what is attached to a service-linked role.
namespace {
Status CheckModifiable(const Iam& iam, std::string_view account_id, EntityKind kind,
                       std::string_view entity) {
  if (kind != EntityKind::kRole) return Ok();
  auto role = iam.FindRole(account_id, entity);
  if (role && role->service_linked()) return ProtectedRole(entity);
  return Ok();
}
}  // namespace

Status Iam::AttachRolePolicy(std::string_view account_id, std::string_view role_name,
                             std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, EntityKind::kRole, role_name));
  auto policy = FindPolicy(account_id, policy_arn);
  if (!policy) return NotAttachable(policy_arn);
  return AttachUnchecked(account_id, EntityKind::kRole, role_name, *policy);
}

Status Iam::AttachPolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                         std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  auto policy = FindPolicy(account_id, policy_arn);
  if (!policy) return NotAttachable(policy_arn);
  std::string prefix = EntityPrefix(account_id, kind, entity);
  if (store_.Get(iam_internal::kAttachments, prefix + std::string(policy_arn))) return Ok();
  if (store_.Scan(iam_internal::kAttachments, prefix).size() >=
      static_cast<size_t>(kMaxAttachedPolicies))
    return AwsError("LimitExceeded",
                    std::string("Cannot exceed quota for ") + QuotaName(kind) + ": 10");
  return AttachUnchecked(account_id, kind, entity, *policy);
}

Status Iam::AttachUnchecked(std::string_view account_id, EntityKind kind, std::string_view entity,
                            const ManagedPolicy& policy) {
  Value row = Value::MakeMap()
                  .Set("PolicyArn", policy.Arn())
                  .Set("PolicyName", policy.name)
                  .Set("EntityKind", KindName(kind))
                  .Set("EntityName", entity);
  return store_.Put(iam_internal::kAttachments,
                    EntityPrefix(account_id, kind, entity) + policy.Arn(), row.ToJson());
}

Status Iam::DetachPolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                         std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  std::string key = EntityPrefix(account_id, kind, entity) + std::string(policy_arn);
  if (!store_.Get(iam_internal::kAttachments, key)) return NoSuchPolicy(policy_arn);
  return store_.Delete(iam_internal::kAttachments, key);
}

Result<std::vector<AttachedPolicy>> Iam::AttachedPolicies(std::string_view account_id,
                                                          EntityKind kind,
                                                          std::string_view entity) const {
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  std::vector<AttachedPolicy> out;
  for (const Value& v :
       ScanRows(store_, iam_internal::kAttachments, EntityPrefix(account_id, kind, entity)))
    out.push_back({v.GetString("PolicyName"), v.GetString("PolicyArn")});
  return out;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
Status Iam::PutInlinePolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                            std::string_view policy_name, std::string_view document) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  size_t limit = InlineLimit(kind);
  if (PolicySize(document) > limit)
    return AwsError("LimitExceeded", "Maximum policy size of " + std::to_string(limit) +
                                         " bytes exceeded for " + KindName(kind) + " " +
                                         std::string(entity));
  ORGTRAIL_CHECK(policy::ValidateDocument(document, policy::PolicyKind::kIdentity));
  Value row = Value::MakeMap().Set("PolicyName", policy_name).Set("Document", document);
  return store_.Put(kInline, EntityPrefix(account_id, kind, entity) + std::string(policy_name),
                    row.ToJson());
}

Result<InlinePolicy> Iam::GetInlinePolicy(std::string_view account_id, EntityKind kind,
                                          std::string_view entity,
                                          std::string_view policy_name) const {
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  auto row =
      GetRow(store_, kInline, EntityPrefix(account_id, kind, entity) + std::string(policy_name));
  if (!row) return NoSuchInline(kind, policy_name);
  return InlinePolicy{row->GetString("PolicyName"), row->GetString("Document")};
}

Status Iam::DeleteInlinePolicy(std::string_view account_id, EntityKind kind,
                               std::string_view entity, std::string_view policy_name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  std::string key = EntityPrefix(account_id, kind, entity) + std::string(policy_name);
  if (!store_.Get(kInline, key)) return NoSuchInline(kind, policy_name);
  return store_.Delete(kInline, key);
}

Result<std::vector<InlinePolicy>> Iam::InlinePolicies(std::string_view account_id, EntityKind kind,
                                                      std::string_view entity) const {
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  std::vector<InlinePolicy> out;
  for (const Value& v : ScanRows(store_, kInline, EntityPrefix(account_id, kind, entity)))
    out.push_back({v.GetString("PolicyName"), v.GetString("Document")});
  return out;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html
Status Iam::PutPermissionsBoundary(std::string_view account_id, EntityKind kind,
                                   std::string_view entity, std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  if (!FindPolicy(account_id, policy_arn)) return NotAttachable(policy_arn);
  if (kind == EntityKind::kRole) {
    Role role = *FindRole(account_id, entity);
    role.permissions_boundary_arn = std::string(policy_arn);
    return PutRole(role);
  }
  User user = *directory_.FindUser(account_id, entity);
  user.permissions_boundary_arn = std::string(policy_arn);
  return directory_.PutUser(user);
}

Status Iam::DeletePermissionsBoundary(std::string_view account_id, EntityKind kind,
                                      std::string_view entity) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(CheckEntity(account_id, kind, entity));
  ORGTRAIL_CHECK(CheckModifiable(*this, account_id, kind, entity));
  if (kind == EntityKind::kRole) {
    Role role = *FindRole(account_id, entity);
    role.permissions_boundary_arn.clear();
    return PutRole(role);
  }
  User user = *directory_.FindUser(account_id, entity);
  user.permissions_boundary_arn.clear();
  return directory_.PutUser(user);
}

std::vector<std::string> Iam::IdentityPolicies(const auth::Principal& principal) const {
  std::vector<std::string> docs;
  auto collect = [&](EntityKind kind, std::string_view entity) {
    std::string prefix = EntityPrefix(principal.account_id, kind, entity);
    for (const Value& v : ScanRows(store_, kInline, prefix))
      docs.push_back(v.GetString("Document"));
    for (const Value& v : ScanRows(store_, iam_internal::kAttachments, prefix)) {
      auto doc = DefaultDocument(principal.account_id, v.GetString("PolicyArn"));
      if (doc) docs.push_back(std::move(*doc));
    }
  };
  if (principal.type == auth::PrincipalType::kIAMUser && !principal.user_name.empty()) {
    collect(EntityKind::kUser, principal.user_name);
    for (const Group& g : GroupsForUser(principal.account_id, principal.user_name))
      collect(EntityKind::kGroup, g.name);
  } else if (principal.type == auth::PrincipalType::kAssumedRole) {
    auto role = FindRoleByArn(principal.role_arn);
    if (!role) role = FindRole(principal.account_id, principal.role_name);
    if (role) collect(EntityKind::kRole, role->name);
  }
  return docs;
}

std::optional<std::string> Iam::PermissionsBoundary(const auth::Principal& principal) const {
  std::string arn;
  if (principal.type == auth::PrincipalType::kIAMUser && !principal.user_name.empty()) {
    auto user = directory_.FindUser(principal.account_id, principal.user_name);
    if (user) arn = user->permissions_boundary_arn;
  } else if (principal.type == auth::PrincipalType::kAssumedRole) {
    auto role = FindRoleByArn(principal.role_arn);
    if (!role) role = FindRole(principal.account_id, principal.role_name);
    if (role) arn = role->permissions_boundary_arn;
  }
  if (arn.empty()) return std::nullopt;
  return DefaultDocument(principal.account_id, arn);
}

}  // namespace orgtrail::identity
