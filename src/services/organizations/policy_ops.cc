// Service control policies (org-iam.md §2.6).
#include <optional>

#include "services/organizations/org_common.h"
#include "services/organizations/org_tables.h"

namespace orgtrail::services::org {
namespace {

using gateway::Call;
using identity::OrgInfo;
using identity::OrgPolicy;

Value PolicyValue(const OrgInfo& org, const OrgPolicy& p) {
  return Value::MakeMap()
      .Set("PolicySummary", PolicySummaryValue(org, p))
      .Set("Content", p.content);
}

std::optional<std::string> Optional(const Value& input, std::string_view key) {
  if (const Value* v = input.Find(key)) return v->AsString();
  return std::nullopt;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
Result<Value> CreatePolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgPolicy p,
               Model(call).CreatePolicy(org, input.GetString("Name"),
                                        input.GetString("Description"), input.GetString("Type"),
                                        input.GetString("Content"), TagsFrom(input["Tags"])));
  return Value::MakeMap().Set("Policy", PolicyValue(org, p));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdatePolicy.html
Result<Value> UpdatePolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgPolicy p, Model(call).UpdatePolicy(
                                org, input.GetString("PolicyId"), Optional(input, "Name"),
                                Optional(input, "Description"), Optional(input, "Content")));
  return Value::MakeMap().Set("Policy", PolicyValue(org, p));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeletePolicy.html
Result<Value> DeletePolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(Model(call).DeletePolicy(org, input.GetString("PolicyId")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
Result<Value> DescribePolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(OrgPolicy p, Model(call).FindPolicy(org, input.GetString("PolicyId")));
  return Value::MakeMap().Set("Policy", PolicyValue(org, p));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPolicies.html
Result<Value> ListPolicies(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  const std::string filter = input.GetString("Filter");
  std::vector<Value> items;
  for (const OrgPolicy& p : Model(call).Policies(org))
    if (p.type == filter) items.push_back(PolicySummaryValue(org, p));
  return Page(input, "Policies", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
Result<Value> AttachPolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(
      Model(call).AttachPolicy(org, input.GetString("PolicyId"), input.GetString("TargetId")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DetachPolicy.html
Result<Value> DetachPolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(
      Model(call).DetachPolicy(org, input.GetString("PolicyId"), input.GetString("TargetId")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
Result<Value> EnablePolicyType(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgInfo updated, Model(call).EnablePolicyType(org, input.GetString("RootId"),
                                                             input.GetString("PolicyType")));
  return Value::MakeMap().Set("Root", RootValue(updated));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html
Result<Value> DisablePolicyType(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgInfo updated, Model(call).DisablePolicyType(org, input.GetString("RootId"),
                                                              input.GetString("PolicyType")));
  return Value::MakeMap().Set("Root", RootValue(updated));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListTargetsForPolicy.html
Result<Value> ListTargetsForPolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(auto targets, Model(call).TargetsOf(org, input.GetString("PolicyId")));
  std::vector<Value> items;
  for (const std::string& id : targets) {
    std::string type = Model(call).TargetType(org, id);
    std::string arn = type == "ROOT"                  ? org.RootArn()
                      : type == "ORGANIZATIONAL_UNIT" ? org.OuArn(id)
                                                      : org.AccountArn(id);
    items.push_back(Value::MakeMap()
                        .Set("TargetId", id)
                        .Set("Arn", arn)
                        .Set("Name", Model(call).TargetName(org, id))
                        .Set("Type", type));
  }
  return Page(input, "Targets", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html
Result<Value> ListPoliciesForTarget(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(auto policies, Model(call).PoliciesOf(org, input.GetString("TargetId")));
  const std::string filter = input.GetString("Filter");
  std::vector<Value> items;
  for (const OrgPolicy& p : policies)
    if (p.type == filter) items.push_back(PolicySummaryValue(org, p));
  return Page(input, "Policies", std::move(items));
}

constexpr gateway::OperationRow kPolicyOps[] = {
    {"CreatePolicy", CreatePolicy},
    {"UpdatePolicy", UpdatePolicy},
    {"DeletePolicy", DeletePolicy},
    {"DescribePolicy", DescribePolicy},
    {"ListPolicies", ListPolicies},
    {"AttachPolicy", AttachPolicy},
    {"DetachPolicy", DetachPolicy},
    {"EnablePolicyType", EnablePolicyType},
    {"DisablePolicyType", DisablePolicyType},
    {"ListTargetsForPolicy", ListTargetsForPolicy},
    {"ListPoliciesForTarget", ListPoliciesForTarget},
};

}  // namespace

std::span<const gateway::OperationRow> PolicyOps() { return kPolicyOps; }

}  // namespace orgtrail::services::org
