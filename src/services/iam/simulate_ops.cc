// SimulatePrincipalPolicy and SimulateCustomPolicy: the policy engine that enforces every request
// (src/policy), asked a hypothetical question, so a person can find out why a call is refused.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
#include <memory>

#include "identity/directory.h"
#include "identity/organizations.h"
#include "policy/evaluate.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;

// Compiled documents and the evaluation inputs pointing into them.
struct Simulation {
  std::vector<std::unique_ptr<policy::Policy>> owned;
  policy::Inputs inputs;
  policy::RequestPrincipal principal;

  Result<const policy::Policy*> Compile(const std::string& text, policy::PolicyKind kind) {
    auto parsed = policy::ParsePolicy(text, kind);
    if (!parsed.ok()) return AwsError("MalformedPolicyDocument", parsed.error().message, 400);
    owned.push_back(std::make_unique<policy::Policy>(std::move(parsed).value()));
    return owned.back().get();
  }
  Status AddIdentity(const std::string& text) {
    ORGTRAIL_TRY(const policy::Policy* p, Compile(text, policy::PolicyKind::kIdentity));
    inputs.identity.push_back(p);
    return Ok();
  }
};

// The principal named by PolicySourceArn (user, group or role) and its identity policies.
Status LoadSource(Call& call, const std::string& arn, Simulation& sim) {
  identity::Iam& model = Model(call);
  const std::string prefix = "arn:aws:iam::";
  size_t colon = arn.find(':', prefix.size());
  if (arn.compare(0, prefix.size(), prefix) != 0 || colon == std::string::npos)
    return AwsError("InvalidInput", "Invalid ARN: " + arn, 400);
  const std::string account = arn.substr(prefix.size(), colon - prefix.size());
  const std::string resource = arn.substr(colon + 1);
  const std::string name = resource.substr(resource.rfind('/') + 1);
  sim.principal.account = account;
  sim.principal.arn = arn;
  auth::Principal p;
  p.account_id = account;
  if (resource.rfind("user/", 0) == 0) {
    if (!call.env.identity.FindUser(account, name))
      return AwsError("NoSuchEntity", "The user with name " + name + " cannot be found.", 404);
    sim.principal.type = policy::PrincipalType::kIAMUser;
    p.type = auth::PrincipalType::kIAMUser;
    p.user_name = name;
  } else if (resource.rfind("role/", 0) == 0) {
    auto role = model.FindRoleByArn(arn);
    if (!role)
      return AwsError("NoSuchEntity", "The role with name " + name + " cannot be found.", 404);
    sim.principal.type = policy::PrincipalType::kAssumedRole;
    sim.principal.role_arn = arn;
    sim.principal.is_service_linked_role = role->service_linked();
    p.type = auth::PrincipalType::kAssumedRole;
    p.role_arn = arn;
    p.role_name = role->name;
  } else if (resource.rfind("group/", 0) == 0) {
    sim.principal.type = policy::PrincipalType::kIAMUser;
    ORGTRAIL_TRY(auto inline_policies,
                 model.InlinePolicies(account, identity::EntityKind::kGroup, name));
    for (const auto& ip : inline_policies) ORGTRAIL_CHECK(sim.AddIdentity(ip.document));
    ORGTRAIL_TRY(auto attached,
                 model.AttachedPolicies(account, identity::EntityKind::kGroup, name));
    for (const auto& ap : attached) {
      ORGTRAIL_TRY(auto managed, model.GetPolicy(account, ap.arn));
      ORGTRAIL_TRY(auto version, model.GetPolicyVersion(account, ap.arn, managed.default_version));
      ORGTRAIL_CHECK(sim.AddIdentity(version.document));
    }
    return Ok();
  } else {
    return AwsError("InvalidInput", "Invalid ARN: " + arn, 400);
  }
  for (const std::string& doc : model.IdentityPolicies(p)) ORGTRAIL_CHECK(sim.AddIdentity(doc));
  if (auto boundary = model.PermissionsBoundary(p)) {
    ORGTRAIL_TRY(sim.inputs.boundary, sim.Compile(*boundary, policy::PolicyKind::kIdentity));
  }
  return Ok();
}

const char* DecisionName(const policy::Evaluation& e) {
  if (e.allowed()) return "allowed";
  switch (e.reason) {
    case policy::Reason::kExplicitDenyScp:
    case policy::Reason::kExplicitDenyResource:
    case policy::Reason::kExplicitDenyIdentity:
    case policy::Reason::kExplicitDenyBoundary:
    case policy::Reason::kExplicitDenySession:
      return "explicitDeny";
    default:
      return "implicitDeny";
  }
}

// Shared by both operations once the principal and its policies are loaded.
Result<Value> Simulate(Call& call, const Value& input, Simulation& sim) {
  for (const Value& doc : input["PolicyInputList"].AsList())
    ORGTRAIL_CHECK(sim.AddIdentity(doc.AsString()));
  for (const Value& doc : input["PermissionsBoundaryPolicyInputList"].AsList()) {
    ORGTRAIL_TRY(sim.inputs.boundary, sim.Compile(doc.AsString(), policy::PolicyKind::kIdentity));
  }
  if (const Value* rp = input.Find("ResourcePolicy")) {
    ORGTRAIL_TRY(sim.inputs.resource, sim.Compile(rp->AsString(), policy::PolicyKind::kResource));
  }
  if (!sim.principal.account.empty() && sim.principal.type != policy::PrincipalType::kAWSService) {
    for (const auto& level : call.env.orgs.ScpLevels(sim.principal.account)) {
      std::vector<const policy::Policy*> compiled;
      for (const std::string& doc : level) {
        ORGTRAIL_TRY(const policy::Policy* p, sim.Compile(doc, policy::PolicyKind::kScp));
        compiled.push_back(p);
      }
      sim.inputs.scp_levels.push_back(std::move(compiled));
    }
  }
  policy::Request req;
  req.principal = sim.principal;
  if (const Value* caller = input.Find("CallerArn")) req.principal.arn = caller->AsString();
  req.resource_account = input.GetString("ResourceOwner");
  if (!req.resource_account.empty() && req.resource_account.find(':') != std::string::npos) {
    // ResourceOwner may be an account ARN (arn:aws:iam::<acct>:root).
    std::string owner = req.resource_account;
    size_t start = owner.find("::");
    req.resource_account = start == std::string::npos ? owner : owner.substr(start + 2, 12);
  }
  for (const Value& entry : input["ContextEntries"].AsList()) {
    std::vector<std::string> values;
    for (const Value& v : entry["ContextKeyValues"].AsList()) values.push_back(v.AsString());
    req.context.SetAll(entry.GetString("ContextKeyName"), std::move(values));
  }
  std::vector<std::string> resources;
  for (const Value& r : input["ResourceArns"].AsList()) resources.push_back(r.AsString());
  if (resources.empty()) resources.push_back("*");

  Value::List results;
  for (const Value& action : input["ActionNames"].AsList()) {
    for (const std::string& resource : resources) {
      req.action = action.AsString();
      req.resources = {resource};
      policy::Evaluation e = policy::Evaluate(req, sim.inputs);
      Value result = Value::MakeMap()
                         .Set("EvalActionName", req.action)
                         .Set("EvalResourceName", resource)
                         .Set("EvalDecision", DecisionName(e))
                         .Set("MatchedStatements", Value::MakeList())
                         .Set("MissingContextValues", Value::MakeList());
      if (!sim.inputs.scp_levels.empty())
        result.Set("OrganizationsDecisionDetail",
                   Value::MakeMap().Set("AllowedByOrganizations",
                                        e.reason != policy::Reason::kExplicitDenyScp &&
                                            e.reason != policy::Reason::kNoScpAllows));
      if (sim.inputs.boundary)
        result.Set("PermissionsBoundaryDecisionDetail",
                   Value::MakeMap().Set("AllowedByPermissionsBoundary",
                                        e.reason != policy::Reason::kExplicitDenyBoundary &&
                                            e.reason != policy::Reason::kNoBoundaryAllows));
      results.push_back(std::move(result));
    }
  }
  return Page(Value::MakeMap(), "EvaluationResults", std::move(results), input);
}

Result<Value> SimulatePrincipalPolicy(Call& call, const Value& input) {
  Simulation sim;
  ORGTRAIL_CHECK(LoadSource(call, input.GetString("PolicySourceArn"), sim));
  return Simulate(call, input, sim);
}

Result<Value> SimulateCustomPolicy(Call& call, const Value& input) {
  Simulation sim;
  sim.principal.type = policy::PrincipalType::kIAMUser;
  sim.principal.account = call.principal.account_id;
  sim.principal.arn = call.principal.arn;
  sim.principal.account.clear();  // custom policies only: no SCPs, no stored policies
  return Simulate(call, input, sim);
}

constexpr gateway::OperationRow kSimulateOps[] = {
    {"SimulatePrincipalPolicy", SimulatePrincipalPolicy},
    {"SimulateCustomPolicy", SimulateCustomPolicy},
};

}  // namespace

void RegisterSimulateOps(gateway::Registry& registry) { registry.Register("iam", kSimulateOps); }

}  // namespace orgtrail::services::iam
