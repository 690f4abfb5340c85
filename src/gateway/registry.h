// The operation registry (DESIGN.md §3): services register one table of rows per file; the
// gateway dispatches through it, and services call each other only through it (as AWS service
// principals, never audited).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/result.h"
#include "core/value.h"
#include "gateway/env.h"
#include "http/message.h"

namespace orgtrail::spec {
class Catalog;
}

namespace orgtrail::gateway {

class Registry;

// Everything a handler may know about the call it serves.
struct Call {
  Env& env;
  Registry& registry;
  const auth::Principal& principal;
  std::string service;    // registry name: "sts", "sqs", ...
  std::string operation;  // "GetCallerIdentity"
  std::string region;     // request region (credential scope)
  std::string request_id;
  const http::Request* http = nullptr;  // null for internal calls
  bool internal = false;
  // Set by handlers that must add response headers outside the model (rare).
  http::Response* response = nullptr;
  // Set by the authorize stage: the target's resources and their owner ("" = caller's), for
  // the CloudTrail record.
  std::vector<std::string> resources = {};
  std::string resource_account = {};

  int64_t NowMillis() const { return env.clock.NowMillis(); }
  // The account the call acts in: the principal's account.
  const std::string& account_id() const { return principal.account_id; }
};

using Handler = Result<Value> (*)(Call& call, const Value& input);

// What the authorize stage evaluates an operation against (spec/org-iam.md §5.3).
struct AuthzTarget {
  std::vector<std::string> resources;  // ARNs; empty = {"*"}
  std::string resource_account;        // owner of the resources; "" = the caller's account
  std::string resource_policy;         // JSON text of the resource (or trust) policy; "" = none
  bool trust_policy = false;           // resource_policy is a role trust policy
  std::vector<std::pair<std::string, std::string>> context;  // extra condition keys
  // The IAM action when it depends on the input (s3:GetObjectVersion); "" = the row's.
  std::string action;
};
// Names the resources of one call. May refuse the call outright (e.g. AssumeRole by root).
using TargetFn = Result<AuthzTarget> (*)(Call& call, const Value& input);

// One row of a service's operation table: the AWS operation name, verbatim, its handler, the
// IAM action when it is not "<prefix>:<Operation>", and the function naming its resources when
// they are not "*" in the caller's account.
struct OperationRow {
  std::string_view name;
  Handler handler;
  std::string_view action = {};
  TargetFn target = nullptr;
};

class Registry {
 public:
  // Registers the rows of one table under `service` (the model's registry name).
  void Register(std::string_view service, std::span<const OperationRow> rows);
  const OperationRow* Find(std::string_view service, std::string_view operation) const;
  // A service's default for rows without a target function (IAM names its entities this way);
  // without one, resources are "*" in the caller's account.
  void SetDefaultTarget(std::string_view service, TargetFn target);
  TargetFn DefaultTarget(std::string_view service) const;
  // Services with at least one handler, sorted.
  std::vector<std::string> Services() const;
  // Start-up self-check: every row names an operation of its service's model.
  Status SelfCheck(const spec::Catalog& catalog) const;

  // Calls another service's operation as `principal` (usually an AWS service principal, or a
  // session of a role a service assumed). Internal calls skip signature checks and are never
  // audited (no loops). With `authorize` they pass the same authorize stage as a user's request
  // (the operation's target, resource policy, the role session's policies, SCPs): a bucket
  // policy decides whether cloudtrail.amazonaws.com may write. Without it the service acts on
  // its own authority (metric filters writing metrics). The input is not validated against the
  // model: internal callers build it.
  Result<Value> CallInternal(Env& env, const auth::Principal& principal, std::string_view service,
                             std::string_view operation, const Value& input,
                             std::string_view region, bool authorize = false);
  // Only the authorization of such a call, without running it (CloudTrail's bucket-policy and
  // role checks at CreateTrail).
  Status AuthorizeInternal(Env& env, const auth::Principal& principal, std::string_view service,
                           std::string_view operation, const Value& input, std::string_view region);
  // The models, for the action names of internal calls (set by the Gateway).
  void SetCatalog(const spec::Catalog* catalog) { catalog_ = catalog; }

 private:
  std::map<std::string, std::map<std::string, OperationRow, std::less<>>, std::less<>> rows_;
  std::map<std::string, TargetFn, std::less<>> default_targets_;
  const spec::Catalog* catalog_ = nullptr;
};

}  // namespace orgtrail::gateway
