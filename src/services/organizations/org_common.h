// Internal to the Organizations service: who may call what (org-iam.md §2.1), the Value shapes
// of the model's objects, pagination.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"
#include "identity/organizations.h"

namespace orgtrail::services::org {

// The caller's organization, whoever the caller is (AWSOrganizationsNotInUseException).
Result<identity::OrgInfo> CallerOrg(gateway::Call& call);
// Management operations: the management account only (members: AccessDeniedException).
Result<identity::OrgInfo> RequireManagement(gateway::Call& call);
// Read-only operations: the management account or any delegated administrator.
Result<identity::OrgInfo> RequireReader(gateway::Call& call);

identity::Organizations& Model(gateway::Call& call);

// Objects of the Organizations model (timestamps: epoch seconds).
Value OrganizationValue(const identity::OrgInfo& org);
Value RootValue(const identity::OrgInfo& org);
Value OuValue(const identity::OrgInfo& org, const identity::OrgUnit& ou);
// The Account object; `member` must belong to `org`.
Value AccountValue(gateway::Call& call, const identity::OrgInfo& org,
                   const identity::OrgMember& member);
Value PolicySummaryValue(const identity::OrgInfo& org, const identity::OrgPolicy& p);
Value RequestValue(const identity::CreateAccountRequest& r);
double Seconds(int64_t ms);

identity::OrgTags TagsFrom(const Value& list);

// One page of `items` under `key`, following MaxResults / NextToken (an opaque offset).
Result<Value> Page(const Value& input, std::string_view key, std::vector<Value> items);

}  // namespace orgtrail::services::org
