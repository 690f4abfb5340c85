// The authorize stage (spec/org-iam.md §5): gathers the principal, the request context and the
// policies that apply, asks the policy engine, and names a denial the way the service does.
#include <optional>

#include "core/encoding.h"
#include "core/time_format.h"
#include "gateway/policy_cache.h"
#include "gateway/stages.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "policy/evaluate.h"

namespace orgtrail::gateway {
namespace {

// Compiled documents are pure data keyed by their text: one cache serves the whole process.
PolicyCache& Cache() {
  static PolicyCache cache;
  return cache;
}

policy::PrincipalType TypeOf(auth::PrincipalType t) {
  switch (t) {
    case auth::PrincipalType::kRoot:
      return policy::PrincipalType::kRoot;
    case auth::PrincipalType::kIAMUser:
      return policy::PrincipalType::kIAMUser;
    case auth::PrincipalType::kAssumedRole:
      return policy::PrincipalType::kAssumedRole;
    case auth::PrincipalType::kAWSService:
      return policy::PrincipalType::kAWSService;
    case auth::PrincipalType::kAnonymous:
      return policy::PrincipalType::kAnonymous;
  }
  return policy::PrincipalType::kAnonymous;
}

const char* PrincipalTypeKey(auth::PrincipalType t) {
  switch (t) {
    case auth::PrincipalType::kRoot:
      return "Account";
    case auth::PrincipalType::kIAMUser:
      return "User";
    case auth::PrincipalType::kAssumedRole:
      return "AssumedRole";
    case auth::PrincipalType::kAWSService:
      return "Service";
    case auth::PrincipalType::kAnonymous:
      return "Anonymous";
  }
  return "Anonymous";
}

// The request context of spec/org-iam.md §5.2.
void FillContext(const Call& call, const std::optional<identity::OrgInfo>& org,
                 policy::Context& ctx) {
  const auth::Principal& p = call.principal;
  const std::string principal_arn =
      p.type == auth::PrincipalType::kAssumedRole ? p.role_arn : p.arn;
  if (!principal_arn.empty()) ctx.Set("aws:PrincipalArn", principal_arn);
  const bool has_account = !p.is_anonymous() && p.type != auth::PrincipalType::kAWSService;
  if (has_account) ctx.Set("aws:PrincipalAccount", p.account_id);
  if (org) ctx.Set("aws:PrincipalOrgID", org->id);
  ctx.Set("aws:PrincipalType", PrincipalTypeKey(p.type));
  if (!p.user_id.empty()) ctx.Set("aws:userid", p.user_id);
  if (p.type == auth::PrincipalType::kIAMUser) ctx.Set("aws:username", p.user_name);
  const bool secure = call.http && call.http->secure;
  ctx.Set("aws:SecureTransport", secure ? "true" : "false");
  if (call.http && !call.http->remote_ip.empty()) ctx.Set("aws:SourceIp", call.http->remote_ip);
  int64_t now = call.NowMillis();
  ctx.Set("aws:CurrentTime", FormatIso8601Seconds(now));
  ctx.Set("aws:EpochTime", std::to_string(now / 1000));
  if (p.temporary) {
    ctx.Set("aws:TokenIssueTime", FormatIso8601Seconds(p.session_issued_ms));
    ctx.Set("aws:MultiFactorAuthPresent", p.mfa_authenticated ? "true" : "false");
  }
  for (const auto& [key, value] : p.principal_tags) ctx.Set("aws:PrincipalTag/" + key, value);
  if (!p.source_arn.empty()) ctx.Set("aws:SourceArn", p.source_arn);
  if (!p.source_account.empty()) ctx.Set("aws:SourceAccount", p.source_account);
  ctx.Set("aws:RequestedRegion", call.region);
  if (call.http) {
    if (const std::string* ua = call.http->FindHeader("User-Agent")) ctx.Set("aws:UserAgent", *ua);
  }
}

// How each service words a denial (spec/org-iam.md §5.6).
AwsError DenialError(const Call& call, const policy::Request& req,
                     const policy::Evaluation& evaluation,
                     const std::optional<identity::OrgInfo>& caller_org) {
  const std::string& svc = call.service;
  policy::DenialFormat format;
  if (svc == "s3") {
    format.quote_resource = true;
    const std::string& ra = req.resource_account;
    bool same_org = false;
    if (caller_org && !ra.empty()) {
      if (auto resource_org = call.env.orgs.OrganizationOf(ra))
        same_org = resource_org->id == caller_org->id;
    }
    bool insider = !call.principal.is_anonymous() &&
                   (ra.empty() || ra == call.principal.account_id || same_org);
    return AwsError("AccessDenied",
                    insider ? policy::DenialMessage(req, evaluation, format) : "Access Denied",
                    403);
  }
  std::string sns_action;
  if (svc == "sns") {
    sns_action = "SNS:" + req.action.substr(req.action.find(':') + 1);
    format.action = sns_action;
    return AwsError("AuthorizationError", policy::DenialMessage(req, evaluation, format), 403);
  }
  // AssumeRole's denial names no reason, identically whether or not the role exists (§3.2).
  if (svc == "sts" && req.action == "sts:AssumeRole")
    return AwsError("AccessDenied",
                    "User: " + req.principal.arn +
                        " is not authorized to perform: sts:AssumeRole on "
                        "resource: " +
                        req.resources.front(),
                    403);
  std::string lower_action;
  if (svc == "sqs") {
    lower_action = ToLower(req.action);
    format.action = lower_action;
  }
  std::string message = policy::DenialMessage(req, evaluation, format);
  if (svc == "logs" || svc == "cloudtrail" || svc == "organizations")
    return AwsError("AccessDeniedException", std::move(message), 400);
  if (svc == "lambda") return AwsError("AccessDeniedException", std::move(message), 403);
  return AwsError("AccessDenied", std::move(message), 403);
}

// Structural rules for sessions from GetSessionToken without MFA (spec/org-iam.md §3.3): no
// IAM, and of STS only AssumeRole and GetCallerIdentity.
Status SessionTokenRules(const Call& call, const protocol::Route& route) {
  const auth::Principal& p = call.principal;
  bool token_session = p.temporary && p.type != auth::PrincipalType::kAssumedRole;
  if (!token_session || p.mfa_authenticated) return Ok();
  if (call.service == "sts" && call.operation == "GetSessionToken")
    return AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  bool allowed_sts = call.service == "sts" &&
                     (call.operation == "AssumeRole" || call.operation == "GetCallerIdentity");
  if (call.service == "iam" || (call.service == "sts" && !allowed_sts)) {
    std::string action = ActionOf(route, nullptr);
    return AwsError("AccessDenied",
                    "User: " + p.arn + " is not authorized to perform: " + action +
                        " on resource: * because no session policy allows the " + action +
                        " action",
                    403);
  }
  return Ok();
}

}  // namespace

std::string EventSource(const spec::Service& service) {
  return service.endpoint_prefix + ".amazonaws.com";
}

std::string ActionOf(const protocol::Route& route, const OperationRow* row) {
  if (row && !row->action.empty()) return std::string(row->action);
  std::string prefix = route.service ? route.service->signing_name : "";
  if (prefix == "monitoring") prefix = "cloudwatch";
  return prefix + ":" + route.operation_name;
}

Status Authorize(Call& call, const protocol::Route& route, const OperationRow& row,
                 const Value& input) {
  ORGTRAIL_CHECK(SessionTokenRules(call, route));
  const auth::Principal& p = call.principal;
  // GetCallerIdentity needs no permission and is never denied (spec/org-iam.md §3.1).
  if (call.service == "sts" && call.operation == "GetCallerIdentity") return Ok();

  AuthzTarget target;
  if (TargetFn fn = row.target ? row.target : call.registry.DefaultTarget(call.service)) {
    ORGTRAIL_TRY(target, fn(call, input));
  }

  policy::Request req;
  req.principal.type = TypeOf(p.type);
  // A service principal is admitted by the resource policy alone (a bucket without a policy
  // refuses CloudTrail even in the trail's own account): it belongs to no account here.
  req.principal.account = p.type == auth::PrincipalType::kAWSService ? "" : p.account_id;
  req.principal.arn = p.is_anonymous() ? "anonymous" : p.arn;
  req.principal.role_arn = p.role_arn;
  req.principal.service = p.service;
  req.action = target.action.empty() ? ActionOf(route, &row) : target.action;
  req.resources = target.resources;
  req.resource_account = target.resource_account;
  call.resources = target.resources;  // for the CloudTrail record
  call.resource_account = target.resource_account;
  std::optional<identity::OrgInfo> org;
  if (!p.is_anonymous() && p.type != auth::PrincipalType::kAWSService)
    org = call.env.orgs.OrganizationOf(p.account_id);
  FillContext(call, org, req.context);
  for (const auto& [k, v] : target.context) req.context.Set(k, v);

  // Keep every compiled policy alive for the evaluation.
  std::vector<std::shared_ptr<const policy::Policy>> keep;
  auto compile = [&](const std::string& text, policy::PolicyKind kind) -> const policy::Policy* {
    auto compiled = Cache().Get(text, kind);
    keep.push_back(compiled);
    return compiled.get();
  };
  policy::Inputs in;
  if (p.type == auth::PrincipalType::kIAMUser || p.type == auth::PrincipalType::kAssumedRole) {
    for (const std::string& doc : call.env.iam.IdentityPolicies(p))
      if (const policy::Policy* pol = compile(doc, policy::PolicyKind::kIdentity))
        in.identity.push_back(pol);
    if (auto boundary = call.env.iam.PermissionsBoundary(p))
      in.boundary = compile(*boundary, policy::PolicyKind::kIdentity);
    if (p.type == auth::PrincipalType::kAssumedRole) {
      for (const std::string& doc : p.session_policies)
        if (const policy::Policy* pol = compile(doc, policy::PolicyKind::kIdentity))
          in.session.push_back(pol);
      // Service-linked roles live under /aws-service-role/: the ARN says so, no lookup needed.
      req.principal.is_service_linked_role =
          p.role_arn.find(":role/aws-service-role/") != std::string::npos;
    }
  }
  if (!target.resource_policy.empty()) {
    in.resource =
        compile(target.resource_policy,
                target.trust_policy ? policy::PolicyKind::kTrust : policy::PolicyKind::kResource);
    in.resource_is_trust_policy = target.trust_policy;
  }
  if (!p.is_anonymous() && p.type != auth::PrincipalType::kAWSService) {
    for (const auto& level : call.env.orgs.ScpLevels(p.account_id)) {
      std::vector<const policy::Policy*> compiled_level;
      for (const std::string& doc : level)
        if (const policy::Policy* pol = compile(doc, policy::PolicyKind::kScp))
          compiled_level.push_back(pol);
      in.scp_levels.push_back(std::move(compiled_level));
    }
  }

  policy::Evaluation evaluation = policy::Evaluate(req, in);
  if (evaluation.allowed()) return Ok();
  return DenialError(call, req, evaluation, org);
}

}  // namespace orgtrail::gateway
