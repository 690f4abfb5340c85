// Buckets: CreateBucket, HeadBucket, ListBuckets, GetBucketLocation, DeleteBucket
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/errors.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
bool ValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  bool all_ip = true;
  int dots = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!alnum(c) && c != '.' && c != '-') return false;
    if (c == '.' && i + 1 < name.size() && (name[i + 1] == '.' || name[i + 1] == '-')) return false;
    if (c == '-' && i + 1 < name.size() && name[i + 1] == '.') return false;
    if (c == '.') ++dots;
    if (!(c == '.' || (c >= '0' && c <= '9'))) all_ip = false;
  }
  if (all_ip && dots == 3) return false;
  if (StartsWith(name, "xn--") || StartsWith(name, "sthree-") || EndsWith(name, "-s3alias") ||
      EndsWith(name, "--ol-s3"))
    return false;
  return true;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
Result<Value> CreateBucket(Call& call, const Value& input) {
  const std::string name = input.GetString("Bucket");
  if (!ValidBucketName(name)) return errors::InvalidBucketName(name);
  const Value& conf = input["CreateBucketConfiguration"];
  const std::string constraint = conf.GetString("LocationConstraint");
  std::string region = call.region.empty() ? "us-east-1" : call.region;
  if (conf.Has("LocationConstraint")) {
    if (constraint == "us-east-1" || constraint.empty())
      return AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid",
                      400)
          .With("LocationConstraint", constraint);
    if (constraint != region)
      return AwsError("IllegalLocationConstraintException",
                      "The " + constraint +
                          " location constraint is incompatible for the region specific endpoint "
                          "this request was sent to.",
                      400);
  } else if (region != "us-east-1") {
    return AwsError("IllegalLocationConstraintException",
                    "The unspecified location constraint is incompatible for the region specific "
                    "endpoint this request was sent to.",
                    400);
  }
  if (auto existing = FindBucket(call, name)) {
    if (existing->owner() != call.account_id()) return errors::BucketAlreadyExists(name);
    // us-east-1 answers a re-create by the owner with success (legacy behaviour).
    if (existing->row.GetString("Region") == "us-east-1" && region == "us-east-1")
      return Value::MakeMap().Set("Location", "/" + name);
    return errors::BucketAlreadyOwnedByYou(name);
  }
  std::string acl = input.GetString("ACL", "private");
  std::string ownership = input.GetString("ObjectOwnership", "BucketOwnerEnforced");
  if (ownership == "BucketOwnerEnforced" && acl != "private" && acl != "bucket-owner-full-control")
    return errors::AccessControlListNotSupported();
  Value row = Value::MakeMap()
                  .Set("Name", name)
                  .Set("Owner", call.account_id())
                  .Set("Region", region)
                  .Set("Created", call.NowMillis())
                  .Set("Acl", acl)
                  .Set("Ownership", ownership);
  if (const Value* tags = conf.Find("Tags")) row.Set("Tagging", *tags);
  ORGTRAIL_CHECK(SaveBucket(call, Bucket{name, std::move(row)}));
  return Value::MakeMap().Set("Location", "/" + name).Set("BucketArn", "arn:aws:s3:::" + name);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
Result<Value> HeadBucket(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  return Value::MakeMap()
      .Set("BucketRegion", b.row.GetString("Region"))
      .Set("BucketArn", "arn:aws:s3:::" + b.name);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
Result<Value> ListBuckets(Call& call, const Value& input) {
  const std::string prefix = input.GetString("Prefix");
  const std::string region = input.GetString("BucketRegion");
  int64_t max = input["MaxBuckets"].AsInt(10000);
  std::string after;
  if (auto token = input.GetString("ContinuationToken"); !token.empty()) {
    auto decoded = Base64UrlDecode(token);
    if (!decoded)
      return errors::InvalidArgument("The continuation token provided is incorrect",
                                     "continuation-token", token);
    after = *decoded;
  }
  Value buckets = Value::MakeList();
  std::string last;
  bool more = false;
  for (store::Row& r : call.env.store.Scan(kBuckets, prefix, after)) {
    auto v = ParseJson(r.value);
    if (!v.ok() || v->GetString("Owner") != call.account_id()) continue;
    if (!region.empty() && v->GetString("Region") != region) continue;
    if (static_cast<int64_t>(buckets.size()) >= max) {
      more = true;
      break;
    }
    buckets.Append(Value::MakeMap()
                       .Set("Name", r.key)
                       .Set("CreationDate", EpochSeconds((*v)["Created"].AsInt()))
                       .Set("BucketRegion", v->GetString("Region"))
                       .Set("BucketArn", "arn:aws:s3:::" + r.key));
    last = r.key;
  }
  Value out = Value::MakeMap().Set("Buckets", std::move(buckets));
  out.Set("Owner", OwnerValue(call.account_id()));
  if (more) out.Set("ContinuationToken", Base64UrlEncode(last));
  if (!prefix.empty()) out.Set("Prefix", prefix);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
Result<Value> GetBucketLocation(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  std::string region = b.row.GetString("Region");
  Value out = Value::MakeMap();
  if (region != "us-east-1") out.Set("LocationConstraint", region);
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
Result<Value> DeleteBucket(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  const std::string prefix = b.name + "/";
  if (!call.env.store.Scan(kObjects, prefix, "", 1).empty() ||
      !call.env.store.Scan(kVersions, prefix, "", 1).empty() ||
      !call.env.store.Scan(kUploads, prefix, "", 1).empty())
    return errors::BucketNotEmpty(b.name);
  ORGTRAIL_CHECK(call.env.store.Delete(kBuckets, b.name));
  return Value::MakeMap();
}

constexpr gateway::OperationRow kBucketOps[] = {
    {"CreateBucket", CreateBucket},
    {"HeadBucket", HeadBucket, "s3:ListBucket"},
    {"ListBuckets", ListBuckets, "s3:ListAllMyBuckets"},
    {"GetBucketLocation", GetBucketLocation},
    {"DeleteBucket", DeleteBucket},
};

}  // namespace

std::span<const gateway::OperationRow> BucketOps() { return kBucketOps; }

}  // namespace orgtrail::services::s3
