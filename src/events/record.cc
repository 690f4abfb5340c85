// The CloudTrail record builder. Field order and contents follow spec/cloudtrail.md §5 (the
// CloudTrail User Guide's "CloudTrail record contents" and "CloudTrail userIdentity element"
// pages); docs/cloudtrail-record.md states the result.
#include "events/record.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <utility>

#include "core/encoding.h"
#include "core/json.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "events/record_text.h"

namespace orgtrail::events {
namespace {

constexpr size_t kMaxValueBytes = 100 * 1024;  // §5.3.6: larger values are omitted
constexpr size_t kMaxErrorMessage = 1024;      // §5.1: errorMessage <= 1 KB
constexpr size_t kMaxUserAgent = 1024;         // §5.1: userAgent <= 1 KB

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
  if (!(d >= 1e8 && d <= 1e11)) return false;  // NaN included
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

// The record is written straight to JSON text with RapidJSON's writer: no intermediate Value,
// one buffer per record. Strings are checked for UTF-8 as WriteJson does (core/json.h).
using Writer = JsonWriter;

void Str(Writer& w, std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  if (ascii) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()), true);
    return;
  }
  // Invalid UTF-8 becomes U+FFFD exactly as in WriteJson (core/json.h).
  std::string valid = ValidUtf8(s);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()), true);
}

void Key(Writer& w, std::string_view k) {
  bool ascii = true;
  for (unsigned char c : k) ascii &= c < 0x80;
  if (ascii) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()), true);
    return;
  }
  std::string valid = ValidUtf8(k);  // as WriteJson writes keys
  w.Key(valid.data(), static_cast<rapidjson::SizeType>(valid.size()), true);
}

// A scalar (null, boolean, number) as WriteJson writes it; Converted handles strings, lists and
// maps itself.
void Scalar(Writer& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      w.Bool(v.AsBool());
      break;
    case Value::Kind::kInt:
      w.Int64(v.AsInt());
      break;
    case Value::Kind::kDouble:
      if (std::isfinite(v.AsDouble())) {
        w.Double(v.AsDouble());
      } else {
        w.Null();
      }
      break;
    default:
      w.Null();
  }
}

// The members a converted map keeps, in order: secrets dropped, names with a lower-case first
// letter; when two names collide ("Name" and "name") the first position keeps the last value.
std::vector<std::pair<std::string, const Value*>> ConvertedMembers(const Value::Map& map) {
  std::vector<std::pair<std::string, const Value*>> out;
  out.reserve(map.size());
  std::unordered_map<std::string, size_t> index;  // only for large maps
  const bool large = map.size() > 16;
  for (const auto& [key, member] : map) {
    if (SecretMember(key)) continue;
    std::string name = LowerFirst(key);
    bool replaced = false;
    if (large) {
      auto [it, added] = index.emplace(name, out.size());
      if (!added) {
        out[it->second].second = &member;
        replaced = true;
      }
    } else {
      for (auto& m : out) {
        if (m.first == name) {
          m.second = &member;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.emplace_back(std::move(name), &member);
  }
  return out;
}

// §5.3: member names with a lower-case first letter, secrets dropped, timestamps formatted,
// values over 100 KB omitted. `key` is the member's original name ("" in a list).
void Converted(Writer& w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kMap:
      w.StartObject();
      for (const auto& [name, member] : ConvertedMembers(v.AsMap())) {
        Key(w, name);
        // The timestamp test uses the original member name, which differs only in case.
        if (LooksLikeTimestamp(name, *member)) {
          Str(w, FormatRecordTimestamp(static_cast<int64_t>(member->AsDouble() * 1000.0)));
        } else {
          Converted(w, *member);
        }
      }
      w.EndObject();
      break;
    case Value::Kind::kList:
      w.StartArray();
      for (const Value& e : v.AsList()) Converted(w, e);
      w.EndArray();
      break;
    case Value::Kind::kString:
      if (v.AsString().size() > kMaxValueBytes) {
        w.Null();
      } else {
        Str(w, v.AsString());
      }
      break;
    default:
      Scalar(w, v);
  }
}

// requestParameters / responseElements: null when the map has no members left (§5.1).
void ParametersOrNull(Writer& w, const Value& input) {
  bool any = false;
  for (const auto& [key, unused] : input.AsMap()) any = any || !SecretMember(key);
  if (!input.is_map() || !any) {
    w.Null();
    return;
  }
  Converted(w, input);
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

std::string_view Username(const auth::Principal& p) {
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

// The fixed part of a record is written through record_text.h (RecordOut, Member, MemberTime).
using record_text::AppendString;
using record_text::Member;
using record_text::MemberTime;
using record_text::RecordOut;

// §5.2.
void UserIdentity(RecordOut& out, const auth::Principal& p) {
  auto attributes = [&] {
    out.append(",\"attributes\":{");
    MemberTime<"creationDate">(out, p.session_issued_ms, true);
    Member<"mfaAuthenticated">(out, p.mfa_authenticated ? "true" : "false");
    out.push_back('}');
  };
  out.push_back('{');
  switch (p.type) {
    case auth::PrincipalType::kAWSService:
      Member<"type">(out, "AWSService", true);
      Member<"invokedBy">(out, p.service);
      break;
    case auth::PrincipalType::kAnonymous:
      Member<"type">(out, auth::UserIdentityType(p.type), true);
      Member<"principalId">(out, "");
      Member<"accountId">(out, "anonymous");
      break;
    case auth::PrincipalType::kRoot:
    case auth::PrincipalType::kIAMUser:
      Member<"type">(out, auth::UserIdentityType(p.type), true);
      Member<"principalId">(out, p.user_id);
      Member<"arn">(out, p.arn);
      Member<"accountId">(out, p.account_id);
      if (!p.access_key_id.empty()) Member<"accessKeyId">(out, p.access_key_id);
      if (p.type == auth::PrincipalType::kIAMUser) Member<"userName">(out, p.user_name);
      if (p.temporary) {  // GetSessionToken credentials
        out.append(R"(,"sessionContext":{"sessionIssuer":{},"webIdFederationData":{})");
        attributes();
        out.push_back('}');
      }
      break;
    case auth::PrincipalType::kAssumedRole:
      Member<"type">(out, auth::UserIdentityType(p.type), true);
      Member<"principalId">(out, p.user_id);
      Member<"arn">(out, p.arn);
      Member<"accountId">(out, p.account_id);
      if (!p.access_key_id.empty()) Member<"accessKeyId">(out, p.access_key_id);
      out.append(R"(,"sessionContext":{"sessionIssuer":{)");
      Member<"type">(out, "Role", true);
      Member<"principalId">(out, p.role_id);
      Member<"arn">(out, p.role_arn);
      Member<"accountId">(out, p.account_id);
      Member<"userName">(out, p.role_name);
      out.append(R"(},"webIdFederationData":{})");
      attributes();
      if (!p.source_identity.empty()) Member<"sourceIdentity">(out, p.source_identity);
      out.push_back('}');
      break;
  }
  out.push_back('}');
}

// Whether UserIdentity writes the same text for both callers: every field it reads is equal.
bool SameIdentity(const auth::Principal& a, const auth::Principal& b) {
  return a.type == b.type && a.temporary == b.temporary &&
         a.session_issued_ms == b.session_issued_ms && a.mfa_authenticated == b.mfa_authenticated &&
         a.arn == b.arn && a.user_id == b.user_id && a.access_key_id == b.access_key_id &&
         a.account_id == b.account_id && a.user_name == b.user_name && a.service == b.service &&
         a.role_id == b.role_id && a.role_arn == b.role_arn && a.role_name == b.role_name &&
         a.source_identity == b.source_identity;
}

// The userIdentity element, from the thread's scratch when it has it for this caller.
void AppendUserIdentity(RecordOut& out, const auth::Principal& p, RecordScratch* scratch) {
  if (scratch == nullptr) {
    UserIdentity(out, p);
    return;
  }
  if (!scratch->valid || !SameIdentity(scratch->principal, p)) {
    scratch->valid = false;
    scratch->user_identity.clear();
    {
      RecordOut text(scratch->user_identity);
      UserIdentity(text, p);
    }
    scratch->principal = p;
    scratch->valid = true;
  }
  out.append(scratch->user_identity);
}

// requestParameters / responseElements through the writer (§5.3).
void AppendParameters(RecordOut& out, const Value& v) {
  if (!v.is_map() || v.size() == 0) {  // the common case: no parameters
    out.append("null");
    return;
  }
  JsonOutBuffer buf;
  Writer w(buf);
  ParametersOrNull(w, v);
  out.append(buf.GetString(), buf.GetSize());
}

// What one record of a call needs besides the call itself.
struct RecordParts {
  const Classification& c;
  std::string_view region;
  const std::vector<RecordResource>& resources;
  std::string_view event_id;
  std::string_view recipient;
  std::string_view shared_event_id;  // "" when not cross-account
  RecordScratch* scratch;            // nullptr: none
};

// Appends one record, fields in the order of spec §5.1.
void WriteRecord(const gateway::ApiCall& call, const RecordParts& r, RecordOut& out) {
  const auth::Principal& p = call.principal;
  const bool service_caller = p.type == auth::PrincipalType::kAWSService;
  static_assert(kEventVersion == "1.11");
  out.append(R"({"eventVersion":"1.11","userIdentity":)");
  AppendUserIdentity(out, p, r.scratch);
  MemberTime<"eventTime">(out, call.event_time_ms);
  Member<"eventSource">(out, call.event_source);
  Member<"eventName">(out, call.event_name);
  Member<"awsRegion">(out, r.region);
  Member<"sourceIPAddress">(out, service_caller ? std::string_view(p.service) : call.source_ip);
  if (service_caller) {
    Member<"userAgent">(out, p.service);
  } else if (!call.user_agent.empty()) {
    Member<"userAgent">(out, std::string_view(call.user_agent).substr(0, kMaxUserAgent));
  }
  if (!call.error_code.empty()) {
    Member<"errorCode">(out, call.error_code);
    Member<"errorMessage">(out, std::string_view(call.error_message).substr(0, kMaxErrorMessage));
  }
  out.append(",\"requestParameters\":");
  AppendParameters(out, call.request_parameters);
  // §5.1: responseElements are null for read-only calls and failures.
  out.append(",\"responseElements\":");
  if (call.error_code.empty() && !r.c.read_only) {
    AppendParameters(out, call.response_elements);
  } else {
    out.append("null");
  }
  Member<"requestID">(out, call.request_id);
  Member<"eventID">(out, r.event_id);
  out.append(r.c.read_only ? ",\"readOnly\":true" : ",\"readOnly\":false");
  if (!r.resources.empty()) {
    out.append(",\"resources\":[");
    for (size_t i = 0; i < r.resources.size(); ++i) {
      const RecordResource& res = r.resources[i];
      out.append(i == 0 ? "{" : ",{");
      Member<"accountId">(out, res.account_id, true);
      Member<"type">(out, res.type);
      Member<"ARN">(out, res.arn);
      out.push_back('}');
    }
    out.push_back(']');
  }
  out.append(r.c.management_event ? R"(,"eventType":"AwsApiCall","managementEvent":true)"
                                  : R"(,"eventType":"AwsApiCall","managementEvent":false)");
  Member<"recipientAccountId">(out, r.recipient);
  if (!r.shared_event_id.empty()) Member<"sharedEventID">(out, r.shared_event_id);
  Member<"eventCategory">(out, r.c.event_category);
  if (call.tls) {
    out.append(R"(,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256")");
    Member<"clientProvidedHostHeader">(out, call.host);
    out.push_back('}');
  }
  out.push_back('}');
}

std::string WriteWith(const std::function<void(Writer&)>& fn) {
  JsonOutBuffer buf;
  Writer w(buf);
  fn(w);
  return std::string(buf.GetString(), buf.GetSize());
}

Value Reparsed(const std::string& json) {
  auto v = ParseJson(json);
  return v.ok() ? std::move(v).value() : Value();
}

}  // namespace

Value RecordParameters(const Value& input) {
  return Reparsed(WriteWith([&input](Writer& w) { Converted(w, input); }));
}

Value BuildUserIdentity(const auth::Principal& p) {
  std::string text;
  {
    RecordOut out(text);
    UserIdentity(out, p);
  }
  return Reparsed(text);
}

std::vector<BuiltRecord> BuildRecordsText(const gateway::ApiCall& call, const CrossAccountIds& ids,
                                          RecordHead head, RecordScratch* scratch) {
  std::vector<BuiltRecord> out;
  Classification c = Classify(call.service, call.event_name);
  if (!c.recorded) return out;

  const auth::Principal& p = call.principal;
  BuiltRecord b;
  b.account_id = call.recipient_account_id;
  b.region = RecordRegion(call.service, call.aws_region);
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
  b.resources = Resources(call);

  // §5.4: a call on another account's resource is recorded in both accounts.
  const std::string& owner = call.resource_account_id;
  const bool cross = !owner.empty() && owner != call.recipient_account_id && owner != "aws" &&
                     !ids.shared_event_id.empty();
  std::string_view shared = cross ? std::string_view(ids.shared_event_id) : std::string_view();
  // Each record's text: its head, then the record.
  auto write = [&](BuiltRecord& r) {
    // Room for a usual record (~650 bytes) and the journal row's header (~250), kept under
    // glibc's large-chunk size (1,024 bytes with the chunk header): a large chunk freed by the
    // group-commit thread makes the next one cost a consolidation of the request thread's free
    // lists.
    r.json.reserve(999);
    if (head != nullptr) head(r, r.json);
    RecordOut text(r.json);
    WriteRecord(call, {c, r.region, r.resources, r.event_id, r.account_id, shared, scratch}, text);
  };
  write(b);
  if (cross) {
    // The resource account's copy: the same facts but its recipient and eventID.
    BuiltRecord second;
    second.Assign(b);
    second.account_id = owner;
    second.event_id = ids.resource_event_id;
    write(second);
    out.push_back(std::move(b));
    out.push_back(std::move(second));
  } else {
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<BuiltRecord> BuildRecords(const gateway::ApiCall& call, const CrossAccountIds& ids) {
  std::vector<BuiltRecord> out = BuildRecordsText(call, ids);
  for (BuiltRecord& b : out) b.record = Reparsed(b.json);
  return out;
}

}  // namespace orgtrail::events
