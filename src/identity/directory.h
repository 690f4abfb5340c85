// The identity directory: accounts, IAM users and every access key (long-term and temporary),
// persisted in the Store (tables "accounts", "iam_users", "access_keys"; docs/persistence.md).
// The gateway authenticates through it; STS, IAM and Organizations keep their identities in it.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/value.h"
#include "store/store.h"

namespace orgtrail::identity {

struct Account {
  std::string id;
  std::string email;
  std::string name;
  int64_t created_ms = 0;
};

// An IAM tag (users, roles, managed policies).
struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

struct User {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string user_id;  // AIDA…
  int64_t created_ms = 0;
  std::vector<Tag> tags;
  std::string permissions_boundary_arn;  // "" if none
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":user" + path + name; }
};

enum class KeyKind { kRoot, kUser, kSession };

// An access key and what it stands for.
struct AccessKey {
  std::string access_key_id;
  std::string secret;
  std::string account_id;
  KeyKind kind = KeyKind::kUser;
  std::string status = "Active";  // Active | Inactive
  int64_t created_ms = 0;
  // kUser: the user. kSession: the user behind GetSessionToken credentials (empty for root or
  // role sessions).
  std::string user_name;
  // kSession only.
  std::string session_token;
  int64_t expires_ms = 0;
  auth::PrincipalType session_of = auth::PrincipalType::kIAMUser;  // Root, IAMUser or AssumedRole
  std::string role_arn, role_id, role_name, session_name, source_identity;
  // Session policies (AssumeRole Policy and PolicyArns), as policy documents.
  std::vector<std::string> session_policies;
  // Principal tags of a role session: the role's tags overridden by AssumeRole session tags.
  std::vector<Tag> session_tags;
  bool mfa = false;
};

struct BootstrapConfig {
  std::string account_id;
  std::string account_email;
  std::string admin_access_key;
  std::string admin_secret_key;
  std::string root_access_key_id;      // "" = generate
  std::string root_secret_access_key;  // "" = generate
};

inline constexpr std::string_view kAdminUserName = "orgtrail-admin";

class Directory {
 public:
  Directory(store::Store& store, IdSource& ids, Clock& clock)
      : store_(store), ids_(ids), clock_(clock) {}

  // Creates the first account, its orgtrail-admin user and keys, unless they exist already
  // (restarts keep what the first start made; changed flags for the admin keys are applied).
  Status Bootstrap(const BootstrapConfig& config);

  // Accounts.
  std::optional<Account> FindAccount(std::string_view id) const;
  std::vector<Account> ListAccounts() const;
  Status PutAccount(const Account& account);
  // A fresh, unused 12-digit account id (first digit non-zero).
  std::string NewAccountId() const;

  // Users.
  std::optional<User> FindUser(std::string_view account_id, std::string_view name) const;
  Result<User> CreateUser(std::string_view account_id, std::string_view name,
                          std::string_view path);
  // The account's users in name order (byte order).
  std::vector<User> ListUsers(std::string_view account_id) const;
  // Rewrites an existing user's row (tags, boundary, path).
  Status PutUser(const User& user);
  // Removes the user's row only; callers check what still refers to it (IAM's DeleteUser).
  Status DeleteUser(std::string_view account_id, std::string_view name);

  // Keys.
  std::optional<AccessKey> FindKey(std::string_view access_key_id) const;
  std::vector<AccessKey> KeysOfAccount(std::string_view account_id) const;
  Status PutKey(const AccessKey& key);
  Status DeleteKey(std::string_view access_key_id);
  // The long-term keys (kind kUser) of one user, oldest first.
  std::vector<AccessKey> KeysOfUser(std::string_view account_id, std::string_view user_name) const;
  // Mints a long-term key pair (AKIA…) for a user or for an account's root.
  Result<AccessKey> CreateLongTermKey(std::string_view account_id, KeyKind kind,
                                      std::string_view user_name);
  // Mints temporary credentials (ASIA…, secret, token) expiring after duration_ms on the
  // orgtrail clock. `base` supplies the session fields (kind kSession is set here).
  Result<AccessKey> CreateSessionKey(AccessKey base, int64_t duration_ms);

  // The principal a verified key stands for.
  Result<auth::Principal> PrincipalFor(const AccessKey& key) const;

  // New IAM-style unique id: prefix + 17 of [A-Z0-9] ("AIDA", "AROA", ...).
  std::string NewUniqueId(std::string_view prefix) const;

 private:
  store::Store& store_;
  IdSource& ids_;
  Clock& clock_;
};

}  // namespace orgtrail::identity
