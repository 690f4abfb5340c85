// The organization itself, membership and the questions other floors ask (org-iam.md §2.1,
// §5.5 step 4); rows of docs/persistence.md ("Organizations").
#include "identity/organizations.h"

#include <algorithm>

#include "identity/organizations_rows.h"
#include "identity/row_fields.h"

namespace orgtrail::identity {

namespace org_rows {

using row_fields::ReadRow;
using row_fields::WriteRow;

// Each row's fields, in row order (identity/row_fields.h).
constexpr auto kOrgFields = [](auto& io, auto& o) {
  io("Id", o.id);
  io("ManagementAccountId", o.management_account_id);
  io("ManagementAccountEmail", o.management_account_email);
  io("FeatureSet", o.feature_set, "ALL");
  io("RootId", o.root_id);
  io("CreatedMs", o.created_ms);
  io("ScpEnabled", o.scp_enabled);
};
constexpr auto kMemberFields = [](auto& io, auto& m) {
  io("AccountId", m.account_id);
  io("OrgId", m.org_id);
  io("ParentId", m.parent_id);
  io("JoinedMethod", m.joined_method);
  io("JoinedMs", m.joined_ms);
};
constexpr auto kOuFields = [](auto& io, auto& u) {
  io("Id", u.id);
  io("OrgId", u.org_id);
  io("ParentId", u.parent_id);
  io("Name", u.name);
  io("CreatedMs", u.created_ms);
};
constexpr auto kPolicyFields = [](auto& io, auto& p) {
  io("Id", p.id);
  io("OrgId", p.org_id);
  io("Name", p.name);
  io("Description", p.description);
  io("Type", p.type, kScpType);
  io("Content", p.content);
};
constexpr auto kRequestFields = [](auto& io, auto& r) {
  io("Id", r.id);
  io("OrgId", r.org_id);
  io("AccountName", r.account_name);
  io("Email", r.email);
  io("RoleName", r.role_name);
  io("State", r.state);
  io("FailureReason", r.failure_reason);
  io("AccountId", r.account_id);
  io("RequestedMs", r.requested_ms);
  io("CompletedMs", r.completed_ms);
  io("Tags", r.tags);
};
constexpr auto kTagsFields = [](auto& io, auto& tags) { io("Tags", tags); };

Value OrgToValue(const OrgInfo& o) { return WriteRow(o, kOrgFields); }

OrgInfo OrgFromValue(const Value& v) {
  OrgInfo o = ReadRow<OrgInfo>(v, kOrgFields);
  o.arn = o.Prefix() + "organization/" + o.id;
  return o;
}

Value MemberToValue(const OrgMember& m) { return WriteRow(m, kMemberFields); }
OrgMember MemberFromValue(const Value& v) { return ReadRow<OrgMember>(v, kMemberFields); }
Value OuToValue(const OrgUnit& u) { return WriteRow(u, kOuFields); }
OrgUnit OuFromValue(const Value& v) { return ReadRow<OrgUnit>(v, kOuFields); }
Value PolicyToValue(const OrgPolicy& p) { return WriteRow(p, kPolicyFields); }
OrgPolicy PolicyFromValue(const Value& v) { return ReadRow<OrgPolicy>(v, kPolicyFields); }
Value RequestToValue(const CreateAccountRequest& r) { return WriteRow(r, kRequestFields); }
CreateAccountRequest RequestFromValue(const Value& v) {
  return ReadRow<CreateAccountRequest>(v, kRequestFields);
}
Value TagsRow(const OrgTags& tags) { return WriteRow(tags, kTagsFields); }
OrgTags TagsFromRow(const Value& v) { return ReadRow<OrgTags>(v, kTagsFields); }

}  // namespace org_rows

using namespace org_rows;  // NOLINT(google-build-using-namespace): this file owns the rows

std::string OrgInfo::PolicyArn(std::string_view policy) const {
  if (policy == kFullAwsAccessId)
    return "arn:aws:organizations::aws:policy/service_control_policy/" + std::string(policy);
  return Prefix() + "policy/" + id + "/service_control_policy/" + std::string(policy);
}

// ---- Rows -----------------------------------------------------------------------------------

std::optional<OrgInfo> Organizations::OrgRow(std::string_view org_id) const {
  auto v = Get(store_, kOrganization, org_id);
  if (!v) return std::nullopt;
  return OrgFromValue(*v);
}

Status Organizations::PutOrg(const OrgInfo& org) {
  return store_.Put(kOrganization, org.id, OrgToValue(org).ToJson());
}

std::optional<OrgMember> Organizations::MemberRow(std::string_view account_id) const {
  auto v = Get(store_, kAccounts, account_id);
  if (!v) return std::nullopt;
  return MemberFromValue(*v);
}

Status Organizations::PutMember(const OrgMember& m) {
  return store_.Put(kAccounts, m.account_id, MemberToValue(m).ToJson());
}

// ---- Questions of the gateway and other services ---------------------------------------------

std::optional<OrgInfo> Organizations::OrganizationOf(std::string_view account_id) const {
  std::lock_guard lock(mu_);
  auto member = MemberRow(account_id);
  if (!member) return std::nullopt;
  return OrgRow(member->org_id);
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
// Every level from the root down to the account must allow an action.
std::vector<std::vector<std::string>> Organizations::ScpLevels(std::string_view account_id) const {
  std::lock_guard lock(mu_);
  auto member = MemberRow(account_id);
  if (!member) return {};
  auto org = OrgRow(member->org_id);
  if (!org || !org->scp_enabled || org->management_account_id == account_id) return {};
  std::vector<std::string> path{std::string(account_id)};
  std::string parent = member->parent_id;
  for (int guard = 0; guard <= kMaxOuDepth + 1 && !parent.empty(); ++guard) {
    path.push_back(parent);
    if (parent == org->root_id) break;
    auto ou = OuRow(parent);
    parent = ou ? ou->parent_id : "";
  }
  std::reverse(path.begin(), path.end());
  std::vector<std::vector<std::string>> levels;
  for (const std::string& target : path) {
    std::vector<std::string> docs;
    for (const std::string& policy_id : AttachedIds(target)) {
      if (policy_id == kFullAwsAccessId) {
        docs.emplace_back(kFullAwsAccessContent);
      } else if (auto p = PolicyRow(policy_id)) {
        docs.push_back(p->content);
      }
    }
    levels.push_back(std::move(docs));
  }
  return levels;
}

bool Organizations::IsDelegatedAdministrator(std::string_view account_id,
                                             std::string_view service_principal) const {
  auto org = OrganizationOf(account_id);
  if (!org) return false;
  std::lock_guard lock(mu_);
  return Get(store_, kDelegatedAdmins,
             OrgKey(org->id, std::string(account_id) + "/" + std::string(service_principal)))
      .has_value();
}

bool Organizations::IsAnyDelegatedAdministrator(std::string_view account_id) const {
  auto org = OrganizationOf(account_id);
  if (!org) return false;
  std::lock_guard lock(mu_);
  return !store_.Scan(kDelegatedAdmins, OrgKey(org->id, std::string(account_id) + "/"), "", 1)
              .empty();
}

// ---- Organization ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html
Result<OrgInfo> Organizations::CreateOrganization(std::string_view account_id,
                                                  std::string_view feature_set) {
  std::lock_guard lock(mu_);
  if (MemberRow(account_id)) return AwsError("AlreadyInOrganizationException", "");
  auto account = directory_.FindAccount(account_id);
  if (!account) return AwsError("AccountNotFoundException", "");
  OrgInfo org;
  do {
    org.id = "o-" + ids_.Chars(10, IdSource::kLowerDigits);
  } while (OrgRow(org.id));
  org.root_id = "r-" + ids_.Chars(4, IdSource::kLowerDigits);
  org.management_account_id = std::string(account_id);
  org.management_account_email = account->email;
  org.feature_set = feature_set.empty() ? "ALL" : std::string(feature_set);
  org.scp_enabled = org.feature_set == "ALL";
  org.created_ms = clock_.NowMillis();
  org.arn = org.Prefix() + "organization/" + org.id;
  ORGTRAIL_CHECK(PutOrg(org));
  ORGTRAIL_CHECK(PutMember(
      OrgMember{org.management_account_id, org.id, org.root_id, "INVITED", org.created_ms}));
  if (org.scp_enabled) {
    ORGTRAIL_CHECK(Attach(org, kFullAwsAccessId, org.root_id));
    ORGTRAIL_CHECK(Attach(org, kFullAwsAccessId, org.management_account_id));
  }
  return org;
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeleteOrganization.html
Status Organizations::DeleteOrganization(const OrgInfo& org) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  for (const Value& v : Scan(store_, kAccounts)) {
    OrgMember m = MemberFromValue(v);
    if (m.org_id == org.id && m.account_id != org.management_account_id)
      return AwsError("OrganizationNotEmptyException", "");
  }
  std::vector<store::Write> writes;
  auto drop = [&](std::string_view table, const std::string& key) {
    writes.push_back({std::string(table), key, std::nullopt});
  };
  for (const Value& v : Scan(store_, kOus)) {
    if (v.GetString("OrgId") != org.id) continue;
    drop(kOus, v.GetString("Id"));
    drop(kTags, v.GetString("Id"));
  }
  for (const Value& v : Scan(store_, org_rows::kPolicies)) {
    if (v.GetString("OrgId") != org.id) continue;
    drop(org_rows::kPolicies, v.GetString("Id"));
    drop(kTags, v.GetString("Id"));
  }
  for (const Value& v : Scan(store_, org_rows::kAttachments))
    if (v.GetString("OrgId") == org.id)
      drop(org_rows::kAttachments, AttachmentKey(v.GetString("TargetId"), v.GetString("PolicyId")));
  for (const Value& v : Scan(store_, kRequests))
    if (v.GetString("OrgId") == org.id) drop(kRequests, v.GetString("Id"));
  for (const store::Row& row : store_.Scan(kServiceAccess, org.id + "/"))
    drop(kServiceAccess, row.key);
  for (const store::Row& row : store_.Scan(kDelegatedAdmins, org.id + "/"))
    drop(kDelegatedAdmins, row.key);
  drop(kTags, org.root_id);
  drop(kTags, org.management_account_id);
  drop(kAccounts, org.management_account_id);
  drop(kOrganization, org.id);
  return store_.Apply(writes);
}

// https://docs.aws.amazon.com/organizations/latest/APIReference/API_RemoveAccountFromOrganization.html
Status Organizations::RemoveAccount(const OrgInfo& org, std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto member = MemberRow(account_id);
  if (!member || member->org_id != org.id) return AwsError("AccountNotFoundException", "");
  if (account_id == org.management_account_id)
    return AwsError("MasterCannotLeaveOrganizationException", "");
  if (!store_.Scan(kDelegatedAdmins, OrgKey(org.id, std::string(account_id) + "/"), "", 1).empty())
    return AwsError("ConstraintViolationException",
                    "You cannot remove a delegated administrator from the organization; "
                    "deregister it first.")
        .With("Reason", "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
  ORGTRAIL_CHECK(DropTarget(account_id));
  ORGTRAIL_CHECK(store_.Delete(kTags, account_id));
  return store_.Delete(kAccounts, account_id);
}

// ---- Membership -------------------------------------------------------------------------------

std::optional<OrgMember> Organizations::Membership(std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto member = MemberRow(account_id);
  if (member) {
    if (auto org = OrgRow(member->org_id)) SettleCreateAccounts(*org);
  }
  return member;
}

std::vector<OrgMember> Organizations::Members(const OrgInfo& org) {
  std::lock_guard lock(mu_);
  SettleCreateAccounts(org);
  std::vector<OrgMember> out;
  for (const Value& v : Scan(store_, kAccounts)) {
    OrgMember m = MemberFromValue(v);
    if (m.org_id == org.id) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace orgtrail::identity
