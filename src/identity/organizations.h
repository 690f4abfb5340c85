// AWS Organizations' model (spec/org-iam.md §2), persisted in the Store: the organization, its
// root, OUs, account membership, SCPs and their attachments, trusted access, delegated
// administrators, create-account requests. The Organizations service's handlers, CloudTrail
// (organization trails, delegated admins) and the gateway's authorize stage (SCPs,
// aws:PrincipalOrgID) all use this one model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/result.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "store/store.h"

namespace orgtrail::identity {

struct OrgInfo {
  std::string id;   // o-xxxxxxxxxx
  std::string arn;  // arn:aws:organizations::<mgmt>:organization/<o-id>
  std::string management_account_id;
  std::string management_account_email;
  std::string feature_set = "ALL";
  std::string root_id;  // r-xxxx
};

class Organizations {
 public:
  Organizations(store::Store& store, IdSource& ids, Clock& clock, Directory& directory, Iam& iam)
      : store_(store), ids_(ids), clock_(clock), directory_(directory), iam_(iam) {}

  // The organization an account belongs to (as management account or member), if any.
  std::optional<OrgInfo> OrganizationOf(std::string_view account_id) const;

  // SCP documents (JSON text) attached at each level of the account's path, root first, then
  // each OU, then the account itself. Empty when SCPs do not apply to the account: standalone,
  // the management account, or the SERVICE_CONTROL_POLICY type disabled on the root.
  std::vector<std::vector<std::string>> ScpLevels(std::string_view account_id) const;

  // Whether `account_id` is a registered delegated administrator for `service_principal`.
  bool IsDelegatedAdministrator(std::string_view account_id,
                                std::string_view service_principal) const;

 private:
  store::Store& store_;
  IdSource& ids_;
  Clock& clock_;
  Directory& directory_;
  Iam& iam_;
};

}  // namespace orgtrail::identity
