// AWS Organizations (spec/org-iam.md §2). JSON 1.1, global; state in identity::Organizations.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterOrganizations(gateway::Registry& registry);

}  // namespace orgtrail::services
