// AWS Organizations' model (spec/org-iam.md §2), persisted in the Store: the organization, its
// root, OUs, account membership, SCPs and their attachments, trusted access, delegated
// administrators, create-account requests. The Organizations service's handlers, CloudTrail
// (organization trails, delegated admins) and the gateway's authorize stage (SCPs,
// aws:PrincipalOrgID) all use this one model.
//
// Who may call what (management account, delegated administrators, members) is the service's
// business (org-iam.md §2.1); the model keeps the invariants of §2.2–§2.6 and answers with the
// modelled errors (AwsError named like the Organizations error shapes). Tables and row layouts
// are in docs/persistence.md ("Organizations").
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/result.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "store/store.h"

namespace orgtrail::identity {

inline constexpr std::string_view kScpType = "SERVICE_CONTROL_POLICY";
inline constexpr std::string_view kFullAwsAccessId = "p-FullAWSAccess";
inline constexpr std::string_view kFullAwsAccessContent =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
inline constexpr std::string_view kCloudTrailPrincipal = "cloudtrail.amazonaws.com";
// Create-account requests complete this long after they were made (org-iam.md §2.2).
inline constexpr int64_t kCreateAccountDelayMs = 1000;
// OUs nest at most this deep under the root (org-iam.md §2.3).
inline constexpr int kMaxOuDepth = 5;

using OrgTags = std::vector<std::pair<std::string, std::string>>;

struct OrgInfo {
  std::string id;   // o-xxxxxxxxxx
  std::string arn;  // arn:aws:organizations::<mgmt>:organization/<o-id>
  std::string management_account_id;
  std::string management_account_email;
  std::string feature_set = "ALL";
  std::string root_id;  // r-xxxx
  int64_t created_ms = 0;
  bool scp_enabled = true;  // SERVICE_CONTROL_POLICY enabled on the root

  // ARNs of org-iam.md §1.3.
  std::string Prefix() const { return "arn:aws:organizations::" + management_account_id + ":"; }
  std::string AccountArn(std::string_view account) const {
    return Prefix() + "account/" + id + "/" + std::string(account);
  }
  std::string RootArn() const { return Prefix() + "root/" + id + "/" + root_id; }
  std::string OuArn(std::string_view ou) const {
    return Prefix() + "ou/" + id + "/" + std::string(ou);
  }
  std::string PolicyArn(std::string_view policy) const;
};

// An account's membership of an organization.
struct OrgMember {
  std::string account_id;
  std::string org_id;
  std::string parent_id;      // r-… or ou-…
  std::string joined_method;  // CREATED | INVITED
  int64_t joined_ms = 0;
};

struct OrgUnit {
  std::string id;  // ou-<root suffix>-<8>
  std::string org_id;
  std::string parent_id;
  std::string name;
  int64_t created_ms = 0;
};

struct OrgPolicy {
  std::string id;  // p-xxxxxxxx, or p-FullAWSAccess
  std::string org_id;
  std::string name;
  std::string description;
  std::string type = std::string(kScpType);
  std::string content;
  bool aws_managed = false;
};

struct CreateAccountRequest {
  std::string id;  // car-…
  std::string org_id;
  std::string account_name;
  std::string email;
  std::string role_name = "OrganizationAccountAccessRole";
  std::string state = "IN_PROGRESS";  // IN_PROGRESS | SUCCEEDED | FAILED
  std::string failure_reason;         // FAILED only
  std::string account_id;             // SUCCEEDED only
  int64_t requested_ms = 0;
  int64_t completed_ms = 0;  // 0 while IN_PROGRESS
  OrgTags tags;
};

struct ServiceAccess {
  std::string service_principal;
  int64_t enabled_ms = 0;
};

struct DelegatedAdmin {
  std::string account_id;
  std::string service_principal;
  int64_t enabled_ms = 0;
};

// A child of a root or OU (ListChildren): Type ACCOUNT or ORGANIZATIONAL_UNIT.
struct OrgChild {
  std::string id;
  std::string type;
};

class Organizations {
 public:
  Organizations(store::Store& store, IdSource& ids, Clock& clock, Directory& directory, Iam& iam)
      : store_(store), ids_(ids), clock_(clock), directory_(directory), iam_(iam) {}

  // ---- Used by the gateway and other services -----------------------------------------------

  // The organization an account belongs to (as management account or member), if any.
  std::optional<OrgInfo> OrganizationOf(std::string_view account_id) const;

  // SCP documents (JSON text) attached at each level of the account's path, root first, then
  // each OU, then the account itself. Empty when SCPs do not apply to the account: standalone,
  // the management account, or the SERVICE_CONTROL_POLICY type disabled on the root.
  std::vector<std::vector<std::string>> ScpLevels(std::string_view account_id) const;

  // Whether `account_id` is a registered delegated administrator for `service_principal`.
  bool IsDelegatedAdministrator(std::string_view account_id,
                                std::string_view service_principal) const;
  // Whether `account_id` is a delegated administrator for any service.
  bool IsAnyDelegatedAdministrator(std::string_view account_id) const;

  // ---- Organization -------------------------------------------------------------------------

  // The caller's account becomes the management account (AlreadyInOrganizationException).
  // ALL: root with SERVICE_CONTROL_POLICY enabled and p-FullAWSAccess attached.
  Result<OrgInfo> CreateOrganization(std::string_view account_id, std::string_view feature_set);
  // OrganizationNotEmptyException while accounts other than the management account are members.
  Status DeleteOrganization(const OrgInfo& org);
  // The account leaves (MasterCannotLeaveOrganizationException for the management account,
  // ConstraintViolationException CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG while it is a
  // delegated administrator, AccountNotFoundException if it is not a member).
  Status RemoveAccount(const OrgInfo& org, std::string_view account_id);

  // ---- Accounts -----------------------------------------------------------------------------

  std::optional<OrgMember> Membership(std::string_view account_id);
  std::vector<OrgMember> Members(const OrgInfo& org);
  // Requests an account (asynchronous, §2.2): IN_PROGRESS now; completes kCreateAccountDelayMs
  // later on the orgtrail clock, lazily, at the next read of accounts or requests.
  Result<CreateAccountRequest> CreateAccount(const OrgInfo& org, std::string_view email,
                                             std::string_view name, std::string_view role_name,
                                             OrgTags tags);
  // CreateAccountStatusNotFoundException.
  Result<CreateAccountRequest> CreateAccountStatus(const OrgInfo& org, std::string_view id);
  std::vector<CreateAccountRequest> CreateAccountStatuses(const OrgInfo& org);
  // Completes the organization's due create-account requests.
  void SettleCreateAccounts(const OrgInfo& org);

  // ---- Roots, OUs, parents and children ------------------------------------------------------

  Result<OrgUnit> CreateOrganizationalUnit(const OrgInfo& org, std::string_view parent_id,
                                           std::string_view name, OrgTags tags);
  Result<OrgUnit> RenameOrganizationalUnit(const OrgInfo& org, std::string_view ou_id,
                                           std::string_view name);
  Status DeleteOrganizationalUnit(const OrgInfo& org, std::string_view ou_id);
  // OrganizationalUnitNotFoundException.
  Result<OrgUnit> FindOrganizationalUnit(const OrgInfo& org, std::string_view ou_id) const;
  // ParentNotFoundException for an unknown parent.
  Result<std::vector<OrgUnit>> OrganizationalUnitsOf(const OrgInfo& org,
                                                     std::string_view parent_id) const;
  // ChildType ACCOUNT | ORGANIZATIONAL_UNIT (ParentNotFoundException).
  Result<std::vector<OrgChild>> ChildrenOf(const OrgInfo& org, std::string_view parent_id,
                                           std::string_view child_type);
  // The parent of an account or OU (ChildNotFoundException).
  Result<OrgChild> ParentOf(const OrgInfo& org, std::string_view child_id);
  // Source/DestinationParentNotFoundException, AccountNotFoundException, DuplicateAccountException.
  Status MoveAccount(const OrgInfo& org, std::string_view account_id, std::string_view source,
                     std::string_view destination);
  bool IsRoot(const OrgInfo& org, std::string_view id) const { return id == org.root_id; }

  // ---- Policies -----------------------------------------------------------------------------

  // Content ≤ 5120 characters, SCP grammar (MalformedPolicyDocumentException),
  // DuplicatePolicyException for a taken name.
  Result<OrgPolicy> CreatePolicy(const OrgInfo& org, std::string_view name,
                                 std::string_view description, std::string_view type,
                                 std::string_view content, OrgTags tags);
  Result<OrgPolicy> UpdatePolicy(const OrgInfo& org, std::string_view policy_id,
                                 const std::optional<std::string>& name,
                                 const std::optional<std::string>& description,
                                 const std::optional<std::string>& content);
  // PolicyInUseException while attached.
  Status DeletePolicy(const OrgInfo& org, std::string_view policy_id);
  // PolicyNotFoundException. p-FullAWSAccess is found in every organization.
  Result<OrgPolicy> FindPolicy(const OrgInfo& org, std::string_view policy_id) const;
  std::vector<OrgPolicy> Policies(const OrgInfo& org) const;
  Status AttachPolicy(const OrgInfo& org, std::string_view policy_id, std::string_view target_id);
  Status DetachPolicy(const OrgInfo& org, std::string_view policy_id, std::string_view target_id);
  // Targets (root, OU, account ids) the policy is attached to.
  Result<std::vector<std::string>> TargetsOf(const OrgInfo& org, std::string_view policy_id) const;
  // TargetNotFoundException.
  Result<std::vector<OrgPolicy>> PoliciesOf(const OrgInfo& org, std::string_view target_id);
  // RootNotFoundException, PolicyTypeAlreadyEnabledException / PolicyTypeNotEnabledException.
  Result<OrgInfo> EnablePolicyType(const OrgInfo& org, std::string_view root_id,
                                   std::string_view type);
  Result<OrgInfo> DisablePolicyType(const OrgInfo& org, std::string_view root_id,
                                    std::string_view type);
  // What a target id names: ROOT, ORGANIZATIONAL_UNIT, ACCOUNT, or "" if nothing.
  std::string TargetType(const OrgInfo& org, std::string_view target_id);
  // Display name of a target (root "Root", OU name, account name).
  std::string TargetName(const OrgInfo& org, std::string_view target_id);

  // ---- Trusted access and delegated administrators ------------------------------------------

  // Whether a service principal supports trusted access (org-iam.md §2.4).
  static bool IsTrustedAccessPrincipal(std::string_view service_principal);
  // InvalidInputException UNRECOGNIZED_SERVICE_PRINCIPAL. Enabling cloudtrail.amazonaws.com
  // creates AWSServiceRoleForCloudTrail in the management account.
  Status EnableServiceAccess(const OrgInfo& org, std::string_view service_principal);
  Status DisableServiceAccess(const OrgInfo& org, std::string_view service_principal);
  std::vector<ServiceAccess> EnabledServices(const OrgInfo& org) const;
  bool ServiceAccessEnabled(const OrgInfo& org, std::string_view service_principal) const;
  // Creates AWSServiceRoleForCloudTrail in the management account unless it exists.
  Status EnsureCloudTrailServiceLinkedRole(const OrgInfo& org);

  // The checks and Reasons of org-iam.md §2.5 (Organizations' error names).
  Status RegisterDelegatedAdministrator(const OrgInfo& org, std::string_view account_id,
                                        std::string_view service_principal);
  Status DeregisterDelegatedAdministrator(const OrgInfo& org, std::string_view account_id,
                                          std::string_view service_principal);
  // All registrations, or those of one service principal ("" = all).
  std::vector<DelegatedAdmin> DelegatedAdmins(const OrgInfo& org,
                                              std::string_view service_principal = "") const;

  // ---- Tags ---------------------------------------------------------------------------------

  // Accounts, OUs, the root and customer policies (TargetNotFoundException otherwise).
  Result<OrgTags> TagsOf(const OrgInfo& org, std::string_view resource_id);
  Status TagResource(const OrgInfo& org, std::string_view resource_id, const OrgTags& tags);
  Status UntagResource(const OrgInfo& org, std::string_view resource_id,
                       const std::vector<std::string>& keys);

 private:
  std::optional<OrgMember> MemberRow(std::string_view account_id) const;
  Status PutMember(const OrgMember& m);
  std::optional<OrgUnit> OuRow(std::string_view ou_id) const;
  std::optional<OrgPolicy> PolicyRow(std::string_view policy_id) const;
  Status PutOrg(const OrgInfo& org);
  std::optional<OrgInfo> OrgRow(std::string_view org_id) const;
  bool IsParent(const OrgInfo& org, std::string_view id) const;
  int DepthOf(const OrgInfo& org, std::string_view parent_id) const;
  std::vector<std::string> AttachedIds(std::string_view target_id) const;
  Status Attach(const OrgInfo& org, std::string_view policy_id, std::string_view target_id);
  Status DropTarget(std::string_view target_id);
  void CompleteRequest(const OrgInfo& org, CreateAccountRequest& request);
  Status PutRequest(const CreateAccountRequest& r);
  Status PutTags(std::string_view resource_id, const OrgTags& tags);

  store::Store& store_;
  IdSource& ids_;
  Clock& clock_;
  Directory& directory_;
  Iam& iam_;
  // One writer at a time keeps the multi-row invariants (names unique per parent, attachment
  // counts, one settle of a request).
  mutable std::recursive_mutex mu_;
};

}  // namespace orgtrail::identity
