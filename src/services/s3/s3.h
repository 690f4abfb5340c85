// S3: buckets, objects, multipart uploads and bucket configuration (spec/wire.md §3.3-3.4,
// §5.5-5.8, §6.4; authorization spec/org-iam.md §5). Object bodies live in the store's
// BlobStore, named by ids (never by keys); metadata rows are in the s3_* tables
// (docs/persistence.md).
//
// Internal calls (Registry::CallInternal, call.http == nullptr) are part of the contract:
//   PutObject      input {"Bucket", "Key", "Body" (the bytes, a string Value), "ContentType"?,
//                  "Metadata"? (map)} → {"ETag", "VersionId"?}. The body comes from
//                  input["Body"]; no checksum headers are needed.
//   GetObject      input {"Bucket", "Key"} → {"Body", "ETag", "ContentLength", ...}.
//   GetBucketAcl   input {"Bucket"} → {"Owner": {"ID", "DisplayName"}, "Grants": [...]}.
//   GetBucketPolicy, HeadBucket, ListObjectsV2 work the same way.
// With authorize=true (or AuthorizeInternal) the bucket policy decides whether a service
// principal such as cloudtrail.amazonaws.com may act: the target names arn:aws:s3:::<bucket>
// (bucket operations) or arn:aws:s3:::<bucket>/<key> (object operations), the bucket owner as
// resource account and the bucket policy as resource policy.
#pragma once

#include "gateway/registry.h"

namespace orgtrail::services {

void RegisterS3(gateway::Registry& registry);

}  // namespace orgtrail::services
