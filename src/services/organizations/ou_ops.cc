// The root, OUs, parents and children (org-iam.md §2.3).
#include "services/organizations/org_common.h"
#include "services/organizations/org_tables.h"

namespace orgtrail::services::org {
namespace {

using gateway::Call;
using identity::OrgInfo;
using identity::OrgUnit;

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
Result<Value> ListRoots(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  return Page(input, "Roots", {RootValue(org)});
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html
Result<Value> CreateOrganizationalUnit(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgUnit ou, Model(call).CreateOrganizationalUnit(org, input.GetString("ParentId"),
                                                                input.GetString("Name"),
                                                                TagsFrom(input["Tags"])));
  return Value::MakeMap().Set("OrganizationalUnit", OuValue(org, ou));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdateOrganizationalUnit.html
Result<Value> UpdateOrganizationalUnit(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_TRY(OrgUnit ou,
               Model(call).RenameOrganizationalUnit(org, input.GetString("OrganizationalUnitId"),
                                                    input.GetString("Name")));
  return Value::MakeMap().Set("OrganizationalUnit", OuValue(org, ou));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganizationalUnit.html
Result<Value> DeleteOrganizationalUnit(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireManagement(call));
  ORGTRAIL_CHECK(
      Model(call).DeleteOrganizationalUnit(org, input.GetString("OrganizationalUnitId")));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html
Result<Value> DescribeOrganizationalUnit(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(OrgUnit ou,
               Model(call).FindOrganizationalUnit(org, input.GetString("OrganizationalUnitId")));
  return Value::MakeMap().Set("OrganizationalUnit", OuValue(org, ou));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
Result<Value> ListOrganizationalUnitsForParent(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(auto ous, Model(call).OrganizationalUnitsOf(org, input.GetString("ParentId")));
  std::vector<Value> items;
  for (const OrgUnit& ou : ous) items.push_back(OuValue(org, ou));
  return Page(input, "OrganizationalUnits", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListChildren.html
Result<Value> ListChildren(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(auto children, Model(call).ChildrenOf(org, input.GetString("ParentId"),
                                                     input.GetString("ChildType")));
  std::vector<Value> items;
  for (const identity::OrgChild& c : children)
    items.push_back(Value::MakeMap().Set("Id", c.id).Set("Type", c.type));
  return Page(input, "Children", std::move(items));
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
Result<Value> ListParents(Call& call, const Value& input) {
  ORGTRAIL_TRY(OrgInfo org, RequireReader(call));
  ORGTRAIL_TRY(identity::OrgChild parent, Model(call).ParentOf(org, input.GetString("ChildId")));
  return Page(input, "Parents", {Value::MakeMap().Set("Id", parent.id).Set("Type", parent.type)});
}

constexpr gateway::OperationRow kOuOps[] = {
    {"ListRoots", ListRoots},
    {"CreateOrganizationalUnit", CreateOrganizationalUnit},
    {"UpdateOrganizationalUnit", UpdateOrganizationalUnit},
    {"DeleteOrganizationalUnit", DeleteOrganizationalUnit},
    {"DescribeOrganizationalUnit", DescribeOrganizationalUnit},
    {"ListOrganizationalUnitsForParent", ListOrganizationalUnitsForParent},
    {"ListChildren", ListChildren},
    {"ListParents", ListParents},
};

}  // namespace

std::span<const gateway::OperationRow> OuOps() { return kOuOps; }

}  // namespace orgtrail::services::org
