// IAM users and their access keys, as IAM's operations see them (spec/org-iam.md §4). The rows
// are the Directory's (users, keys); this file adds IAM's rules: conflicts on delete, the
// two-keys quota, renames, tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html and neighbours.
#include "core/json.h"
#include "identity/iam_internal.h"

namespace orgtrail::identity {

using namespace iam_internal;  // NOLINT(google-build-using-namespace)

Result<User> Iam::CreateUser(std::string_view account_id, std::string_view name,
                             std::string_view path, const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(std::vector<Tag> merged, MergeTags({}, tags));
  if (directory_.FindUser(account_id, name))
    return AwsError("EntityAlreadyExists",
                    "User with name " + std::string(name) + " already exists.");
  ORGTRAIL_TRY(User user, directory_.CreateUser(account_id, name, path));
  if (!merged.empty()) {
    user.tags = std::move(merged);
    ORGTRAIL_CHECK(directory_.PutUser(user));
  }
  return user;
}

Result<User> Iam::GetUser(std::string_view account_id, std::string_view name) const {
  auto user = directory_.FindUser(account_id, name);
  if (!user) return NoSuchUser(name);
  return *user;
}

Status Iam::DeleteUser(std::string_view account_id, std::string_view name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(GetUser(account_id, name));
  if (!directory_.KeysOfUser(account_id, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete access keys first.");
  if (!store_.Scan(kInline, Key(account_id, "user", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.");
  if (!store_.Scan(iam_internal::kAttachments, Key(account_id, "user", name) + "/", "", 1).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.");
  if (!GroupsForUser(account_id, name).empty())
    return AwsError("DeleteConflict", "Cannot delete entity, must remove users from group first.");
  return directory_.DeleteUser(account_id, name);
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html
// A rename moves every row that names the user: keys, memberships, inline policies, attachments.
Status Iam::UpdateUser(std::string_view account_id, std::string_view name,
                       std::optional<std::string> new_name, std::optional<std::string> new_path) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(User user, GetUser(account_id, name));
  if (new_path) user.path = *new_path;
  if (!new_name || *new_name == name) return directory_.PutUser(user);
  if (directory_.FindUser(account_id, *new_name))
    return AwsError("EntityAlreadyExists", "User with name " + *new_name + " already exists.");
  std::vector<store::Write> writes;
  for (AccessKey key : directory_.KeysOfUser(account_id, name)) {
    key.user_name = *new_name;
    ORGTRAIL_CHECK(directory_.PutKey(key));
  }
  for (const Group& g : GroupsForUser(account_id, name)) {
    writes.push_back({std::string(kMembers), Key(account_id, g.name, name), std::nullopt});
    writes.push_back(
        {std::string(kMembers), Key(account_id, g.name, *new_name),
         Value::MakeMap().Set("GroupName", g.name).Set("UserName", *new_name).ToJson()});
  }
  for (std::string_view table : {kInline, iam_internal::kAttachments}) {
    std::string old_prefix = Key(account_id, "user", name) + "/";
    for (const store::Row& row : store_.Scan(table, old_prefix)) {
      writes.push_back({std::string(table), row.key, std::nullopt});
      writes.push_back(
          {std::string(table),
           Key(account_id, "user", *new_name) + "/" + row.key.substr(old_prefix.size()),
           row.value});
    }
  }
  ORGTRAIL_CHECK(store_.Apply(writes));
  user.name = *new_name;
  ORGTRAIL_CHECK(directory_.PutUser(user));
  return directory_.DeleteUser(account_id, name);
}

Status Iam::TagUser(std::string_view account_id, std::string_view name,
                    const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(User user, GetUser(account_id, name));
  ORGTRAIL_TRY(user.tags, MergeTags(std::move(user.tags), tags));
  return directory_.PutUser(user);
}

Status Iam::UntagUser(std::string_view account_id, std::string_view name,
                      const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(User user, GetUser(account_id, name));
  user.tags = RemoveTags(std::move(user.tags), keys);
  return directory_.PutUser(user);
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
Result<AccessKey> Iam::CreateAccessKey(std::string_view account_id, std::string_view user_name) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(GetUser(account_id, user_name));
  if (directory_.KeysOfUser(account_id, user_name).size() >=
      static_cast<size_t>(kMaxAccessKeysPerUser))
    return AwsError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
  return directory_.CreateLongTermKey(account_id, KeyKind::kUser, user_name);
}

Result<AccessKey> Iam::FindUserKey(std::string_view account_id, std::string_view user_name,
                                   std::string_view access_key_id) const {
  ORGTRAIL_CHECK(GetUser(account_id, user_name));
  auto key = directory_.FindKey(access_key_id);
  if (!key || key->kind != KeyKind::kUser || key->account_id != account_id ||
      key->user_name != user_name)
    return AwsError("NoSuchEntity",
                    "The Access Key with id " + std::string(access_key_id) + " cannot be found.");
  return *key;
}

Status Iam::DeleteAccessKey(std::string_view account_id, std::string_view user_name,
                            std::string_view access_key_id) {
  std::lock_guard lock(mu_);
  ORGTRAIL_CHECK(FindUserKey(account_id, user_name, access_key_id));
  return directory_.DeleteKey(access_key_id);
}

Status Iam::UpdateAccessKey(std::string_view account_id, std::string_view user_name,
                            std::string_view access_key_id, std::string_view status) {
  std::lock_guard lock(mu_);
  ORGTRAIL_TRY(AccessKey key, FindUserKey(account_id, user_name, access_key_id));
  key.status = std::string(status);
  return directory_.PutKey(key);
}

}  // namespace orgtrail::identity
