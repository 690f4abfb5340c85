// Shared by the iam*.cc files: table names, row keys, row <-> struct conversion, AWS's error
// texts (spec/org-iam.md §4.4) and the AWS managed policy catalogue (§4.2). Not a public header.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "identity/iam.h"
#include "store/store.h"

namespace orgtrail::identity::iam_internal {

// Tables (docs/persistence.md, "IAM").
inline constexpr std::string_view kRoles = "iam_roles";               // <acct>/<role>
inline constexpr std::string_view kGroups = "iam_groups";             // <acct>/<group>
inline constexpr std::string_view kMembers = "iam_group_members";     // <acct>/<group>/<user>
inline constexpr std::string_view kPolicies = "iam_policies";         // <acct>/<policy name>
inline constexpr std::string_view kVersions = "iam_policy_versions";  // <acct>/<policy>/<vN>
inline constexpr std::string_view kInline = "iam_inline_policies";    // <acct>/<kind>/<entity>/<p>
inline constexpr std::string_view kAttachments = "iam_attachments";  // <acct>/<kind>/<entity>/<arn>

std::string Key(std::string_view a, std::string_view b);
std::string Key(std::string_view a, std::string_view b, std::string_view c);
std::string Key(std::string_view a, std::string_view b, std::string_view c, std::string_view d);

const char* KindName(EntityKind kind);  // "user", "group", "role"

// The row decoded, or null when it is absent or not JSON. Decoded values are shared with a
// cache checked against the row's current text (iam_rows.cc), so a row read again unchanged is
// not parsed again.
std::shared_ptr<const Value> GetRow(store::Store& store, std::string_view table,
                                    std::string_view key);
std::vector<Value> ScanRows(store::Store& store, std::string_view table, std::string_view prefix);

// Tag/Untag semantics: replaces values of existing keys, appends new ones; LimitExceeded above 50.
Result<std::vector<Tag>> MergeTags(std::vector<Tag> current, const std::vector<Tag>& added);
std::vector<Tag> RemoveTags(std::vector<Tag> current, const std::vector<std::string>& keys);

Value RoleToRow(const Role& r);
Role RoleFromRow(const Value& v);
Value GroupToRow(const Group& g);
Group GroupFromRow(const Value& v);
Value PolicyToRow(const ManagedPolicy& p);
ManagedPolicy PolicyFromRow(const Value& v);
Value VersionToRow(const PolicyVersion& v);
PolicyVersion VersionFromRow(const Value& v);

// "arn:aws:iam::<acct>:policy/<path><name>" split; nullopt when not a policy ARN.
struct PolicyArnParts {
  std::string account_id;
  std::string path;
  std::string name;
};
std::optional<PolicyArnParts> ParsePolicyArn(std::string_view arn);

// Characters of a document, whitespace excluded (the size AWS limits, org-iam.md §4.3).
size_t PolicySize(std::string_view document);

// AWS's error texts.
AwsError NoSuchUser(std::string_view name);
AwsError NoSuchRole(std::string_view name);
AwsError NoSuchGroup(std::string_view name);
AwsError NoSuchPolicy(std::string_view arn);   // "Policy <arn> was not found."
AwsError NotAttachable(std::string_view arn);  // "... does not exist or is not attachable."
AwsError NoSuchInline(EntityKind kind, std::string_view policy_name);
AwsError ProtectedRole(std::string_view name);          // UnmodifiableEntity
AwsError NotModifiableAwsPolicy(std::string_view arn);  // AWS managed policies are read-only

// The AWS managed policy catalogue (org-iam.md §4.2).
const std::vector<ManagedPolicy>& AwsManagedPolicies();
std::optional<ManagedPolicy> FindAwsManagedPolicy(std::string_view arn);
// The document of an AWS managed policy (by ARN); "" if unknown.
std::string AwsManagedDocument(std::string_view arn);
// Service-linked roles: role name suffix and managed policy for a service principal, or nullopt
// if orgtrail does not know the service.
struct ServiceLinkedRoleInfo {
  std::string_view service;     // cloudtrail.amazonaws.com
  std::string_view role_name;   // AWSServiceRoleForCloudTrail
  std::string_view policy_arn;  // "" when none of the catalogue applies
};
std::optional<ServiceLinkedRoleInfo> FindServiceLinkedRole(std::string_view service);

}  // namespace orgtrail::identity::iam_internal
