// STS AssumeRole (spec/org-iam.md §3.2).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
#include "core/encoding.h"
#include "gateway/registry.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "policy/document.h"
#include "services/sts/sts.h"

namespace orgtrail::services {
namespace {

using gateway::Call;

// The account of arn:aws:iam::<acct>:role/<path><name>, or "" when the ARN is not a role ARN.
std::string RoleAccount(const std::string& arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (arn.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  size_t colon = arn.find(':', kPrefix.size());
  if (colon == std::string::npos || arn.compare(colon + 1, 5, "role/") != 0) return "";
  return arn.substr(kPrefix.size(), colon - kPrefix.size());
}

// Authorization target: the role, with its trust policy as the resource policy (§3.2 rule 2).
// Root credentials are refused before any policy is read (rule 1).
Result<gateway::AuthzTarget> AssumeRoleTarget(Call& call, const Value& input) {
  if (call.principal.is_root())
    return AwsError("AccessDenied", "Roles may not be assumed by root accounts.", 403);
  gateway::AuthzTarget target;
  std::string arn = input.GetString("RoleArn");
  target.resources = {arn};
  target.resource_account = RoleAccount(arn);
  if (auto role = call.env.iam.FindRoleByArn(arn))
    target.resource_policy = role->assume_role_policy;
  target.trust_policy = true;
  if (input.Has("ExternalId"))
    target.context.emplace_back("sts:ExternalId", input.GetString("ExternalId"));
  target.context.emplace_back("sts:RoleSessionName", input.GetString("RoleSessionName"));
  if (input.Has("SourceIdentity"))
    target.context.emplace_back("sts:SourceIdentity", input.GetString("SourceIdentity"));
  return target;
}

// Session policies (§3.2 rule 4): the inline Policy and the managed PolicyArns, as documents.
// Returns them with the packed size AWS reports (percent of the 2048-character allowance).
Result<std::pair<std::vector<std::string>, int64_t>> SessionPolicies(Call& call,
                                                                     const identity::Role& role,
                                                                     const Value& input) {
  std::vector<std::string> docs;
  int64_t packed = 0;
  if (const Value* inline_policy = input.Find("Policy")) {
    const std::string& text = inline_policy->AsString();
    if (Status st = policy::ValidateDocument(text, policy::PolicyKind::kIdentity); !st.ok())
      return AwsError("MalformedPolicyDocumentException", st.error().message);
    docs.push_back(text);
    for (char c : text)
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r') ++packed;
  }
  for (const Value& ref : input["PolicyArns"].AsList()) {
    std::string arn = ref.GetString("arn");
    auto managed = call.env.iam.GetPolicy(role.account_id, arn);
    if (!managed.ok()) return managed.error();
    ORGTRAIL_TRY(identity::PolicyVersion version,
                 call.env.iam.GetPolicyVersion(role.account_id, arn, managed->default_version));
    docs.push_back(version.document);
    packed += static_cast<int64_t>(arn.size());
  }
  int64_t percent = (packed * 100 + 2047) / 2048;
  if (percent > 100)
    return AwsError("PackedPolicyTooLargeException",
                    "Packed size of the policies exceeds 2048 characters (" +
                        std::to_string(percent) + "% of the allowed size).");
  return std::make_pair(std::move(docs), percent);
}

Result<Value> AssumeRole(Call& call, const Value& input) {
  const std::string arn = input.GetString("RoleArn");
  auto role = call.env.iam.FindRoleByArn(arn);
  if (!role)  // authorization already refuses unknown roles; kept for internal callers
    return AwsError("AccessDenied",
                    "User: " + call.principal.arn +
                        " is not authorized to perform: sts:AssumeRole on "
                        "resource: " +
                        arn,
                    403);
  const int64_t duration = input["DurationSeconds"].AsInt(3600);
  if (call.principal.type == auth::PrincipalType::kAssumedRole && duration > 3600)
    return AwsError("ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                    "assumed by role chaining.",
                    400);
  if (duration > role->max_session_seconds)
    return AwsError("ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                    "role.",
                    400);
  identity::AccessKey base;
  base.account_id = role->account_id;
  base.session_of = auth::PrincipalType::kAssumedRole;
  base.role_arn = role->Arn();
  base.role_id = role->role_id;
  base.role_name = role->name;
  base.session_name = input.GetString("RoleSessionName");
  base.source_identity = input.GetString("SourceIdentity");
  ORGTRAIL_TRY(auto session, SessionPolicies(call, *role, input));
  // Principal tags: the role's tags, overridden by session tags of the same key (case-insensitive).
  base.session_tags = role->tags;
  for (const Value& tag : input["Tags"].AsList()) {
    std::string key = tag.GetString("Key");
    std::erase_if(base.session_tags,
                  [&key](const identity::Tag& t) { return IEquals(t.key, key); });
    base.session_tags.push_back({key, tag.GetString("Value")});
  }
  base.session_policies = std::move(session.first);
  ORGTRAIL_TRY(identity::AccessKey key, call.env.identity.CreateSessionKey(base, duration * 1000));
  Value out =
      Value::MakeMap()
          .Set("Credentials", Value::MakeMap()
                                  .Set("AccessKeyId", key.access_key_id)
                                  .Set("SecretAccessKey", key.secret)
                                  .Set("SessionToken", key.session_token)
                                  .Set("Expiration", static_cast<double>(key.expires_ms) / 1000.0))
          .Set("AssumedRoleUser",
               Value::MakeMap()
                   .Set("AssumedRoleId", role->role_id + ":" + base.session_name)
                   .Set("Arn", "arn:aws:sts::" + role->account_id + ":assumed-role/" + role->name +
                                   "/" + base.session_name));
  if (!base.session_policies.empty()) out.Set("PackedPolicySize", session.second);
  if (!base.source_identity.empty()) out.Set("SourceIdentity", base.source_identity);
  return out;
}

constexpr gateway::OperationRow kRoleOps[] = {
    {"AssumeRole", AssumeRole, {}, AssumeRoleTarget},
};

}  // namespace

void RegisterStsRoleOps(gateway::Registry& registry) { registry.Register("sts", kRoleOps); }

}  // namespace orgtrail::services
