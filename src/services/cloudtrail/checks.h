// The checks of CreateTrail/UpdateTrail (spec/cloudtrail.md §1.2, §2, §9.1): organization-trail
// prerequisites, the bucket and its policy, the CloudWatch Logs group and role.
#pragma once

#include <string>

#include "core/result.h"
#include "gateway/registry.h"
#include "identity/organizations.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {

// §1.2 step 2 (a–e) for the caller; returns the organization.
Result<identity::OrgInfo> CheckOrganizationTrail(gateway::Call& call);

// §1.2 steps 4–5: the bucket exists and its policy lets cloudtrail.amazonaws.com write the
// trail's keys.
Status CheckBucket(gateway::Call& call, const Trail& trail);

// §9.1: the group and role, the role's trust policy and its permissions on every stream the
// trail will write. No-op when neither is set.
Status CheckCloudWatchLogs(gateway::Call& call, const Trail& trail);

// The S3 key prefix of a trail's files for events of account `account`:
// [<prefix>/]AWSLogs/[<o-id>/]<account>/
std::string AccountKeyPrefix(const Trail& trail, std::string_view account);

// The log stream for events of `account` (§9.2).
std::string StreamFor(const Trail& trail, std::string_view management_account,
                      std::string_view account);

// Parses arn:aws:logs:<r>:<acct>:log-group:<name>:*; false when malformed.
bool ParseLogGroupArn(std::string_view arn, std::string* region, std::string* account,
                      std::string* name);

// cloudtrail.amazonaws.com acting for `trail` (aws:SourceArn, aws:SourceAccount).
auth::Principal CloudTrailFor(const Trail& trail);

// The session principal CloudTrail uses when it assumes `role` (spec §9.3).
auth::Principal RoleSession(const identity::Role& role);

}  // namespace orgtrail::services::cloudtrail
