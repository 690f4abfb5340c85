#include "services/s3/state.h"

#include <atomic>
#include <cstdio>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/errors.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

std::optional<Value> ReadRow(Call& call, std::string_view table, std::string_view key) {
  auto text = call.env.store.Get(table, key);
  if (!text) return std::nullopt;
  auto v = ParseJson(*text);
  if (!v.ok()) return std::nullopt;
  return std::move(v).value();
}

// Versions of one key sort newest first: the suffix is the complement of a sequence that grows
// with the clock (milliseconds, then a process counter).
std::string InvertedSequence(Call& call) {
  static std::atomic<uint64_t> counter{0};
  uint64_t seq = (static_cast<uint64_t>(call.NowMillis()) << 20) | (counter++ & 0xfffff);
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(~seq));
  return buf;
}

std::vector<store::Row> VersionRows(Call& call, std::string_view bucket, std::string_view key) {
  return call.env.store.Scan(kVersions, VersionPrefix(bucket, key));
}

std::string NewVersionId(Call& call) {
  return call.env.ids.Chars(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._");
}

}  // namespace

std::optional<Bucket> FindBucket(Call& call, const std::string& name) {
  auto row = ReadRow(call, kBuckets, name);
  if (!row) return std::nullopt;
  return Bucket{name, std::move(*row)};
}

Result<Bucket> RequireBucket(Call& call, const std::string& name) {
  auto b = FindBucket(call, name);
  if (!b) return errors::NoSuchBucket(name);
  return std::move(*b);
}

Status SaveBucket(Call& call, const Bucket& bucket) {
  return call.env.store.Put(kBuckets, bucket.name, bucket.row.ToJson());
}

std::string ObjectKey(std::string_view bucket, std::string_view key) {
  std::string out(bucket);
  out += '/';
  out += key;
  return out;
}

std::string VersionPrefix(std::string_view bucket, std::string_view key) {
  return ObjectKey(bucket, key) + kSep;
}

std::optional<Value> FindObject(Call& call, std::string_view bucket, std::string_view key) {
  return ReadRow(call, kObjects, ObjectKey(bucket, key));
}

std::optional<Value> FindVersion(Call& call, const Bucket& bucket, std::string_view key,
                                 std::string_view version_id) {
  if (bucket.versioning().empty()) {
    if (version_id != "null") return std::nullopt;
    return FindObject(call, bucket.name, key);
  }
  for (store::Row& r : VersionRows(call, bucket.name, key)) {
    auto v = ParseJson(r.value);
    if (v.ok() && v->GetString("VersionId") == version_id) return std::move(v).value();
  }
  return std::nullopt;
}

Result<Value> RequireObject(Call& call, const std::string& bucket_name, const std::string& key,
                            const std::string& version_id) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, bucket_name));
  if (version_id.empty()) {
    auto obj = FindObject(call, bucket_name, key);
    if (!obj) return errors::NoSuchKey(key);
    return std::move(*obj);
  }
  auto obj = FindVersion(call, bucket, key, version_id);
  if (!obj) {
    if (version_id != "null" && version_id.size() != 32)
      return errors::InvalidArgument("Invalid version id specified", "versionId", version_id);
    return errors::NoSuchVersion(key, version_id);
  }
  if ((*obj)["DeleteMarker"].AsBool()) return errors::MethodNotAllowed();
  return std::move(*obj);
}

Status MigrateToVersioned(Call& call, const Bucket& bucket) {
  std::vector<store::Write> writes;
  std::string after;
  const std::string prefix = bucket.name + "/";
  for (;;) {
    auto rows = call.env.store.Scan(kObjects, prefix, after, 1000);
    if (rows.empty()) break;
    for (store::Row& r : rows) {
      auto v = ParseJson(r.value);
      if (!v.ok()) continue;
      v->Set("VersionId", "null");
      writes.push_back(
          {std::string(kVersions), r.key + kSep + InvertedSequence(call), v->ToJson()});
      writes.push_back({std::string(kObjects), r.key, v->ToJson()});
    }
    after = rows.back().key;
  }
  if (writes.empty()) return Ok();
  return call.env.store.Apply(writes);
}

Result<std::string> CommitObject(Call& call, const Bucket& bucket, const std::string& key,
                                 Value obj, const std::optional<Value>* current) {
  obj.Set("Key", key);
  const std::string row_key = ObjectKey(bucket.name, key);
  const std::string status = bucket.versioning();
  std::vector<store::Write> writes;
  std::vector<std::string> dead_blobs;
  std::string version_id = "null";
  if (status.empty()) {
    if (current != nullptr) {
      if (*current) dead_blobs.push_back((*current)->GetString("Blob"));
    } else if (auto old = FindObject(call, bucket.name, key)) {
      dead_blobs.push_back(old->GetString("Blob"));
    }
  } else {
    if (status == "Enabled") {
      version_id = NewVersionId(call);
    } else {  // Suspended: the new object replaces the "null" version
      for (store::Row& r : VersionRows(call, bucket.name, key)) {
        auto v = ParseJson(r.value);
        if (!v.ok() || v->GetString("VersionId") != "null") continue;
        writes.push_back({std::string(kVersions), r.key, std::nullopt});
        if (!(*v)["DeleteMarker"].AsBool()) dead_blobs.push_back(v->GetString("Blob"));
      }
    }
    obj.Set("VersionId", version_id);
    writes.push_back({std::string(kVersions),
                      VersionPrefix(bucket.name, key) + InvertedSequence(call), obj.ToJson()});
  }
  obj.Set("VersionId", version_id);
  writes.push_back({std::string(kObjects), row_key, obj.ToJson()});
  ORGTRAIL_CHECK(call.env.store.Apply(writes));
  for (const std::string& b : dead_blobs)
    if (!b.empty() && b != obj.GetString("Blob")) call.env.store.Blobs().Remove(b);
  return version_id;
}

Result<Value> RemoveObject(Call& call, const Bucket& bucket, const std::string& key,
                           const std::string& version_id) {
  const std::string row_key = ObjectKey(bucket.name, key);
  const std::string status = bucket.versioning();
  Value out = Value::MakeMap();
  if (status.empty()) {
    if (!version_id.empty() && version_id != "null") {
      return errors::InvalidArgument("Invalid version id specified", "versionId", version_id);
    }
    auto old = FindObject(call, bucket.name, key);
    ORGTRAIL_CHECK(call.env.store.Delete(kObjects, row_key));
    if (old) call.env.store.Blobs().Remove(old->GetString("Blob"));
    if (!version_id.empty()) out.Set("VersionId", version_id);
    return out;
  }
  std::vector<store::Write> writes;
  if (version_id.empty()) {
    // A delete marker becomes the newest version.
    std::string marker_id = status == "Enabled" ? NewVersionId(call) : "null";
    std::vector<std::string> dead_blobs;
    if (marker_id == "null") {
      for (store::Row& r : VersionRows(call, bucket.name, key)) {
        auto v = ParseJson(r.value);
        if (!v.ok() || v->GetString("VersionId") != "null") continue;
        writes.push_back({std::string(kVersions), r.key, std::nullopt});
        if (!(*v)["DeleteMarker"].AsBool()) dead_blobs.push_back(v->GetString("Blob"));
      }
    }
    Value marker = Value::MakeMap()
                       .Set("Key", key)
                       .Set("VersionId", marker_id)
                       .Set("DeleteMarker", true)
                       .Set("LastModified", call.NowMillis())
                       .Set("Owner", call.account_id());
    writes.push_back({std::string(kVersions),
                      VersionPrefix(bucket.name, key) + InvertedSequence(call), marker.ToJson()});
    writes.push_back({std::string(kObjects), row_key, std::nullopt});
    ORGTRAIL_CHECK(call.env.store.Apply(writes));
    for (const std::string& b : dead_blobs) call.env.store.Blobs().Remove(b);
    return out.Set("DeleteMarker", true).Set("VersionId", marker_id);
  }
  // Permanently removes one version; the newest remaining one becomes current.
  auto rows = VersionRows(call, bucket.name, key);
  std::optional<Value> removed;
  std::optional<Value> newest_left;
  for (store::Row& r : rows) {
    auto v = ParseJson(r.value);
    if (!v.ok()) continue;
    if (!removed && v->GetString("VersionId") == version_id) {
      writes.push_back({std::string(kVersions), r.key, std::nullopt});
      removed = std::move(v).value();
      continue;
    }
    if (!newest_left) newest_left = std::move(v).value();
  }
  if (!removed) {
    if (version_id != "null" && version_id.size() != 32)
      return errors::InvalidArgument("Invalid version id specified", "versionId", version_id);
    return out.Set("VersionId", version_id);
  }
  if (newest_left && !(*newest_left)["DeleteMarker"].AsBool()) {
    writes.push_back({std::string(kObjects), row_key, newest_left->ToJson()});
  } else {
    writes.push_back({std::string(kObjects), row_key, std::nullopt});
  }
  ORGTRAIL_CHECK(call.env.store.Apply(writes));
  if (!(*removed)["DeleteMarker"].AsBool()) {
    call.env.store.Blobs().Remove(removed->GetString("Blob"));
  } else {
    out.Set("DeleteMarker", true);
  }
  return out.Set("VersionId", version_id);
}

std::string CanonicalId(std::string_view account) {
  return Sha256Hex(std::string("orgtrail-canonical-user:") + std::string(account));
}

Value OwnerValue(std::string_view account) {
  return Value::MakeMap()
      .Set("DisplayName", "account-" + std::string(account))
      .Set("ID", CanonicalId(account));
}

std::string NewBlobId(Call& call) {
  return call.env.ids.Chars(32, "abcdefghijklmnopqrstuvwxyz0123456789");
}

std::string QuotedMd5Hex(std::string_view data) { return "\"" + HexEncode(Md5(data)) + "\""; }

std::string ComputeChecksum(std::string_view algorithm, std::string_view data) {
  auto be32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
    return s;
  };
  if (algorithm == "CRC32") return Base64Encode(be32(Crc32(data)));
  if (algorithm == "CRC32C") return Base64Encode(be32(Crc32c(data)));
  if (algorithm == "SHA1") return Base64Encode(Sha1(data));
  if (algorithm == "SHA256") return Base64Encode(Sha256(data));
  return "";
}

Value ChecksumOf(const Value& input, std::string_view data) {
  for (std::string_view alg : kChecksumAlgorithms) {
    std::string member = "Checksum" + std::string(alg);
    if (const Value* v = input.Find(member); v && v->is_string() && !v->AsString().empty())
      return Value::MakeMap().Set("Algorithm", alg).Set("Value", v->AsString());
  }
  std::string alg = input.GetString("ChecksumAlgorithm");
  for (char& c : alg) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view a : kChecksumAlgorithms)
    if (a == alg)
      return Value::MakeMap().Set("Algorithm", a).Set("Value", ComputeChecksum(a, data));
  return Value();
}

void SetChecksumMembers(const Value& checksum, Value& out) {
  if (!checksum.is_map()) return;
  out.Set("Checksum" + checksum.GetString("Algorithm"), checksum.GetString("Value"));
  out.Set("ChecksumType", checksum.GetString("Type", "FULL_OBJECT"));
}

void CopyObjectAttributes(const Value& from, Value& to) {
  static constexpr std::string_view kMembers[] = {
      "ContentType",          "CacheControl", "ContentDisposition",      "ContentEncoding",
      "ContentLanguage",      "Expires",      "WebsiteRedirectLocation", "StorageClass",
      "ServerSideEncryption", "SSEKMSKeyId",  "BucketKeyEnabled",        "Metadata"};
  for (std::string_view m : kMembers)
    if (const Value* v = from.Find(m); v && !v->is_null()) to.Set(std::string(m), *v);
  // aws-chunked is a transfer detail, never part of the stored Content-Encoding (wire.md §5.6).
  if (IEquals(to.GetString("ContentEncoding"), "aws-chunked")) to.Erase("ContentEncoding");
}

Value TagsFromQuery(std::string_view query) {
  Value tags = Value::MakeList();
  for (auto& [k, v] : ParseQueryString(query, true))
    tags.Append(Value::MakeMap().Set("Key", k).Set("Value", v));
  return tags;
}

int64_t EpochSeconds(int64_t ms) { return ms / 1000; }

std::string UrlEncodeKey(std::string_view key) { return UriEncode(key, /*keep_slash=*/true); }

ListedKeys ListKeys(Call& call, std::string_view table, std::string_view bucket,
                    std::string_view prefix, std::string_view delimiter, std::string_view after,
                    int64_t max_keys) {
  ListedKeys out;
  const std::string base = std::string(bucket) + "/";
  const std::string scan_prefix = base + std::string(prefix);
  std::string cursor = after.empty() ? "" : base + std::string(after);
  if (!after.empty() && !delimiter.empty()) {
    // A marker that is a common prefix skips the whole group.
    std::string_view rest = after.substr(std::min(after.size(), prefix.size()));
    if (StartsWith(after, prefix) && EndsWith(rest, delimiter) &&
        rest.find(delimiter) == rest.size() - delimiter.size())
      cursor += "\xff";
  }
  int64_t count = 0;
  while (true) {
    auto rows = call.env.store.Scan(table, scan_prefix, cursor, 256);
    if (rows.empty()) return out;
    for (store::Row& r : rows) {
      std::string key = r.key.substr(base.size());
      if (!delimiter.empty()) {
        size_t pos = key.find(delimiter, prefix.size());
        if (pos != std::string::npos) {
          std::string cp = key.substr(0, pos + delimiter.size());
          if (count >= max_keys) {
            out.truncated = true;
            return out;
          }
          out.common_prefixes.push_back(cp);
          out.next_marker = cp;
          ++count;
          cursor = base + cp + "\xff";
          goto next_batch;
        }
      }
      if (count >= max_keys) {
        out.truncated = true;
        return out;
      }
      if (auto v = ParseJson(r.value); v.ok()) out.contents.push_back(std::move(v).value());
      out.next_marker = key;
      ++count;
      cursor = r.key;
    }
    continue;
  next_batch:;
  }
}

}  // namespace orgtrail::services::s3

namespace orgtrail::services::s3 {

bool ValidCannedAcl(std::string_view canned) {
  for (std::string_view c :
       {"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
        "log-delivery-write", "bucket-owner-read", "bucket-owner-full-control"})
    if (c == canned) return true;
  return false;
}

Value AclValue(std::string_view owner_account, std::string_view canned) {
  auto user = [](std::string_view account, std::string_view perm) {
    Value grantee = Value::MakeMap()
                        .Set("DisplayName", "account-" + std::string(account))
                        .Set("ID", CanonicalId(account))
                        .Set("Type", "CanonicalUser");
    return Value::MakeMap().Set("Grantee", std::move(grantee)).Set("Permission", perm);
  };
  auto group = [](std::string_view uri, std::string_view perm) {
    Value grantee = Value::MakeMap().Set("Type", "Group").Set("URI", uri);
    return Value::MakeMap().Set("Grantee", std::move(grantee)).Set("Permission", perm);
  };
  constexpr std::string_view kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
  constexpr std::string_view kAuthUsers =
      "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
  constexpr std::string_view kLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";
  Value grants = Value::MakeList().Append(user(owner_account, "FULL_CONTROL"));
  if (canned == "public-read" || canned == "public-read-write")
    grants.Append(group(kAllUsers, "READ"));
  if (canned == "public-read-write") grants.Append(group(kAllUsers, "WRITE"));
  if (canned == "authenticated-read") grants.Append(group(kAuthUsers, "READ"));
  if (canned == "log-delivery-write") {
    grants.Append(group(kLogDelivery, "WRITE"));
    grants.Append(group(kLogDelivery, "READ_ACP"));
  }
  return Value::MakeMap().Set("Owner", OwnerValue(owner_account)).Set("Grants", std::move(grants));
}

Status UpdateObject(gateway::Call& call, const Bucket& bucket, const std::string& key,
                    const std::string& version_id, const std::function<void(Value&)>& edit) {
  std::vector<store::Write> writes;
  auto current = FindObject(call, bucket.name, key);
  bool found = false;
  if (current && (version_id.empty() || current->GetString("VersionId") == version_id)) {
    edit(*current);
    writes.push_back({std::string(kObjects), ObjectKey(bucket.name, key), current->ToJson()});
    found = true;
  }
  if (!bucket.versioning().empty()) {
    std::string want = version_id.empty() && current ? current->GetString("VersionId") : version_id;
    for (store::Row& r : call.env.store.Scan(kVersions, VersionPrefix(bucket.name, key))) {
      auto v = ParseJson(r.value);
      if (!v.ok() || v->GetString("VersionId") != want || (*v)["DeleteMarker"].AsBool()) continue;
      edit(*v);
      writes.push_back({std::string(kVersions), r.key, v->ToJson()});
      found = true;
      break;
    }
  }
  if (!found) {
    if (version_id.empty()) return errors::NoSuchKey(key);
    return errors::NoSuchVersion(key, version_id);
  }
  return call.env.store.Apply(writes);
}

}  // namespace orgtrail::services::s3
