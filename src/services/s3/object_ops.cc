// Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject and object
// tagging and ACLs (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html and
// siblings). Bodies go to the store's BlobStore under fresh ids; rows hold the metadata.
#include <charconv>

#include "core/body_file.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/body.h"
#include "services/s3/errors.h"
#include "services/s3/state.h"
#include "store/blob_store.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

// Epoch seconds of a request timestamp member (headers are parsed to numbers by the codec).
std::optional<int64_t> SecondsOf(const Value& v) {
  if (v.is_number()) return static_cast<int64_t>(v.AsDouble());
  return std::nullopt;
}

bool EtagMatches(std::string_view header, std::string_view etag) {
  for (std::string_view part : Split(header, ',')) {
    std::string_view t = Trim(part);
    if (t == "*") return true;
    if (StartsWith(t, "W/")) t.remove_prefix(2);
    std::string_view bare = etag;
    if (bare.size() >= 2 && bare.front() == '"') bare = bare.substr(1, bare.size() - 2);
    if (t.size() >= 2 && t.front() == '"') t = t.substr(1, t.size() - 2);
    if (t == bare) return true;
  }
  return false;
}

// RFC 9110 §13.2.2 as S3 applies it
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
Status CheckConditions(const Value& input, const Value& obj, std::string_view prefix = "") {
  const std::string p(prefix);
  const std::string etag = obj.GetString("ETag");
  const int64_t modified = EpochSeconds(obj["LastModified"].AsInt());
  const Value* if_match = input.Find(p + "IfMatch");
  const Value* if_none = input.Find(p + "IfNoneMatch");
  if (if_match && !EtagMatches(if_match->AsString(), etag))
    return errors::PreconditionFailed("If-Match");
  if (!if_match) {
    if (auto t = SecondsOf(input[p + "IfUnmodifiedSince"]); t && modified > *t)
      return errors::PreconditionFailed("If-Unmodified-Since");
  }
  const bool copy = !prefix.empty();
  if (if_none && EtagMatches(if_none->AsString(), etag))
    return copy ? errors::PreconditionFailed("x-amz-copy-source-If-None-Match")
                : errors::NotModified();
  if (!if_none) {
    if (auto t = SecondsOf(input[p + "IfModifiedSince"]); t && modified <= *t)
      return copy ? errors::PreconditionFailed("x-amz-copy-source-If-Modified-Since")
                  : errors::NotModified();
  }
  return Ok();
}

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  header = Trim(header);
  if (!StartsWith(header, "bytes=")) return std::optional<ByteRange>();
  std::string_view spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  std::string_view a = Trim(spec.substr(0, dash)), b = Trim(spec.substr(dash + 1));
  ByteRange r;
  if (a.empty()) {
    auto n = ParseU64(b);
    if (!n) return std::optional<ByteRange>();
    if (*n == 0 || size == 0) return errors::InvalidRange(std::string(header), size);
    r.first = *n >= size ? 0 : size - *n;
    r.last = size - 1;
    return std::optional<ByteRange>(r);
  }
  auto first = ParseU64(a);
  if (!first) return std::optional<ByteRange>();
  if (b.empty()) {
    r.last = size == 0 ? 0 : size - 1;
  } else {
    auto last = ParseU64(b);
    if (!last || *last < *first) return std::optional<ByteRange>();
    r.last = std::min<uint64_t>(*last, size == 0 ? 0 : size - 1);
  }
  r.first = *first;
  if (r.first >= size) return errors::InvalidRange(std::string(header), size);
  return std::optional<ByteRange>(r);
}

namespace {

// Members of Get/HeadObject output that come from the stored row.
Value ObjectHeaders(const Value& obj, const Value& input, const Bucket& bucket) {
  Value out = Value::MakeMap();
  out.Set("AcceptRanges", "bytes");
  out.Set("LastModified", EpochSeconds(obj["LastModified"].AsInt()));
  out.Set("ContentLength", obj["Size"].AsInt());
  out.Set("ETag", obj.GetString("ETag"));
  CopyObjectAttributes(obj, out);
  if (!out.Has("ContentType")) out.Set("ContentType", "binary/octet-stream");
  if (!out.Has("ServerSideEncryption")) out.Set("ServerSideEncryption", "AES256");
  if (!bucket.versioning().empty()) out.Set("VersionId", obj.GetString("VersionId", "null"));
  if (obj["Tags"].size() > 0) out.Set("TagCount", static_cast<int64_t>(obj["Tags"].size()));
  if (obj["PartsCount"].AsInt() > 0 && input.Has("PartNumber"))
    out.Set("PartsCount", obj["PartsCount"].AsInt());
  if (IEquals(input.GetString("ChecksumMode"), "ENABLED")) SetChecksumMembers(obj["Checksum"], out);
  out.Erase("StorageClass");  // S3 omits STANDARD
  if (obj.GetString("StorageClass", "STANDARD") != "STANDARD")
    out.Set("StorageClass", obj.GetString("StorageClass"));
  // response-* query parameters override the stored headers (GetObject only).
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"ResponseCacheControl", "CacheControl"},
      {"ResponseContentDisposition", "ContentDisposition"},
      {"ResponseContentEncoding", "ContentEncoding"},
      {"ResponseContentLanguage", "ContentLanguage"},
      {"ResponseContentType", "ContentType"},
      {"ResponseExpires", "Expires"}};
  for (const auto& [from, to] : kOverrides)
    if (const Value* v = input.Find(from)) out.Set(std::string(to), *v);
  return out;
}

Result<Value> ReadObjectRow(Call& call, const Value& input, Bucket& bucket) {
  ORGTRAIL_TRY(bucket, RequireBucket(call, input.GetString("Bucket")));
  return RequireObject(call, bucket.name, input.GetString("Key"), input.GetString("VersionId"));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
Result<Value> PutObject(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  const std::string key = input.GetString("Key");
  if (key.empty() || key.size() > 1024)
    return AwsError("KeyTooLongError", "Your key is too long", 400);
  if (const Value* none = input.Find("IfNoneMatch")) {
    if (none->AsString() != "*")
      return AwsError("NotImplemented",
                      "A header you provided implies functionality that is not implemented", 501);
    if (FindObject(call, bucket.name, key)) return errors::PreconditionFailed("If-None-Match");
  }
  if (const Value* match = input.Find("IfMatch")) {
    auto current = FindObject(call, bucket.name, key);
    if (!current) return errors::NoSuchKey(key);
    if (!EtagMatches(match->AsString(), current->GetString("ETag")))
      return errors::PreconditionFailed("If-Match");
  }
  std::string acl = input.GetString("ACL", "private");
  if (!ValidCannedAcl(acl)) return errors::InvalidArgument("", "x-amz-acl", acl);
  ORGTRAIL_CHECK(CheckPublicAclAllowed(call, bucket, "s3:PutObject", key, acl));
  // Overwriting a small object of an unversioned bucket rewrites its body's row in place (the
  // blob belongs to that object alone). A small body kept as a file (data directories of schema
  // version 1) is shadowed by the row, which every read looks at first, and removed with it.
  std::string reuse_blob;
  std::optional<Value> current;
  const bool unversioned = bucket.versioning().empty();
  if (unversioned) {
    current = FindObject(call, bucket.name, key);
    if (current && (*current)["Size"].AsInt() <= static_cast<int64_t>(store::kInlineBlobMax))
      reuse_blob = current->GetString("Blob");
  }
  ORGTRAIL_TRY(StoredBody body, StoreBody(call, input, "", reuse_blob));
  const Value& checksum = body.checksum;
  Value obj = Value::MakeMap()
                  .Set("Blob", body.blob)
                  .Set("Size", body.size)
                  .Set("ETag", body.etag)
                  .Set("LastModified", call.NowMillis())
                  .Set("Owner", call.account_id());
  CopyObjectAttributes(input, obj);
  if (!checksum.is_null()) obj.Set("Checksum", checksum);
  if (const Value* t = input.Find("Tagging")) obj.Set("Tags", TagsFromQuery(t->AsString()));
  if (acl != "private") obj.Set("Acl", acl);
  ORGTRAIL_TRY(std::string version,
               CommitObject(call, bucket, key, std::move(obj), unversioned ? &current : nullptr));
  Value out = Value::MakeMap().Set("ETag", body.etag);
  SetChecksumMembers(checksum, out);
  out.Set("ServerSideEncryption", input.GetString("ServerSideEncryption", "AES256"));
  if (input.Has("SSEKMSKeyId")) out.Set("SSEKMSKeyId", input["SSEKMSKeyId"]);
  if (!bucket.versioning().empty()) out.Set("VersionId", version);
  return out;
}

// Bodies up to this size are read into the response; larger ones are streamed from their file.
constexpr uint64_t kStreamFrom = 256 * 1024;

Result<Value> GetOrHead(Call& call, const Value& input, bool with_body) {
  // The row and a body read into memory come from one state of the store: an overwrite rewrites
  // a small body in place under the same blob id (PutObject), and must not slip in between.
  std::unique_ptr<store::Transaction> snapshot;
  if (with_body) snapshot = call.env.store.Begin();
  Bucket bucket;
  ORGTRAIL_TRY(Value obj, ReadObjectRow(call, input, bucket));
  ORGTRAIL_CHECK(CheckConditions(input, obj));
  Value out = ObjectHeaders(obj, input, bucket);
  const uint64_t size = static_cast<uint64_t>(obj["Size"].AsInt());
  uint64_t first = 0, length = size;
  if (const Value* range = input.Find("Range")) {
    ORGTRAIL_TRY(std::optional<ByteRange> r, ParseRange(range->AsString(), size));
    if (r) {
      first = r->first;
      length = r->last - r->first + 1;
      out.Set("ContentRange", "bytes " + std::to_string(r->first) + "-" + std::to_string(r->last) +
                                  "/" + std::to_string(size));
      out.Set("ContentLength", static_cast<int64_t>(length));
      // A part of the object has no whole-object checksum.
      for (std::string_view alg : kChecksumAlgorithms) out.Erase("Checksum" + std::string(alg));
      out.Erase("ChecksumType");
    }
  }
  if (with_body && length > kStreamFrom) {
    // Large bodies are streamed from the blob's file by the server, never held whole in memory.
    if (auto slices = call.env.store.Blobs().FileSlices(obj.GetString("Blob"), first, length);
        slices && !slices->empty()) {
      std::vector<BodyFilePiece> pieces;
      for (store::FileSlice& f : *slices) pieces.push_back({std::move(f.path), f.offset, f.length});
      out.Set("Body", BodyFileValue(pieces));
      return out;
    }
  }
  if (with_body) {
    auto bytes = call.env.store.Blobs().Read(obj.GetString("Blob"), first, length);
    if (!bytes) return InternalFailure("object body missing");
    out.Set("Body", std::move(*bytes));
  }
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
Result<Value> GetObject(Call& call, const Value& input) { return GetOrHead(call, input, true); }

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
Result<Value> HeadObject(Call& call, const Value& input) { return GetOrHead(call, input, false); }

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
Result<Value> DeleteObject(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  return RemoveObject(call, bucket, input.GetString("Key"), input.GetString("VersionId"));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
Result<Value> DeleteObjects(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  const Value& del = input["Delete"];
  const bool quiet = del["Quiet"].AsBool();
  if (del["Objects"].size() > 1000) return errors::MalformedXml();
  Value deleted = Value::MakeList();
  Value errs = Value::MakeList();
  for (const Value& o : del["Objects"].AsList()) {
    std::string key = o.GetString("Key");
    std::string version = o.GetString("VersionId");
    Result<Value> r = Value();
    if (!version.empty() && !call.internal) {
      // Removing a version needs s3:DeleteObjectVersion on it (the call was authorized for the
      // keys named without a version).
      Value one =
          Value::MakeMap().Set("Bucket", bucket.name).Set("Key", key).Set("VersionId", version);
      Status allowed = call.registry.AuthorizeInternal(call.env, call.principal, "s3",
                                                       "DeleteObject", one, call.region);
      if (!allowed.ok()) r = AwsError("AccessDenied", "Access Denied", 403);
    }
    if (r.ok()) r = RemoveObject(call, bucket, key, version);
    if (!r.ok()) {
      Value e = Value::MakeMap().Set("Key", key);
      if (!version.empty()) e.Set("VersionId", version);
      errs.Append(e.Set("Code", r.error().code).Set("Message", r.error().message));
      continue;
    }
    if (quiet) continue;
    Value d = Value::MakeMap().Set("Key", key);
    if (!version.empty()) d.Set("VersionId", version);
    if ((*r)["DeleteMarker"].AsBool()) {
      d.Set("DeleteMarker", true);
      d.Set("DeleteMarkerVersionId", r->GetString("VersionId"));
    }
    deleted.Append(std::move(d));
  }
  Value out = Value::MakeMap();
  if (deleted.size() > 0) out.Set("Deleted", std::move(deleted));
  if (errs.size() > 0) out.Set("Errors", std::move(errs));
  return out;
}

}  // namespace

// "bucket/key?versionId=v" (URL-encoded, optional leading '/') → {bucket, key, version}.
Result<std::array<std::string, 3>> ParseCopySource(std::string_view source) {
  std::string_view s = source;
  std::string version;
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    for (auto& [k, v] : ParseQueryString(s.substr(q + 1)))
      if (k == "versionId") version = v;
    s = s.substr(0, q);
  }
  std::string decoded = UriDecode(s);
  std::string_view d = decoded;
  if (StartsWith(d, "/")) d.remove_prefix(1);
  size_t slash = d.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == d.size())
    return errors::InvalidArgument("Invalid copy source object key", "x-amz-copy-source",
                                   std::string(source));
  return std::array<std::string, 3>{std::string(d.substr(0, slash)),
                                    std::string(d.substr(slash + 1)), version};
}

Result<ByteRange> ParseCopySourceRange(std::string_view header, uint64_t size) {
  std::string_view r = Trim(header);
  size_t dash = r.find('-', 6);
  std::optional<uint64_t> first, last;
  if (StartsWith(r, "bytes=") && dash != std::string_view::npos) {
    first = ParseU64(r.substr(6, dash - 6));
    last = ParseU64(r.substr(dash + 1));
  }
  if (!first || !last || *last < *first)
    return errors::InvalidArgument(
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first "
        "and last are the zero-based offsets of the first and last bytes to copy",
        "x-amz-copy-source-range", std::string(header));
  if (*last >= size)
    return errors::InvalidRequest(
        "The specified copy source is not supported as a byte-range copy source.");
  return ByteRange{*first, *last};
}

Result<Value> CopySourceObject(Call& call, const Value& input, std::string* version_out) {
  ORGTRAIL_TRY(auto src, ParseCopySource(input.GetString("CopySource")));
  // As in AWS, copying needs s3:GetObject on the source as well as s3:PutObject on the target
  // (evaluated like a GetObject by the caller: identity policies, the source bucket's policy).
  if (!call.internal) {
    Value get = Value::MakeMap().Set("Bucket", src[0]).Set("Key", src[1]);
    if (!src[2].empty()) get.Set("VersionId", src[2]);
    ORGTRAIL_CHECK(call.registry.AuthorizeInternal(call.env, call.principal, "s3", "GetObject", get,
                                                   call.region));
  }
  ORGTRAIL_TRY(Value obj, RequireObject(call, src[0], src[1], src[2]));
  ORGTRAIL_CHECK(CheckConditions(input, obj, "CopySource"));
  if (version_out) *version_out = src[2].empty() ? obj.GetString("VersionId") : src[2];
  obj.Set("SourceBucket", src[0]);
  return obj;
}

namespace {

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
Result<Value> CopyObject(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  const std::string key = input.GetString("Key");
  std::string src_version;
  ORGTRAIL_TRY(Value src, CopySourceObject(call, input, &src_version));
  const std::string directive = input.GetString("MetadataDirective", "COPY");
  const std::string tag_directive = input.GetString("TaggingDirective", "COPY");
  if (directive != "COPY" && directive != "REPLACE")
    return errors::InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive",
                                   directive);
  if (src.GetString("SourceBucket") == bucket.name && src.GetString("Key") == key &&
      directive == "COPY" && !input.Has("StorageClass") && !input.Has("ServerSideEncryption") &&
      !input.Has("WebsiteRedirectLocation") && tag_directive == "COPY")
    return errors::InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or encryption "
        "attributes.");
  ORGTRAIL_CHECK(
      CheckPublicAclAllowed(call, bucket, "s3:PutObject", key, input.GetString("ACL", "private")));
  const std::string blob = NewBlobId(call);
  ORGTRAIL_CHECK(call.env.store.Blobs().Concat(blob, {src.GetString("Blob")}));
  Value obj = Value::MakeMap()
                  .Set("Blob", blob)
                  .Set("Size", src["Size"])
                  .Set("ETag", src.GetString("ETag"))
                  .Set("LastModified", call.NowMillis())
                  .Set("Owner", call.account_id());
  if (directive == "COPY") {
    CopyObjectAttributes(src, obj);
    if (input.Has("StorageClass")) obj.Set("StorageClass", input["StorageClass"]);
  } else {
    CopyObjectAttributes(input, obj);
  }
  if (src["PartsCount"].AsInt() > 0) obj.Set("PartsCount", src["PartsCount"]);
  if (src.Has("Checksum")) obj.Set("Checksum", src["Checksum"]);
  if (tag_directive == "REPLACE") {
    if (input.Has("Tagging")) obj.Set("Tags", TagsFromQuery(input.GetString("Tagging")));
  } else if (src.Has("Tags")) {
    obj.Set("Tags", src["Tags"]);
  }
  ORGTRAIL_TRY(std::string version, CommitObject(call, bucket, key, obj));
  Value result = Value::MakeMap()
                     .Set("ETag", obj.GetString("ETag"))
                     .Set("LastModified", EpochSeconds(obj["LastModified"].AsInt()));
  SetChecksumMembers(obj["Checksum"], result);
  Value out = Value::MakeMap().Set("CopyObjectResult", std::move(result));
  out.Set("ServerSideEncryption", "AES256");
  if (src_version != "null" && !src_version.empty()) out.Set("CopySourceVersionId", src_version);
  if (!bucket.versioning().empty()) out.Set("VersionId", version);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
Result<Value> PutObjectTagging(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  Value tags = input["Tagging"]["TagSet"];
  if (tags.size() > 10) return AwsError("BadRequest", "Object tags cannot be greater than 10", 400);
  std::string version;
  ORGTRAIL_CHECK(UpdateObject(call, bucket, input.GetString("Key"), input.GetString("VersionId"),
                              [&](Value& o) {
                                o.Set("Tags", tags);
                                version = o.GetString("VersionId", "null");
                              }));
  Value out = Value::MakeMap();
  if (!bucket.versioning().empty()) out.Set("VersionId", version);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
Result<Value> GetObjectTagging(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value obj, ReadObjectRow(call, input, bucket));
  Value out = Value::MakeMap();
  if (!bucket.versioning().empty()) out.Set("VersionId", obj.GetString("VersionId"));
  out.Set("TagSet", obj.Has("Tags") ? obj["Tags"] : Value::MakeList());
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html
Result<Value> DeleteObjectTagging(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  std::string version;
  ORGTRAIL_CHECK(UpdateObject(call, bucket, input.GetString("Key"), input.GetString("VersionId"),
                              [&](Value& o) {
                                o.Erase("Tags");
                                version = o.GetString("VersionId", "null");
                              }));
  Value out = Value::MakeMap();
  if (!bucket.versioning().empty()) out.Set("VersionId", version);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html
Result<Value> GetObjectAcl(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value obj, ReadObjectRow(call, input, bucket));
  return AclValue(obj.GetString("Owner", bucket.owner()), obj.GetString("Acl", "private"));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
Result<Value> PutObjectAcl(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  std::string acl = input.GetString("ACL", "private");
  if (!ValidCannedAcl(acl)) return errors::InvalidArgument("", "x-amz-acl", acl);
  if (bucket.row.GetString("Ownership", "BucketOwnerEnforced") == "BucketOwnerEnforced" &&
      acl != "private" && acl != "bucket-owner-full-control")
    return errors::AccessControlListNotSupported();
  ORGTRAIL_CHECK(
      CheckPublicAclAllowed(call, bucket, "s3:PutObjectAcl", input.GetString("Key"), acl));
  ORGTRAIL_CHECK(UpdateObject(call, bucket, input.GetString("Key"), input.GetString("VersionId"),
                              [&](Value& o) { o.Set("Acl", acl); }));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kObjectOps[] = {
    {"PutObject", PutObject},
    {"GetObject", GetObject},
    {"HeadObject", HeadObject, "s3:GetObject"},
    {"DeleteObject", DeleteObject},
    {"DeleteObjects", DeleteObjects, "s3:DeleteObject"},
    {"CopyObject", CopyObject, "s3:PutObject"},
    {"PutObjectTagging", PutObjectTagging},
    {"GetObjectTagging", GetObjectTagging},
    {"DeleteObjectTagging", DeleteObjectTagging},
    {"GetObjectAcl", GetObjectAcl},
    {"PutObjectAcl", PutObjectAcl},
};

}  // namespace

std::span<const gateway::OperationRow> ObjectOps() { return kObjectOps; }

}  // namespace orgtrail::services::s3
