// The root, OUs, parents and children (org-iam.md §2.3).
#include "identity/organizations.h"
#include "identity/organizations_rows.h"

namespace orgtrail::identity {

using namespace org_rows;  // NOLINT(google-build-using-namespace)

std::optional<OrgUnit> Organizations::OuRow(std::string_view ou_id) const {
  auto v = Get(store_, kOus, ou_id);
  if (!v) return std::nullopt;
  return OuFromValue(*v);
}

bool Organizations::IsParent(const OrgInfo& org, std::string_view id) const {
  if (id == org.root_id) return true;
  auto ou = OuRow(id);
  return ou && ou->org_id == org.id;
}

// 0 for the root, 1 for an OU right under it, ...
int Organizations::DepthOf(const OrgInfo& org, std::string_view parent_id) const {
  int depth = 0;
  std::string id(parent_id);
  while (id != org.root_id && depth <= kMaxOuDepth + 1) {
    auto ou = OuRow(id);
    if (!ou) break;
    id = ou->parent_id;
    ++depth;
  }
  return depth;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganizationalUnit.html
Result<OrgUnit> Organizations::CreateOrganizationalUnit(const OrgInfo& org,
                                                        std::string_view parent_id,
                                                        std::string_view name, OrgTags tags) {
  std::lock_guard lock(mu_);
  if (!IsParent(org, parent_id)) return AwsError("ParentNotFoundException", "");
  if (DepthOf(org, parent_id) + 1 > kMaxOuDepth)
    return AwsError("ConstraintViolationException",
                    "You have reached the maximum depth of OUs (5) in your organization.")
        .With("Reason", "OU_DEPTH_LIMIT_EXCEEDED");
  for (const Value& v : Scan(store_, kOus)) {
    if (v.GetString("OrgId") == org.id && v.GetString("ParentId") == parent_id &&
        v.GetString("Name") == name)
      return AwsError("DuplicateOrganizationalUnitException", "");
  }
  OrgUnit ou;
  do {
    ou.id = "ou-" + org.root_id.substr(2) + "-" + ids_.Chars(8, IdSource::kLowerDigits);
  } while (OuRow(ou.id));
  ou.org_id = org.id;
  ou.parent_id = std::string(parent_id);
  ou.name = std::string(name);
  ou.created_ms = clock_.NowMillis();
  ORGTRAIL_CHECK(store_.Put(kOus, ou.id, OuToValue(ou).ToJson()));
  if (org.scp_enabled) ORGTRAIL_CHECK(Attach(org, kFullAwsAccessId, ou.id));
  if (!tags.empty()) ORGTRAIL_CHECK(PutTags(ou.id, tags));
  return ou;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_UpdateOrganizationalUnit.html
Result<OrgUnit> Organizations::RenameOrganizationalUnit(const OrgInfo& org, std::string_view ou_id,
                                                        std::string_view name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgUnit ou, FindOrganizationalUnit(org, ou_id));
  if (name.empty() || name == ou.name) return ou;
  for (const Value& v : Scan(store_, kOus)) {
    if (v.GetString("OrgId") == org.id && v.GetString("ParentId") == ou.parent_id &&
        v.GetString("Name") == name)
      return AwsError("DuplicateOrganizationalUnitException", "");
  }
  ou.name = std::string(name);
  ORGTRAIL_CHECK(store_.Put(kOus, ou.id, OuToValue(ou).ToJson()));
  return ou;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganizationalUnit.html
Status Organizations::DeleteOrganizationalUnit(const OrgInfo& org, std::string_view ou_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(OrgUnit ou, FindOrganizationalUnit(org, ou_id));
  ORGTRAIL_TRY(auto accounts, ChildrenOf(org, ou.id, "ACCOUNT"));
  ORGTRAIL_TRY(auto ous, ChildrenOf(org, ou.id, "ORGANIZATIONAL_UNIT"));
  if (!accounts.empty() || !ous.empty()) return AwsError("OrganizationalUnitNotEmptyException", "");
  ORGTRAIL_CHECK(DropTarget(ou.id));
  ORGTRAIL_CHECK(store_.Delete(kTags, ou.id));
  return store_.Delete(kOus, ou.id);
}

Result<OrgUnit> Organizations::FindOrganizationalUnit(const OrgInfo& org,
                                                      std::string_view ou_id) const {
  std::lock_guard lock(mu_);
  auto ou = OuRow(ou_id);
  if (!ou || ou->org_id != org.id) return AwsError("OrganizationalUnitNotFoundException", "");
  return *ou;
}

Result<std::vector<OrgUnit>> Organizations::OrganizationalUnitsOf(
    const OrgInfo& org, std::string_view parent_id) const {
  std::lock_guard lock(mu_);
  if (!IsParent(org, parent_id)) return AwsError("ParentNotFoundException", "");
  std::vector<OrgUnit> out;
  for (const Value& v : Scan(store_, kOus))
    if (v.GetString("OrgId") == org.id && v.GetString("ParentId") == parent_id)
      out.push_back(OuFromValue(v));
  return out;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListChildren.html
Result<std::vector<OrgChild>> Organizations::ChildrenOf(const OrgInfo& org,
                                                        std::string_view parent_id,
                                                        std::string_view child_type) {
  std::lock_guard lock(mu_);
  if (!IsParent(org, parent_id)) return AwsError("ParentNotFoundException", "");
  std::vector<OrgChild> out;
  if (child_type == "ACCOUNT") {
    for (const OrgMember& m : Members(org))
      if (m.parent_id == parent_id) out.push_back({m.account_id, "ACCOUNT"});
  } else {
    ORGTRAIL_TRY(auto ous, OrganizationalUnitsOf(org, parent_id));
    for (const OrgUnit& ou : ous) out.push_back({ou.id, "ORGANIZATIONAL_UNIT"});
  }
  return out;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
Result<OrgChild> Organizations::ParentOf(const OrgInfo& org, std::string_view child_id) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  std::string parent;
  if (auto m = MemberRow(child_id); m && m->org_id == org.id) {
    parent = m->parent_id;
  } else if (auto ou = OuRow(child_id); ou && ou->org_id == org.id) {
    parent = ou->parent_id;
  } else {
    return AwsError("ChildNotFoundException", "");
  }
  return OrgChild{parent, parent == org.root_id ? "ROOT" : "ORGANIZATIONAL_UNIT"};
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
Status Organizations::MoveAccount(const OrgInfo& org, std::string_view account_id,
                                  std::string_view source, std::string_view destination) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  if (!IsParent(org, source)) return AwsError("SourceParentNotFoundException", "");
  if (!IsParent(org, destination)) return AwsError("DestinationParentNotFoundException", "");
  auto member = MemberRow(account_id);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  if (member->parent_id == destination) return AwsError("DuplicateAccountException", "");
  if (member->parent_id != source) return AwsError("AccountNotFoundException", "");
  member->parent_id = std::string(destination);
  return PutMember(*member);
}

}  // namespace orgtrail::identity
