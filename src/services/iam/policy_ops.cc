// IAM managed policies and versions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy,
// CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
// SetDefaultPolicyVersion (spec/org-iam.md §4.1-§4.3).
// https://docs.aws.amazon.com/IAM/latest/APIReference/
#include "identity/iam.h"
#include "services/iam/common.h"

namespace orgtrail::services::iam {
namespace {

using gateway::Call;

Value VersionValue(const identity::PolicyVersion& v, bool with_document) {
  Value out = Value::MakeMap();
  if (with_document) out.Set("Document", EncodeDocument(v.document));
  return out.Set("VersionId", v.version_id)
      .Set("IsDefaultVersion", v.is_default)
      .Set("CreateDate", Time(v.created_ms));
}

// API_CreatePolicy.html
Result<Value> CreatePolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(
      identity::ManagedPolicy p,
      Model(call).CreatePolicy(call.account_id(), input.GetString("PolicyName"),
                               input.GetString("Path", "/"), input.GetString("PolicyDocument"),
                               input.GetString("Description"), TagsFrom(input["Tags"])));
  return Value::MakeMap().Set("Policy", PolicyValue(call, p, true));
}

// API_GetPolicy.html
Result<Value> GetPolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::ManagedPolicy p,
               Model(call).GetPolicy(call.account_id(), input.GetString("PolicyArn")));
  return Value::MakeMap().Set("Policy", PolicyValue(call, p, true));
}

// API_ListPolicies.html: Scope All (default) | AWS | Local, OnlyAttached, PathPrefix.
Result<Value> ListPolicies(Call& call, const Value& input) {
  const std::string scope_name = input.GetString("Scope", "All");
  identity::PolicyScope scope = scope_name == "AWS"     ? identity::PolicyScope::kAws
                                : scope_name == "Local" ? identity::PolicyScope::kLocal
                                                        : identity::PolicyScope::kAll;
  Value::List items;
  for (const identity::ManagedPolicy& p :
       Model(call).ListPolicies(call.account_id(), scope, input["OnlyAttached"].AsBool(),
                                input.GetString("PathPrefix", "/")))
    items.push_back(PolicyValue(call, p));
  return Page(Value::MakeMap(), "Policies", std::move(items), input);
}

// API_DeletePolicy.html
Result<Value> DeletePolicy(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeletePolicy(call.account_id(), input.GetString("PolicyArn")));
  return Value::MakeMap();
}

// API_CreatePolicyVersion.html
Result<Value> CreatePolicyVersion(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::PolicyVersion v,
               Model(call).CreatePolicyVersion(call.account_id(), input.GetString("PolicyArn"),
                                               input.GetString("PolicyDocument"),
                                               input["SetAsDefault"].AsBool()));
  return Value::MakeMap().Set("PolicyVersion", VersionValue(v, false));
}

// API_GetPolicyVersion.html: the document URL-encoded.
Result<Value> GetPolicyVersion(Call& call, const Value& input) {
  ORGTRAIL_TRY(identity::PolicyVersion v,
               Model(call).GetPolicyVersion(call.account_id(), input.GetString("PolicyArn"),
                                            input.GetString("VersionId")));
  return Value::MakeMap().Set("PolicyVersion", VersionValue(v, true));
}

// API_ListPolicyVersions.html: newest first.
Result<Value> ListPolicyVersions(Call& call, const Value& input) {
  ORGTRAIL_TRY(std::vector<identity::PolicyVersion> versions,
               Model(call).ListPolicyVersions(call.account_id(), input.GetString("PolicyArn")));
  Value::List items;
  for (const identity::PolicyVersion& v : versions) items.push_back(VersionValue(v, false));
  return Page(Value::MakeMap(), "Versions", std::move(items), input);
}

// API_DeletePolicyVersion.html
Result<Value> DeletePolicyVersion(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).DeletePolicyVersion(call.account_id(), input.GetString("PolicyArn"),
                                                 input.GetString("VersionId")));
  return Value::MakeMap();
}

// API_SetDefaultPolicyVersion.html
Result<Value> SetDefaultPolicyVersion(Call& call, const Value& input) {
  ORGTRAIL_CHECK(Model(call).SetDefaultPolicyVersion(
      call.account_id(), input.GetString("PolicyArn"), input.GetString("VersionId")));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kPolicyOps[] = {
    {"CreatePolicy", CreatePolicy},
    {"GetPolicy", GetPolicy},
    {"ListPolicies", ListPolicies},
    {"DeletePolicy", DeletePolicy},
    {"CreatePolicyVersion", CreatePolicyVersion},
    {"GetPolicyVersion", GetPolicyVersion},
    {"ListPolicyVersions", ListPolicyVersions},
    {"DeletePolicyVersion", DeletePolicyVersion},
    {"SetDefaultPolicyVersion", SetDefaultPolicyVersion},
};

}  // namespace

void RegisterPolicyOps(gateway::Registry& registry) { registry.Register("iam", kPolicyOps); }

}  // namespace orgtrail::services::iam
