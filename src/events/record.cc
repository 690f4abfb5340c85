// The CloudTrail record builder. Field order and contents follow spec/cloudtrail.md §5 (the
// CloudTrail User Guide's "CloudTrail record contents" and "CloudTrail userIdentity element"
// pages); docs/cloudtrail-record.md states the result.
#include "events/record.h"

#include <array>
#include <cstdio>
#include <utility>

#include "core/encoding.h"
#include "core/json.h"
#include "core/time_format.h"

namespace orgtrail::events {
namespace {

constexpr size_t kMaxValueBytes = 100 * 1024;  // §5.3.6: larger values are omitted
constexpr size_t kMaxErrorMessage = 1024;      // §5.1: errorMessage <= 1 KB
constexpr size_t kMaxUserAgent = 1024;         // §5.1: userAgent <= 1 KB

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

// "Jul 19, 2024, 10:11:57 PM" (§5.3.4: timestamps inside requestParameters/responseElements).
std::string FormatRecordTimestamp(int64_t ms) {
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string iso = FormatIso8601Seconds(ms);  // 2024-07-19T22:11:57Z
  int year = std::stoi(iso.substr(0, 4));
  int month = std::stoi(iso.substr(5, 2));
  int day = std::stoi(iso.substr(8, 2));
  int hour = std::stoi(iso.substr(11, 2));
  const char* half = hour < 12 ? "AM" : "PM";
  int h12 = hour % 12 == 0 ? 12 : hour % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %d, %d, %d:%s %s", kMonths[static_cast<size_t>(month - 1)],
                day, year, h12, iso.substr(14, 5).c_str(), half);
  return buf;
}

// Timestamps reach the builder as epoch seconds (doubles); the builder has no model, so a double
// under a member whose name says it is a time is taken for one.
bool LooksLikeTimestamp(std::string_view key, const Value& v) {
  if (!v.is_double() && !v.is_int()) return false;
  double d = v.AsDouble();
  if (d < 1e8 || d > 1e11) return false;
  std::string lower = ToLower(key);
  return EndsWith(lower, "date") || EndsWith(lower, "time") || EndsWith(lower, "expiration") ||
         EndsWith(lower, "timestamp");
}

// §5.3.5: secrets never appear.
bool SecretMember(std::string_view lower_first) {
  std::string lower = ToLower(lower_first);
  return lower == "secretaccesskey" || lower.find("password") != std::string::npos ||
         lower == "body" || lower == "privatekey";
}

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + 32);
  return out;
}

Value Convert(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kMap: {
      Value out = Value::MakeMap();
      for (const auto& [key, member] : v.AsMap()) {
        if (SecretMember(key)) continue;
        std::string name = LowerFirst(key);
        if (LooksLikeTimestamp(key, member)) {
          out.Set(std::move(name),
                  FormatRecordTimestamp(static_cast<int64_t>(member.AsDouble() * 1000.0)));
        } else {
          out.Set(std::move(name), Convert(member));
        }
      }
      return out;
    }
    case Value::Kind::kList: {
      Value out = Value::MakeList();
      for (const Value& e : v.AsList()) out.Append(Convert(e));
      return out;
    }
    case Value::Kind::kString:
      if (v.AsString().size() > kMaxValueBytes) return Value();
      return v;
    default:
      return v;
  }
}

// A map with no members is recorded as null ("null when the request has no parameters").
Value ParametersOrNull(const Value& input) {
  if (!input.is_map() || input.size() == 0) return Value();
  Value out = RecordParameters(input);
  if (out.size() == 0) return Value();
  return out;
}

std::string AccountOfArn(std::string_view arn) {
  std::vector<std::string_view> parts = Split(arn, ':');
  return parts.size() > 4 ? std::string(parts[4]) : std::string();
}

std::vector<RecordResource> Resources(const gateway::ApiCall& call) {
  std::vector<RecordResource> out;
  for (const std::string& arn : call.resources) {
    if (arn.empty() || arn == "*") continue;
    std::string type = ResourceTypeOfArn(arn);
    if (type.empty()) continue;
    std::string account = AccountOfArn(arn);
    if (account.empty()) {
      account =
          call.resource_account_id.empty() ? call.recipient_account_id : call.resource_account_id;
    }
    out.push_back({arn, std::move(account), std::move(type)});
  }
  return out;
}

std::string Username(const auth::Principal& p) {
  switch (p.type) {
    case auth::PrincipalType::kRoot:
      return "root";
    case auth::PrincipalType::kIAMUser:
      return p.user_name;
    case auth::PrincipalType::kAssumedRole:
      return p.session_name;
    default:
      return "";
  }
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

std::string RecordRegion(std::string_view service, std::string_view request_region) {
  if (service == "iam" || service == "organizations") return "us-east-1";
  return std::string(request_region);
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

Value RecordParameters(const Value& input) { return Convert(input); }

Value BuildUserIdentity(const auth::Principal& p) {
  Value id = Value::MakeMap().Set("type", auth::UserIdentityType(p.type));
  auto attributes = [&p]() {
    return Value::MakeMap()
        .Set("creationDate", FormatIso8601Seconds(p.session_issued_ms))
        .Set("mfaAuthenticated", p.mfa_authenticated ? "true" : "false");
  };
  switch (p.type) {
    case auth::PrincipalType::kAWSService:
      return Value::MakeMap().Set("type", "AWSService").Set("invokedBy", p.service);
    case auth::PrincipalType::kAnonymous:
      return id.Set("principalId", "").Set("accountId", "anonymous");
    case auth::PrincipalType::kRoot:
    case auth::PrincipalType::kIAMUser: {
      id.Set("principalId", p.user_id).Set("arn", p.arn).Set("accountId", p.account_id);
      if (!p.access_key_id.empty()) id.Set("accessKeyId", p.access_key_id);
      if (p.type == auth::PrincipalType::kIAMUser) id.Set("userName", p.user_name);
      if (p.temporary) {  // GetSessionToken credentials
        id.Set("sessionContext", Value::MakeMap()
                                     .Set("sessionIssuer", Value::MakeMap())
                                     .Set("webIdFederationData", Value::MakeMap())
                                     .Set("attributes", attributes()));
      }
      return id;
    }
    case auth::PrincipalType::kAssumedRole: {
      id.Set("principalId", p.user_id).Set("arn", p.arn).Set("accountId", p.account_id);
      if (!p.access_key_id.empty()) id.Set("accessKeyId", p.access_key_id);
      Value issuer = Value::MakeMap()
                         .Set("type", "Role")
                         .Set("principalId", p.role_id)
                         .Set("arn", p.role_arn)
                         .Set("accountId", p.account_id)
                         .Set("userName", p.role_name);
      Value ctx = Value::MakeMap()
                      .Set("sessionIssuer", std::move(issuer))
                      .Set("webIdFederationData", Value::MakeMap())
                      .Set("attributes", attributes());
      if (!p.source_identity.empty()) ctx.Set("sourceIdentity", p.source_identity);
      return id.Set("sessionContext", std::move(ctx));
    }
  }
  return id;
}

std::vector<BuiltRecord> BuildRecords(const gateway::ApiCall& call, const CrossAccountIds& ids) {
  std::vector<BuiltRecord> out;
  Classification c = Classify(call.service, call.event_name);
  if (!c.recorded) return out;

  const auth::Principal& p = call.principal;
  const bool service_caller = p.type == auth::PrincipalType::kAWSService;
  std::string region = RecordRegion(call.service, call.aws_region);
  std::vector<RecordResource> resources = Resources(call);

  Value r = Value::MakeMap();
  r.Set("eventVersion", kEventVersion)
      .Set("userIdentity", BuildUserIdentity(p))
      .Set("eventTime", FormatIso8601Seconds(call.event_time_ms))
      .Set("eventSource", call.event_source)
      .Set("eventName", call.event_name)
      .Set("awsRegion", region)
      .Set("sourceIPAddress", service_caller ? p.service : call.source_ip);
  if (service_caller) {
    r.Set("userAgent", p.service);
  } else if (!call.user_agent.empty()) {
    r.Set("userAgent", call.user_agent.substr(0, kMaxUserAgent));
  }
  if (!call.error_code.empty()) {
    r.Set("errorCode", call.error_code)
        .Set("errorMessage", call.error_message.substr(0, kMaxErrorMessage));
  }
  r.Set("requestParameters", ParametersOrNull(call.request_parameters));
  // §5.1: responseElements are null for read-only calls and failures.
  bool with_response = call.error_code.empty() && !c.read_only;
  r.Set("responseElements", with_response ? ParametersOrNull(call.response_elements) : Value());
  r.Set("requestID", call.request_id).Set("eventID", call.event_id).Set("readOnly", c.read_only);
  if (!resources.empty()) {
    Value list = Value::MakeList();
    for (const RecordResource& res : resources) {
      list.Append(Value::MakeMap()
                      .Set("accountId", res.account_id)
                      .Set("type", res.type)
                      .Set("ARN", res.arn));
    }
    r.Set("resources", std::move(list));
  }
  r.Set("eventType", "AwsApiCall")
      .Set("managementEvent", c.management_event)
      .Set("recipientAccountId", call.recipient_account_id);

  // §5.4: a call on another account's resource is recorded in both accounts.
  const std::string& owner = call.resource_account_id;
  const bool cross = !owner.empty() && owner != call.recipient_account_id && owner != "aws" &&
                     !ids.shared_event_id.empty();
  if (cross) r.Set("sharedEventID", ids.shared_event_id);
  r.Set("eventCategory", c.event_category);
  if (call.tls) {
    r.Set("tlsDetails", Value::MakeMap()
                            .Set("tlsVersion", "TLSv1.3")
                            .Set("cipherSuite", "TLS_AES_128_GCM_SHA256")
                            .Set("clientProvidedHostHeader", call.host));
  }

  BuiltRecord b;
  b.account_id = call.recipient_account_id;
  b.region = region;
  b.event_time_ms = call.event_time_ms;
  b.event_id = call.event_id;
  b.event_source = call.event_source;
  b.event_name = call.event_name;
  b.read_only = c.read_only;
  b.management_event = c.management_event;
  b.event_category = c.event_category;
  b.error_code = call.error_code;
  b.user_identity_arn = p.arn;
  b.username = Username(p);
  b.access_key_id = p.access_key_id;
  b.resources = resources;
  b.record = std::move(r);
  b.json = WriteJson(b.record);

  if (cross) {
    BuiltRecord second = b;
    second.account_id = owner;
    second.event_id = ids.resource_event_id;
    second.record.Set("eventID", ids.resource_event_id);
    second.record.Set("recipientAccountId", owner);
    second.json = WriteJson(second.record);
    out.push_back(std::move(b));
    out.push_back(std::move(second));
  } else {
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace orgtrail::events
