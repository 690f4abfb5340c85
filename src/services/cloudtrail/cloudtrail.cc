#include "services/cloudtrail/cloudtrail.h"

namespace orgtrail::services {

void RegisterCloudTrail(gateway::Registry& registry) {
  for (auto rows : {cloudtrail::TrailOps(), cloudtrail::StatusOps(), cloudtrail::SelectorOps(),
                    cloudtrail::TagOps(), cloudtrail::DelegationOps(), cloudtrail::KeyOps()})
    registry.Register("cloudtrail", rows);
}

}  // namespace orgtrail::services
