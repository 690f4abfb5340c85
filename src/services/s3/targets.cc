// What each S3 call is authorized against (spec/org-iam.md §5.3, §5.5): the bucket ARN
// (arn:aws:s3:::<bucket>) or object ARNs (arn:aws:s3:::<bucket>/<key>), the bucket owner as
// resource account and the bucket policy as resource policy.
#include "services/s3/errors.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

using gateway::AuthzTarget;
using gateway::Call;

bool IsPolicyOperation(std::string_view op) {
  return op == "GetBucketPolicy" || op == "PutBucketPolicy" || op == "DeleteBucketPolicy";
}

// The action of an object call that names a version (versionId): "Actions, resources, and
// condition keys for Amazon S3"
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
std::string_view VersionAction(std::string_view op) {
  static constexpr std::pair<std::string_view, std::string_view> kVersionActions[] = {
      {"GetObject", "s3:GetObjectVersion"},
      {"HeadObject", "s3:GetObjectVersion"},
      {"DeleteObject", "s3:DeleteObjectVersion"},
      {"DeleteObjects", "s3:DeleteObjectVersion"},
      {"GetObjectAcl", "s3:GetObjectVersionAcl"},
      {"PutObjectAcl", "s3:PutObjectVersionAcl"},
      {"GetObjectTagging", "s3:GetObjectVersionTagging"},
      {"PutObjectTagging", "s3:PutObjectVersionTagging"},
      {"DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
      {"GetObjectAttributes", "s3:GetObjectVersionAttributes"},
  };
  for (const auto& [name, action] : kVersionActions)
    if (name == op) return action;
  return {};
}

// Operations whose Key member names an object (everything else with a Bucket is a bucket call).
bool IsObjectOperation(std::string_view op, const Value& input) {
  return input.Has("Key") && op != "ListMultipartUploads";
}

Result<AuthzTarget> Target(Call& call, const Value& input) {
  AuthzTarget t;
  const std::string bucket = input.GetString("Bucket");
  if (bucket.empty()) return t;  // ListBuckets: "*" in the caller's account
  const std::string bucket_arn = "arn:aws:s3:::" + bucket;
  if (call.operation == "DeleteObjects") {
    // s3:DeleteObject on the keys named without a version; the handler checks
    // s3:DeleteObjectVersion for each entry with one. Only versions named: that action here.
    std::vector<std::string> versioned;
    for (const Value& o : input["Delete"]["Objects"].AsList())
      (o.GetString("VersionId").empty() ? t.resources : versioned)
          .push_back(bucket_arn + "/" + o.GetString("Key"));
    if (t.resources.empty() && !versioned.empty()) {
      t.resources = std::move(versioned);
      t.action = VersionAction(call.operation);
    }
    if (t.resources.empty()) t.resources.push_back(bucket_arn);
  } else if (IsObjectOperation(call.operation, input)) {
    t.resources.push_back(bucket_arn + "/" + input.GetString("Key"));
    if (!input.GetString("VersionId").empty()) t.action = VersionAction(call.operation);
  } else {
    t.resources.push_back(bucket_arn);
  }
  if (call.operation == "ListObjects" || call.operation == "ListObjectsV2" ||
      call.operation == "ListObjectVersions") {
    t.context.emplace_back("s3:prefix", input.GetString("Prefix"));
    if (input.Has("Delimiter"))
      t.context.emplace_back("s3:delimiter", input.GetString("Delimiter"));
    t.context.emplace_back("s3:max-keys", std::to_string(input["MaxKeys"].AsInt(1000)));
  }
  if (input.Has("ACL")) t.context.emplace_back("s3:x-amz-acl", input.GetString("ACL"));

  // A new bucket belongs to the caller; the name clash is the handler's answer.
  if (call.operation == "CreateBucket") return t;
  auto found = FindBucket(call, bucket);
  if (!found) return t;  // the handler answers NoSuchBucket (or creates it)
  t.resource_account = found->owner();
  const auth::Principal& p = call.principal;
  if (IsPolicyOperation(call.operation)) {
    if (!p.is_anonymous() && p.type != auth::PrincipalType::kAWSService &&
        p.account_id != found->owner())
      return errors::MethodNotAllowed();
    // The owner's root may always manage the policy (only SCPs can stop it).
    if (p.type == auth::PrincipalType::kRoot) return t;
  }
  // RestrictPublicBuckets: a public policy admits only the owner's account and AWS services.
  if (p.type != auth::PrincipalType::kAWSService &&
      (p.is_anonymous() || p.account_id != found->owner()) && RestrictsPublicPolicy(*found))
    return t;
  t.resource_policy = found->row.GetString("Policy");
  return t;
}

}  // namespace

gateway::TargetFn S3Target() { return Target; }

}  // namespace orgtrail::services::s3
