// CloudTrail event history: LookupEvents (spec/cloudtrail.md §7) over the CloudTrail journal
// (src/events/journal.h), reached through gateway::Env::journal.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterCloudTrailLookup(gateway::Registry& registry);  // lookup_ops.cc

}  // namespace orgtrail::services
