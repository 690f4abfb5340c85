#include "services/cloudwatch/cloudwatch.h"

namespace orgtrail::services {
namespace cloudwatch {
void RegisterMetricOps(gateway::Registry& registry);
void RegisterMetricDataOps(gateway::Registry& registry);
}  // namespace cloudwatch

void RegisterCloudWatch(gateway::Registry& registry) {
  cloudwatch::RegisterMetricOps(registry);
  cloudwatch::RegisterMetricDataOps(registry);
}

}  // namespace orgtrail::services
