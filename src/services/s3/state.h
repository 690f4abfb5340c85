// S3 state: one row per bucket (s3_buckets, global namespace), the current version of each object
// (s3_objects), every version of versioned buckets (s3_versions), multipart uploads and their
// parts (s3_uploads, s3_parts). Rows are JSON text of a Value; bodies are blobs named by ids
// (docs/persistence.md).
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"

namespace orgtrail::services::s3 {

inline constexpr std::string_view kBuckets = "s3_buckets";
inline constexpr std::string_view kObjects = "s3_objects";
inline constexpr std::string_view kVersions = "s3_versions";
inline constexpr std::string_view kUploads = "s3_uploads";
inline constexpr std::string_view kParts = "s3_parts";

// Separates an object key from a version or upload suffix in row keys; sorts before every
// character a key may hold, so all rows of one key precede the next key.
inline constexpr char kSep = '\x01';

struct Bucket {
  std::string name;
  Value row;  // Name, Owner, Region, Created, Versioning, Policy, Acl, ...
  const std::string& owner() const { return row["Owner"].AsString(); }
  std::string versioning() const { return row.GetString("Versioning"); }
};

std::optional<Bucket> FindBucket(gateway::Call& call, const std::string& name);
Result<Bucket> RequireBucket(gateway::Call& call, const std::string& name);
Status SaveBucket(gateway::Call& call, const Bucket& bucket);

// Row keys.
std::string ObjectKey(std::string_view bucket, std::string_view key);
std::string VersionPrefix(std::string_view bucket, std::string_view key);

// The stored object row, current version (nullopt when absent or a delete marker).
std::optional<Value> FindObject(gateway::Call& call, std::string_view bucket, std::string_view key);
// A specific version ("null" included), delete markers too.
std::optional<Value> FindVersion(gateway::Call& call, const Bucket& bucket, std::string_view key,
                                 std::string_view version_id);
// Object row (current or given version) or NoSuchKey / NoSuchVersion / NoSuchBucket.
Result<Value> RequireObject(gateway::Call& call, const std::string& bucket, const std::string& key,
                            const std::string& version_id);

// Stores a new object version (obj has Blob, Size, ETag, ...; Key is set here) following the
// bucket's versioning state; returns the version id ("null" for unversioned buckets). Blobs of
// replaced unversioned objects are removed after the rows are committed. `current`, when given,
// is the object's current row as the caller read it in this transaction (unversioned buckets),
// so it is not read again.
Result<std::string> CommitObject(gateway::Call& call, const Bucket& bucket, const std::string& key,
                                 Value obj, const std::optional<Value>* current = nullptr);
// DeleteObject semantics: returns {"DeleteMarker"?, "VersionId"?}.
Result<Value> RemoveObject(gateway::Call& call, const Bucket& bucket, const std::string& key,
                           const std::string& version_id);

// Versioned buckets keep every version in s3_versions; turns the bucket's unversioned objects
// into "null" versions the first time versioning is enabled.
Status MigrateToVersioned(gateway::Call& call, const Bucket& bucket);

// Owner {ID, DisplayName} of an account: ID is a stable 64-hex canonical user id.
std::string CanonicalId(std::string_view account);
Value OwnerValue(std::string_view account);

std::string NewBlobId(gateway::Call& call);
std::string QuotedMd5Hex(std::string_view data);

// Checksums: algorithm names as in the API (CRC32, CRC32C, SHA1, SHA256); value base64.
inline constexpr std::string_view kChecksumAlgorithms[] = {"CRC32", "CRC32C", "SHA1", "SHA256"};
std::string ComputeChecksum(std::string_view algorithm, std::string_view data);
// {"Algorithm", "Value"} from the request's Checksum<ALG> members or ChecksumAlgorithm (computed).
Value ChecksumOf(const Value& input, std::string_view data);
// Copies a stored checksum into output members Checksum<ALG>.
void SetChecksumMembers(const Value& checksum, Value& out);

// Object attributes taken from request headers (Content-*, Metadata, SSE, StorageClass, ...).
void CopyObjectAttributes(const Value& from, Value& to);
// Tag set from the x-amz-tagging header form "a=b&c=d".
Value TagsFromQuery(std::string_view query);

int64_t EpochSeconds(int64_t ms);
std::string UrlEncodeKey(std::string_view key);

// s3:ListBucket-style continuation and markers.
struct ListedKeys {
  std::vector<Value> contents;  // object rows
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_marker;  // last key or common prefix returned
};
ListedKeys ListKeys(gateway::Call& call, std::string_view table, std::string_view bucket,
                    std::string_view prefix, std::string_view delimiter, std::string_view after,
                    int64_t max_keys);

std::span<const gateway::OperationRow> BucketOps();
std::span<const gateway::OperationRow> ListOps();
std::span<const gateway::OperationRow> ObjectOps();
std::span<const gateway::OperationRow> MultipartOps();
std::span<const gateway::OperationRow> ConfigOps();
gateway::TargetFn S3Target();

}  // namespace orgtrail::services::s3

namespace orgtrail::services::s3 {
// {"Owner", "Grants"} for a canned ACL (private, public-read, public-read-write,
// authenticated-read, log-delivery-write, bucket-owner-read, bucket-owner-full-control).
Value AclValue(std::string_view owner_account, std::string_view canned);
bool ValidCannedAcl(std::string_view canned);
// Rewrites the stored row of one object version (current when version_id is empty).
Status UpdateObject(gateway::Call& call, const Bucket& bucket, const std::string& key,
                    const std::string& version_id, const std::function<void(Value&)>& edit);
}  // namespace orgtrail::services::s3

#include <array>
namespace orgtrail::services::s3 {
// x-amz-copy-source "bucket/key?versionId=v" → {bucket, key, version}.
Result<std::array<std::string, 3>> ParseCopySource(std::string_view source);
// Inclusive byte offsets in an object.
struct ByteRange {
  uint64_t first = 0, last = 0;
};
// Range "bytes=a-b", "bytes=a-", "bytes=-n" against an object of `size` bytes. nullopt: ignore
// the header (as S3 does for syntax it does not understand); an unsatisfiable range is an error.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size);
// x-amz-copy-source-range "bytes=first-last" (decimal digits only) against a source of `size`
// bytes: InvalidArgument when malformed, InvalidRequest when past the end.
Result<ByteRange> ParseCopySourceRange(std::string_view header, uint64_t size);
// The source object of CopyObject / UploadPartCopy with the CopySourceIf* conditions applied.
Result<Value> CopySourceObject(gateway::Call& call, const Value& input, std::string* version_out);
}  // namespace orgtrail::services::s3

namespace orgtrail::services::s3 {
// Block Public Access (public_access.cc). A policy is public when an Allow statement grants a
// "bad action" (s3:Get*, s3:List*, s3:Put*, s3:Delete*, ...) to a non-fixed principal without a
// condition pinning it to fixed values (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID,
// a CIDR of aws:SourceIp, ...); a canned ACL is public when it grants to AllUsers or
// AuthenticatedUsers.
bool IsPublicPolicy(std::string_view document);
bool IsPublicCannedAcl(std::string_view canned);
// AccessDenied when the bucket's BlockPublicPolicy refuses `document`.
Status CheckPublicPolicyAllowed(gateway::Call& call, const Bucket& bucket,
                                std::string_view document);
// AccessDenied when the bucket's BlockPublicAcls refuses the canned ACL of `action` (on the
// object `key`, or the bucket when empty).
Status CheckPublicAclAllowed(gateway::Call& call, const Bucket& bucket, std::string_view action,
                             const std::string& key, std::string_view canned);
// RestrictPublicBuckets is on and the bucket's policy is public: the policy then grants
// nothing to anonymous callers and other accounts (AWS service principals keep access).
bool RestrictsPublicPolicy(const Bucket& bucket);
}  // namespace orgtrail::services::s3
