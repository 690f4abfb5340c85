// The CloudTrail record builder (spec/cloudtrail.md §5, docs/cloudtrail-record.md): one audited
// API call (gateway::ApiCall) in, the CloudTrail record(s) out, as JSON text in AWS's field
// order. Pure: no clock, no ids, no store, no logging; everything it needs is in its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "gateway/audit.h"

namespace orgtrail::events {

inline constexpr std::string_view kEventVersion = "1.11";

// One element of the record's `resources` array.
struct RecordResource {
  std::string arn;
  std::string account_id;
  std::string type;  // "AWS::IAM::Role", "AWS::S3::Bucket", "AWS::S3::Object", ...
};

// How one call is classified (spec §5.1 readOnly, §5.5).
struct Classification {
  bool recorded = true;          // false: CloudTrail does not record this operation at all
  bool read_only = false;        // readOnly
  bool management_event = true;  // managementEvent
  std::string event_category;    // "Management" or "Data"
};
Classification Classify(std::string_view service, std::string_view operation);

// One built record plus the facts about it that selectors, event history and delivery use
// without parsing the JSON again.
struct BuiltRecord {
  std::string account_id;  // recipientAccountId
  std::string region;      // awsRegion (global services: us-east-1)
  int64_t event_time_ms = 0;
  std::string event_id;
  std::string event_source;
  std::string event_name;
  bool read_only = false;
  bool management_event = true;
  std::string event_category;
  std::string error_code;
  std::string user_identity_arn;  // userIdentity.arn ("" for AWS services)
  std::string username;           // LookupEvents' Username (§7): user name, session name, "root"
  std::string access_key_id;      // userIdentity.accessKeyId
  std::vector<RecordResource> resources;
  Value record;      // the record itself, fields in AWS's order (BuildRecords only)
  std::string json;  // the record as one line of JSON (WriteJson(record))
};

// Ids the builder cannot mint itself (it is pure): the cross-account copy's eventID and the
// sharedEventID both copies carry. Only used when the call is cross-account (spec §5.4).
struct CrossAccountIds {
  std::string resource_event_id;
  std::string shared_event_id;
};

// The record(s) of one call: none when the operation is not recorded (§5.5 "Not recorded"),
// one normally, two for a cross-account call (the caller's account's, then the resource
// account's; same sharedEventID, different eventIDs).
std::vector<BuiltRecord> BuildRecords(const gateway::ApiCall& call, const CrossAccountIds& ids);
// The same without `record`: the JSON text is written straight from the call (the journal's
// path; BuildRecords parses that text back for `record`).
std::vector<BuiltRecord> BuildRecordsText(const gateway::ApiCall& call, const CrossAccountIds& ids);

// Parts of BuildRecords, exposed for tests and for the delivery side.
Value BuildUserIdentity(const auth::Principal& principal);
// §5.3: lower-cases the first letter of member names at every level and drops secrets.
Value RecordParameters(const Value& input);
// The region a record is filed under: us-east-1 for IAM and Organizations (global services).
std::string RecordRegion(std::string_view service, std::string_view request_region);
// The CloudTrail resource type of an ARN ("AWS::IAM::Role"), "" when unknown.
std::string ResourceTypeOfArn(std::string_view arn);

}  // namespace orgtrail::events
