// Internal: the operation tables of the Organizations service's files.
#pragma once

#include <span>

#include "gateway/registry.h"

namespace orgtrail::services::org {

std::span<const gateway::OperationRow> OrgOps();
std::span<const gateway::OperationRow> AccountOps();
std::span<const gateway::OperationRow> OuOps();
std::span<const gateway::OperationRow> PolicyOps();
std::span<const gateway::OperationRow> DelegationOps();

}  // namespace orgtrail::services::org
