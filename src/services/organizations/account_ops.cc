// Accounts of the organization (org-iam.md §2.1, §2.2).
#include <algorithm>

#include "services/organizations/org_common.h"
#include "services/organizations/org_tables.h"

namespace orgtrail::services::org {
namespace {

using gateway::Call;
using identity::OrgInfo;
using identity::OrgMember;

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html
Result<Value> CreateAccount(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(
      identity::CreateAccountRequest r,
      Model(call).CreateAccount(org, input.GetString("Email"), input.GetString("AccountName"),
                                input.GetString("RoleName"), TagsFrom(input["Tags"])));
  return Value::MakeMap().Set("CreateAccountStatus", RequestValue(r));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeCreateAccountStatus.html
Result<Value> DescribeCreateAccountStatus(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(identity::CreateAccountRequest r,
               Model(call).CreateAccountStatus(org, input.GetString("CreateAccountRequestId")));
  return Value::MakeMap().Set("CreateAccountStatus", RequestValue(r));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListCreateAccountStatus.html
Result<Value> ListCreateAccountStatus(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  const Value::List& states = input["States"].AsList();
  std::vector<Value> items;
  for (const identity::CreateAccountRequest& r : Model(call).CreateAccountStatuses(org)) {
    bool wanted = states.empty() || std::any_of(states.begin(), states.end(), [&](const Value& s) {
                    return s.AsString() == r.state;
                  });
    if (wanted) items.push_back(RequestValue(r));
  }
  return Page(input, "CreateAccountStatuses", std::move(items));
}

std::vector<OrgMember> SortedMembers(Call& call, const OrgInfo& org) {
  std::vector<OrgMember> members = Model(call).Members(org);
  std::sort(members.begin(), members.end(), [](const OrgMember& a, const OrgMember& b) {
    return a.joined_ms != b.joined_ms ? a.joined_ms < b.joined_ms : a.account_id < b.account_id;
  });
  return members;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
Result<Value> ListAccounts(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  std::vector<Value> items;
  for (const OrgMember& m : SortedMembers(call, org)) items.push_back(AccountValue(call, org, m));
  return Page(input, "Accounts", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html
Result<Value> DescribeAccount(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  Model(call).SettleCreateAccounts(org);
  auto member = Model(call).Membership(input.GetString("AccountId"));
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  return Value::MakeMap().Set("Account", AccountValue(call, org, *member));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
Result<Value> ListAccountsForParent(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  const std::string parent = input.GetString("ParentId");
  ORGTRAIL_TRY(auto children, Model(call).ChildrenOf(org, parent, "ACCOUNT"));
  std::vector<Value> items;
  for (const OrgMember& m : SortedMembers(call, org)) {
    bool child = std::any_of(children.begin(), children.end(),
                             [&](const identity::OrgChild& c) { return c.id == m.account_id; });
    if (child) items.push_back(AccountValue(call, org, m));
  }
  return Page(input, "Accounts", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_RemoveAccountFromOrganization.html
Result<Value> RemoveAccountFromOrganization(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  Model(call).SettleCreateAccounts(org);
  ORGTRAIL_CHECK(Model(call).RemoveAccount(org, input.GetString("AccountId")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
Result<Value> MoveAccount(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).MoveAccount(org, input.GetString("AccountId"),
                                         input.GetString("SourceParentId"),
                                         input.GetString("DestinationParentId")));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kAccountOps[] = {
    {"CreateAccount", CreateAccount},
    {"DescribeCreateAccountStatus", DescribeCreateAccountStatus},
    {"ListCreateAccountStatus", ListCreateAccountStatus},
    {"ListAccounts", ListAccounts},
    {"DescribeAccount", DescribeAccount},
    {"ListAccountsForParent", ListAccountsForParent},
    {"RemoveAccountFromOrganization", RemoveAccountFromOrganization},
    {"MoveAccount", MoveAccount},
};

}  // namespace

std::span<const gateway::OperationRow> AccountOps() { return kAccountOps; }

}  // namespace orgtrail::services::org
