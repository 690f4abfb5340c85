#include "services/iam/iam.h"

#include "services/iam/common.h"

namespace orgtrail::services {

void RegisterIam(gateway::Registry& registry) {
  iam::RegisterUserOps(registry);
  iam::RegisterKeyOps(registry);
  iam::RegisterGroupOps(registry);
  iam::RegisterRoleOps(registry);
  iam::RegisterPolicyOps(registry);
  iam::RegisterAttachOps(registry);
  iam::RegisterInlineOps(registry);
  iam::RegisterSimulateOps(registry);
  iam::RegisterIamTargets(registry);
}

}  // namespace orgtrail::services
