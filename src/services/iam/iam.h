// AWS Identity and Access Management (spec/org-iam.md §4). Query protocol, global per account
// (the region is ignored); the entities live in identity::Iam and identity::Directory.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterIam(gateway::Registry& registry);

}  // namespace orgtrail::services
