// Helpers shared by the IAM operation files: the model, output shapes, documents, paging.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"
#include "identity/iam.h"

namespace orgtrail::services::iam {

// Each operation file registers its own table (RegisterIam calls them all).
void RegisterUserOps(gateway::Registry& registry);
void RegisterKeyOps(gateway::Registry& registry);
void RegisterGroupOps(gateway::Registry& registry);
void RegisterRoleOps(gateway::Registry& registry);
void RegisterPolicyOps(gateway::Registry& registry);
void RegisterAttachOps(gateway::Registry& registry);
void RegisterInlineOps(gateway::Registry& registry);
void RegisterSimulateOps(gateway::Registry& registry);  // simulate_ops.cc
void RegisterIamTargets(gateway::Registry& registry);   // targets.cc

inline identity::Iam& Model(gateway::Call& call) { return call.env.iam; }

// Timestamps are epoch seconds in Values.
Value Time(int64_t ms);
// Policy documents leave IAM URL-encoded (RFC 3986), as AWS sends them; clients decode them.
std::string EncodeDocument(std::string_view document);

Value UserValue(const identity::User& u, bool details = false);
Value RoleValue(const identity::Role& r, bool details = false);
Value GroupValue(const identity::Group& g);
Value PolicyValue(gateway::Call& call, const identity::ManagedPolicy& p, bool details = false);
Value TagList(const std::vector<identity::Tag>& tags);
std::vector<identity::Tag> TagsFrom(const Value& list);
std::vector<std::string> StringsFrom(const Value& list);

// UserName, or the calling IAM user when absent (GetUser, access keys). ValidationError for
// other callers, as AWS answers.
Result<std::string> UserNameOrCaller(gateway::Call& call, const Value& input);

// Marker/MaxItems paging (default 100 items): puts `items[marker..]` under `list_name` in `out`,
// with IsTruncated and, when truncated, the Marker of the next page.
Result<Value> Page(Value out, std::string_view list_name, Value::List items, const Value& input);

}  // namespace orgtrail::services::iam
