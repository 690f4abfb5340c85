// Service control policies, their attachments and the policy type on the root (org-iam.md §2.6).
#include <algorithm>

#include "identity/organizations.h"
#include "identity/organizations_rows.h"
#include "policy/document.h"

namespace orgtrail::identity {

using namespace org_rows;  // NOLINT(google-build-using-namespace)

namespace {

constexpr size_t kMaxScpChars = 5120;
constexpr size_t kMaxScpsPerTarget = 5;

OrgPolicy FullAwsAccess(const OrgInfo& org) {
  OrgPolicy p;
  p.id = std::string(kFullAwsAccessId);
  p.org_id = org.id;
  p.name = "FullAWSAccess";
  p.description = "Allows access to every operation";
  p.content = std::string(kFullAwsAccessContent);
  p.aws_managed = true;
  return p;
}

AwsError OnlyScps() {
  return AwsError("NotImplemented", "orgtrail implements only SERVICE_CONTROL_POLICY policies.",
                  501);
}

AwsError Immutable() {
  return AwsError("InvalidInputException", "You cannot modify an AWS managed policy.")
      .With("Reason", "IMMUTABLE_POLICY");
}

Status CheckContent(std::string_view content) {
  if (content.size() > kMaxScpChars)
    return AwsError("MalformedPolicyDocumentException",
                    "The policy document exceeds the maximum size of 5120 characters.");
  if (Status st = policy::ValidateDocument(content, policy::PolicyKind::kScp); !st.ok())
    return AwsError("MalformedPolicyDocumentException", st.error().message);
  return Ok();
}

}  // namespace

std::optional<OrgPolicy> Organizations::PolicyRow(std::string_view policy_id) const {
  auto v = Get(store_, org_rows::kPolicies, policy_id);
  if (!v) return std::nullopt;
  return PolicyFromValue(*v);
}

std::vector<std::string> Organizations::AttachedIds(std::string_view target_id) const {
  std::vector<std::string> out;
  for (const Value& v : Scan(store_, org_rows::kAttachments, std::string(target_id) + "/"))
    out.push_back(v.GetString("PolicyId"));
  return out;
}

Status Organizations::Attach(const OrgInfo& org, std::string_view policy_id,
                             std::string_view target_id) {
  Value row = Value::MakeMap()
                  .Set("TargetId", std::string(target_id))
                  .Set("PolicyId", std::string(policy_id))
                  .Set("OrgId", org.id);
  return store_.Put(org_rows::kAttachments, AttachmentKey(target_id, policy_id), row.ToJson());
}

Status Organizations::DropTarget(std::string_view target_id) {
  std::vector<store::Write> writes;
  for (const store::Row& row : store_.Scan(org_rows::kAttachments, std::string(target_id) + "/"))
    writes.push_back({std::string(org_rows::kAttachments), row.key, std::nullopt});
  return store_.Apply(writes);
}

std::string Organizations::TargetType(const OrgInfo& org, std::string_view target_id) {
  std::lock_guard lock(mu_);
  if (target_id == org.root_id) return "ROOT";
  if (auto ou = OuRow(target_id); ou && ou->org_id == org.id) return "ORGANIZATIONAL_UNIT";
  SettleCreateAccounts(org);
  if (auto m = MemberRow(target_id); m && m->org_id == org.id) return "ACCOUNT";
  return "";
}

std::string Organizations::TargetName(const OrgInfo& org, std::string_view target_id) {
  std::lock_guard lock(mu_);
  if (target_id == org.root_id) return "Root";
  if (auto ou = OuRow(target_id)) return ou->name;
  if (auto a = directory_.FindAccount(target_id)) return a->name;
  return "";
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
Result<OrgPolicy> Organizations::CreatePolicy(const OrgInfo& org, std::string_view name,
                                              std::string_view description, std::string_view type,
                                              std::string_view content, OrgTags tags) {
  std::lock_guard lock(mu_);
  if (type != kScpType) return OnlyScps();
  ORGTRAIL_CHECK(CheckContent(content));
  for (const OrgPolicy& p : Policies(org))
    if (p.name == name) return AwsError("DuplicatePolicyException", "");
  OrgPolicy p;
  do {
    p.id = "p-" + ids_.Chars(8, IdSource::kLowerDigits);
  } while (PolicyRow(p.id));
  p.org_id = org.id;
  p.name = std::string(name);
  p.description = std::string(description);
  p.type = std::string(type);
  p.content = std::string(content);
  ORGTRAIL_CHECK(store_.Put(org_rows::kPolicies, p.id, PolicyToValue(p).ToJson()));
  if (!tags.empty()) ORGTRAIL_CHECK(PutTags(p.id, tags));
  return p;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
Result<OrgPolicy> Organizations::UpdatePolicy(const OrgInfo& org, std::string_view policy_id,
                                              const std::optional<std::string>& name,
                                              const std::optional<std::string>& description,
                                              const std::optional<std::string>& content) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgPolicy p, FindPolicy(org, policy_id));
  if (p.aws_managed) return Immutable();
  if (name && *name != p.name) {
    for (const OrgPolicy& other : Policies(org))
      if (other.name == *name) return AwsError("DuplicatePolicyException", "");
    p.name = *name;
  }
  if (description) p.description = *description;
  if (content) {
    ORGTRAIL_CHECK(CheckContent(*content));
    p.content = *content;
  }
  ORGTRAIL_CHECK(store_.Put(org_rows::kPolicies, p.id, PolicyToValue(p).ToJson()));
  return p;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html
Status Organizations::DeletePolicy(const OrgInfo& org, std::string_view policy_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgPolicy p, FindPolicy(org, policy_id));
  if (p.aws_managed) return Immutable();
  ORGTRAIL_TRY(auto targets, TargetsOf(org, policy_id));
  if (!targets.empty()) return AwsError("PolicyInUseException", "");
  ORGTRAIL_CHECK(store_.Delete(kTags, p.id));
  return store_.Delete(org_rows::kPolicies, p.id);
}

Result<OrgPolicy> Organizations::FindPolicy(const OrgInfo& org, std::string_view policy_id) const {
  std::lock_guard lock(mu_);
  if (policy_id == kFullAwsAccessId) return FullAwsAccess(org);
  auto p = PolicyRow(policy_id);
  if (!p || p->org_id != org.id) return AwsError("PolicyNotFoundException", "");
  return *p;
}

std::vector<OrgPolicy> Organizations::Policies(const OrgInfo& org) const {
  std::lock_guard lock(mu_);
  std::vector<OrgPolicy> out{FullAwsAccess(org)};
  for (const Value& v : Scan(store_, org_rows::kPolicies))
    if (v.GetString("OrgId") == org.id) out.push_back(PolicyFromValue(v));
  return out;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
Status Organizations::AttachPolicy(const OrgInfo& org, std::string_view policy_id,
                                   std::string_view target_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgPolicy p, FindPolicy(org, policy_id));
  if (TargetType(org, target_id).empty()) return AwsError("TargetNotFoundException", "");
  if (!org.scp_enabled) return AwsError("PolicyTypeNotEnabledException", "");
  std::vector<std::string> attached = AttachedIds(target_id);
  if (std::find(attached.begin(), attached.end(), p.id) != attached.end())
    return AwsError("DuplicatePolicyAttachmentException", "");
  if (attached.size() >= kMaxScpsPerTarget)
    return AwsError("ConstraintViolationException",
                    "You have attached the maximum number of policies of this type to the "
                    "target.")
        .With("Reason", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  return Attach(org, p.id, target_id);
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
Status Organizations::DetachPolicy(const OrgInfo& org, std::string_view policy_id,
                                   std::string_view target_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgPolicy p, FindPolicy(org, policy_id));
  if (TargetType(org, target_id).empty()) return AwsError("TargetNotFoundException", "");
  std::vector<std::string> attached = AttachedIds(target_id);
  if (std::find(attached.begin(), attached.end(), p.id) == attached.end())
    return AwsError("PolicyNotAttachedException", "");
  if (attached.size() == 1)
    return AwsError("ConstraintViolationException",
                    "You cannot remove the last service control policy from a target; every "
                    "root, OU and account must have at least one attached.")
        .With("Reason", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  return store_.Delete(org_rows::kAttachments, AttachmentKey(target_id, p.id));
}

Result<std::vector<std::string>> Organizations::TargetsOf(const OrgInfo& org,
                                                          std::string_view policy_id) const {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgPolicy p, FindPolicy(org, policy_id));
  std::vector<std::string> out;
  for (const Value& v : Scan(store_, org_rows::kAttachments))
    if (v.GetString("OrgId") == org.id && v.GetString("PolicyId") == p.id)
      out.push_back(v.GetString("TargetId"));
  return out;
}

Result<std::vector<OrgPolicy>> Organizations::PoliciesOf(const OrgInfo& org,
                                                         std::string_view target_id) {
  std::lock_guard lock(mu_);
  if (TargetType(org, target_id).empty()) return AwsError("TargetNotFoundException", "");
  std::vector<OrgPolicy> out;
  for (const std::string& id : AttachedIds(target_id)) {
    auto p = FindPolicy(org, id);
    if (p.ok()) out.push_back(std::move(p).value());
  }
  return out;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
// Re-enabling attaches p-FullAWSAccess to the root, every OU and every account (§2.6).
Result<OrgInfo> Organizations::EnablePolicyType(const OrgInfo& org, std::string_view root_id,
                                                std::string_view type) {
  std::lock_guard lock(mu_);
  if (root_id != org.root_id) return AwsError("RootNotFoundException", "");
  if (type != kScpType) return OnlyScps();
  if (org.feature_set != "ALL")
    return AwsError("PolicyTypeNotAvailableForOrganizationException", "");
  if (org.scp_enabled) return AwsError("PolicyTypeAlreadyEnabledException", "");
  OrgInfo updated = org;
  updated.scp_enabled = true;
  ORGTRAIL_CHECK(PutOrg(updated));
  ORGTRAIL_CHECK(Attach(updated, kFullAwsAccessId, org.root_id));
  for (const Value& v : Scan(store_, kOus))
    if (v.GetString("OrgId") == org.id)
      ORGTRAIL_CHECK(Attach(updated, kFullAwsAccessId, v.GetString("Id")));
  for (const OrgMember& m : Members(updated))
    ORGTRAIL_CHECK(Attach(updated, kFullAwsAccessId, m.account_id));
  return updated;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html
// Detaches every SCP of the organization (§2.6).
Result<OrgInfo> Organizations::DisablePolicyType(const OrgInfo& org, std::string_view root_id,
                                                 std::string_view type) {
  std::lock_guard lock(mu_);
  if (root_id != org.root_id) return AwsError("RootNotFoundException", "");
  if (type != kScpType) return OnlyScps();
  if (!org.scp_enabled) return AwsError("PolicyTypeNotEnabledException", "");
  std::vector<store::Write> writes;
  for (const Value& v : Scan(store_, org_rows::kAttachments))
    if (v.GetString("OrgId") == org.id)
      writes.push_back({std::string(org_rows::kAttachments),
                        AttachmentKey(v.GetString("TargetId"), v.GetString("PolicyId")),
                        std::nullopt});
  OrgInfo updated = org;
  updated.scp_enabled = false;
  writes.push_back({std::string(kOrganization), org.id, OrgToValue(updated).ToJson()});
  ORGTRAIL_CHECK(store_.Apply(writes));
  return updated;
}

}  // namespace orgtrail::identity
