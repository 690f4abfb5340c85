// Internal to the Organizations model: table names and the JSON rows of docs/persistence.md
// ("Organizations").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/value.h"
#include "identity/organizations.h"
#include "store/store.h"

namespace orgtrail::identity::org_rows {

inline constexpr std::string_view kOrganization = "org_organization";
inline constexpr std::string_view kAccounts = "org_accounts";
inline constexpr std::string_view kOus = "org_ous";
inline constexpr std::string_view kPolicies = "org_policies";
inline constexpr std::string_view kAttachments = "org_policy_attachments";
inline constexpr std::string_view kRequests = "org_create_account_requests";
inline constexpr std::string_view kServiceAccess = "org_service_access";
inline constexpr std::string_view kDelegatedAdmins = "org_delegated_admins";
inline constexpr std::string_view kTags = "org_tags";

inline std::optional<Value> Get(store::Store& store, std::string_view table, std::string_view key) {
  auto text = store.Get(table, key);
  if (!text) return std::nullopt;
  auto parsed = ParseJson(*text);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed).value();
}

inline std::vector<Value> Scan(store::Store& store, std::string_view table,
                               std::string_view prefix = "") {
  std::vector<Value> out;
  for (const store::Row& row : store.Scan(table, prefix)) {
    auto v = ParseJson(row.value);
    if (v.ok()) out.push_back(std::move(v).value());
  }
  return out;
}

Value OrgToValue(const OrgInfo& o);
OrgInfo OrgFromValue(const Value& v);
Value MemberToValue(const OrgMember& m);
OrgMember MemberFromValue(const Value& v);
Value OuToValue(const OrgUnit& u);
OrgUnit OuFromValue(const Value& v);
Value PolicyToValue(const OrgPolicy& p);
OrgPolicy PolicyFromValue(const Value& v);
Value RequestToValue(const CreateAccountRequest& r);
CreateAccountRequest RequestFromValue(const Value& v);
Value TagsRow(const OrgTags& tags);  // the org_tags row: {"Tags": [{"Key", "Value"}...]}
OrgTags TagsFromRow(const Value& row);

// Attachment rows are keyed "<target id>/<policy id>".
inline std::string AttachmentKey(std::string_view target, std::string_view policy) {
  return std::string(target) + "/" + std::string(policy);
}
// Service access rows "<o-id>/<principal>"; delegated admins "<o-id>/<account>/<principal>".
inline std::string OrgKey(std::string_view org, std::string_view rest) {
  return std::string(org) + "/" + std::string(rest);
}

}  // namespace orgtrail::identity::org_rows
