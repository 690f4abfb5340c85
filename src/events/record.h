// The CloudTrail record builder (spec/cloudtrail.md §5, docs/cloudtrail-record.md): one audited
// API call (gateway::ApiCall) in, the CloudTrail record(s) out, as JSON text in AWS's field
// order. Pure: no clock, no ids, no store, no logging; everything it needs is in its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
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
  bool recorded = true;             // false: CloudTrail does not record this operation at all
  bool read_only = false;           // readOnly
  bool management_event = true;     // managementEvent
  std::string_view event_category;  // "Management" or "Data" (static text)
};
Classification Classify(std::string_view service, std::string_view operation);

// The facts about a record that selectors, event history and delivery use without parsing its
// JSON: one list for the built record (views into the call), the journaled entry (owned) and the
// journaled record read in place (views into the row read). S is std::string or
// std::string_view.
template <class S>
struct RecordFacts {
  S account_id;  // recipientAccountId: whose record this is
  S region;      // awsRegion (global services: us-east-1)
  int64_t event_time_ms = 0;
  S event_id;
  S event_source;  // "s3.amazonaws.com"
  S event_name;    // "CreateBucket"
  bool read_only = false;
  bool management_event = true;
  S event_category;  // "Management" | "Data"
  S error_code;
  S user_identity_arn;  // userIdentity.arn ("" for AWS services)
  S username;           // LookupEvents' Username (§7): user name, session name, "root"
  S access_key_id;      // userIdentity.accessKeyId
  std::vector<RecordResource> resources;

  // The facts but `resources`, as references in the order of a journal row's fields
  // (journal_row.h): the one list that copies, encodes and decodes them.
  auto Fields() { return Tie(*this); }
  auto Fields() const { return Tie(*this); }
  // These facts from facts of another string type (copies, or views of `other`).
  template <class T>
  void Assign(const RecordFacts<T>& other) {
    Fields() = other.Fields();
    resources = other.resources;
  }

 private:
  template <class Self>
  static auto Tie(Self& f) {
    return std::tie(f.account_id, f.region, f.event_time_ms, f.event_id, f.event_source,
                    f.event_name, f.read_only, f.management_event, f.event_category, f.error_code,
                    f.user_identity_arn, f.username, f.access_key_id);
  }
};

// One built record: its facts, views into the call and the ids it was built from (which must
// outlive it), and its JSON text.
struct BuiltRecord : RecordFacts<std::string_view> {
  Value record;      // the record itself, fields in AWS's order (BuildRecords only)
  std::string json;  // the record as one line of JSON (WriteJson(record)), after its head
};

// What BuildRecordsText writes in front of each record's JSON text in BuiltRecord::json, from
// its facts (the journal's row header, journal_row::AppendHeader); nullptr: nothing.
using RecordHead = void (*)(const RecordFacts<std::string_view>& facts, std::string& out);

// Ids the builder cannot mint itself (it is pure): the cross-account copy's eventID and the
// sharedEventID both copies carry. Only used when the call is cross-account (spec §5.4).
struct CrossAccountIds {
  std::string resource_event_id;
  std::string shared_event_id;
};

// What one recording thread keeps from record to record (its owner keeps one per thread: the
// builder has no state of its own): the userIdentity text of the last caller, written again
// only when the caller changes.
struct RecordScratch {
  bool valid = false;
  auth::Principal principal;  // the caller `user_identity` was written for
  std::string user_identity;
};

// The record(s) of one call: none when the operation is not recorded (§5.5 "Not recorded"),
// one normally, two for a cross-account call (the caller's account's, then the resource
// account's; same sharedEventID, different eventIDs). The records' facts view `call` and `ids`.
std::vector<BuiltRecord> BuildRecords(const gateway::ApiCall& call, const CrossAccountIds& ids);
// The same without `record`: the JSON text is written straight from the call, after `head` (the
// journal's path, which so builds each finished row in one string; BuildRecords parses that
// text back for `record`). With `scratch`, the userIdentity text of the caller of the thread's
// previous record is used again when it is the same caller.
std::vector<BuiltRecord> BuildRecordsText(const gateway::ApiCall& call, const CrossAccountIds& ids,
                                          RecordHead head = nullptr,
                                          RecordScratch* scratch = nullptr);
// The records would view a call that is gone.
std::vector<BuiltRecord> BuildRecords(gateway::ApiCall&&, const CrossAccountIds&) = delete;
std::vector<BuiltRecord> BuildRecordsText(gateway::ApiCall&&, const CrossAccountIds&,
                                          RecordHead = nullptr, RecordScratch* = nullptr) = delete;

// Parts of BuildRecords, exposed for tests and for the delivery side.
Value BuildUserIdentity(const auth::Principal& principal);
// §5.3: lower-cases the first letter of member names at every level and drops secrets.
Value RecordParameters(const Value& input);
// The region a record is filed under: us-east-1 for IAM and Organizations (global services),
// else `request_region` (the result views it).
std::string_view RecordRegion(std::string_view service, std::string_view request_region);
// The CloudTrail resource type of an ARN ("AWS::IAM::Role"), "" when unknown.
std::string ResourceTypeOfArn(std::string_view arn);

}  // namespace orgtrail::events
