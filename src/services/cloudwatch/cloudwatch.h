// Amazon CloudWatch metrics (spec/notifications.md §1): PutMetricData, GetMetricStatistics,
// GetMetricData, ListMetrics. JSON 1.0 (query-compatible) and Query; per account and region.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterCloudWatch(gateway::Registry& registry);

}  // namespace orgtrail::services
