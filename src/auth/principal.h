// Principal: who made a request, as verified by authentication. Carries what IAM evaluation
// (spec/org-iam.md §5.2) and CloudTrail's userIdentity (spec/cloudtrail.md) need.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace orgtrail::auth {

enum class PrincipalType { kRoot, kIAMUser, kAssumedRole, kAWSService, kAnonymous };
// CloudTrail userIdentity.type: "Root", "IAMUser", "AssumedRole", "AWSService", "AWSAccount".
const char* UserIdentityType(PrincipalType t);

struct Principal {
  PrincipalType type = PrincipalType::kAnonymous;
  std::string account_id;     // the principal's account ("anonymous" for anonymous callers)
  std::string arn;            // root, user or assumed-role session ARN
  std::string user_id;        // aws:userid: account id, AIDA…, or AROA…:<session>
  std::string user_name;      // IAM user name (users, and sessions of users)
  std::string access_key_id;  // the key that signed the request
  std::string service;        // AWS service principal, e.g. "cloudtrail.amazonaws.com"
  // A service acting for a resource (CloudTrail delivering for a trail): the resource's ARN and
  // account, which become aws:SourceArn and aws:SourceAccount in the request context.
  std::string source_arn;
  std::string source_account;

  // Temporary credentials (GetSessionToken or AssumeRole).
  bool temporary = false;
  int64_t session_issued_ms = 0;
  int64_t session_expires_ms = 0;
  bool mfa_authenticated = false;
  // Role sessions: the role behind the session.
  std::string role_arn;  // arn:aws:iam::<acct>:role/<path><name>
  std::string role_id;   // AROA…
  std::string role_name;
  std::string session_name;
  std::string source_identity;
  // Session policies passed to AssumeRole (documents); they narrow the role's permissions.
  std::vector<std::string> session_policies;
  // aws:PrincipalTag/<key> values (role sessions: role tags overridden by session tags).
  std::vector<std::pair<std::string, std::string>> principal_tags;

  bool is_root() const { return type == PrincipalType::kRoot; }
  bool is_anonymous() const { return type == PrincipalType::kAnonymous; }
};

Principal AnonymousPrincipal();
// An AWS service principal ("logs.amazonaws.com") acting in `account_id` (the account whose
// resources its internal calls read and write; call.account_id() of those calls).
Principal ServicePrincipal(std::string service_host, std::string account_id = "");

}  // namespace orgtrail::auth
