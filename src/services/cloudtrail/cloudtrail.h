// AWS CloudTrail (spec/cloudtrail.md): trails and organization trails, selectors, tags,
// delegated administrators, public keys. JSON 1.1. Delivery of log files, digests and
// CloudWatch Logs events is in delivery.h; LookupEvents in lookup.h.
#pragma once

#include <span>

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterCloudTrail(gateway::Registry& registry);

namespace cloudtrail {
std::span<const gateway::OperationRow> TrailOps();       // trail_ops.cc
std::span<const gateway::OperationRow> StatusOps();      // status_ops.cc
std::span<const gateway::OperationRow> SelectorOps();    // selector_ops.cc
std::span<const gateway::OperationRow> TagOps();         // tag_ops.cc
std::span<const gateway::OperationRow> DelegationOps();  // delegation_ops.cc
std::span<const gateway::OperationRow> KeyOps();         // key_ops.cc
}  // namespace cloudtrail

}  // namespace orgtrail::services
