// The identities of the first start (spec/org-iam.md §1.1): the management account, its
// orgtrail-admin IAM user with AdministratorAccess and the test/test keys, and its root keys.
// Idempotent: restarts keep what the first start made.
#pragma once

#include "core/result.h"
#include "identity/directory.h"
#include "identity/iam.h"

namespace orgtrail::identity {

Status Bootstrap(Directory& directory, Iam& iam, const BootstrapConfig& config);

}  // namespace orgtrail::identity
