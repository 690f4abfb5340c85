// The organization itself and tags (org-iam.md §2.1).
#include "services/organizations/org_common.h"
#include "services/organizations/org_tables.h"
#include "services/organizations/organizations.h"

namespace orgtrail::services::org {
namespace {

using gateway::Call;
using identity::OrgInfo;

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html
Result<Value> CreateOrganization(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, Model(call).CreateOrganization(call.account_id(),
                                                           input.GetString("FeatureSet", "ALL")));
  return Value::MakeMap().Set("Organization", OrganizationValue(org));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
Result<Value> DescribeOrganization(Call& call, const Value&) {
  ORGTRAIL_TRY(OrgInfo org, CallerOrg(call));
  return Value::MakeMap().Set("Organization", OrganizationValue(org));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganization.html
Result<Value> DeleteOrganization(Call& call, const Value&) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).DeleteOrganization(org));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_LeaveOrganization.html
Result<Value> LeaveOrganization(Call& call, const Value&) {
  ORGTRAIL_TRY(OrgInfo org, CallerOrg(call));
  ORGTRAIL_CHECK(Model(call).RemoveAccount(org, call.account_id()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html
Result<Value> TagResource(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(
      Model(call).TagResource(org, input.GetString("ResourceId"), TagsFrom(input["Tags"])));
  return Value::MakeMap();
}

Result<Value> UntagResource(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  std::vector<std::string> keys;
  for (const Value& k : input["TagKeys"].AsList()) keys.push_back(k.AsString());
  ORGTRAIL_CHECK(Model(call).UntagResource(org, input.GetString("ResourceId"), keys));
  return Value::MakeMap();
}

Result<Value> ListTagsForResource(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(identity::OrgTags tags, Model(call).TagsOf(org, input.GetString("ResourceId")));
  std::vector<Value> items;
  for (const auto& [k, v] : tags) items.push_back(Value::MakeMap().Set("Key", k).Set("Value", v));
  return Page(input, "Tags", std::move(items));
}

constexpr gateway::OperationRow kOrgOps[] = {
    {"CreateOrganization", CreateOrganization},
    {"DescribeOrganization", DescribeOrganization},
    {"DeleteOrganization", DeleteOrganization},
    {"LeaveOrganization", LeaveOrganization},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"ListTagsForResource", ListTagsForResource},
};

}  // namespace

std::span<const gateway::OperationRow> OrgOps() { return kOrgOps; }

}  // namespace orgtrail::services::org

namespace orgtrail::services {

void RegisterOrganizations(gateway::Registry& registry) {
  registry.Register("organizations", org::OrgOps());
  registry.Register("organizations", org::AccountOps());
  registry.Register("organizations", org::OuOps());
  registry.Register("organizations", org::PolicyOps());
  registry.Register("organizations", org::DelegationOps());
}

}  // namespace orgtrail::services
