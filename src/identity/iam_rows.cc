// Row keys, row <-> struct conversion and error texts shared by the IAM model's files.
#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/json.h"
#include "identity/iam_internal.h"
#include "identity/row_fields.h"

namespace orgtrail::identity::iam_internal {

using row_fields::ReadRow;
using row_fields::WriteRow;

std::string Key(std::string_view a, std::string_view b) {
  return std::string(a) + "/" + std::string(b);
}
std::string Key(std::string_view a, std::string_view b, std::string_view c) {
  return Key(a, b) + "/" + std::string(c);
}
std::string Key(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  return Key(a, b, c) + "/" + std::string(d);
}

const char* KindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "user";
    case EntityKind::kGroup:
      return "group";
    case EntityKind::kRole:
      return "role";
  }
  return "user";
}

namespace {

// Rows decoded by GetRow, by table and key, each with the text it was decoded from. A hit is a
// row whose current text is the same: the decoded Value is shared instead of parsed again. The
// access key, user, role and policy rows every signed request reads are decoded once while they
// do not change. Keyed by text rather than invalidated by writes, so a write through any path
// (another store included) is never missed. Bounded: emptied past kMaxBytes of text.
// Beside the SQLite store's cache of row text (store/row_cache.h), not built on it: that one
// holds text of every table and knows no JSON, and the memory store has none (why both stay:
// docs/architecture.md, "Authorization").
class DecodedRows {
 public:
  std::shared_ptr<const Value> Get(std::string_view table, std::string_view key,
                                   std::string&& text) {
    std::string id;
    id.reserve(table.size() + 1 + key.size());
    id.append(table).push_back('\0');
    id.append(key);
    {
      std::lock_guard lock(mu_);
      auto it = rows_.find(id);
      if (it != rows_.end() && it->second.text == text) return it->second.value;
    }
    auto parsed = ParseJson(text);
    if (!parsed.ok()) return nullptr;
    auto value = std::make_shared<const Value>(std::move(parsed).value());
    if (text.size() > kMaxRowBytes) return value;
    std::lock_guard lock(mu_);
    if (bytes_ + text.size() > kMaxBytes) {
      rows_.clear();
      bytes_ = 0;
    }
    Entry& e = rows_[std::move(id)];
    bytes_ = bytes_ - e.text.size() + text.size();
    e.text = std::move(text);
    e.value = value;
    return value;
  }

 private:
  static constexpr size_t kMaxRowBytes = 16 * 1024;
  static constexpr size_t kMaxBytes = 512 * 1024;
  struct Entry {
    std::string text;
    std::shared_ptr<const Value> value;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> rows_;
  size_t bytes_ = 0;
};

DecodedRows& Decoded() {
  static DecodedRows* const rows = new DecodedRows;  // never destroyed: used until exit
  return *rows;
}

}  // namespace

std::shared_ptr<const Value> GetRow(store::Store& store, std::string_view table,
                                    std::string_view key) {
  auto text = store.Get(table, key);
  if (!text) return nullptr;
  return Decoded().Get(table, key, std::move(*text));
}

std::vector<Value> ScanRows(store::Store& store, std::string_view table, std::string_view prefix) {
  std::vector<Value> out;
  for (store::Row& row : store.Scan(table, prefix)) {
    if (auto v = Decoded().Get(table, row.key, std::move(row.value))) out.push_back(*v);
  }
  return out;
}

Result<std::vector<Tag>> MergeTags(std::vector<Tag> current, const std::vector<Tag>& added) {
  for (const Tag& t : added) {
    bool replaced = false;
    for (Tag& c : current) {
      if (c.key == t.key) {
        c.value = t.value;
        replaced = true;
      }
    }
    if (!replaced) current.push_back(t);
  }
  if (current.size() > static_cast<size_t>(kMaxTags))
    return AwsError("LimitExceeded", "Cannot exceed quota for TagsPerResource: 50");
  return current;
}

std::vector<Tag> RemoveTags(std::vector<Tag> current, const std::vector<std::string>& keys) {
  std::erase_if(current, [&](const Tag& t) {
    for (const std::string& k : keys)
      if (k == t.key) return true;
    return false;
  });
  return current;
}

namespace {

// Each row's fields, in row order (identity/row_fields.h).
constexpr auto kRoleFields = [](auto& io, auto& r) {
  io("AccountId", r.account_id);
  io("RoleName", r.name);
  io("Path", r.path, "/");
  io("RoleId", r.role_id);
  io("AssumeRolePolicyDocument", r.assume_role_policy);
  io("Description", r.description);
  io("MaxSessionDuration", r.max_session_seconds, 3600);
  io("CreatedMs", r.created_ms);
  io("PermissionsBoundary", r.permissions_boundary_arn);
  io("Tags", r.tags);
};
constexpr auto kGroupFields = [](auto& io, auto& g) {
  io("AccountId", g.account_id);
  io("GroupName", g.name);
  io("Path", g.path, "/");
  io("GroupId", g.group_id);
  io("CreatedMs", g.created_ms);
};
constexpr auto kPolicyFields = [](auto& io, auto& p) {
  io("AccountId", p.account_id);
  io("PolicyName", p.name);
  io("Path", p.path, "/");
  io("PolicyId", p.policy_id);
  io("Description", p.description);
  io("DefaultVersionId", p.default_version, "v1");
  io("NextVersion", p.next_version, 2);
  io("CreatedMs", p.created_ms);
  io("UpdatedMs", p.updated_ms);
  io("Tags", p.tags);
};
constexpr auto kVersionFields = [](auto& io, auto& v) {
  io("VersionId", v.version_id);
  io("Document", v.document);
  io("CreatedMs", v.created_ms);
};

}  // namespace

Value RoleToRow(const Role& r) { return WriteRow(r, kRoleFields); }
Role RoleFromRow(const Value& v) { return ReadRow<Role>(v, kRoleFields); }
Value GroupToRow(const Group& g) { return WriteRow(g, kGroupFields); }
Group GroupFromRow(const Value& v) { return ReadRow<Group>(v, kGroupFields); }
Value PolicyToRow(const ManagedPolicy& p) { return WriteRow(p, kPolicyFields); }
ManagedPolicy PolicyFromRow(const Value& v) { return ReadRow<ManagedPolicy>(v, kPolicyFields); }
Value VersionToRow(const PolicyVersion& v) { return WriteRow(v, kVersionFields); }
PolicyVersion VersionFromRow(const Value& v) { return ReadRow<PolicyVersion>(v, kVersionFields); }

std::optional<PolicyArnParts> ParsePolicyArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view account = rest.substr(0, colon);
  std::string_view resource = rest.substr(colon + 1);
  constexpr std::string_view kPolicy = "policy/";
  if (resource.substr(0, kPolicy.size()) != kPolicy) return std::nullopt;
  std::string_view path_name = resource.substr(kPolicy.size() - 1);  // keeps the leading '/'
  size_t slash = path_name.rfind('/');
  std::string_view name = path_name.substr(slash + 1);
  if (account.empty() || name.empty()) return std::nullopt;
  return PolicyArnParts{std::string(account), std::string(path_name.substr(0, slash + 1)),
                        std::string(name)};
}

size_t PolicySize(std::string_view document) {
  size_t n = 0;
  for (char c : document)
    if (!std::isspace(static_cast<unsigned char>(c))) ++n;
  return n;
}

AwsError NoSuchUser(std::string_view name) {
  return AwsError("NoSuchEntity", "The user with name " + std::string(name) + " cannot be found.");
}
AwsError NoSuchRole(std::string_view name) {
  return AwsError("NoSuchEntity", "The role with name " + std::string(name) + " cannot be found.");
}
AwsError NoSuchGroup(std::string_view name) {
  return AwsError("NoSuchEntity", "The group with name " + std::string(name) + " cannot be found.");
}
AwsError NoSuchPolicy(std::string_view arn) {
  return AwsError("NoSuchEntity", "Policy " + std::string(arn) + " was not found.");
}
AwsError NotAttachable(std::string_view arn) {
  return AwsError("NoSuchEntity",
                  "Policy " + std::string(arn) + " does not exist or is not attachable.");
}
AwsError NoSuchInline(EntityKind kind, std::string_view policy_name) {
  return AwsError("NoSuchEntity", std::string("The ") + KindName(kind) + " policy with name " +
                                      std::string(policy_name) + " cannot be found.");
}
AwsError ProtectedRole(std::string_view name) {
  return AwsError("UnmodifiableEntity", "Cannot perform the operation on the protected role '" +
                                            std::string(name) +
                                            "' - this role is only modifiable by AWS");
}
AwsError NotModifiableAwsPolicy(std::string_view arn) {
  // decision: AWS managed policies are read-only; the wording is orgtrail's.
  return AwsError("InvalidInput", "Policy " + std::string(arn) +
                                      " is an AWS managed policy and cannot be modified.");
}

}  // namespace orgtrail::identity::iam_internal
