// Trusted access (org-iam.md §2.4), delegated administrators (§2.5) and tags.
#include <algorithm>
#include <array>

#include "identity/organizations.h"
#include "identity/organizations_rows.h"

namespace orgtrail::identity {

using namespace org_rows;  // NOLINT(google-build-using-namespace)

namespace {

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_services_list.html
constexpr std::array<std::string_view, 34> kTrustedAccessPrincipals = {
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "auditmanager.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "compute-optimizer.amazonaws.com",
    "config.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "controltower.amazonaws.com",
    "detective.amazonaws.com",
    "devops-guru.amazonaws.com",
    "ds.amazonaws.com",
    "fms.amazonaws.com",
    "guardduty.amazonaws.com",
    "health.amazonaws.com",
    "inspector2.amazonaws.com",
    "ipam.amazonaws.com",
    "license-manager.amazonaws.com",
    "macie.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "reporting.trustedadvisor.amazonaws.com",
    "securityhub.amazonaws.com",
    "securitylake.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "servicequotas.amazonaws.com",
    "ssm.amazonaws.com",
    "sso.amazonaws.com",
    "storage-lens.s3.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
    "wellarchitected.amazonaws.com",
    "cost-optimization-hub.bcm.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "resource-explorer-2.amazonaws.com",
};

constexpr std::string_view kCloudTrailSlr = "AWSServiceRoleForCloudTrail";
constexpr std::string_view kCloudTrailSlrPath = "/aws-service-role/cloudtrail.amazonaws.com/";
constexpr std::string_view kCloudTrailSlrPolicy =
    "arn:aws:iam::aws:policy/aws-service-role/CloudTrailServiceRolePolicy";
constexpr std::string_view kCloudTrailSlrTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

// How many accounts may be delegated administrators of one service (CloudTrail: 3, §2.5;
// most other services allow one).
size_t MaxDelegatedAdmins(std::string_view principal) {
  if (principal == kCloudTrailPrincipal || principal == "config.amazonaws.com") return 3;
  if (principal == "member.org.stacksets.cloudformation.amazonaws.com") return 5;
  return 1;
}

AwsError Unrecognized() {
  return AwsError("InvalidInputException", "You specified an unrecognized service principal.")
      .With("Reason", "UNRECOGNIZED_SERVICE_PRINCIPAL");
}

std::string AdminKey(std::string_view org, std::string_view account, std::string_view principal) {
  return OrgKey(org, std::string(account) + "/" + std::string(principal));
}

}  // namespace

bool Organizations::IsTrustedAccessPrincipal(std::string_view service_principal) {
  return std::find(kTrustedAccessPrincipals.begin(), kTrustedAccessPrincipals.end(),
                   service_principal) != kTrustedAccessPrincipals.end();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAWSServiceAccess.html
Status Organizations::EnableServiceAccess(const OrgInfo& org, std::string_view service_principal) {
  std::lock_guard lock(mu_);
  if (!IsTrustedAccessPrincipal(service_principal)) return Unrecognized();
  if (service_principal == kCloudTrailPrincipal)
    ORGTRAIL_CHECK(EnsureCloudTrailServiceLinkedRole(org));
  if (ServiceAccessEnabled(org, service_principal)) return Ok();
  Value row = Value::MakeMap()
                  .Set("ServicePrincipal", std::string(service_principal))
                  .Set("EnabledMs", clock_.NowMillis());
  return store_.Put(kServiceAccess, OrgKey(org.id, service_principal), row.ToJson());
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisableAWSServiceAccess.html
Status Organizations::DisableServiceAccess(const OrgInfo& org, std::string_view service_principal) {
  std::lock_guard lock(mu_);
  if (!IsTrustedAccessPrincipal(service_principal)) return Unrecognized();
  return store_.Delete(kServiceAccess, OrgKey(org.id, service_principal));
}

std::vector<ServiceAccess> Organizations::EnabledServices(const OrgInfo& org) const {
  std::lock_guard lock(mu_);
  std::vector<ServiceAccess> out;
  for (const Value& v : Scan(store_, kServiceAccess, org.id + "/"))
    out.push_back({v.GetString("ServicePrincipal"), v["EnabledMs"].AsInt()});
  return out;
}

bool Organizations::ServiceAccessEnabled(const OrgInfo& org,
                                         std::string_view service_principal) const {
  std::lock_guard lock(mu_);
  return store_.Get(kServiceAccess, OrgKey(org.id, service_principal)).has_value();
}

Status Organizations::EnsureCloudTrailServiceLinkedRole(const OrgInfo& org) {
  if (iam_.FindRole(org.management_account_id, kCloudTrailSlr)) return Ok();
  auto role = iam_.CreateRole(org.management_account_id, kCloudTrailSlr, kCloudTrailSlrPath,
                              kCloudTrailSlrTrust, 3600,
                              "Allows CloudTrail to access AWS resources on your behalf.");
  if (!role.ok() && role.error().code != "EntityAlreadyExists") return std::move(role).error();
  return iam_.AttachRolePolicy(org.management_account_id, kCloudTrailSlr, kCloudTrailSlrPolicy);
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
Status Organizations::RegisterDelegatedAdministrator(const OrgInfo& org,
                                                     std::string_view account_id,
                                                     std::string_view service_principal) {
  std::lock_guard lock(mu_);
  if (!IsTrustedAccessPrincipal(service_principal)) return Unrecognized();
  if (account_id == org.management_account_id)
    return AwsError("ConstraintViolationException",
                    "You cannot register management account/yourself as delegated "
                    "administrator for your organization.")
        .With("Reason", "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
  auto member = Membership(account_id);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  if (!ServiceAccessEnabled(org, service_principal))
    return AwsError("ConstraintViolationException",
                    "You must first enable trusted access for this service principal in your "
                    "organization.")
        .With("Reason", "SERVICE_ACCESS_NOT_ENABLED");
  if (store_.Get(kDelegatedAdmins, AdminKey(org.id, account_id, service_principal)))
    return AwsError("AccountAlreadyRegisteredException",
                    "The provided account is already a delegated administrator for your "
                    "organization.");
  if (DelegatedAdmins(org, service_principal).size() >= MaxDelegatedAdmins(service_principal))
    return AwsError("ConstraintViolationException",
                    "You have reached the maximum number of delegated administrators for this "
                    "service.")
        .With("Reason", "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED");
  Value row = Value::MakeMap()
                  .Set("AccountId", std::string(account_id))
                  .Set("ServicePrincipal", std::string(service_principal))
                  .Set("EnabledMs", clock_.NowMillis());
  return store_.Put(kDelegatedAdmins, AdminKey(org.id, account_id, service_principal),
                    row.ToJson());
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeregisterDelegatedAdministrator.html
Status Organizations::DeregisterDelegatedAdministrator(const OrgInfo& org,
                                                       std::string_view account_id,
                                                       std::string_view service_principal) {
  std::lock_guard lock(mu_);
  if (!IsTrustedAccessPrincipal(service_principal)) return Unrecognized();
  auto member = Membership(account_id);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  const std::string key = AdminKey(org.id, account_id, service_principal);
  if (!store_.Get(kDelegatedAdmins, key)) return AwsError("AccountNotRegisteredException", "");
  return store_.Delete(kDelegatedAdmins, key);
}

std::vector<DelegatedAdmin> Organizations::DelegatedAdmins(
    const OrgInfo& org, std::string_view service_principal) const {
  std::lock_guard lock(mu_);
  std::vector<DelegatedAdmin> out;
  for (const Value& v : Scan(store_, kDelegatedAdmins, org.id + "/")) {
    DelegatedAdmin d{v.GetString("AccountId"), v.GetString("ServicePrincipal"),
                     v["EnabledMs"].AsInt()};
    if (service_principal.empty() || d.service_principal == service_principal)
      out.push_back(std::move(d));
  }
  return out;
}

// ---- Tags -------------------------------------------------------------------------------------

Status Organizations::PutTags(std::string_view resource_id, const OrgTags& tags) {
  if (tags.empty()) return store_.Delete(kTags, resource_id);
  return store_.Put(kTags, resource_id, TagsRow(tags).ToJson());
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTagsForResource.html
Result<OrgTags> Organizations::TagsOf(const OrgInfo& org, std::string_view resource_id) {
  std::lock_guard lock(mu_);
  bool known = !TargetType(org, resource_id).empty();
  if (!known) {
    auto p = PolicyRow(resource_id);
    known = p && p->org_id == org.id;
  }
  if (!known) return AwsError("TargetNotFoundException", "");
  auto v = Get(store_, kTags, resource_id);
  if (!v) return OrgTags{};
  return TagsFromRow(*v);
}

Status Organizations::TagResource(const OrgInfo& org, std::string_view resource_id,
                                  const OrgTags& tags) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgTags current, TagsOf(org, resource_id));
  for (const auto& tag : tags) {
    auto it = std::find_if(current.begin(), current.end(),
                           [&tag](const auto& t) { return t.first == tag.first; });
    if (it != current.end()) {
      it->second = tag.second;
    } else {
      current.push_back(tag);
    }
  }
  if (current.size() > 50)
    return AwsError("ConstraintViolationException",
                    "You have exceeded the maximum number of tags allowed on this resource.")
        .With("Reason", "MAX_TAG_LIMIT_EXCEEDED");
  return PutTags(resource_id, current);
}

Status Organizations::UntagResource(const OrgInfo& org, std::string_view resource_id,
                                    const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgTags current, TagsOf(org, resource_id));
  std::erase_if(current, [&](const auto& t) {
    return std::find(keys.begin(), keys.end(), t.first) != keys.end();
  });
  return PutTags(resource_id, current);
}

}  // namespace orgtrail::identity
