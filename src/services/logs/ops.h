// Internal to the Logs service: one registration function per file of operations.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services::logs {

void RegisterGroupOps(gateway::Registry& registry);
void RegisterStreamOps(gateway::Registry& registry);
void RegisterEventOps(gateway::Registry& registry);
void RegisterMetricFilterOps(gateway::Registry& registry);
void RegisterPolicyOps(gateway::Registry& registry);
void RegisterInsightsOps(gateway::Registry& registry);
void RegisterLogsTargets(gateway::Registry& registry);

}  // namespace orgtrail::services::logs
