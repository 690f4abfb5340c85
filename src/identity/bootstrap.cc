#include "identity/bootstrap.h"

namespace orgtrail::identity {

Status Bootstrap(Directory& directory, Iam& iam, const BootstrapConfig& config) {
  ORGTRAIL_CHECK(directory.Bootstrap(config));
  // Attaching twice is no error, so a restart simply confirms the attachment.
  return iam.AttachPolicy(config.account_id, EntityKind::kUser, kAdminUserName,
                          "arn:aws:iam::aws:policy/AdministratorAccess");
}

}  // namespace orgtrail::identity
