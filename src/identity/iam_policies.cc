// Managed policies and their versions (spec/org-iam.md §4.1-§4.3): customer managed policies
// are rows of the account; AWS managed policies come from the catalogue and are read-only.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html and neighbours.
#include <algorithm>
#include <charconv>

#include "core/json.h"
#include "identity/iam_internal.h"
#include "policy/document.h"

namespace orgtrail::identity {

using namespace iam_internal;  // NOLINT(google-build-using-namespace)

namespace {

Status ValidateManaged(std::string_view document) {
  if (PolicySize(document) > kManagedPolicySize)
    return AwsError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144");
  return policy::ValidateDocument(document, policy::PolicyKind::kIdentity);
}

int VersionNumber(std::string_view version_id) {
  int n = 0;
  if (version_id.size() > 1)
    std::from_chars(version_id.data() + 1, version_id.data() + version_id.size(), n);
  return n;
}

AwsError NoSuchVersion(std::string_view arn, std::string_view version_id) {
  return AwsError("NoSuchEntity", "Policy " + std::string(arn) + " version " +
                                      std::string(version_id) +
                                      " does not exist or is not attachable.");
}

// Policy `policy_arn` if it may be changed (customer managed).
Result<ManagedPolicy> ChangeablePolicy(const Iam& iam, std::string_view account_id,
                                       std::string_view policy_arn) {
  ORGTRAIL_TRY(ManagedPolicy p, iam.GetPolicy(account_id, policy_arn));
  if (p.aws_managed()) return NotModifiableAwsPolicy(policy_arn);
  return p;
}

// The same, when it has a version `version_id`.
Result<ManagedPolicy> ChangeablePolicyWithVersion(const Iam& iam, store::Store& store,
                                                  std::string_view account_id,
                                                  std::string_view policy_arn,
                                                  std::string_view version_id) {
  ORGTRAIL_TRY(ManagedPolicy p, ChangeablePolicy(iam, account_id, policy_arn));
  if (!store.Get(kVersions, Key(account_id, p.name, version_id)))
    return NoSuchVersion(policy_arn, version_id);
  return p;
}

}  // namespace

Result<ManagedPolicy> Iam::CreatePolicy(std::string_view account_id, std::string_view name,
                                        std::string_view path, std::string_view document,
                                        std::string_view description,
                                        const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(ValidateManaged(document));
  if (store_.Get(iam_internal::kPolicies, Key(account_id, name)))
    return AwsError("EntityAlreadyExists", "A policy called " + std::string(name) +
                                               " already exists. Duplicate names are not allowed.");
  ORGTRAIL_TRY(std::vector<Tag> merged, MergeTags({}, tags));
  ManagedPolicy p;
  p.account_id = std::string(account_id);
  p.name = std::string(name);
  p.path = path.empty() ? "/" : std::string(path);
  p.policy_id = NewId("ANPA");
  p.description = std::string(description);
  p.default_version = "v1";
  p.next_version = 2;
  p.created_ms = p.updated_ms = clock_.NowMillis();
  p.tags = std::move(merged);
  PolicyVersion v{"v1", std::string(document), true, p.created_ms};
  ORGTRAIL_CHECK(store_.Apply({
      {std::string(iam_internal::kPolicies), Key(account_id, name), PolicyToRow(p).ToJson()},
      {std::string(kVersions), Key(account_id, name, "v1"), VersionToRow(v).ToJson()},
  }));
  return p;
}

std::optional<ManagedPolicy> Iam::FindPolicy(std::string_view account_id,
                                             std::string_view policy_arn) const {
  auto parts = ParsePolicyArn(policy_arn);
  if (!parts) return std::nullopt;
  if (parts->account_id == "aws") return FindAwsManagedPolicy(policy_arn);
  if (parts->account_id != account_id) return std::nullopt;
  auto v = GetRow(store_, iam_internal::kPolicies, Key(account_id, parts->name));
  if (!v) return std::nullopt;
  ManagedPolicy p = PolicyFromRow(*v);
  if (p.path != parts->path) return std::nullopt;
  return p;
}

Result<ManagedPolicy> Iam::GetPolicy(std::string_view account_id,
                                     std::string_view policy_arn) const {
  auto p = FindPolicy(account_id, policy_arn);
  if (!p) return NoSuchPolicy(policy_arn);
  return *p;
}

std::vector<ManagedPolicy> Iam::ListPolicies(std::string_view account_id, PolicyScope scope,
                                             bool only_attached,
                                             std::string_view path_prefix) const {
  std::vector<ManagedPolicy> all;
  if (scope != PolicyScope::kLocal) {
    std::vector<ManagedPolicy> aws = AwsManagedPolicies();
    std::sort(aws.begin(), aws.end(),
              [](const ManagedPolicy& a, const ManagedPolicy& b) { return a.name < b.name; });
    all.insert(all.end(), aws.begin(), aws.end());
  }
  if (scope != PolicyScope::kAws) {
    for (const Value& v : ScanRows(store_, iam_internal::kPolicies, std::string(account_id) + "/"))
      all.push_back(PolicyFromRow(v));
  }
  std::vector<ManagedPolicy> out;
  for (ManagedPolicy& p : all) {
    if (p.path.rfind(path_prefix, 0) != 0) continue;
    if (only_attached && AttachmentCount(account_id, p.Arn()) == 0) continue;
    out.push_back(std::move(p));
  }
  return out;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html
Status Iam::DeletePolicy(std::string_view account_id, std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(ManagedPolicy p, ChangeablePolicy(*this, account_id, policy_arn));
  if (AttachmentCount(account_id, policy_arn) > 0 || BoundaryUsageCount(account_id, policy_arn) > 0)
    return AwsError("DeleteConflict", "Cannot delete a policy attached to entities.");
  std::vector<store::Row> versions = store_.Scan(kVersions, Key(account_id, p.name) + "/");
  if (versions.size() > 1)
    return AwsError("DeleteConflict",
                    "This policy has more than one version. Before you delete a policy, you must "
                    "delete the policy's versions. The default version is deleted with the "
                    "policy.");
  std::vector<store::Write> writes{
      {std::string(iam_internal::kPolicies), Key(account_id, p.name), std::nullopt}};
  for (const store::Row& row : versions)
    writes.push_back({std::string(kVersions), row.key, std::nullopt});
  return store_.Apply(writes);
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html
Result<PolicyVersion> Iam::CreatePolicyVersion(std::string_view account_id,
                                               std::string_view policy_arn,
                                               std::string_view document, bool set_as_default) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(ManagedPolicy p, ChangeablePolicy(*this, account_id, policy_arn));
  if (store_.Scan(kVersions, Key(account_id, p.name) + "/").size() >=
      static_cast<size_t>(kMaxPolicyVersions))
    return AwsError("LimitExceeded",
                    "A managed policy can have up to 5 versions. Before you create a new version, "
                    "you must delete an existing version.");
  ORGTRAIL_CHECK(ValidateManaged(document));
  PolicyVersion v{"v" + std::to_string(p.next_version), std::string(document), set_as_default,
                  clock_.NowMillis()};
  p.next_version++;
  if (set_as_default) {
    p.default_version = v.version_id;
    p.updated_ms = v.created_ms;
  }
  ORGTRAIL_CHECK(store_.Apply({
      {std::string(iam_internal::kPolicies), Key(account_id, p.name), PolicyToRow(p).ToJson()},
      {std::string(kVersions), Key(account_id, p.name, v.version_id), VersionToRow(v).ToJson()},
  }));
  return v;
}

Result<PolicyVersion> Iam::GetPolicyVersion(std::string_view account_id,
                                            std::string_view policy_arn,
                                            std::string_view version_id) const {
  ORGTRAIL_TRY(ManagedPolicy p, GetPolicy(account_id, policy_arn));
  if (p.aws_managed()) {
    if (version_id != p.default_version) return NoSuchVersion(policy_arn, version_id);
    return PolicyVersion{p.default_version, AwsManagedDocument(policy_arn), true, p.created_ms};
  }
  auto row = GetRow(store_, kVersions, Key(account_id, p.name, version_id));
  if (!row) return NoSuchVersion(policy_arn, version_id);
  PolicyVersion v = VersionFromRow(*row);
  v.is_default = v.version_id == p.default_version;
  return v;
}

Result<std::vector<PolicyVersion>> Iam::ListPolicyVersions(std::string_view account_id,
                                                           std::string_view policy_arn) const {
  ORGTRAIL_TRY(ManagedPolicy p, GetPolicy(account_id, policy_arn));
  std::vector<PolicyVersion> out;
  if (p.aws_managed()) {
    out.push_back({p.default_version, AwsManagedDocument(policy_arn), true, p.created_ms});
    return out;
  }
  for (const Value& row : ScanRows(store_, kVersions, Key(account_id, p.name) + "/")) {
    PolicyVersion v = VersionFromRow(row);
    v.is_default = v.version_id == p.default_version;
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const PolicyVersion& a, const PolicyVersion& b) {
    return VersionNumber(a.version_id) > VersionNumber(b.version_id);
  });
  return out;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html
Status Iam::DeletePolicyVersion(std::string_view account_id, std::string_view policy_arn,
                                std::string_view version_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(ManagedPolicy p,
               ChangeablePolicyWithVersion(*this, store_, account_id, policy_arn, version_id));
  if (version_id == p.default_version)
    return AwsError("DeleteConflict", "Cannot delete the default version of a policy.");
  return store_.Delete(kVersions, Key(account_id, p.name, version_id));
}

Status Iam::SetDefaultPolicyVersion(std::string_view account_id, std::string_view policy_arn,
                                    std::string_view version_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(ManagedPolicy p,
               ChangeablePolicyWithVersion(*this, store_, account_id, policy_arn, version_id));
  p.default_version = std::string(version_id);
  p.updated_ms = clock_.NowMillis();
  return store_.Put(iam_internal::kPolicies, Key(account_id, p.name), PolicyToRow(p).ToJson());
}

int Iam::AttachmentCount(std::string_view account_id, std::string_view policy_arn) const {
  int n = 0;
  for (const Value& v : ScanRows(store_, iam_internal::kAttachments, std::string(account_id) + "/"))
    if (v.GetString("PolicyArn") == policy_arn) ++n;
  return n;
}

int Iam::BoundaryUsageCount(std::string_view account_id, std::string_view policy_arn) const {
  int n = 0;
  for (const User& u : directory_.ListUsers(account_id))
    if (u.permissions_boundary_arn == policy_arn) ++n;
  for (const Role& r : ListRoles(account_id))
    if (r.permissions_boundary_arn == policy_arn) ++n;
  return n;
}

std::optional<std::string> Iam::DefaultDocument(std::string_view account_id,
                                                std::string_view policy_arn) const {
  auto p = FindPolicy(account_id, policy_arn);
  if (!p) return std::nullopt;
  if (p->aws_managed()) return AwsManagedDocument(policy_arn);
  auto row = GetRow(store_, kVersions, Key(account_id, p->name, p->default_version));
  if (!row) return std::nullopt;
  return row->GetString("Document");
}

}  // namespace orgtrail::identity
