// Amazon CloudWatch Logs (spec/logs.md §2-4, §6). JSON 1.1 (Logs_20140328); state per account
// and region in the store (docs/persistence.md, "CloudWatch Logs").
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterLogs(gateway::Registry& registry);

}  // namespace orgtrail::services
