// The authorize stage (spec/org-iam.md §5). Today it enforces the structural rules that do not
// need policies: what GetSessionToken credentials may call (org-iam.md §3.3). Identity, resource,
// trust and service control policies are evaluated here once the policy engine lands.
#include "core/encoding.h"
#include "gateway/stages.h"

namespace orgtrail::gateway {

std::string EventSource(const spec::Service& service) {
  return service.endpoint_prefix + ".amazonaws.com";
}

std::string ActionOf(const protocol::Route& route, const OperationRow* row) {
  if (row && !row->action.empty()) return std::string(row->action);
  std::string prefix = route.service ? route.service->signing_name : "";
  if (prefix == "monitoring") prefix = "cloudwatch";
  return prefix + ":" + route.operation_name;
}

Status Authorize(const Call& call, const protocol::Route& route) {
  const auth::Principal& p = call.principal;
  // Sessions from GetSessionToken without MFA: no IAM, and only AssumeRole and
  // GetCallerIdentity of STS (org-iam.md §3.3).
  bool token_session = p.temporary && p.type != auth::PrincipalType::kAssumedRole;
  if (token_session && !p.mfa_authenticated) {
    if (call.service == "sts" && call.operation == "GetSessionToken")
      return AwsError("AccessDenied", "Cannot call GetSessionToken with session credentials", 403);
    bool allowed_sts = call.service == "sts" &&
                       (call.operation == "AssumeRole" || call.operation == "GetCallerIdentity");
    if (call.service == "iam" || (call.service == "sts" && !allowed_sts)) {
      std::string action = ActionOf(route, nullptr);
      return AwsError("AccessDenied",
                      "User: " + p.arn + " is not authorized to perform: " + action +
                          " on resource: * because no session policy "
                          "allows the " +
                          action + " action",
                      403);
    }
  }
  return Ok();
}

}  // namespace orgtrail::gateway
