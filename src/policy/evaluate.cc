// The authorization decision (spec/org-iam.md §5.5; IAM User Guide "Policy evaluation logic",
// "Cross-account policy evaluation logic"; Organizations User Guide "Service control policies").
#include "policy/evaluate.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/encoding.h"
#include "policy/internal.h"

namespace orgtrail::policy {

using internal::PrincipalMatch;

// --- Context ----------------------------------------------------------------------------------

// A request's context has a dozen or two keys (authorize.cc's FillContext): room for them at the
// first, so that filling it does not move the entries as the vector grows.
constexpr size_t kUsualKeys = 24;

void Context::Set(std::string_view key, std::string value) {
  for (auto& [k, v] : entries_) {
    if (IEquals(k, key)) {
      v.assign(1, std::move(value));
      return;
    }
  }
  if (entries_.empty()) entries_.reserve(kUsualKeys);
  std::vector<std::string> values;
  values.push_back(std::move(value));
  entries_.emplace_back(ToLower(key), std::move(values));
}

void Context::SetAll(std::string_view key, std::vector<std::string> values) {
  for (auto& [k, v] : entries_) {
    if (IEquals(k, key)) {
      v = std::move(values);
      return;
    }
  }
  if (entries_.empty()) entries_.reserve(kUsualKeys);
  entries_.emplace_back(ToLower(key), std::move(values));
}

void Context::Add(std::string_view key, std::string value) {
  std::string lower = ToLower(key);
  for (auto& [k, v] : entries_) {
    if (k == lower) {
      v.push_back(std::move(value));
      return;
    }
  }
  entries_.emplace_back(std::move(lower), std::vector<std::string>{std::move(value)});
}

void Context::Erase(std::string_view key) {
  std::string lower = ToLower(key);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == lower) {
      entries_.erase(it);
      return;
    }
  }
}

const std::vector<std::string>* Context::Find(std::string_view key) const {
  for (const auto& [k, v] : entries_)
    if (IEquals(k, key)) return &v;
  return nullptr;
}

const std::vector<std::string>* Context::FindLower(std::string_view lower_key) const {
  for (const auto& [k, v] : entries_)
    if (k == lower_key) return &v;
  return nullptr;
}

// --- Evaluation -------------------------------------------------------------------------------

std::string_view ReasonName(Reason r) {
  switch (r) {
    case Reason::kRootOfAccount:
      return "RootOfAccount";
    case Reason::kResourcePolicyAllows:
      return "ResourcePolicyAllows";
    case Reason::kIdentityPolicyAllows:
      return "IdentityPolicyAllows";
    case Reason::kServiceSameAccount:
      return "ServiceSameAccount";
    case Reason::kExplicitDenyScp:
      return "ExplicitDenyScp";
    case Reason::kExplicitDenyResource:
      return "ExplicitDenyResource";
    case Reason::kExplicitDenyIdentity:
      return "ExplicitDenyIdentity";
    case Reason::kExplicitDenyBoundary:
      return "ExplicitDenyBoundary";
    case Reason::kExplicitDenySession:
      return "ExplicitDenySession";
    case Reason::kNoScpAllows:
      return "NoScpAllows";
    case Reason::kNoResourcePolicyAllows:
      return "NoResourcePolicyAllows";
    case Reason::kNoIdentityPolicyAllows:
      return "NoIdentityPolicyAllows";
    case Reason::kNoBoundaryAllows:
      return "NoBoundaryAllows";
    case Reason::kNoSessionPolicyAllows:
      return "NoSessionPolicyAllows";
  }
  return "Unknown";
}

namespace {

struct Scan {
  bool allow = false;
  bool deny = false;
  PrincipalMatch best = PrincipalMatch::kNone;  // strongest principal match among Allows
};

struct Target {
  const Request& req;
  std::string_view action;  // lower-cased
  std::string_view resource;
};

void ScanPolicy(const Policy& p, const Target& t, bool check_principal, Scan* out) {
  for (const Statement& st : p.statements) {
    // Once the strongest Allow is known only Deny statements can change the outcome.
    if (st.effect == Effect::kAllow && out->allow &&
        (!check_principal || out->best == PrincipalMatch::kDirect))
      continue;
    if (!internal::ActionMatches(st, t.action)) continue;
    PrincipalMatch pm = PrincipalMatch::kDirect;
    if (check_principal) {
      pm = internal::MatchPrincipal(st, t.req.principal);
      if (pm == PrincipalMatch::kNone) continue;
    }
    if (!internal::ResourceMatches(p, st, t.resource, t.req.context)) continue;
    if (!internal::ConditionsMatch(p, st, t.req.context)) continue;
    if (st.effect == Effect::kDeny) {
      out->deny = true;
      return;
    }
    out->allow = true;
    if (pm > out->best) out->best = pm;
  }
}

Scan ScanAll(const std::vector<const Policy*>& policies, const Target& t) {
  Scan s;
  for (const Policy* p : policies) {
    if (p == nullptr) continue;
    ScanPolicy(*p, t, false, &s);
    if (s.deny) break;
  }
  return s;
}

Evaluation Allow(Reason r) { return Evaluation{Decision::kAllow, r, 0}; }
Evaluation Deny(Reason r) { return Evaluation{Decision::kDeny, r, 0}; }

bool IsBucketPolicyAction(std::string_view action_lower) {
  return action_lower == "s3:getbucketpolicy" || action_lower == "s3:putbucketpolicy" ||
         action_lower == "s3:deletebucketpolicy";
}

Evaluation EvaluateOne(const Request& req, const Inputs& in, const Target& t) {
  const RequestPrincipal& p = req.principal;
  const bool same_account =
      req.resource_account.empty() || t.resource == "*" || req.resource_account == p.account;

  Scan rp;
  if (in.resource != nullptr) ScanPolicy(*in.resource, t, true, &rp);

  // §5.5.1 anonymous and §5.5.2 service principals: the resource policy alone decides.
  if (p.type == PrincipalType::kAnonymous || p.type == PrincipalType::kAWSService) {
    if (rp.deny) return Deny(Reason::kExplicitDenyResource);
    if (rp.allow) return Allow(Reason::kResourcePolicyAllows);
    if (p.type == PrincipalType::kAWSService && in.resource == nullptr && same_account)
      return Allow(Reason::kServiceSameAccount);
    return Deny(Reason::kNoResourcePolicyAllows);
  }

  // §5.5.3 explicit deny, in SCPs (§5.5.4 scope), resource, identity, boundary, session policies.
  const bool scps_apply = !in.scp_levels.empty() && !p.is_service_linked_role;
  std::vector<bool> level_allows;
  if (scps_apply) {
    level_allows.reserve(in.scp_levels.size());
    for (const auto& level : in.scp_levels) {
      Scan s = ScanAll(level, t);
      if (s.deny) return Deny(Reason::kExplicitDenyScp);
      level_allows.push_back(s.allow);
    }
  }
  if (rp.deny) {
    // The bucket owner's root may always manage the bucket policy (only SCPs can stop it).
    const bool root_exception =
        p.type == PrincipalType::kRoot && same_account && IsBucketPolicyAction(t.action);
    if (!root_exception) return Deny(Reason::kExplicitDenyResource);
  }
  Scan ip = ScanAll(in.identity, t);
  if (ip.deny) return Deny(Reason::kExplicitDenyIdentity);
  Scan b;
  if (in.boundary != nullptr) {
    ScanPolicy(*in.boundary, t, false, &b);
    if (b.deny) return Deny(Reason::kExplicitDenyBoundary);
  }
  Scan sp = ScanAll(in.session, t);
  if (sp.deny) return Deny(Reason::kExplicitDenySession);

  // §5.5.4 every SCP level needs an Allow.
  for (bool allowed : level_allows)
    if (!allowed) return Deny(Reason::kNoScpAllows);

  // Boundary and session policies limit whatever the identity or a role-ARN grant allows.
  auto limits = [&]() -> std::optional<Reason> {
    if (in.boundary != nullptr && !b.allow) return Reason::kNoBoundaryAllows;
    if (!in.session.empty() && !sp.allow) return Reason::kNoSessionPolicyAllows;
    return std::nullopt;
  };
  // P's own account allows the call: root, or identity ∧ boundary ∧ session (§5.5.5d, §5.5.6b).
  auto own_account = [&]() -> Evaluation {
    if (p.type == PrincipalType::kRoot) return Allow(Reason::kRootOfAccount);
    if (!ip.allow) return Deny(Reason::kNoIdentityPolicyAllows);
    if (auto r = limits()) return Deny(*r);
    return Allow(Reason::kIdentityPolicyAllows);
  };

  if (in.resource_is_trust_policy) {
    // §5.5.5f: sts:AssumeRole needs a trust policy Allow for P in every case.
    if (!rp.allow) return Deny(Reason::kNoResourcePolicyAllows);
    if (!same_account) return own_account();
  } else if (!same_account) {
    // §5.5.6 cross account: the resource policy and P's account must both allow.
    if (!rp.allow) return Deny(Reason::kNoResourcePolicyAllows);
    return own_account();
  }

  // §5.5.5 same account.
  if (p.type == PrincipalType::kRoot) return Allow(Reason::kRootOfAccount);
  if (rp.allow && rp.best == PrincipalMatch::kDirect) return Allow(Reason::kResourcePolicyAllows);
  if (rp.allow && rp.best == PrincipalMatch::kRoleArn) {
    if (auto r = limits()) return Deny(*r);
    return Allow(Reason::kResourcePolicyAllows);
  }
  return own_account();
}

}  // namespace

Evaluation Evaluate(const Request& request, const Inputs& inputs) {
  std::string action = ToLower(request.action);
  if (request.resources.empty()) {
    return EvaluateOne(request, inputs, Target{request, action, "*"});
  }
  Evaluation last;
  for (size_t i = 0; i < request.resources.size(); ++i) {
    last = EvaluateOne(request, inputs, Target{request, action, request.resources[i]});
    if (!last.allowed()) {
      last.resource_index = i;
      return last;
    }
  }
  return last;
}

std::string DenialMessage(const Request& request, const Evaluation& e, const DenialFormat& f) {
  const RequestPrincipal& p = request.principal;
  std::string_view who = p.arn;
  if (p.type == PrincipalType::kAWSService) who = p.service;
  if (who.empty()) who = "anonymous";
  std::string_view action = f.action.empty() ? std::string_view(request.action) : f.action;
  std::string_view resource = "*";
  if (e.resource_index < request.resources.size()) resource = request.resources[e.resource_index];

  std::string out = "User: ";
  out.append(who).append(" is not authorized to perform: ").append(action);
  out.append(" on resource: ");
  if (f.quote_resource) out.push_back('"');
  out.append(resource);
  if (f.quote_resource) out.push_back('"');

  auto because = [&](std::string_view what) {
    out.append(" because no ").append(what).append(" allows the ").append(action).append(" action");
  };
  auto explicit_deny = [&](std::string_view where) {
    out.append(" with an explicit deny in ").append(where);
  };
  switch (e.reason) {
    case Reason::kExplicitDenyScp:
      explicit_deny("a service control policy");
      break;
    case Reason::kExplicitDenyResource:
      explicit_deny("a resource-based policy");
      break;
    case Reason::kExplicitDenyIdentity:
      explicit_deny("an identity-based policy");
      break;
    case Reason::kExplicitDenyBoundary:
      explicit_deny("a permissions boundary");
      break;
    case Reason::kExplicitDenySession:
      explicit_deny("a session policy");
      break;
    case Reason::kNoScpAllows:
      because("service control policy");
      break;
    case Reason::kNoResourcePolicyAllows:
      because("resource-based policy");
      break;
    case Reason::kNoIdentityPolicyAllows:
      because("identity-based policy");
      break;
    case Reason::kNoBoundaryAllows:
      because("permissions boundary");
      break;
    case Reason::kNoSessionPolicyAllows:
      because("session policy");
      break;
    default:
      break;  // allowed: no clause
  }
  return out;
}

}  // namespace orgtrail::policy
