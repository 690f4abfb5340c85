// LookupEvents (spec/cloudtrail.md §7; CloudTrail API Reference "LookupEvents"): the caller's
// account's management events of the request region over the last 90 days, newest first.
#include <cmath>
#include <string>

#include "core/encoding.h"
#include "core/json.h"
#include "events/journal.h"
#include "services/cloudtrail/lookup.h"

namespace orgtrail::services {
namespace {

constexpr size_t kDefaultMaxResults = 50;

AwsError InvalidLookupAttributes(std::string message) {
  return AwsError("InvalidLookupAttributesException", std::move(message));
}
AwsError InvalidTimeRange() {
  return AwsError("InvalidTimeRangeException",
                  "Start time must be before end time and within the last 90 days.");
}
AwsError InvalidNextToken() {
  return AwsError("InvalidNextTokenException",
                  "A token that is not valid, or a token that was previously used in a request "
                  "with different parameters.");
}

// What a NextToken must be replayed with: the request's parameters other than the token and
// MaxResults, as sent (absent times stay absent, so pages of an open-ended query still match).
std::string Signature(const gateway::Call& call, const Value& input) {
  return call.account_id() + "|" + call.region + "|" + input["LookupAttributes"].ToJson() + "|" +
         input["StartTime"].ToJson() + "|" + input["EndTime"].ToJson() + "|" +
         input.GetString("EventCategory");
}

int64_t Millis(const Value& seconds) {
  return static_cast<int64_t>(std::llround(seconds.AsDouble() * 1000.0));
}

Value EventOf(const events::JournalEntry& e) {
  Value ev = Value::MakeMap()
                 .Set("EventId", e.event_id)
                 .Set("EventName", e.event_name)
                 .Set("ReadOnly", e.read_only ? "true" : "false");
  if (!e.access_key_id.empty()) ev.Set("AccessKeyId", e.access_key_id);
  ev.Set("EventTime", static_cast<double>(e.event_time_ms) / 1000.0)
      .Set("EventSource", e.event_source);
  if (!e.username.empty()) ev.Set("Username", e.username);
  Value resources = Value::MakeList();
  for (const events::RecordResource& r : e.resources) {
    resources.Append(Value::MakeMap().Set("ResourceType", r.type).Set("ResourceName", r.arn));
  }
  ev.Set("Resources", std::move(resources));
  ev.Set("CloudTrailEvent", e.json);
  return ev;
}

Result<Value> LookupEvents(gateway::Call& call, const Value& input) {
  events::LookupQuery q;
  q.account_id = call.account_id();
  q.region = call.region;

  const Value::List& attrs = input["LookupAttributes"].AsList();
  if (attrs.size() > 1)
    return InvalidLookupAttributes("Only one lookup attribute may be specified.");
  if (attrs.size() == 1) {
    q.attribute_key = attrs[0].GetString("AttributeKey");
    q.attribute_value = attrs[0].GetString("AttributeValue");
    static constexpr std::string_view kKeys[] = {"EventId",     "EventName",    "ReadOnly",
                                                 "Username",    "ResourceType", "ResourceName",
                                                 "EventSource", "AccessKeyId"};
    bool known = false;
    for (std::string_view k : kKeys) known = known || q.attribute_key == k;
    if (!known) {
      return InvalidLookupAttributes("Lookup attribute key " + q.attribute_key + " is not valid.");
    }
  }
  if (const Value* cat = input.Find("EventCategory"); cat && cat->AsString() != "insight") {
    return AwsError("InvalidEventCategoryException",
                    "Event category " + cat->AsString() + " is not valid.");
  }
  if (input.Has("EventCategory")) return Value::MakeMap().Set("Events", Value::MakeList());

  const int64_t now = call.NowMillis();
  const int64_t oldest = now - events::kEventHistoryMillis;
  q.start_ms = input.Has("StartTime") ? Millis(input["StartTime"]) : oldest;
  q.end_ms = input.Has("EndTime") ? Millis(input["EndTime"]) : now;
  if (q.start_ms > q.end_ms) return InvalidTimeRange();
  if (input.Has("StartTime") && q.start_ms < oldest - 60'000) return InvalidTimeRange();
  q.start_ms = std::max(q.start_ms, oldest);

  if (const Value* max = input.Find("MaxResults")) {
    int64_t n = max->AsInt();
    if (n < 1 || n > 50) {
      return AwsError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
    }
    q.max_results = static_cast<size_t>(n);
  } else {
    q.max_results = kDefaultMaxResults;
  }

  const std::string signature = Signature(call, input);
  if (const Value* token = input.Find("NextToken")) {
    auto raw = Base64UrlDecode(token->AsString());
    if (!raw) return InvalidNextToken();
    auto parsed = ParseJson(*raw);
    if (!parsed.ok() || parsed->GetString("s") != signature || parsed->GetString("k").empty())
      return InvalidNextToken();
    q.after = parsed->GetString("k");
  }

  if (call.env.journal == nullptr) return Value::MakeMap().Set("Events", Value::MakeList());
  events::LookupPage page = call.env.journal->Lookup(q);
  Value list = Value::MakeList();
  for (const events::JournalEntry& e : page.events) list.Append(EventOf(e));
  Value out = Value::MakeMap().Set("Events", std::move(list));
  if (!page.next.empty()) {
    out.Set("NextToken",
            Base64UrlEncode(Value::MakeMap().Set("k", page.next).Set("s", signature).ToJson()));
  }
  return out;
}

constexpr gateway::OperationRow kLookupOps[] = {
    {"LookupEvents", LookupEvents},
};

}  // namespace

void RegisterCloudTrailLookup(gateway::Registry& registry) {
  registry.Register("cloudtrail", kLookupOps);
}

}  // namespace orgtrail::services
