// Listing: ListObjects (V1), ListObjectsV2, ListObjectVersions.
#include <algorithm>

#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/errors.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

Result<int64_t> MaxKeys(const Value& input, std::string_view member = "MaxKeys") {
  const Value* v = input.Find(member);
  if (!v) return 1000;
  if (!v->is_int() || v->AsInt() < 0)
    return errors::InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647",
                                   "maxKeys",
                                   v->is_int() ? std::to_string(v->AsInt()) : v->AsString());
  return std::min<int64_t>(v->AsInt(), 1000);
}

Result<bool> UrlEncoding(const Value& input) {
  const std::string enc = input.GetString("EncodingType");
  if (enc.empty()) return false;
  if (enc != "url")
    return errors::InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type",
                                   enc);
  return true;
}

Value ContentEntry(const Value& obj, bool url, bool owner) {
  std::string key = obj.GetString("Key");
  Value e = Value::MakeMap()
                .Set("Key", url ? UrlEncodeKey(key) : key)
                .Set("LastModified", EpochSeconds(obj["LastModified"].AsInt()))
                .Set("ETag", obj.GetString("ETag"))
                .Set("Size", obj["Size"].AsInt());
  if (const Value& c = obj["Checksum"]; c.is_map()) {
    e.Set("ChecksumAlgorithm", Value::MakeList().Append(c.GetString("Algorithm")));
    e.Set("ChecksumType", c.GetString("Type", "FULL_OBJECT"));
  }
  e.Set("StorageClass", obj.GetString("StorageClass", "STANDARD"));
  if (owner) e.Set("Owner", OwnerValue(obj.GetString("Owner")));
  return e;
}

Value Prefixes(const std::vector<std::string>& prefixes, bool url) {
  Value out = Value::MakeList();
  for (const std::string& p : prefixes)
    out.Append(Value::MakeMap().Set("Prefix", url ? UrlEncodeKey(p) : p));
  return out;
}

std::string Enc(const std::string& s, bool url) { return url ? UrlEncodeKey(s) : s; }

// What every listing takes: the bucket, MaxKeys, EncodingType, Prefix and Delimiter.
struct Listing {
  Bucket bucket;
  int64_t max = 0;
  bool url = false;
  std::string prefix;
  std::string delimiter;
};

Result<Listing> ReadListing(Call& call, const Value& input) {
  Listing l;
  ORGTRAIL_TRY(l.bucket, RequireBucket(call, input.GetString("Bucket")));
  ORGTRAIL_TRY(l.max, MaxKeys(input));
  ORGTRAIL_TRY(l.url, UrlEncoding(input));
  l.prefix = input.GetString("Prefix");
  l.delimiter = input.GetString("Delimiter");
  return l;
}

// The members every listing answers with, after its own entries.
void SetListingMembers(Value& out, const Listing& l, const std::vector<std::string>& prefixes) {
  out.Set("Name", l.bucket.name).Set("Prefix", Enc(l.prefix, l.url));
  if (!l.delimiter.empty()) out.Set("Delimiter", Enc(l.delimiter, l.url));
  out.Set("MaxKeys", l.max);
  if (!prefixes.empty()) out.Set("CommonPrefixes", Prefixes(prefixes, l.url));
  if (l.url) out.Set("EncodingType", "url");
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
Result<Value> ListObjects(Call& call, const Value& input) {
  ORGTRAIL_TRY(Listing l, ReadListing(call, input));
  const std::string marker = input.GetString("Marker");
  ListedKeys listed = ListKeys(call, kObjects, l.bucket.name, l.prefix, l.delimiter, marker, l.max);
  Value out =
      Value::MakeMap().Set("IsTruncated", listed.truncated).Set("Marker", Enc(marker, l.url));
  if (listed.truncated && !l.delimiter.empty())
    out.Set("NextMarker", Enc(listed.next_marker, l.url));
  Value contents = Value::MakeList();
  for (const Value& o : listed.contents) contents.Append(ContentEntry(o, l.url, true));
  if (contents.size() > 0) out.Set("Contents", std::move(contents));
  SetListingMembers(out, l, listed.common_prefixes);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
Result<Value> ListObjectsV2(Call& call, const Value& input) {
  ORGTRAIL_TRY(Listing l, ReadListing(call, input));
  const std::string start_after = input.GetString("StartAfter");
  const std::string token = input.GetString("ContinuationToken");
  std::string after = start_after;
  if (input.Has("ContinuationToken")) {
    auto decoded = Base64UrlDecode(token);
    if (!decoded || decoded->empty())
      return errors::InvalidArgument("The continuation token provided is incorrect",
                                     "continuation-token", token);
    after = std::max(*decoded, start_after);
  }
  ListedKeys listed = ListKeys(call, kObjects, l.bucket.name, l.prefix, l.delimiter, after, l.max);
  Value out = Value::MakeMap().Set("IsTruncated", listed.truncated);
  Value contents = Value::MakeList();
  for (const Value& o : listed.contents)
    contents.Append(ContentEntry(o, l.url, input["FetchOwner"].AsBool()));
  int64_t count = static_cast<int64_t>(contents.size() + listed.common_prefixes.size());
  if (contents.size() > 0) out.Set("Contents", std::move(contents));
  SetListingMembers(out, l, listed.common_prefixes);
  out.Set("KeyCount", count);
  if (input.Has("ContinuationToken")) out.Set("ContinuationToken", token);
  if (listed.truncated) out.Set("NextContinuationToken", Base64UrlEncode(listed.next_marker));
  if (!start_after.empty()) out.Set("StartAfter", Enc(start_after, l.url));
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
Result<Value> ListObjectVersions(Call& call, const Value& input) {
  ORGTRAIL_TRY(Listing l, ReadListing(call, input));
  const std::string key_marker = input.GetString("KeyMarker");
  const bool versioned = !l.bucket.versioning().empty();
  Value versions = Value::MakeList();
  Value markers = Value::MakeList();
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next_key, next_version;
  int64_t count = 0;
  const std::string base = l.bucket.name + "/";
  std::string cursor = key_marker.empty() ? "" : base + key_marker + "\x02";
  std::string last_key;
  std::string_view table = versioned ? kVersions : kObjects;
  while (!truncated) {
    auto rows = call.env.store.Scan(table, base + l.prefix, cursor, 256);
    if (rows.empty()) break;
    for (store::Row& r : rows) {
      cursor = r.key;
      auto v = ParseJson(r.value);
      if (!v.ok()) continue;
      std::string key = v->GetString("Key");
      if (!l.delimiter.empty()) {
        size_t pos = key.find(l.delimiter, l.prefix.size());
        if (pos != std::string::npos) {
          std::string cp = key.substr(0, pos + l.delimiter.size());
          if (prefixes.empty() || prefixes.back() != cp) {
            if (count >= l.max) {
              truncated = true;
              break;
            }
            prefixes.push_back(cp);
            ++count;
            next_key = cp;
          }
          continue;
        }
      }
      if (count >= l.max) {
        truncated = true;
        break;
      }
      bool latest = key != last_key;
      last_key = key;
      std::string vid = v->GetString("VersionId", "null");
      if ((*v)["DeleteMarker"].AsBool()) {
        markers.Append(Value::MakeMap()
                           .Set("Owner", OwnerValue(v->GetString("Owner", l.bucket.owner())))
                           .Set("Key", Enc(key, l.url))
                           .Set("VersionId", vid)
                           .Set("IsLatest", latest)
                           .Set("LastModified", EpochSeconds((*v)["LastModified"].AsInt())));
      } else {
        Value e = ContentEntry(*v, l.url, true);
        e.Set("VersionId", vid).Set("IsLatest", latest);
        versions.Append(std::move(e));
      }
      ++count;
      next_key = key;
      next_version = vid;
    }
  }
  Value out =
      Value::MakeMap().Set("IsTruncated", truncated).Set("KeyMarker", Enc(key_marker, l.url));
  out.Set("VersionIdMarker", input.GetString("VersionIdMarker"));
  if (truncated) {
    out.Set("NextKeyMarker", Enc(next_key, l.url));
    out.Set("NextVersionIdMarker", next_version);
  }
  if (versions.size() > 0) out.Set("Versions", std::move(versions));
  if (markers.size() > 0) out.Set("DeleteMarkers", std::move(markers));
  SetListingMembers(out, l, prefixes);
  return out;
}

constexpr gateway::OperationRow kListOps[] = {
    {"ListObjects", ListObjects, "s3:ListBucket"},
    {"ListObjectsV2", ListObjectsV2, "s3:ListBucket"},
    {"ListObjectVersions", ListObjectVersions, "s3:ListBucketVersions"},
};

}  // namespace

std::span<const gateway::OperationRow> ListOps() { return kListOps; }

}  // namespace orgtrail::services::s3
