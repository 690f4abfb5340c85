// Multipart uploads (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html):
// CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. Each part is its own blob, fsynced when
// written; completion makes the object's blob their concatenation (on disk a composite blob
// sharing the parts' files: no byte is copied), then drops the parts' own names.
#include <algorithm>
#include <cstdio>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/body.h"
#include "services/s3/errors.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

constexpr int64_t kMinPartSize = 5LL << 20;

std::string UploadRowKey(std::string_view bucket, std::string_view key, std::string_view id) {
  return ObjectKey(bucket, key) + kSep + std::string(id);
}

std::string PartPrefix(std::string_view upload_id) { return std::string(upload_id) + "/"; }

std::string PartRowKey(std::string_view upload_id, int64_t part) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%05lld", static_cast<long long>(part));
  return PartPrefix(upload_id) + buf;
}

Result<Value> RequireUpload(Call& call, const Value& input, Bucket& bucket) {
  ORGTRAIL_TRY(bucket, RequireBucket(call, input.GetString("Bucket")));
  const std::string id = input.GetString("UploadId");
  auto text = call.env.store.Get(kUploads, UploadRowKey(bucket.name, input.GetString("Key"), id));
  if (!text) return errors::NoSuchUpload(id);
  return ParseJson(*text);
}

std::vector<Value> PartsOf(Call& call, std::string_view upload_id) {
  std::vector<Value> parts;
  for (store::Row& r : call.env.store.Scan(kParts, PartPrefix(upload_id)))
    if (auto v = ParseJson(r.value); v.ok()) parts.push_back(std::move(v).value());
  return parts;
}

Result<int64_t> PartNumber(const Value& input) {
  int64_t n = input["PartNumber"].AsInt(0);
  if (n < 1 || n > 10000)
    return errors::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                                   "partNumber", std::to_string(n));
  return n;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
Result<Value> CreateMultipartUpload(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  const std::string key = input.GetString("Key");
  ORGTRAIL_CHECK(
      CheckPublicAclAllowed(call, bucket, "s3:PutObject", key, input.GetString("ACL", "private")));
  const std::string id = call.env.ids.Chars(64, "abcdefghijklmnopqrstuvwxyz0123456789");
  Value attrs = Value::MakeMap();
  CopyObjectAttributes(input, attrs);
  if (input.Has("Tagging")) attrs.Set("Tags", TagsFromQuery(input.GetString("Tagging")));
  std::string alg = input.GetString("ChecksumAlgorithm");
  Value row = Value::MakeMap()
                  .Set("Key", key)
                  .Set("UploadId", id)
                  .Set("Initiated", call.NowMillis())
                  .Set("Owner", call.account_id())
                  .Set("Initiator", call.principal.arn)
                  .Set("Attributes", std::move(attrs));
  if (!alg.empty()) row.Set("ChecksumAlgorithm", alg);
  ORGTRAIL_CHECK(call.env.store.Put(kUploads, UploadRowKey(bucket.name, key, id), row.ToJson()));
  Value out = Value::MakeMap().Set("Bucket", bucket.name).Set("Key", key).Set("UploadId", id);
  out.Set("ServerSideEncryption", "AES256");
  if (!alg.empty()) out.Set("ChecksumAlgorithm", alg).Set("ChecksumType", "COMPOSITE");
  return out;
}

Status SavePart(Call& call, const std::string& upload_id, int64_t number, Value part) {
  const std::string row_key = PartRowKey(upload_id, number);
  std::string old_blob;
  if (auto text = call.env.store.Get(kParts, row_key))
    if (auto v = ParseJson(*text); v.ok()) old_blob = v->GetString("Blob");
  part.Set("PartNumber", number);
  ORGTRAIL_CHECK(call.env.store.Put(kParts, row_key, part.ToJson()));
  if (!old_blob.empty()) call.env.store.Blobs().Remove(old_blob);
  return Ok();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
Result<Value> UploadPart(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value upload, RequireUpload(call, input, bucket));
  ORGTRAIL_TRY(int64_t number, PartNumber(input));
  ORGTRAIL_TRY(StoredBody body, StoreBody(call, input, upload.GetString("ChecksumAlgorithm")));
  const Value& checksum = body.checksum;
  const std::string& etag = body.etag;
  Value part = Value::MakeMap()
                   .Set("Blob", body.blob)
                   .Set("Size", body.size)
                   .Set("ETag", etag)
                   .Set("LastModified", call.NowMillis());
  if (!checksum.is_null()) part.Set("Checksum", checksum);
  ORGTRAIL_CHECK(SavePart(call, upload.GetString("UploadId"), number, std::move(part)));
  Value out = Value::MakeMap().Set("ETag", etag).Set("ServerSideEncryption", "AES256");
  if (checksum.is_map())
    out.Set("Checksum" + checksum.GetString("Algorithm"), checksum.GetString("Value"));
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
Result<Value> UploadPartCopy(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value upload, RequireUpload(call, input, bucket));
  ORGTRAIL_TRY(int64_t number, PartNumber(input));
  std::string src_version;
  ORGTRAIL_TRY(Value src, CopySourceObject(call, input, &src_version));
  const uint64_t size = static_cast<uint64_t>(src["Size"].AsInt());
  uint64_t first = 0, length = size;
  if (const Value* range = input.Find("CopySourceRange")) {
    ORGTRAIL_TRY(ByteRange r, ParseCopySourceRange(range->AsString(), size));
    first = r.first;
    length = r.last - r.first + 1;
  }
  auto bytes = call.env.store.Blobs().Read(src.GetString("Blob"), first, length);
  if (!bytes) return InternalFailure("object body missing");
  const std::string blob = NewBlobId(call);
  ORGTRAIL_CHECK(call.env.store.Blobs().Put(blob, *bytes));
  const std::string etag = QuotedMd5Hex(*bytes);
  Value part = Value::MakeMap()
                   .Set("Blob", blob)
                   .Set("Size", static_cast<int64_t>(bytes->size()))
                   .Set("ETag", etag)
                   .Set("LastModified", call.NowMillis());
  if (upload.Has("ChecksumAlgorithm")) {
    std::string alg = upload.GetString("ChecksumAlgorithm");
    part.Set("Checksum",
             Value::MakeMap().Set("Algorithm", alg).Set("Value", ComputeChecksum(alg, *bytes)));
  }
  ORGTRAIL_CHECK(SavePart(call, upload.GetString("UploadId"), number, part));
  Value result =
      Value::MakeMap().Set("ETag", etag).Set("LastModified", EpochSeconds(call.NowMillis()));
  SetChecksumMembers(part["Checksum"], result);
  result.Erase("ChecksumType");
  Value out = Value::MakeMap().Set("CopyPartResult", std::move(result));
  if (!src_version.empty() && src_version != "null") out.Set("CopySourceVersionId", src_version);
  return out;
}

std::string Unquoted(std::string_view etag) {
  etag = Trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

void RemoveUpload(Call& call, const std::string& row_key, const std::string& upload_id,
                  const std::vector<Value>& parts, const std::vector<std::string>& keep) {
  std::vector<store::Write> writes{{std::string(kUploads), row_key, std::nullopt}};
  for (const Value& p : parts)
    writes.push_back(
        {std::string(kParts), PartRowKey(upload_id, p["PartNumber"].AsInt()), std::nullopt});
  (void)call.env.store.Apply(writes);
  for (const Value& p : parts) {
    std::string blob = p.GetString("Blob");
    if (std::find(keep.begin(), keep.end(), blob) == keep.end())
      call.env.store.Blobs().Remove(blob);
  }
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
Result<Value> CompleteMultipartUpload(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value upload, RequireUpload(call, input, bucket));
  const std::string key = input.GetString("Key");
  const std::string upload_id = upload.GetString("UploadId");
  const Value& requested = input["MultipartUpload"]["Parts"];
  if (requested.size() == 0)
    return AwsError("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our "
                    "published schema",
                    400);
  std::vector<Value> stored = PartsOf(call, upload_id);
  auto find = [&](int64_t n) -> const Value* {
    for (const Value& p : stored)
      if (p["PartNumber"].AsInt() == n) return &p;
    return nullptr;
  };
  std::vector<std::string> blobs;
  std::string md5s, checksums;
  std::string alg = upload.GetString("ChecksumAlgorithm");
  int64_t total = 0, previous = 0;
  const size_t count = requested.size();
  for (const Value& r : requested.AsList()) {
    if (r["PartNumber"].AsInt() <= previous) return errors::InvalidPartOrder();
    previous = r["PartNumber"].AsInt();
  }
  previous = 0;
  for (size_t i = 0; i < count; ++i) {
    const Value& r = requested.AsList()[i];
    int64_t n = r["PartNumber"].AsInt();
    if (n <= previous) return errors::InvalidPartOrder();
    previous = n;
    const Value* p = find(n);
    if (!p || Unquoted(r.GetString("ETag")) != Unquoted(p->GetString("ETag")))
      return errors::InvalidPart();
    if (i + 1 < count && (*p)["Size"].AsInt() < kMinPartSize)
      return errors::EntityTooSmall(static_cast<uint64_t>((*p)["Size"].AsInt()))
          .With("PartNumber", std::to_string(n))
          .With("ETag", Unquoted(p->GetString("ETag")));
    if (!alg.empty()) {
      std::string given = r.GetString("Checksum" + alg);
      std::string have = (*p)["Checksum"].GetString("Value");
      if (!given.empty() && given != have) return errors::InvalidPart();
      if (auto raw = Base64Decode(have)) checksums += *raw;
    }
    blobs.push_back(p->GetString("Blob"));
    total += (*p)["Size"].AsInt();
    auto hex = HexDecode(Unquoted(p->GetString("ETag")));
    if (hex) md5s += *hex;
  }
  const std::string etag = "\"" + HexEncode(Md5(md5s)) + "-" + std::to_string(count) + "\"";
  const std::string blob = NewBlobId(call);
  ORGTRAIL_CHECK(call.env.store.Blobs().Concat(blob, blobs));
  Value obj = Value::MakeMap()
                  .Set("Blob", blob)
                  .Set("Size", total)
                  .Set("ETag", etag)
                  .Set("LastModified", call.NowMillis())
                  .Set("Owner", call.account_id())
                  .Set("PartsCount", static_cast<int64_t>(count));
  const Value& attrs = upload["Attributes"];
  CopyObjectAttributes(attrs, obj);
  if (attrs.Has("Tags")) obj.Set("Tags", attrs["Tags"]);
  Value checksum;
  if (!alg.empty() && !checksums.empty()) {
    // Composite checksum: the checksum of the parts' checksums, then "-<parts>".
    checksum = Value::MakeMap()
                   .Set("Algorithm", alg)
                   .Set("Value", ComputeChecksum(alg, checksums) + "-" + std::to_string(count))
                   .Set("Type", "COMPOSITE");
    obj.Set("Checksum", checksum);
  }
  ORGTRAIL_TRY(std::string version, CommitObject(call, bucket, key, std::move(obj)));
  RemoveUpload(call, UploadRowKey(bucket.name, key, upload_id), upload_id, stored, {});
  Value out = Value::MakeMap()
                  .Set("Location", "/" + bucket.name + "/" + UrlEncodeKey(key))
                  .Set("Bucket", bucket.name)
                  .Set("Key", key)
                  .Set("ETag", etag);
  SetChecksumMembers(checksum, out);
  out.Set("ServerSideEncryption", "AES256");
  if (!bucket.versioning().empty()) out.Set("VersionId", version);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
Result<Value> AbortMultipartUpload(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value upload, RequireUpload(call, input, bucket));
  const std::string id = upload.GetString("UploadId");
  RemoveUpload(call, UploadRowKey(bucket.name, input.GetString("Key"), id), id, PartsOf(call, id),
               {});
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html
Result<Value> ListParts(Call& call, const Value& input) {
  Bucket bucket;
  ORGTRAIL_TRY(Value upload, RequireUpload(call, input, bucket));
  const int64_t marker = input["PartNumberMarker"].AsInt(0);
  const int64_t max = std::min<int64_t>(input["MaxParts"].AsInt(1000), 1000);
  Value parts = Value::MakeList();
  bool truncated = false;
  int64_t last = 0;
  for (const Value& p : PartsOf(call, upload.GetString("UploadId"))) {
    int64_t n = p["PartNumber"].AsInt();
    if (n <= marker) continue;
    if (static_cast<int64_t>(parts.size()) >= max) {
      truncated = true;
      break;
    }
    Value e = Value::MakeMap()
                  .Set("PartNumber", n)
                  .Set("LastModified", EpochSeconds(p["LastModified"].AsInt()))
                  .Set("ETag", p.GetString("ETag"))
                  .Set("Size", p["Size"].AsInt());
    if (p["Checksum"].is_map())
      e.Set("Checksum" + p["Checksum"].GetString("Algorithm"), p["Checksum"].GetString("Value"));
    parts.Append(std::move(e));
    last = n;
  }
  Value out = Value::MakeMap()
                  .Set("Bucket", bucket.name)
                  .Set("Key", upload.GetString("Key"))
                  .Set("UploadId", upload.GetString("UploadId"))
                  .Set("PartNumberMarker", marker);
  if (truncated) out.Set("NextPartNumberMarker", last);
  out.Set("MaxParts", max).Set("IsTruncated", truncated);
  if (parts.size() > 0) out.Set("Parts", std::move(parts));
  Value who = OwnerValue(upload.GetString("Owner"));
  out.Set("Initiator", Value::MakeMap()
                           .Set("ID", upload.GetString("Initiator"))
                           .Set("DisplayName", who.GetString("DisplayName")));
  out.Set("Owner", who).Set("StorageClass", "STANDARD");
  if (upload.Has("ChecksumAlgorithm"))
    out.Set("ChecksumAlgorithm", upload["ChecksumAlgorithm"]).Set("ChecksumType", "COMPOSITE");
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
Result<Value> ListMultipartUploads(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket bucket, RequireBucket(call, input.GetString("Bucket")));
  const std::string prefix = input.GetString("Prefix");
  const std::string key_marker = input.GetString("KeyMarker");
  const int64_t max = std::min<int64_t>(input["MaxUploads"].AsInt(1000), 1000);
  const std::string base = bucket.name + "/";
  std::string after = key_marker.empty() ? "" : base + key_marker + "\x02";
  Value uploads = Value::MakeList();
  bool truncated = false;
  std::string next_key, next_id;
  for (store::Row& r : call.env.store.Scan(kUploads, base + prefix, after)) {
    auto v = ParseJson(r.value);
    if (!v.ok()) continue;
    if (static_cast<int64_t>(uploads.size()) >= max) {
      truncated = true;
      break;
    }
    Value who = OwnerValue(v->GetString("Owner"));
    Value e = Value::MakeMap()
                  .Set("UploadId", v->GetString("UploadId"))
                  .Set("Key", v->GetString("Key"))
                  .Set("Initiated", EpochSeconds((*v)["Initiated"].AsInt()))
                  .Set("StorageClass", "STANDARD")
                  .Set("Owner", who)
                  .Set("Initiator", Value::MakeMap()
                                        .Set("ID", v->GetString("Initiator"))
                                        .Set("DisplayName", who.GetString("DisplayName")));
    if (v->Has("ChecksumAlgorithm")) e.Set("ChecksumAlgorithm", (*v)["ChecksumAlgorithm"]);
    uploads.Append(std::move(e));
    next_key = v->GetString("Key");
    next_id = v->GetString("UploadId");
  }
  Value out = Value::MakeMap()
                  .Set("Bucket", bucket.name)
                  .Set("KeyMarker", key_marker)
                  .Set("UploadIdMarker", input.GetString("UploadIdMarker"));
  if (truncated) out.Set("NextKeyMarker", next_key).Set("NextUploadIdMarker", next_id);
  out.Set("Prefix", prefix).Set("MaxUploads", max).Set("IsTruncated", truncated);
  if (uploads.size() > 0) out.Set("Uploads", std::move(uploads));
  return out;
}

constexpr gateway::OperationRow kMultipartOps[] = {
    {"CreateMultipartUpload", CreateMultipartUpload, "s3:PutObject"},
    {"UploadPart", UploadPart, "s3:PutObject"},
    {"UploadPartCopy", UploadPartCopy, "s3:PutObject"},
    {"CompleteMultipartUpload", CompleteMultipartUpload, "s3:PutObject"},
    {"AbortMultipartUpload", AbortMultipartUpload},
    {"ListParts", ListParts, "s3:ListMultipartUploadParts"},
    {"ListMultipartUploads", ListMultipartUploads, "s3:ListBucketMultipartUploads"},
};

}  // namespace

std::span<const gateway::OperationRow> MultipartOps() { return kMultipartOps; }

}  // namespace orgtrail::services::s3
