// AWS Security Token Service (spec/org-iam.md §3). Query protocol; credentials live in the
// identity directory.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterSts(gateway::Registry& registry);
void RegisterStsRoleOps(gateway::Registry& registry);  // role_ops.cc

}  // namespace orgtrail::services
