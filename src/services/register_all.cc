#include "services/register_all.h"

#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/lookup.h"
#include "services/cloudwatch/cloudwatch.h"
#include "services/iam/iam.h"
#include "services/logs/logs.h"
#include "services/organizations/organizations.h"
#include "services/s3/s3.h"
#include "services/sts/sts.h"

namespace orgtrail::services {

void RegisterAll(gateway::Registry& registry) {
  RegisterSts(registry);
  RegisterIam(registry);
  RegisterOrganizations(registry);
  RegisterCloudTrail(registry);
  RegisterCloudWatch(registry);
  RegisterLogs(registry);
  RegisterCloudTrailLookup(registry);
  RegisterS3(registry);
}

}  // namespace orgtrail::services
