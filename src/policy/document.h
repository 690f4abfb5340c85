// IAM policy documents: parsing and validation (spec/org-iam.md §4.3). Pure.
#pragma once

#include <string_view>

#include "core/result.h"

namespace orgtrail::policy {

// Where a document is used decides which elements it must or must not have.
enum class PolicyKind {
  kIdentity,  // user/group/role inline or managed policies, permissions boundaries, session policies
  kResource,  // bucket, topic, queue, function policies: Principal required
  kTrust,     // role trust policies: Principal required, Resource optional
  kScp,       // service control policies: no Principal
};

// Validates a policy document. Failures are AwsError{"MalformedPolicyDocument", <what is
// wrong>} with AWS's wording where AWS has one ("Syntax errors in policy.", "Policy document
// should not specify a principal.", ...).
Status ValidateDocument(std::string_view json, PolicyKind kind);

}  // namespace orgtrail::policy
