// Trusted access (org-iam.md §2.4) and delegated administrators (§2.5).
#include <algorithm>

#include "services/organizations/org_common.h"
#include "services/organizations/org_tables.h"

namespace orgtrail::services::org {
namespace {

using gateway::Call;
using identity::OrgInfo;

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnableAWSServiceAccess.html
Result<Value> EnableAWSServiceAccess(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).EnableServiceAccess(org, input.GetString("ServicePrincipal")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisableAWSServiceAccess.html
Result<Value> DisableAWSServiceAccess(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).DisableServiceAccess(org, input.GetString("ServicePrincipal")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAWSServiceAccessForOrganization.html
Result<Value> ListAWSServiceAccessForOrganization(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  std::vector<Value> items;
  for (const identity::ServiceAccess& s : Model(call).EnabledServices(org))
    items.push_back(Value::MakeMap()
                        .Set("ServicePrincipal", s.service_principal)
                        .Set("DateEnabled", Seconds(s.enabled_ms)));
  return Page(input, "EnabledServicePrincipals", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
Result<Value> RegisterDelegatedAdministrator(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).RegisterDelegatedAdministrator(org, input.GetString("AccountId"),
                                                            input.GetString("ServicePrincipal")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeregisterDelegatedAdministrator.html
Result<Value> DeregisterDelegatedAdministrator(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).DeregisterDelegatedAdministrator(org, input.GetString("AccountId"),
                                                              input.GetString("ServicePrincipal")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListDelegatedAdministrators.html
// One entry per account, with the earliest delegation date among the listed services.
Result<Value> ListDelegatedAdministrators(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  std::vector<std::pair<std::string, int64_t>> accounts;
  for (const identity::DelegatedAdmin& d :
       Model(call).DelegatedAdmins(org, input.GetString("ServicePrincipal"))) {
    auto it = std::find_if(accounts.begin(), accounts.end(),
                           [&](const auto& a) { return a.first == d.account_id; });
    if (it == accounts.end()) {
      accounts.emplace_back(d.account_id, d.enabled_ms);
    } else {
      it->second = std::min(it->second, d.enabled_ms);
    }
  }
  std::vector<Value> items;
  for (const auto& [id, enabled_ms] : accounts) {
    auto member = Model(call).Membership(id);
    if (!member) continue;
    Value v = AccountValue(call, org, *member);
    v.Set("DelegationEnabledDate", Seconds(enabled_ms));
    items.push_back(std::move(v));
  }
  return Page(input, "DelegatedAdministrators", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListDelegatedServicesForAccount.html
Result<Value> ListDelegatedServicesForAccount(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  const std::string account = input.GetString("AccountId");
  auto member = Model(call).Membership(account);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  std::vector<Value> items;
  for (const identity::DelegatedAdmin& d : Model(call).DelegatedAdmins(org)) {
    if (d.account_id != account) continue;
    items.push_back(Value::MakeMap()
                        .Set("ServicePrincipal", d.service_principal)
                        .Set("DelegationEnabledDate", Seconds(d.enabled_ms)));
  }
  if (items.empty()) return AwsError("AccountNotRegisteredException", "");
  return Page(input, "DelegatedServices", std::move(items));
}

constexpr gateway::OperationRow kDelegationOps[] = {
    {"EnableAWSServiceAccess", EnableAWSServiceAccess},
    {"DisableAWSServiceAccess", DisableAWSServiceAccess},
    {"ListAWSServiceAccessForOrganization", ListAWSServiceAccessForOrganization},
    {"RegisterDelegatedAdministrator", RegisterDelegatedAdministrator},
    {"DeregisterDelegatedAdministrator", DeregisterDelegatedAdministrator},
    {"ListDelegatedAdministrators", ListDelegatedAdministrators},
    {"ListDelegatedServicesForAccount", ListDelegatedServicesForAccount},
};

}  // namespace

std::span<const gateway::OperationRow> DelegationOps() { return kDelegationOps; }

}  // namespace orgtrail::services::org
