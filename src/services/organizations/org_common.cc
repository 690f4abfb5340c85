#include "services/organizations/org_common.h"

#include <charconv>

#include "identity/directory.h"

namespace orgtrail::services::org {

using identity::OrgInfo;

identity::Organizations& Model(gateway::Call& call) { return call.env.orgs; }

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// org-iam.md §2.1 and §2.7.
Result<OrgInfo> CallerOrg(gateway::Call& call) {
  auto org = Model(call).OrganizationOf(call.account_id());
  if (!org)
    return AwsError("AWSOrganizationsNotInUseException",
                    "Your account is not a member of an organization.");
  return *org;
}

namespace {

AwsError Denied() {
  return AwsError("AccessDeniedException", "You don't have permissions to access this resource.");
}

}  // namespace

Result<OrgInfo> RequireManagement(gateway::Call& call) {
  ORGTRAIL_TRY(OrgInfo org, CallerOrg(call));
  if (org.management_account_id != call.account_id()) return Denied();
  return org;
}

Result<OrgInfo> RequireReader(gateway::Call& call) {
  ORGTRAIL_TRY(OrgInfo org, CallerOrg(call));
  if (org.management_account_id != call.account_id() &&
      !Model(call).IsAnyDelegatedAdministrator(call.account_id()))
    return Denied();
  return org;
}

Value PolicyTypes(const OrgInfo& org) {
  Value list = Value::MakeList();
  if (org.scp_enabled)
    list.Append(
        Value::MakeMap().Set("Type", std::string(identity::kScpType)).Set("Status", "ENABLED"));
  return list;
}

Value OrganizationValue(const OrgInfo& org) {
  return Value::MakeMap()
      .Set("Id", org.id)
      .Set("Arn", org.arn)
      .Set("FeatureSet", org.feature_set)
      .Set("MasterAccountArn", org.AccountArn(org.management_account_id))
      .Set("MasterAccountId", org.management_account_id)
      .Set("MasterAccountEmail", org.management_account_email)
      .Set("AvailablePolicyTypes", PolicyTypes(org));
}

Value RootValue(const OrgInfo& org) {
  return Value::MakeMap()
      .Set("Id", org.root_id)
      .Set("Arn", org.RootArn())
      .Set("Name", "Root")
      .Set("PolicyTypes", PolicyTypes(org));
}

Value OuValue(const OrgInfo& org, const identity::OrgUnit& ou) {
  return Value::MakeMap().Set("Id", ou.id).Set("Arn", org.OuArn(ou.id)).Set("Name", ou.name);
}

Value AccountValue(gateway::Call& call, const OrgInfo& org, const identity::OrgMember& member) {
  auto account = call.env.identity.FindAccount(member.account_id);
  return Value::MakeMap()
      .Set("Id", member.account_id)
      .Set("Arn", org.AccountArn(member.account_id))
      .Set("Email", account ? account->email : "")
      .Set("Name", account ? account->name : "")
      .Set("Status", "ACTIVE")
      .Set("State", "ACTIVE")
      .Set("JoinedMethod", member.joined_method)
      .Set("JoinedTimestamp", Seconds(member.joined_ms));
}

Value PolicySummaryValue(const OrgInfo& org, const identity::OrgPolicy& p) {
  return Value::MakeMap()
      .Set("Id", p.id)
      .Set("Arn", org.PolicyArn(p.id))
      .Set("Name", p.name)
      .Set("Description", p.description)
      .Set("Type", p.type)
      .Set("AwsManaged", p.aws_managed);
}

Value RequestValue(const identity::CreateAccountRequest& r) {
  Value v = Value::MakeMap()
                .Set("Id", r.id)
                .Set("AccountName", r.account_name)
                .Set("State", r.state)
                .Set("RequestedTimestamp", Seconds(r.requested_ms));
  if (r.completed_ms) v.Set("CompletedTimestamp", Seconds(r.completed_ms));
  if (!r.account_id.empty()) v.Set("AccountId", r.account_id);
  if (!r.failure_reason.empty()) v.Set("FailureReason", r.failure_reason);
  return v;
}

identity::OrgTags TagsFrom(const Value& list) {
  identity::OrgTags tags;
  for (const Value& t : list.AsList()) tags.emplace_back(t.GetString("Key"), t.GetString("Value"));
  return tags;
}

Result<Value> Page(const Value& input, std::string_view key, std::vector<Value> items) {
  size_t start = 0;
  if (const Value* token = input.Find("NextToken")) {
    const std::string& t = token->AsString();
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), start);
    if (ec != std::errc() || ptr != t.data() + t.size() || start > items.size())
      return AwsError("InvalidInputException", "The provided pagination token is invalid.")
          .With("Reason", "INVALID_NEXT_TOKEN");
  }
  size_t limit = items.size();
  if (const Value* max = input.Find("MaxResults"); max && max->AsInt() > 0)
    limit = static_cast<size_t>(max->AsInt());
  size_t end = std::min(items.size(), start + limit);
  Value list = Value::MakeList();
  for (size_t i = start; i < end; ++i) list.Append(std::move(items[i]));
  Value out = Value::MakeMap().Set(std::string(key), std::move(list));
  if (end < items.size()) out.Set("NextToken", std::to_string(end));
  return out;
}

}  // namespace orgtrail::services::org
