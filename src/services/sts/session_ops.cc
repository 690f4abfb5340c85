// STS operations: GetCallerIdentity, GetSessionToken (spec/org-iam.md §3.1, §3.3).
// AssumeRole arrives with IAM roles.
#include <algorithm>

#include "gateway/registry.h"
#include "identity/directory.h"
#include "services/sts/sts.h"

namespace orgtrail::services {
namespace {

using gateway::Call;

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
Result<Value> GetCallerIdentity(Call& call, const Value&) {
  const auth::Principal& p = call.principal;
  return Value::MakeMap().Set("UserId", p.user_id).Set("Account", p.account_id).Set("Arn", p.arn);
}

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
// Root sessions are limited to one hour; longer requests are cut to one hour, as AWS does.
Result<Value> GetSessionToken(Call& call, const Value& input) {
  const auth::Principal& p = call.principal;
  if (p.temporary)
    return AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
  const bool root = p.type == auth::PrincipalType::kRoot;
  int64_t seconds = input["DurationSeconds"].AsInt(root ? 3600 : 43200);
  if (root) seconds = std::min<int64_t>(seconds, 3600);
  identity::AccessKey base;
  base.account_id = p.account_id;
  base.session_of = root ? auth::PrincipalType::kRoot : auth::PrincipalType::kIAMUser;
  base.user_name = p.user_name;
  ORGTRAIL_TRY(identity::AccessKey key, call.env.identity.CreateSessionKey(base, seconds * 1000));
  Value credentials = Value::MakeMap()
                          .Set("AccessKeyId", key.access_key_id)
                          .Set("SecretAccessKey", key.secret)
                          .Set("SessionToken", key.session_token)
                          .Set("Expiration", static_cast<double>(key.expires_ms) / 1000.0);
  return Value::MakeMap().Set("Credentials", std::move(credentials));
}

constexpr gateway::OperationRow kSessionOps[] = {
    {"GetCallerIdentity", GetCallerIdentity},
    {"GetSessionToken", GetSessionToken},
};

}  // namespace

void RegisterSts(gateway::Registry& registry) {
  registry.Register("sts", kSessionOps);
  RegisterStsRoleOps(registry);
}

}  // namespace orgtrail::services
