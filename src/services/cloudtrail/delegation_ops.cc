// RegisterOrganizationDelegatedAdmin / DeregisterOrganizationDelegatedAdmin
// (spec/org-iam.md §2.5): the Organizations registration for cloudtrail.amazonaws.com.
#include "identity/organizations.h"
#include "services/cloudtrail/cloudtrail.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;
using identity::kCloudTrailPrincipal;

constexpr size_t kMaxDelegatedAdmins = 3;

Result<identity::OrgInfo> ManagementOrg(Call& call) {
  auto org = call.env.orgs.OrganizationOf(call.account_id());
  if (!org) return AwsError("OrganizationsNotInUseException", "");
  if (org->feature_set != "ALL") return AwsError("OrganizationNotInAllFeaturesModeException", "");
  if (org->management_account_id != call.account_id())
    return AwsError("NotOrganizationManagementAccountException", "");
  return *org;
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_RegisterOrganizationDelegatedAdmin.html
Result<Value> RegisterOrganizationDelegatedAdmin(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::OrgInfo org, ManagementOrg(call));
  if (!call.env.orgs.ServiceAccessEnabled(org, kCloudTrailPrincipal))
    return AwsError("CloudTrailAccessNotEnabledException", "");
  const std::string account = input.GetString("MemberAccountId");
  if (account == org.management_account_id)
    return AwsError("CannotDelegateManagementAccountException", "");
  auto member = call.env.orgs.Membership(account);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  if (call.env.orgs.IsDelegatedAdministrator(account, kCloudTrailPrincipal))
    return AwsError("AccountRegisteredException", "");
  if (call.env.orgs.DelegatedAdmins(org, kCloudTrailPrincipal).size() >= kMaxDelegatedAdmins)
    return AwsError("DelegatedAdminAccountLimitExceededException", "");
  ORGTRAIL_CHECK(call.env.orgs.EnsureCloudTrailServiceLinkedRole(org));
  ORGTRAIL_CHECK(call.env.orgs.RegisterDelegatedAdministrator(org, account, kCloudTrailPrincipal));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeregisterOrganizationDelegatedAdmin.html
Result<Value> DeregisterOrganizationDelegatedAdmin(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::OrgInfo org, ManagementOrg(call));
  const std::string account = input.GetString("DelegatedAdminAccountId");
  auto member = call.env.orgs.Membership(account);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  if (!call.env.orgs.IsDelegatedAdministrator(account, kCloudTrailPrincipal))
    return AwsError("AccountNotRegisteredException", "");
  ORGTRAIL_CHECK(
      call.env.orgs.DeregisterDelegatedAdministrator(org, account, kCloudTrailPrincipal));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kDelegationOps[] = {
    {"RegisterOrganizationDelegatedAdmin", RegisterOrganizationDelegatedAdmin},
    {"DeregisterOrganizationDelegatedAdmin", DeregisterOrganizationDelegatedAdmin},
};

}  // namespace

std::span<const gateway::OperationRow> DelegationOps() { return kDelegationOps; }

}  // namespace orgtrail::services::cloudtrail
