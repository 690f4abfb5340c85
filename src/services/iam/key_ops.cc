// IAM access keys: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys,
// GetAccessKeyLastUsed (spec/org-iam.md §4.1). Keys are the Directory's, so a new key signs
// requests at once. https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;

Value KeyMetadata(const identity::AccessKey& k) {
  return Value::MakeMap()
      .Set("UserName", k.user_name)
      .Set("AccessKeyId", k.access_key_id)
      .Set("Status", k.status)
      .Set("CreateDate", Time(k.created_ms));
}

// API_CreateAccessKey.html
Result<Value> CreateAccessKey(Call& call, const Value& input) {
  ORGTRAIL_TRY(std::string user, UserNameOrCaller(call, input));
  ORGTRAIL_TRY(identity::AccessKey key, Model(call).CreateAccessKey(call.account_id(), user));
  return Value::MakeMap().Set("AccessKey", Value::MakeMap()
                                               .Set("UserName", key.user_name)
                                               .Set("AccessKeyId", key.access_key_id)
                                               .Set("Status", key.status)
                                               .Set("SecretAccessKey", key.secret)
                                               .Set("CreateDate", Time(key.created_ms)));
}

// API_UpdateAccessKey.html
Result<Value> UpdateAccessKey(Call& call, const Value& input) {
  ORGTRAIL_TRY(std::string user, UserNameOrCaller(call, input));
  ORGTRAIL_CHECK(Model(call).UpdateAccessKey(
      call.account_id(), user, input.GetString("AccessKeyId"), input.GetString("Status")));
  return Value::MakeMap();
}

// API_DeleteAccessKey.html
Result<Value> DeleteAccessKey(Call& call, const Value& input) {
  ORGTRAIL_TRY(std::string user, UserNameOrCaller(call, input));
  ORGTRAIL_CHECK(
      Model(call).DeleteAccessKey(call.account_id(), user, input.GetString("AccessKeyId")));
  return Value::MakeMap();
}

// API_ListAccessKeys.html
Result<Value> ListAccessKeys(Call& call, const Value& input) {
  ORGTRAIL_TRY(std::string user, UserNameOrCaller(call, input));
  ORGTRAIL_CHECK(Model(call).GetUser(call.account_id(), user));
  Value::List items;
  for (const identity::AccessKey& k : call.env.identity.KeysOfUser(call.account_id(), user))
    items.push_back(KeyMetadata(k));
  return Page(Value::MakeMap(), "AccessKeyMetadata", std::move(items), input);
}

// API_GetAccessKeyLastUsed.html (orgtrail does not track use: "N/A", as AWS answers for an
// unused key).
Result<Value> GetAccessKeyLastUsed(Call& call, const Value& input) {
  const std::string id = input.GetString("AccessKeyId");
  auto key = call.env.identity.FindKey(id);
  if (!key || key->account_id != call.account_id() || key->kind == identity::KeyKind::kSession)
    return AwsError("NoSuchEntity", "The Access Key with id " + id + " cannot be found.");
  Value out = Value::MakeMap();
  if (key->kind == identity::KeyKind::kUser) out.Set("UserName", key->user_name);
  out.Set("AccessKeyLastUsed", Value::MakeMap().Set("ServiceName", "N/A").Set("Region", "N/A"));
  return out;
}

constexpr gateway::OperationRow kKeyOps[] = {
    {"CreateAccessKey", CreateAccessKey},           {"UpdateAccessKey", UpdateAccessKey},
    {"DeleteAccessKey", DeleteAccessKey},           {"ListAccessKeys", ListAccessKeys},
    {"GetAccessKeyLastUsed", GetAccessKeyLastUsed},
};

}  // namespace

void RegisterKeyOps(gateway::Registry& registry) { registry.Register("iam", kKeyOps); }

}  // namespace orgtrail::services::iam
