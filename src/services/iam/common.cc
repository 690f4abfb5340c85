#include "services/iam/common.h"

#include <algorithm>
#include <charconv>

#include "core/encoding.h"

namespace orgtrail::services::iam {

Value Time(int64_t ms) { return Value(static_cast<double>(ms) / 1000.0); }

std::string EncodeDocument(std::string_view document) { return UriEncode(document); }

Value UserValue(const identity::User& u, bool details) {
  Value v = Value::MakeMap()
                .Set("Path", u.path)
                .Set("UserName", u.name)
                .Set("UserId", u.user_id)
                .Set("Arn", u.Arn())
                .Set("CreateDate", Time(u.created_ms));
  if (details && !u.permissions_boundary_arn.empty())
    v.Set("PermissionsBoundary", Value::MakeMap()
                                     .Set("PermissionsBoundaryType", "Policy")
                                     .Set("PermissionsBoundaryArn", u.permissions_boundary_arn));
  if (details && !u.tags.empty()) v.Set("Tags", TagList(u.tags));
  return v;
}

Value RoleValue(const identity::Role& r, bool details) {
  Value v = Value::MakeMap()
                .Set("Path", r.path)
                .Set("RoleName", r.name)
                .Set("RoleId", r.role_id)
                .Set("Arn", r.Arn())
                .Set("CreateDate", Time(r.created_ms))
                .Set("AssumeRolePolicyDocument", EncodeDocument(r.assume_role_policy));
  if (!r.description.empty()) v.Set("Description", r.description);
  v.Set("MaxSessionDuration", r.max_session_seconds);
  if (details && !r.permissions_boundary_arn.empty())
    v.Set("PermissionsBoundary", Value::MakeMap()
                                     .Set("PermissionsBoundaryType", "Policy")
                                     .Set("PermissionsBoundaryArn", r.permissions_boundary_arn));
  if (details && !r.tags.empty()) v.Set("Tags", TagList(r.tags));
  if (details) v.Set("RoleLastUsed", Value::MakeMap());
  return v;
}

Value GroupValue(const identity::Group& g) {
  return Value::MakeMap()
      .Set("Path", g.path)
      .Set("GroupName", g.name)
      .Set("GroupId", g.group_id)
      .Set("Arn", g.Arn())
      .Set("CreateDate", Time(g.created_ms));
}

Value PolicyValue(gateway::Call& call, const identity::ManagedPolicy& p, bool details) {
  const std::string arn = p.Arn();
  Value v = Value::MakeMap()
                .Set("PolicyName", p.name)
                .Set("PolicyId", p.policy_id)
                .Set("Arn", arn)
                .Set("Path", p.path)
                .Set("DefaultVersionId", p.default_version)
                .Set("AttachmentCount", Model(call).AttachmentCount(call.account_id(), arn))
                .Set("PermissionsBoundaryUsageCount",
                     Model(call).BoundaryUsageCount(call.account_id(), arn))
                .Set("IsAttachable", true);
  if (details && !p.description.empty()) v.Set("Description", p.description);
  v.Set("CreateDate", Time(p.created_ms)).Set("UpdateDate", Time(p.updated_ms));
  if (details && !p.tags.empty()) v.Set("Tags", TagList(p.tags));
  return v;
}

Value TagList(const std::vector<identity::Tag>& tags) {
  Value out = Value::MakeList();
  for (const identity::Tag& t : tags)
    out.Append(Value::MakeMap().Set("Key", t.key).Set("Value", t.value));
  return out;
}

std::vector<identity::Tag> TagsFrom(const Value& list) {
  std::vector<identity::Tag> out;
  for (const Value& t : list.AsList()) out.push_back({t.GetString("Key"), t.GetString("Value")});
  return out;
}

std::vector<std::string> StringsFrom(const Value& list) {
  std::vector<std::string> out;
  for (const Value& s : list.AsList()) out.push_back(s.AsString());
  return out;
}

Result<std::string> UserNameOrCaller(gateway::Call& call, const Value& input) {
  if (input.Has("UserName")) return input.GetString("UserName");
  const auth::Principal& p = call.principal;
  if (p.type == auth::PrincipalType::kIAMUser && !p.user_name.empty()) return p.user_name;
  return AwsError("ValidationError", "Must specify userName when calling with non-User credentials",
                  400);
}

Result<Value> Page(Value out, std::string_view list_name, Value::List items, const Value& input) {
  size_t start = 0;
  if (input.Has("Marker")) {
    const std::string& marker = input.GetString("Marker");
    auto [end, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), start);
    if (ec != std::errc() || end != marker.data() + marker.size() || start > items.size())
      return AwsError("InvalidInput", "Invalid Marker.");
  }
  size_t max_items = static_cast<size_t>(input["MaxItems"].AsInt(100));
  if (max_items == 0) max_items = 100;
  size_t end = std::min(items.size(), start + max_items);
  Value list = Value::MakeList();
  for (size_t i = start; i < end; ++i) list.Append(std::move(items[i]));
  out.Set(std::string(list_name), std::move(list));
  out.Set("IsTruncated", end < items.size());
  if (end < items.size()) out.Set("Marker", std::to_string(end));
  return out;
}

}  // namespace orgtrail::services::iam
