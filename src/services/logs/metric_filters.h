// Metric filters turn ingested events into CloudWatch metrics (spec/logs.md §4.2).
#pragma once

#include <span>

#include "gateway/registry.h"
#include "services/logs/event_store.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {

// For each metric filter of `group` (created before `ingestion_ms`), the datapoints the stored
// batch `events` yields, published with cloudwatch:PutMetricData as logs.amazonaws.com in the
// group's account and region. Failures are logged, never returned: the events are stored.
void EmitMetricFilters(gateway::Call& call, const GroupRow& group, std::span<const NewEvent> events,
                       int64_t ingestion_ms);

}  // namespace orgtrail::services::logs
