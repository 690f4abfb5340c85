// Bucket configuration: policy, ACL, versioning, public access block, ownership controls,
// default encryption, lifecycle and tagging — stored in the bucket's row and returned as given.
#include "core/json.h"
#include "policy/document.h"
#include "services/s3/errors.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::Call;

// "arn:aws:s3:::bucket/..." (objects of the bucket, wildcards allowed) or a wildcard that may
// cover the bucket itself ("arn:aws:s3:::bucket*").
bool StartsWithBucket(std::string_view arn, std::string_view bucket_arn) {
  if (arn.substr(0, bucket_arn.size()) != bucket_arn) return false;
  std::string_view rest = arn.substr(bucket_arn.size());
  return !rest.empty() && (rest[0] == '/' || rest[0] == '*');
}

// Stores (or, with nullptr, removes) one member of the bucket row.
Result<Value> SetConfig(Call& call, const Value& input, std::string_view member,
                        const Value* value) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (value) {
    b.row.Set(std::string(member), *value);
  } else {
    b.row.Erase(member);
  }
  ORGTRAIL_CHECK(SaveBucket(call, b));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
Result<Value> PutBucketPolicy(Call& call, const Value& input) {
  const std::string doc = input.GetString("Policy");
  auto valid = policy::ValidateDocument(doc, policy::PolicyKind::kResource);
  if (!valid.ok()) return errors::MalformedPolicy(valid.error().message);
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  // Every Resource must name this bucket or its objects.
  auto parsed = ParseJson(doc);
  if (parsed.ok()) {
    Value statements = (*parsed)["Statement"];
    if (statements.is_map()) statements = Value::MakeList().Append(statements);
    for (const Value& s : statements.AsList()) {
      Value res = s.Has("Resource") ? s["Resource"] : s["NotResource"];
      if (res.is_string()) res = Value::MakeList().Append(res);
      for (const Value& r : res.AsList()) {
        const std::string& arn = r.AsString();
        const std::string bucket_arn = "arn:aws:s3:::" + b.name;
        bool ok = arn == bucket_arn || StartsWithBucket(arn, bucket_arn);
        if (!ok) return errors::MalformedPolicy("Policy has invalid resource");
      }
    }
  }
  ORGTRAIL_CHECK(CheckPublicPolicyAllowed(call, b, doc));
  b.row.Set("Policy", doc);
  ORGTRAIL_CHECK(SaveBucket(call, b));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html
Result<Value> GetBucketPolicy(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (!b.row.Has("Policy")) return errors::NoSuchBucketPolicy(b.name);
  return Value::MakeMap().Set("Policy", b.row["Policy"]);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html
Result<Value> DeleteBucketPolicy(Call& call, const Value& input) {
  return SetConfig(call, input, "Policy", nullptr);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
Result<Value> GetBucketAcl(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  return AclValue(b.owner(), b.row.GetString("Acl", "private"));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
Result<Value> PutBucketAcl(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  std::string acl = input.GetString("ACL", "private");
  if (!ValidCannedAcl(acl)) return errors::InvalidArgument("", "x-amz-acl", acl);
  if (b.row.GetString("Ownership", "BucketOwnerEnforced") == "BucketOwnerEnforced" &&
      acl != "private" && acl != "bucket-owner-full-control")
    return errors::AccessControlListNotSupported();
  ORGTRAIL_CHECK(CheckPublicAclAllowed(call, b, "s3:PutBucketAcl", "", acl));
  b.row.Set("Acl", acl);
  ORGTRAIL_CHECK(SaveBucket(call, b));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
Result<Value> PutBucketVersioning(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  std::string status = input["VersioningConfiguration"].GetString("Status");
  if (status != "Enabled" && status != "Suspended") return errors::MalformedXml();
  if (b.versioning().empty()) {
    ORGTRAIL_CHECK(MigrateToVersioned(call, b));
  }
  b.row.Set("Versioning", status);
  ORGTRAIL_CHECK(SaveBucket(call, b));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
Result<Value> GetBucketVersioning(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  Value out = Value::MakeMap();
  if (!b.versioning().empty()) out.Set("Status", b.versioning());
  return out;
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
Result<Value> PutPublicAccessBlock(Call& call, const Value& input) {
  return SetConfig(call, input, "PublicAccessBlock", &input["PublicAccessBlockConfiguration"]);
}
Result<Value> GetPublicAccessBlock(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (!b.row.Has("PublicAccessBlock")) return errors::NoSuchPublicAccessBlockConfiguration(b.name);
  return Value::MakeMap().Set("PublicAccessBlockConfiguration", b.row["PublicAccessBlock"]);
}
Result<Value> DeletePublicAccessBlock(Call& call, const Value& input) {
  return SetConfig(call, input, "PublicAccessBlock", nullptr);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
Result<Value> PutBucketOwnershipControls(Call& call, const Value& input) {
  const Value& rules = input["OwnershipControls"]["Rules"];
  if (rules.size() != 1) return errors::MalformedXml();
  Value ownership = rules.AsList()[0]["ObjectOwnership"];
  return SetConfig(call, input, "Ownership", &ownership);
}
Result<Value> GetBucketOwnershipControls(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (!b.row.Has("Ownership")) return errors::OwnershipControlsNotFoundError(b.name);
  Value rule = Value::MakeMap().Set("ObjectOwnership", b.row["Ownership"]);
  return Value::MakeMap().Set("OwnershipControls",
                              Value::MakeMap().Set("Rules", Value::MakeList().Append(rule)));
}
Result<Value> DeleteBucketOwnershipControls(Call& call, const Value& input) {
  return SetConfig(call, input, "Ownership", nullptr);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
Result<Value> PutBucketEncryption(Call& call, const Value& input) {
  return SetConfig(call, input, "Encryption", &input["ServerSideEncryptionConfiguration"]);
}
// Buckets are encrypted with SSE-S3 by default (AWS since January 2023).
Result<Value> GetBucketEncryption(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  Value conf = b.row["Encryption"];
  if (!conf.is_map()) {
    Value by_default = Value::MakeMap().Set("SSEAlgorithm", "AES256");
    Value rule = Value::MakeMap()
                     .Set("ApplyServerSideEncryptionByDefault", std::move(by_default))
                     .Set("BucketKeyEnabled", false);
    conf = Value::MakeMap().Set("Rules", Value::MakeList().Append(std::move(rule)));
  }
  return Value::MakeMap().Set("ServerSideEncryptionConfiguration", conf);
}
Result<Value> DeleteBucketEncryption(Call& call, const Value& input) {
  return SetConfig(call, input, "Encryption", nullptr);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
Result<Value> PutBucketLifecycleConfiguration(Call& call, const Value& input) {
  const Value& rules = input["LifecycleConfiguration"]["Rules"];
  if (rules.size() == 0) return errors::MalformedXml();
  return SetConfig(call, input, "Lifecycle", &rules);
}
Result<Value> GetBucketLifecycleConfiguration(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (!b.row.Has("Lifecycle")) return errors::NoSuchLifecycleConfiguration(b.name);
  return Value::MakeMap()
      .Set("Rules", b.row["Lifecycle"])
      .Set("TransitionDefaultMinimumObjectSize", "all_storage_classes_128K");
}
Result<Value> DeleteBucketLifecycle(Call& call, const Value& input) {
  return SetConfig(call, input, "Lifecycle", nullptr);
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
Result<Value> PutBucketTagging(Call& call, const Value& input) {
  return SetConfig(call, input, "Tagging", &input["Tagging"]["TagSet"]);
}
Result<Value> GetBucketTagging(Call& call, const Value& input) {
  ORGTRAIL_TRY(Bucket b, RequireBucket(call, input.GetString("Bucket")));
  if (b.row["Tagging"].size() == 0) return errors::NoSuchTagSet(b.name);
  return Value::MakeMap().Set("TagSet", b.row["Tagging"]);
}
Result<Value> DeleteBucketTagging(Call& call, const Value& input) {
  return SetConfig(call, input, "Tagging", nullptr);
}

constexpr gateway::OperationRow kConfigOps[] = {
    {"PutBucketPolicy", PutBucketPolicy},
    {"GetBucketPolicy", GetBucketPolicy},
    {"DeleteBucketPolicy", DeleteBucketPolicy},
    {"GetBucketAcl", GetBucketAcl},
    {"PutBucketAcl", PutBucketAcl},
    {"PutBucketVersioning", PutBucketVersioning},
    {"GetBucketVersioning", GetBucketVersioning},
    {"PutPublicAccessBlock", PutPublicAccessBlock, "s3:PutBucketPublicAccessBlock"},
    {"GetPublicAccessBlock", GetPublicAccessBlock, "s3:GetBucketPublicAccessBlock"},
    {"DeletePublicAccessBlock", DeletePublicAccessBlock, "s3:PutBucketPublicAccessBlock"},
    {"PutBucketOwnershipControls", PutBucketOwnershipControls},
    {"GetBucketOwnershipControls", GetBucketOwnershipControls},
    {"DeleteBucketOwnershipControls", DeleteBucketOwnershipControls,
     "s3:PutBucketOwnershipControls"},
    {"PutBucketEncryption", PutBucketEncryption, "s3:PutEncryptionConfiguration"},
    {"GetBucketEncryption", GetBucketEncryption, "s3:GetEncryptionConfiguration"},
    {"DeleteBucketEncryption", DeleteBucketEncryption, "s3:PutEncryptionConfiguration"},
    {"PutBucketLifecycleConfiguration", PutBucketLifecycleConfiguration,
     "s3:PutLifecycleConfiguration"},
    {"GetBucketLifecycleConfiguration", GetBucketLifecycleConfiguration,
     "s3:GetLifecycleConfiguration"},
    {"DeleteBucketLifecycle", DeleteBucketLifecycle, "s3:PutLifecycleConfiguration"},
    {"PutBucketTagging", PutBucketTagging},
    {"GetBucketTagging", GetBucketTagging},
    {"DeleteBucketTagging", DeleteBucketTagging, "s3:PutBucketTagging"},
};

}  // namespace

std::span<const gateway::OperationRow> ConfigOps() { return kConfigOps; }

}  // namespace orgtrail::services::s3
