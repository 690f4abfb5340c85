// IAM's entities (spec/org-iam.md §4), persisted in the Store: roles, groups, managed policies and
// their versions, inline policies, attachments, permissions boundaries, tags. Users and access keys
// are in directory.h (this model reaches them through its own Directory over the same store).
// The IAM service's handlers, STS AssumeRole, Organizations (which creates roles in new accounts)
// and the gateway's authorize stage all use this one model.
//
// Every mutating call is atomic (one Store batch) and serialized by one mutex. Errors are the
// IAM error shapes with AWS's messages (org-iam.md §4.4). Tables and rows: docs/persistence.md.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/result.h"
#include "identity/directory.h"
#include "store/store.h"

namespace orgtrail::identity {

struct Role {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string role_id;             // AROA…
  std::string assume_role_policy;  // trust policy JSON text, as submitted
  std::string description;
  int64_t max_session_seconds = 3600;
  int64_t created_ms = 0;
  std::string permissions_boundary_arn;  // "" if none
  std::vector<Tag> tags;
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":role" + path + name; }
  bool service_linked() const { return path.rfind("/aws-service-role/", 0) == 0; }
};

struct Group {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string group_id;  // AGPA…
  int64_t created_ms = 0;
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":group" + path + name; }
};

// A managed policy: customer managed (account_id = the owning account) or AWS managed
// (account_id "aws", from the catalogue of org-iam.md §4.2, read-only).
struct ManagedPolicy {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string policy_id;  // ANPA…
  std::string description;
  std::string default_version = "v1";
  int next_version = 2;  // the number the next CreatePolicyVersion gets
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::vector<Tag> tags;
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":policy" + path + name; }
  bool aws_managed() const { return account_id == "aws"; }
};

struct PolicyVersion {
  std::string version_id;  // v1, v2, …
  std::string document;    // JSON text, as submitted
  bool is_default = false;
  int64_t created_ms = 0;
};

struct AttachedPolicy {
  std::string name;
  std::string arn;
};

struct InlinePolicy {
  std::string name;
  std::string document;
};

// The identities policies are attached to.
enum class EntityKind { kUser, kGroup, kRole };

// ListPolicies' Scope.
enum class PolicyScope { kAll, kAws, kLocal };

// AWS's limits (org-iam.md §4.3, IAM quotas).
inline constexpr int kMaxAccessKeysPerUser = 2;
inline constexpr int kMaxPolicyVersions = 5;
inline constexpr int kMaxTags = 50;
inline constexpr size_t kManagedPolicySize = 6144;
inline constexpr size_t kUserInlineSize = 2048;
inline constexpr size_t kGroupInlineSize = 5120;
inline constexpr size_t kRoleInlineSize = 10240;
inline constexpr size_t kTrustPolicySize = 2048;

class Iam {
 public:
  Iam(store::Store& store, IdSource& ids, Clock& clock)
      : store_(store), ids_(ids), clock_(clock), directory_(store, ids, clock) {}

  // ---- Roles (iam_roles.cc) ----
  // CreateRole validates the trust policy (MalformedPolicyDocument, LimitExceeded for size) and
  // refuses a duplicate name (EntityAlreadyExists "Role with name <n> already exists.").
  Result<Role> CreateRole(std::string_view account_id, std::string_view name, std::string_view path,
                          std::string_view trust_policy_json, int64_t max_session_seconds = 3600,
                          std::string_view description = "", const std::vector<Tag>& tags = {});
  std::optional<Role> FindRole(std::string_view account_id, std::string_view name) const;
  // By ARN (arn:aws:iam::<acct>:role/<path><name>); the path must match.
  std::optional<Role> FindRoleByArn(std::string_view arn) const;
  // NoSuchEntity "The role with name <n> cannot be found."
  Result<Role> GetRole(std::string_view account_id, std::string_view name) const;
  // Roles whose path starts with path_prefix ("" = all), in name order.
  std::vector<Role> ListRoles(std::string_view account_id, std::string_view path_prefix = "") const;
  // DeleteConflict while policies are attached or inline; UnmodifiableEntity for SLRs.
  Status DeleteRole(std::string_view account_id, std::string_view name);
  Status UpdateAssumeRolePolicy(std::string_view account_id, std::string_view name,
                                std::string_view trust_policy_json);
  // Either field may be absent (nullopt = unchanged).
  Result<Role> UpdateRole(std::string_view account_id, std::string_view name,
                          std::optional<std::string> description,
                          std::optional<int64_t> max_session_seconds);
  // CreateServiceLinkedRole: AWSServiceRoleFor<Service>[_<suffix>] under
  // /aws-service-role/<service>/, trusted by the service, with the service's managed policy.
  // Only AWS (this model) may modify it afterwards.
  Result<Role> CreateServiceLinkedRole(std::string_view account_id, std::string_view service,
                                       std::string_view description = "",
                                       std::string_view custom_suffix = "");
  Status TagRole(std::string_view account_id, std::string_view name, const std::vector<Tag>& tags);
  Status UntagRole(std::string_view account_id, std::string_view name,
                   const std::vector<std::string>& keys);

  // ---- Users and access keys (iam_users.cc; rows live in the Directory) ----
  Result<User> CreateUser(std::string_view account_id, std::string_view name, std::string_view path,
                          const std::vector<Tag>& tags = {});
  // NoSuchEntity "The user with name <n> cannot be found."
  Result<User> GetUser(std::string_view account_id, std::string_view name) const;
  // DeleteConflict while the user has access keys, policies or group memberships.
  Status DeleteUser(std::string_view account_id, std::string_view name);
  // Renames and/or moves a user (UpdateUser); keys, groups, policies follow the new name.
  Status UpdateUser(std::string_view account_id, std::string_view name,
                    std::optional<std::string> new_name, std::optional<std::string> new_path);
  Status TagUser(std::string_view account_id, std::string_view name, const std::vector<Tag>& tags);
  Status UntagUser(std::string_view account_id, std::string_view name,
                   const std::vector<std::string>& keys);
  // A new long-term key (AKIA…) for the user; LimitExceeded beyond two.
  Result<AccessKey> CreateAccessKey(std::string_view account_id, std::string_view user_name);
  // The user's key; NoSuchEntity "The Access Key with id <id> cannot be found." otherwise.
  Result<AccessKey> FindUserKey(std::string_view account_id, std::string_view user_name,
                                std::string_view access_key_id) const;
  Status DeleteAccessKey(std::string_view account_id, std::string_view user_name,
                         std::string_view access_key_id);
  Status UpdateAccessKey(std::string_view account_id, std::string_view user_name,
                         std::string_view access_key_id, std::string_view status);

  // ---- Groups (iam_groups.cc) ----
  Result<Group> CreateGroup(std::string_view account_id, std::string_view name,
                            std::string_view path);
  Result<Group> GetGroup(std::string_view account_id, std::string_view name) const;
  std::vector<Group> ListGroups(std::string_view account_id,
                                std::string_view path_prefix = "") const;
  // DeleteConflict while the group has members or policies.
  Status DeleteGroup(std::string_view account_id, std::string_view name);
  Status AddUserToGroup(std::string_view account_id, std::string_view group, std::string_view user);
  Status RemoveUserFromGroup(std::string_view account_id, std::string_view group,
                             std::string_view user);
  std::vector<User> GroupMembers(std::string_view account_id, std::string_view group) const;
  std::vector<Group> GroupsForUser(std::string_view account_id, std::string_view user) const;

  // ---- Managed policies (iam_policies.cc; AWS catalogue in iam_catalogue.cc) ----
  Result<ManagedPolicy> CreatePolicy(std::string_view account_id, std::string_view name,
                                     std::string_view path, std::string_view document,
                                     std::string_view description = "",
                                     const std::vector<Tag>& tags = {});
  // A customer policy of `account_id` or an AWS managed policy; nullopt otherwise.
  std::optional<ManagedPolicy> FindPolicy(std::string_view account_id,
                                          std::string_view policy_arn) const;
  // NoSuchEntity "Policy <arn> was not found."
  Result<ManagedPolicy> GetPolicy(std::string_view account_id, std::string_view policy_arn) const;
  std::vector<ManagedPolicy> ListPolicies(std::string_view account_id, PolicyScope scope,
                                          bool only_attached,
                                          std::string_view path_prefix = "") const;
  // DeleteConflict while attached, used as a boundary, or with non-default versions.
  Status DeletePolicy(std::string_view account_id, std::string_view policy_arn);
  Result<PolicyVersion> CreatePolicyVersion(std::string_view account_id,
                                            std::string_view policy_arn, std::string_view document,
                                            bool set_as_default);
  Result<PolicyVersion> GetPolicyVersion(std::string_view account_id, std::string_view policy_arn,
                                         std::string_view version_id) const;
  // Newest first, as AWS lists them.
  Result<std::vector<PolicyVersion>> ListPolicyVersions(std::string_view account_id,
                                                        std::string_view policy_arn) const;
  Status DeletePolicyVersion(std::string_view account_id, std::string_view policy_arn,
                             std::string_view version_id);
  Status SetDefaultPolicyVersion(std::string_view account_id, std::string_view policy_arn,
                                 std::string_view version_id);
  // How many users, groups and roles of the account have the policy attached / as boundary.
  int AttachmentCount(std::string_view account_id, std::string_view policy_arn) const;
  int BoundaryUsageCount(std::string_view account_id, std::string_view policy_arn) const;

  // ---- Attachments, inline policies, boundaries (iam_attach.cc) ----
  // Attaches a managed policy (customer ARN of that account, or an AWS managed policy of the
  // catalogue of org-iam.md §4.2) to a role. NoSuchEntity for unknown ARNs. This is AWS acting
  // (Organizations, service-linked roles): no quota, and service-linked roles are not protected.
  Status AttachRolePolicy(std::string_view account_id, std::string_view role_name,
                          std::string_view policy_arn);
  // A caller's AttachUser/Group/RolePolicy: LimitExceeded above 10 policies, UnmodifiableEntity
  // for service-linked roles; attaching twice is no error.
  Status AttachPolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                      std::string_view policy_arn);
  Status DetachPolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                      std::string_view policy_arn);
  // NoSuchEntity when the entity does not exist; in attachment order of the store (ARN order).
  Result<std::vector<AttachedPolicy>> AttachedPolicies(std::string_view account_id, EntityKind kind,
                                                       std::string_view entity) const;
  // Validates (kIdentity) and size-checks the document, then creates or replaces the policy.
  Status PutInlinePolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                         std::string_view policy_name, std::string_view document);
  Result<InlinePolicy> GetInlinePolicy(std::string_view account_id, EntityKind kind,
                                       std::string_view entity, std::string_view policy_name) const;
  Status DeleteInlinePolicy(std::string_view account_id, EntityKind kind, std::string_view entity,
                            std::string_view policy_name);
  Result<std::vector<InlinePolicy>> InlinePolicies(std::string_view account_id, EntityKind kind,
                                                   std::string_view entity) const;
  // Users and roles only.
  Status PutPermissionsBoundary(std::string_view account_id, EntityKind kind,
                                std::string_view entity, std::string_view policy_arn);
  Status DeletePermissionsBoundary(std::string_view account_id, EntityKind kind,
                                   std::string_view entity);

  // Every identity-based policy document (JSON text) that applies to a principal: for IAM users
  // (and their GetSessionToken sessions) their inline and attached policies and those of their
  // groups; for role sessions the role's inline and attached policies. Root and service
  // principals have none.
  std::vector<std::string> IdentityPolicies(const auth::Principal& principal) const;
  // The permissions boundary document of the principal's user or role, if any.
  std::optional<std::string> PermissionsBoundary(const auth::Principal& principal) const;

 private:
  // The default version's document of a managed policy (customer or AWS), if it exists.
  std::optional<std::string> DefaultDocument(std::string_view account_id,
                                             std::string_view policy_arn) const;
  // NoSuchEntity unless the user/group/role exists.
  Status CheckEntity(std::string_view account_id, EntityKind kind, std::string_view entity) const;
  Status PutRole(const Role& role);
  Status AttachUnchecked(std::string_view account_id, EntityKind kind, std::string_view entity,
                         const ManagedPolicy& policy);
  std::string NewId(std::string_view prefix) const;

  store::Store& store_;
  IdSource& ids_;
  Clock& clock_;
  Directory directory_;
  mutable std::recursive_mutex mu_;
};

}  // namespace orgtrail::identity
