// IAM's entities (spec/org-iam.md §4), persisted in the Store: roles, groups, managed policies and
// their versions, inline policies, attachments, permissions boundaries. Users and access keys are
// in directory.h. The IAM service's handlers, STS AssumeRole, Organizations (which creates roles
// in new accounts) and the gateway's authorize stage all use this one model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/result.h"
#include "store/store.h"

namespace orgtrail::identity {

struct Role {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string role_id;  // AROA…
  std::string assume_role_policy;  // trust policy JSON text
  std::string description;
  int64_t max_session_seconds = 3600;
  int64_t created_ms = 0;
  std::string permissions_boundary_arn;  // "" if none
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":role" + path + name; }
  bool service_linked() const { return path.rfind("/aws-service-role/", 0) == 0; }
};

class Iam {
 public:
  Iam(store::Store& store, IdSource& ids, Clock& clock) : store_(store), ids_(ids), clock_(clock) {}

  // Roles. CreateRole validates the trust policy (MalformedPolicyDocument) and refuses a
  // duplicate name (EntityAlreadyExists "Role with name <n> already exists.").
  Result<Role> CreateRole(std::string_view account_id, std::string_view name,
                          std::string_view path, std::string_view trust_policy_json,
                          int64_t max_session_seconds = 3600, std::string_view description = "");
  std::optional<Role> FindRole(std::string_view account_id, std::string_view name) const;
  // By ARN (arn:aws:iam::<acct>:role/<path><name>).
  std::optional<Role> FindRoleByArn(std::string_view arn) const;

  // Attaches a managed policy (customer ARN of that account, or an AWS managed policy of the
  // catalogue of org-iam.md §4.2) to a role. NoSuchEntity for unknown ARNs.
  Status AttachRolePolicy(std::string_view account_id, std::string_view role_name,
                          std::string_view policy_arn);

  // Every identity-based policy document (JSON text) that applies to a principal: for IAM users
  // their inline and attached policies and those of their groups; for role sessions the role's
  // inline and attached policies. Root and service principals have none.
  std::vector<std::string> IdentityPolicies(const auth::Principal& principal) const;
  // The permissions boundary document of the principal's user or role, if any.
  std::optional<std::string> PermissionsBoundary(const auth::Principal& principal) const;

 private:
  store::Store& store_;
  IdSource& ids_;
  Clock& clock_;
};

}  // namespace orgtrail::identity
