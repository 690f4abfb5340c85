// Registers every service's operation tables. main.cc calls this once at start-up.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterAll(gateway::Registry& registry);

}  // namespace orgtrail::services
