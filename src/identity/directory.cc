#include "identity/directory.h"

#include <algorithm>

#include "core/json.h"
#include "identity/iam_internal.h"
#include "identity/row_fields.h"

namespace orgtrail::identity {
namespace {

using iam_internal::GetRow;
using row_fields::ReadRow;
using row_fields::WriteRow;

constexpr std::string_view kDirectoryAccounts = "accounts";
constexpr std::string_view kUsers = "iam_users";
constexpr std::string_view kKeys = "access_keys";

std::string UserKey(std::string_view account, std::string_view name) {
  return std::string(account) + "/" + std::string(name);
}

const char* KeyKindName(KeyKind k) {
  switch (k) {
    case KeyKind::kRoot:
      return "root";
    case KeyKind::kUser:
      return "user";
    case KeyKind::kSession:
      return "session";
  }
  return "user";
}

KeyKind KindFrom(std::string_view s) {
  if (s == "root") return KeyKind::kRoot;
  if (s == "session") return KeyKind::kSession;
  return KeyKind::kUser;
}

const char* PrincipalTypeName(auth::PrincipalType t) {
  switch (t) {
    case auth::PrincipalType::kRoot:
      return "Root";
    case auth::PrincipalType::kAssumedRole:
      return "AssumedRole";
    default:
      return "IAMUser";
  }
}

auth::PrincipalType PrincipalTypeFrom(std::string_view s) {
  if (s == "Root") return auth::PrincipalType::kRoot;
  if (s == "AssumedRole") return auth::PrincipalType::kAssumedRole;
  return auth::PrincipalType::kIAMUser;
}

// Each row's fields, in row order (identity/row_fields.h).
constexpr auto kAccountFields = [](auto& io, auto& a) {
  io("Id", a.id);
  io("Email", a.email);
  io("Name", a.name);
  io("CreatedMs", a.created_ms);
};
constexpr auto kUserFields = [](auto& io, auto& u) {
  io("AccountId", u.account_id);
  io("UserName", u.name);
  io("Path", u.path, "/");
  io("UserId", u.user_id);
  io("CreatedMs", u.created_ms);
  io.Optional("Tags", u.tags);
  io.Optional("PermissionsBoundary", u.permissions_boundary_arn);
};
// The session fields are written for session keys only.
constexpr auto kKeyFields = [](auto& io, auto& k) {
  io("AccessKeyId", k.access_key_id);
  io("Secret", k.secret);
  io("AccountId", k.account_id);
  io.Enum("Kind", k.kind, KeyKindName, KindFrom);
  io("Status", k.status, "Active");
  io("CreatedMs", k.created_ms);
  io("UserName", k.user_name);
  if (k.kind != KeyKind::kSession) return;
  io("SessionToken", k.session_token);
  io("ExpiresMs", k.expires_ms);
  io.Enum("SessionOf", k.session_of, PrincipalTypeName, PrincipalTypeFrom);
  io("RoleArn", k.role_arn);
  io("RoleId", k.role_id);
  io("RoleName", k.role_name);
  io("SessionName", k.session_name);
  io("SourceIdentity", k.source_identity);
  io("SessionTags", k.session_tags);
  io("SessionPolicies", k.session_policies);
  io("Mfa", k.mfa);
};

Value AccountToValue(const Account& a) { return WriteRow(a, kAccountFields); }
Account AccountFromValue(const Value& v) { return ReadRow<Account>(v, kAccountFields); }
Value UserToValue(const User& u) { return WriteRow(u, kUserFields); }
User UserFromValue(const Value& v) { return ReadRow<User>(v, kUserFields); }
Value KeyToValue(const AccessKey& k) { return WriteRow(k, kKeyFields); }
AccessKey KeyFromValue(const Value& v) { return ReadRow<AccessKey>(v, kKeyFields); }

}  // namespace

Status Directory::Bootstrap(const BootstrapConfig& config) {
  if (!FindAccount(config.account_id)) {
    Account account{config.account_id, config.account_email, "Management Account",
                    clock_.NowMillis()};
    ORGTRAIL_CHECK(PutAccount(account));
  }
  if (!FindUser(config.account_id, kAdminUserName)) {
    ORGTRAIL_CHECK(CreateUser(config.account_id, kAdminUserName, "/"));
  }
  // The admin key follows the flags: replace it if they changed since the last start.
  auto existing = FindKey(config.admin_access_key);
  if (!existing || existing->secret != config.admin_secret_key ||
      existing->account_id != config.account_id || existing->kind != KeyKind::kUser) {
    AccessKey key;
    key.access_key_id = config.admin_access_key;
    key.secret = config.admin_secret_key;
    key.account_id = config.account_id;
    key.kind = KeyKind::kUser;
    key.user_name = std::string(kAdminUserName);
    key.created_ms = clock_.NowMillis();
    ORGTRAIL_CHECK(PutKey(key));
  }
  // Root keys: fixed by flags, or generated once at first start.
  bool have_root = false;
  for (const AccessKey& k : KeysOfAccount(config.account_id))
    if (k.kind == KeyKind::kRoot) have_root = true;
  if (!config.root_access_key_id.empty()) {
    auto fixed = FindKey(config.root_access_key_id);
    if (!fixed || fixed->secret != config.root_secret_access_key) {
      AccessKey key;
      key.access_key_id = config.root_access_key_id;
      key.secret = config.root_secret_access_key;
      key.account_id = config.account_id;
      key.kind = KeyKind::kRoot;
      key.created_ms = clock_.NowMillis();
      ORGTRAIL_CHECK(PutKey(key));
    }
  } else if (!have_root) {
    ORGTRAIL_CHECK(CreateLongTermKey(config.account_id, KeyKind::kRoot, ""));
  }
  return Ok();
}

std::optional<Account> Directory::FindAccount(std::string_view id) const {
  auto v = GetRow(store_, kDirectoryAccounts, id);
  if (!v) return std::nullopt;
  return AccountFromValue(*v);
}

std::vector<Account> Directory::ListAccounts() const {
  std::vector<Account> out;
  for (const store::Row& row : store_.Scan(kDirectoryAccounts)) {
    auto v = ParseJson(row.value);
    if (v.ok()) out.push_back(AccountFromValue(*v));
  }
  return out;
}

Status Directory::PutAccount(const Account& account) {
  return store_.Put(kDirectoryAccounts, account.id, AccountToValue(account).ToJson());
}

std::string Directory::NewAccountId() const {
  while (true) {
    std::string id = ids_.Chars(1, "123456789") + ids_.Chars(11, "0123456789");
    if (!FindAccount(id)) return id;
  }
}

std::optional<User> Directory::FindUser(std::string_view account_id, std::string_view name) const {
  auto v = GetRow(store_, kUsers, UserKey(account_id, name));
  if (!v) return std::nullopt;
  return UserFromValue(*v);
}

Result<User> Directory::CreateUser(std::string_view account_id, std::string_view name,
                                   std::string_view path) {
  if (FindUser(account_id, name))
    return AwsError("EntityAlreadyExists",
                    "User with name " + std::string(name) + " already exists.");
  User u;
  u.account_id = std::string(account_id);
  u.name = std::string(name);
  u.path = path.empty() ? "/" : std::string(path);
  u.user_id = NewUniqueId("AIDA");
  u.created_ms = clock_.NowMillis();
  ORGTRAIL_CHECK(store_.Put(kUsers, UserKey(account_id, name), UserToValue(u).ToJson()));
  return u;
}

std::vector<User> Directory::ListUsers(std::string_view account_id) const {
  std::vector<User> out;
  for (const store::Row& row : store_.Scan(kUsers, std::string(account_id) + "/")) {
    auto v = ParseJson(row.value);
    if (v.ok()) out.push_back(UserFromValue(*v));
  }
  return out;
}

Status Directory::PutUser(const User& user) {
  return store_.Put(kUsers, UserKey(user.account_id, user.name), UserToValue(user).ToJson());
}

Status Directory::DeleteUser(std::string_view account_id, std::string_view name) {
  return store_.Delete(kUsers, UserKey(account_id, name));
}

std::optional<AccessKey> Directory::FindKey(std::string_view access_key_id) const {
  auto v = GetRow(store_, kKeys, access_key_id);
  if (!v) return std::nullopt;
  return KeyFromValue(*v);
}

std::vector<AccessKey> Directory::KeysOfAccount(std::string_view account_id) const {
  std::vector<AccessKey> out;
  for (const store::Row& row : store_.Scan(kKeys)) {
    auto v = ParseJson(row.value);
    if (!v.ok()) continue;
    AccessKey k = KeyFromValue(*v);
    if (k.account_id == account_id) out.push_back(std::move(k));
  }
  return out;
}

Status Directory::PutKey(const AccessKey& key) {
  return store_.Put(kKeys, key.access_key_id, KeyToValue(key).ToJson());
}

Status Directory::DeleteKey(std::string_view access_key_id) {
  return store_.Delete(kKeys, access_key_id);
}

std::vector<AccessKey> Directory::KeysOfUser(std::string_view account_id,
                                             std::string_view user_name) const {
  std::vector<AccessKey> out;
  for (AccessKey& k : KeysOfAccount(account_id))
    if (k.kind == KeyKind::kUser && k.user_name == user_name) out.push_back(std::move(k));
  std::stable_sort(out.begin(), out.end(), [](const AccessKey& a, const AccessKey& b) {
    return a.created_ms < b.created_ms;
  });
  return out;
}

Result<AccessKey> Directory::CreateLongTermKey(std::string_view account_id, KeyKind kind,
                                               std::string_view user_name) {
  AccessKey key;
  do {
    key.access_key_id = "AKIA" + ids_.Chars(16, IdSource::kBase32);
  } while (FindKey(key.access_key_id));
  key.secret = ids_.Chars(40, IdSource::kSecret);
  key.account_id = std::string(account_id);
  key.kind = kind;
  key.user_name = std::string(user_name);
  key.created_ms = clock_.NowMillis();
  ORGTRAIL_CHECK(PutKey(key));
  return key;
}

Result<AccessKey> Directory::CreateSessionKey(AccessKey base, int64_t duration_ms) {
  base.kind = KeyKind::kSession;
  do {
    base.access_key_id = "ASIA" + ids_.Chars(16, IdSource::kBase32);
  } while (FindKey(base.access_key_id));
  base.secret = ids_.Chars(40, IdSource::kSecret);
  // Opaque, at least 300 characters (spec/org-iam.md §1.2), base64-like as AWS's are.
  base.session_token = "IQoJb3JpZ2luX2VjE" + ids_.Base64Bytes(300);
  base.created_ms = clock_.NowMillis();
  base.expires_ms = base.created_ms + duration_ms;
  base.status = "Active";
  ORGTRAIL_CHECK(PutKey(base));
  return base;
}

Result<auth::Principal> Directory::PrincipalFor(const AccessKey& key) const {
  auth::Principal p;
  p.account_id = key.account_id;
  p.access_key_id = key.access_key_id;
  auth::PrincipalType type = key.kind == KeyKind::kRoot   ? auth::PrincipalType::kRoot
                             : key.kind == KeyKind::kUser ? auth::PrincipalType::kIAMUser
                                                          : key.session_of;
  if (key.kind == KeyKind::kSession) {
    p.temporary = true;
    p.session_issued_ms = key.created_ms;
    p.session_expires_ms = key.expires_ms;
    p.mfa_authenticated = key.mfa;
  }
  p.type = type;
  switch (type) {
    case auth::PrincipalType::kRoot:
      p.arn = "arn:aws:iam::" + key.account_id + ":root";
      p.user_id = key.account_id;
      break;
    case auth::PrincipalType::kIAMUser: {
      auto user = FindUser(key.account_id, key.user_name);
      if (!user) return AwsError("UnknownPrincipal", "user " + key.user_name + " is gone");
      p.arn = user->Arn();
      p.user_id = user->user_id;
      p.user_name = user->name;
      for (const Tag& t : user->tags) p.principal_tags.emplace_back(t.key, t.value);
      break;
    }
    case auth::PrincipalType::kAssumedRole:
      p.role_arn = key.role_arn;
      p.role_id = key.role_id;
      p.role_name = key.role_name;
      p.session_name = key.session_name;
      p.source_identity = key.source_identity;
      p.session_policies = key.session_policies;
      for (const Tag& t : key.session_tags) p.principal_tags.emplace_back(t.key, t.value);
      p.arn = "arn:aws:sts::" + key.account_id + ":assumed-role/" + key.role_name + "/" +
              key.session_name;
      p.user_id = key.role_id + ":" + key.session_name;
      break;
    default:
      break;
  }
  return p;
}

std::string Directory::NewUniqueId(std::string_view prefix) const {
  return std::string(prefix) + ids_.Chars(17, IdSource::kUpperDigits);
}

}  // namespace orgtrail::identity
