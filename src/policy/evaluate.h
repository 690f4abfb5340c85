// The authorization decision (spec/org-iam.md §5.4–§5.6). Pure: the caller (the gateway) gathers
// the principal, the request context and the applicable compiled policies; Evaluate decides.
//
//   Request req;                        // who, what, on which resources, with which context
//   Inputs in;                          // identity / boundary / session / resource / SCP policies
//   Evaluation e = Evaluate(req, in);
//   if (!e.allowed()) return AccessDenied(DenialMessage(req, e));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/document.h"

namespace orgtrail::policy {

// Request context keys (§5.2): names are case-insensitive, values case-sensitive; a key may hold
// several values (multi-valued keys such as aws:TagKeys). A key with no values counts as absent.
class Context {
 public:
  // Replaces the key's values with one value.
  void Set(std::string_view key, std::string value);
  // Replaces the key's values.
  void SetAll(std::string_view key, std::vector<std::string> values);
  // Appends one more value to the key.
  void Add(std::string_view key, std::string value);
  void Erase(std::string_view key);
  // nullptr when the key is absent. `key` in any case.
  const std::vector<std::string>* Find(std::string_view key) const;
  // As Find, for a key already lower-cased (the compiled form of condition keys).
  const std::vector<std::string>* FindLower(std::string_view lower_key) const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;  // lower-cased names
};

enum class PrincipalType { kRoot, kIAMUser, kAssumedRole, kAWSService, kAnonymous };

struct RequestPrincipal {
  PrincipalType type = PrincipalType::kAnonymous;
  std::string account;   // principal's account (PA); for service principals the account the
                         // service acts for (log group owner, trail owner, ...)
  std::string arn;       // root arn:aws:iam::A:root, user ARN, or the session ARN
  std::string role_arn;  // sessions: the role's ARN (arn:aws:iam::A:role/<path><name>)
  std::string service;   // service principals: e.g. "cloudtrail.amazonaws.com"
  bool is_service_linked_role = false;  // role path /aws-service-role/: SCPs never apply
};

struct Request {
  RequestPrincipal principal;
  std::string action;  // "s3:GetObject" (matched case-insensitively)
  // ARNs, or "*" for actions without resource-level permissions. Each resource is evaluated on
  // its own; the request is allowed only if every one is. Empty = {"*"}.
  std::vector<std::string> resources;
  // Owner of the resources (RA). Empty = the principal's account (same-account rules apply).
  std::string resource_account;
  Context context;
};

// The policies that apply. Pointers must outlive the Evaluate call; nullptr/empty = none.
struct Inputs {
  std::vector<const Policy*> identity;    // user: inline + attached + groups; session: the role's
  const Policy* boundary = nullptr;       // permissions boundary of the user or role
  std::vector<const Policy*> session;     // session policies (inline + managed ARNs) of a session
  const Policy* resource = nullptr;       // bucket/topic/queue/function policy, or trust policy
  bool resource_is_trust_policy = false;  // `resource` is the role trust policy (sts:AssumeRole)
  // One entry per level on the path root → OUs → account, each the SCPs attached at that level.
  // Empty = SCPs do not apply (not a member account, no SCP type, ...). The caller decides
  // applicability (§5.5.4); Evaluate additionally ignores SCPs for service-linked roles,
  // service principals and anonymous callers.
  std::vector<std::vector<const Policy*>> scp_levels;
};

enum class Decision { kAllow, kDeny };

enum class Reason {
  // Allowed.
  kRootOfAccount,         // §5.5.5a (or the root side of a cross-account call)
  kResourcePolicyAllows,  // §5.5.1, §5.5.2, §5.5.5b: resource/trust policy names P directly
  kIdentityPolicyAllows,  // §5.5.5d, §5.5.6
  kServiceSameAccount,    // §5.5.2: same-account service call to a resource without policy
  // Denied.
  kExplicitDenyScp,
  kExplicitDenyResource,
  kExplicitDenyIdentity,
  kExplicitDenyBoundary,
  kExplicitDenySession,
  kNoScpAllows,
  kNoResourcePolicyAllows,
  kNoIdentityPolicyAllows,
  kNoBoundaryAllows,
  kNoSessionPolicyAllows,
};

std::string_view ReasonName(Reason r);  // "ExplicitDenyScp", ... for logs and tests

struct Evaluation {
  Decision decision = Decision::kDeny;
  Reason reason = Reason::kNoIdentityPolicyAllows;
  size_t resource_index = 0;  // denied: the first resource that was denied
  bool allowed() const { return decision == Decision::kAllow; }
};

// §5.5. Anonymous: resource policy Allow for "*" and no Deny. Service principals: resource
// policy Allow naming the service (or "*") and no Deny; a same-account call to a resource
// without a resource policy is allowed. Others: explicit Deny in SCP/resource/identity/
// boundary/session policies first (the bucket owner's root may always Get/Put/DeleteBucketPolicy
// despite the bucket policy), then every SCP level needs an Allow, then the same-account and
// cross-account rules (root; resource policy naming P directly; account-principal delegation;
// identity ∧ boundary ∧ session; trust policies required for sts:AssumeRole).
Evaluation Evaluate(const Request& request, const Inputs& inputs);

// Rendering of §5.6 for callers that adapt it per service.
struct DenialFormat {
  std::string_view action;  // action as printed (SNS "SNS:Publish", SQS lower case); empty = as is
  bool quote_resource = false;  // S3 prints the resource in double quotes
};

// "User: <arn> is not authorized to perform: <action> on resource: <resource> because no
// identity-based policy allows the <action> action", "... with an explicit deny in a service
// control policy", and the other forms of §5.6. <arn> is the session ARN for sessions, the
// service name for service principals, "anonymous" for anonymous callers.
std::string DenialMessage(const Request& request, const Evaluation& evaluation,
                          const DenialFormat& format = {});

}  // namespace orgtrail::policy
