#include "auth/principal.h"

namespace orgtrail::auth {

const char* UserIdentityType(PrincipalType t) {
  switch (t) {
    case PrincipalType::kRoot:
      return "Root";
    case PrincipalType::kIAMUser:
      return "IAMUser";
    case PrincipalType::kAssumedRole:
      return "AssumedRole";
    case PrincipalType::kAWSService:
      return "AWSService";
    case PrincipalType::kAnonymous:
      return "AWSAccount";
  }
  return "Unknown";
}

Principal AnonymousPrincipal() {
  Principal p;
  p.type = PrincipalType::kAnonymous;
  p.account_id = "anonymous";
  p.user_id = "anonymous";
  return p;
}

Principal ServicePrincipal(std::string service_host, std::string account_id) {
  Principal p;
  p.type = PrincipalType::kAWSService;
  p.service = std::move(service_host);
  p.account_id = std::move(account_id);
  return p;
}

}  // namespace orgtrail::auth
