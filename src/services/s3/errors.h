// S3's errors, named exactly like the AWS codes (spec/wire.md §6.4). Modelled shapes take their
// status from the model; the rest carry AWS's status explicitly.
#pragma once

#include <string>
#include <utility>

#include "core/result.h"

namespace orgtrail::services::s3::errors {

// An error about a bucket: AWS names it in a BucketName element.
inline AwsError BucketError(std::string code, std::string message, int status,
                            const std::string& bucket) {
  return AwsError(std::move(code), std::move(message), status).With("BucketName", bucket);
}

inline AwsError NoSuchBucket(const std::string& bucket) {
  return BucketError("NoSuchBucket", "The specified bucket does not exist.", 404, bucket);
}
inline AwsError NoSuchKey(const std::string& key) {
  return AwsError("NoSuchKey", "The specified key does not exist.", 404).With("Key", key);
}
inline AwsError NoSuchVersion(const std::string& key, const std::string& version) {
  return AwsError("NoSuchVersion", "The specified version does not exist.", 404)
      .With("Key", key)
      .With("VersionId", version);
}
inline AwsError NoSuchUpload(const std::string& upload_id) {
  return AwsError("NoSuchUpload",
                  "The specified upload does not exist. The upload ID may be invalid, or the "
                  "upload may have been aborted or completed.",
                  404)
      .With("UploadId", upload_id);
}
inline AwsError BucketAlreadyExists(const std::string& bucket) {
  return BucketError(
      "BucketAlreadyExists",
      "The requested bucket name is not available. The bucket namespace is shared by "
      "all users of the system. Please select a different name and try again.",
      409, bucket);
}
inline AwsError BucketAlreadyOwnedByYou(const std::string& bucket) {
  return BucketError("BucketAlreadyOwnedByYou",
                     "Your previous request to create the named bucket succeeded and you already "
                     "own it.",
                     409, bucket);
}
inline AwsError BucketNotEmpty(const std::string& bucket) {
  return BucketError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, bucket);
}
inline AwsError InvalidBucketName(const std::string& bucket) {
  return BucketError("InvalidBucketName", "The specified bucket is not valid.", 400, bucket);
}
inline AwsError NoSuchBucketPolicy(const std::string& bucket) {
  return BucketError("NoSuchBucketPolicy", "The bucket policy does not exist", 404, bucket);
}
inline AwsError MalformedPolicy(const std::string& message) {
  return AwsError("MalformedPolicy", message, 400);
}
inline AwsError InvalidRequest(const std::string& message) {
  return AwsError("InvalidRequest", message, 400);
}
inline AwsError InvalidArgument(const std::string& message, const std::string& name,
                                const std::string& value) {
  return AwsError("InvalidArgument", message, 400)
      .With("ArgumentName", name)
      .With("ArgumentValue", value);
}
inline AwsError MalformedXml() {
  return AwsError("MalformedXML",
                  "The XML you provided was not well-formed or did not validate against our "
                  "published schema",
                  400);
}
inline AwsError PreconditionFailed(const std::string& condition) {
  return AwsError("PreconditionFailed",
                  "At least one of the pre-conditions you specified did not hold", 412)
      .With("Condition", condition);
}
inline AwsError NotModified() { return AwsError("NotModified", "Not Modified", 304); }
inline AwsError InvalidRange(const std::string& range, uint64_t size) {
  return AwsError("InvalidRange", "The requested range is not satisfiable", 416)
      .With("RangeRequested", range)
      .With("ActualObjectSize", std::to_string(size));
}
inline AwsError InvalidPart() {
  return AwsError("InvalidPart",
                  "One or more of the specified parts could not be found.  The part may not have "
                  "been uploaded, or the specified entity tag may not have matched the part's "
                  "entity tag.",
                  400);
}
inline AwsError InvalidPartOrder() {
  return AwsError("InvalidPartOrder",
                  "The list of parts was not in ascending order. The parts list must be specified "
                  "in order by part number.",
                  400);
}
inline AwsError EntityTooSmall(uint64_t proposed) {
  return AwsError("EntityTooSmall",
                  "Your proposed upload is smaller than the minimum allowed object size.", 400)
      .With("ProposedSize", std::to_string(proposed))
      .With("MinSizeAllowed", "5242880");
}
inline AwsError NoSuchTagSet(const std::string& bucket) {
  return BucketError("NoSuchTagSet", "The TagSet does not exist", 404, bucket);
}
inline AwsError NoSuchLifecycleConfiguration(const std::string& bucket) {
  return BucketError("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist",
                     404, bucket);
}
inline AwsError NoSuchPublicAccessBlockConfiguration(const std::string& bucket) {
  return BucketError("NoSuchPublicAccessBlockConfiguration",
                     "The public access block configuration was not found", 404, bucket);
}
inline AwsError OwnershipControlsNotFoundError(const std::string& bucket) {
  return BucketError("OwnershipControlsNotFoundError",
                     "The bucket ownership controls were not found", 404, bucket);
}
inline AwsError ServerSideEncryptionConfigurationNotFoundError(const std::string& bucket) {
  return BucketError("ServerSideEncryptionConfigurationNotFoundError",
                     "The server side encryption configuration was not found", 404, bucket);
}
inline AwsError AccessControlListNotSupported() {
  return AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
}
inline AwsError MethodNotAllowed() {
  return AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.",
                  405);
}

}  // namespace orgtrail::services::s3::errors
