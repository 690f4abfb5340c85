// IAM groups and group membership (spec/org-iam.md §4.1).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html and neighbours.
#include "core/json.h"
#include "identity/iam_internal.h"

namespace orgtrail::identity {

using namespace iam_internal;  // NOLINT(google-build-using-namespace)

Result<Group> Iam::CreateGroup(std::string_view account_id, std::string_view name,
                               std::string_view path) {
  std::lock_guard lock(mu_);
  if (store_.Get(kGroups, Key(account_id, name)))
    return AwsError("EntityAlreadyExists",
                    "Group with name " + std::string(name) + " already exists.");
  Group g;
  g.account_id = std::string(account_id);
  g.name = std::string(name);
  g.path = path.empty() ? "/" : std::string(path);
  g.group_id = NewId("AGPA");
  g.created_ms = clock_.NowMillis();
  ORGTRAIL_CHECK(store_.Put(kGroups, Key(account_id, name), GroupToRow(g).ToJson()));
  return g;
}

Result<Group> Iam::GetGroup(std::string_view account_id, std::string_view name) const {
  auto v = GetRow(store_, kGroups, Key(account_id, name));
  if (!v) return NoSuchGroup(name);
  return GroupFromRow(*v);
}

std::vector<Group> Iam::ListGroups(std::string_view account_id,
                                   std::string_view path_prefix) const {
  std::vector<Group> out;
  for (const Value& v : ScanRows(store_, kGroups, std::string(account_id) + "/")) {
    Group g = GroupFromRow(v);
    if (g.path.rfind(path_prefix, 0) == 0) out.push_back(std::move(g));
  }
  return out;
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
Status Iam::DeleteGroup(std::string_view account_id, std::string_view name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(GetGroup(account_id, name));
  if (!store_.Scan(kMembers, Key(account_id, name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.");
  if (!store_.Scan(kInline, Key(account_id, "group", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
  if (!store_.Scan(iam_internal::kAttachments, Key(account_id, "group", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
  return store_.Delete(kGroups, Key(account_id, name));
}

Status Iam::AddUserToGroup(std::string_view account_id, std::string_view group,
                           std::string_view user) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(GetGroup(account_id, group));
  ORGTRAIL_CHECK(GetUser(account_id, user));
  Value row = Value::MakeMap().Set("GroupName", group).Set("UserName", user);
  return store_.Put(kMembers, Key(account_id, group, user), row.ToJson());
}

Status Iam::RemoveUserFromGroup(std::string_view account_id, std::string_view group,
                                std::string_view user) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(GetGroup(account_id, group));
  ORGTRAIL_CHECK(GetUser(account_id, user));
  if (!store_.Get(kMembers, Key(account_id, group, user))) return NoSuchUser(user);
  return store_.Delete(kMembers, Key(account_id, group, user));
}

std::vector<User> Iam::GroupMembers(std::string_view account_id, std::string_view group) const {
  std::vector<User> out;
  for (const Value& v : ScanRows(store_, kMembers, Key(account_id, group) + "/")) {
    auto user = directory_.FindUser(account_id, v.GetString("UserName"));
    if (user) out.push_back(std::move(*user));
  }
  return out;
}

std::vector<Group> Iam::GroupsForUser(std::string_view account_id, std::string_view user) const {
  std::vector<Group> out;
  for (const Value& v : ScanRows(store_, kMembers, std::string(account_id) + "/")) {
    if (v.GetString("UserName") != user) continue;
    auto g = GetGroup(account_id, v.GetString("GroupName"));
    if (g.ok()) out.push_back(std::move(g).value());
  }
  return out;
}

}  // namespace orgtrail::identity
