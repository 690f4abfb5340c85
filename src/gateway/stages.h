// The stages of the request chain that are more than one call (DESIGN.md §1). The chain itself
// is Gateway::Handle, in gateway.cc.
#pragma once

#include <string>

#include "auth/principal.h"
#include "auth/verify.h"
#include "core/result.h"
#include "gateway/audit.h"
#include "gateway/env.h"
#include "gateway/gateway.h"
#include "gateway/registry.h"
#include "protocol/codec.h"

namespace orgtrail::gateway {

struct Gateway::Routed {
  protocol::Route route;
  protocol::ResponseContext ctx;
  bool s3 = false;  // the route is S3's
};

struct Authenticated {
  auth::Principal principal;
  std::string region;
};

// authenticate: verifies the signature (auth/verify.h) against the identity directory and
// resolves the principal. Unsigned requests are anonymous for S3 and the public SNS endpoints
// and refused elsewhere. Errors are already named for the route's protocol (AuthErrorToAws).
Result<Authenticated> Authenticate(Env& env, http::Request& req, const protocol::Route& route);

// Renders an authentication failure with the code, status and message AWS uses for the
// route's protocol (spec/wire.md §5.11).
AwsError AuthErrorToAws(const auth::AuthError& err, const protocol::Route& route);

// authorize: may the principal call this operation? The structural rules of GetSessionToken
// sessions, then the policy engine (src/policy) over identity, boundary, session, resource and
// service control policies (spec/org-iam.md §5). Denials carry the service's own error.
Status Authorize(Call& call, const protocol::Route& route, const OperationRow& row,
                 const Value& input);

// The IAM action of an operation: the row's override, else "<signing prefix>:<Operation>".
std::string ActionOf(const protocol::Route& route, const OperationRow* row);

// CloudTrail's eventSource for a service model ("sts.amazonaws.com").
std::string EventSource(const spec::Service& service);

}  // namespace orgtrail::gateway
