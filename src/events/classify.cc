// What CloudTrail makes of an operation (spec/cloudtrail.md §5.5): recorded or not, read-only,
// management or data event; the region a record is filed under; the resource type of an ARN.
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.h"
#include "events/record.h"

namespace orgtrail::events {
namespace {

bool In(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

// §5.5: the S3 object-level operations (data events).
bool S3ObjectOperation(std::string_view op) {
  return In(op, {"GetObject",
                 "HeadObject",
                 "PutObject",
                 "CopyObject",
                 "DeleteObject",
                 "DeleteObjects",
                 "CreateMultipartUpload",
                 "UploadPart",
                 "UploadPartCopy",
                 "CompleteMultipartUpload",
                 "AbortMultipartUpload",
                 "ListParts",
                 "ListObjects",
                 "ListObjectsV2",
                 "GetObjectAcl",
                 "PutObjectAcl",
                 "GetObjectTagging",
                 "PutObjectTagging",
                 "DeleteObjectTagging",
                 "GetObjectAttributes",
                 "RestoreObject",
                 "SelectObjectContent"});
}

}  // namespace

Classification Classify(std::string_view service, std::string_view operation) {
  Classification c;
  c.read_only = gateway::IsReadOnlyOperation(service, operation);
  c.event_category = "Management";
  if (service == "logs" &&
      In(operation, {"PutLogEvents", "GetLogEvents", "FilterLogEvents", "StartLiveTail"})) {
    c.recorded = false;
  } else if (service == "monitoring" || service == "cloudwatch") {
    if (In(operation, {"PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics"}))
      c.recorded = false;
  }
  bool data = (service == "s3" && S3ObjectOperation(operation)) ||
              (service == "lambda" && (operation == "Invoke" || operation == "InvokeAsync")) ||
              (service == "sns" && In(operation, {"Publish", "PublishBatch"})) ||
              (service == "sqs" &&
               In(operation, {"SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
                              "DeleteMessageBatch", "ChangeMessageVisibility",
                              "ChangeMessageVisibilityBatch"}));
  if (data) {
    c.management_event = false;
    c.event_category = "Data";
  }
  return c;
}

std::string_view RecordRegion(std::string_view service, std::string_view request_region) {
  if (service == "iam" || service == "organizations") return "us-east-1";
  return request_region;
}

std::string ResourceTypeOfArn(std::string_view arn) {
  std::vector<std::string_view> parts = Split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn") return "";
  std::string_view svc = parts[2];
  size_t pos = 0;
  for (int i = 0; i < 5; ++i) pos = arn.find(':', pos) + 1;  // after arn:aws:svc:region:account:
  std::string_view rest = arn.substr(pos);
  auto kind = [&](std::string_view prefix) { return StartsWith(rest, prefix); };
  if (svc == "s3") {
    return rest.find('/') == std::string_view::npos ? "AWS::S3::Bucket" : "AWS::S3::Object";
  }
  if (svc == "iam") {
    if (kind("role/")) return "AWS::IAM::Role";
    if (kind("user/")) return "AWS::IAM::User";
    if (kind("group/")) return "AWS::IAM::Group";
    if (kind("policy/")) return "AWS::IAM::Policy";
    return "";
  }
  if (svc == "lambda") return "AWS::Lambda::Function";
  if (svc == "sns") return "AWS::SNS::Topic";
  if (svc == "sqs") return "AWS::SQS::Queue";
  if (svc == "cloudtrail" && kind("trail/")) return "AWS::CloudTrail::Trail";
  if (svc == "logs") return "AWS::Logs::LogGroup";
  return "";
}

}  // namespace orgtrail::events
