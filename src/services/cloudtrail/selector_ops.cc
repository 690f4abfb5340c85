// Put/GetEventSelectors and Put/GetInsightSelectors (spec/cloudtrail.md §6). Matching of
// selectors against records is the events floor's (selector matcher).
#include <set>

#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/selector_checks.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;

AwsError BadSelectors(std::string message) {
  return AwsError("InvalidEventSelectorsException", std::move(message));
}

Value DefaultSelectors() {
  return Value(Value::List{Value::MakeMap()
                               .Set("ReadWriteType", "All")
                               .Set("IncludeManagementEvents", true)
                               .Set("DataResources", Value::MakeList())
                               .Set("ExcludeManagementEventSources", Value::MakeList())});
}

}  // namespace

Status ValidateEventSelectors(const Value& selectors) {
  if (selectors.size() > 5)
    return BadSelectors("You have exceeded the maximum of 5 event selectors.");
  size_t values = 0;
  for (const Value& s : selectors.AsList()) {
    std::string rw = s.GetString("ReadWriteType", "All");
    if (rw != "All" && rw != "ReadOnly" && rw != "WriteOnly")
      return BadSelectors("Value " + rw + " for parameter ReadWriteType is invalid.");
    for (const Value& r : s["DataResources"].AsList()) {
      std::string type = r.GetString("Type");
      if (type != "AWS::S3::Object" && type != "AWS::Lambda::Function" &&
          type != "AWS::DynamoDB::Table")
        return BadSelectors("Value " + type + " for parameter DataResources.Type is invalid.");
      for (const Value& v : r["Values"].AsList()) {
        ++values;
        const std::string& text = v.AsString();
        if (type == "AWS::S3::Object" && text != "arn:aws:s3" &&
            text.rfind("arn:aws:s3:::", 0) != 0)
          return BadSelectors("Value " + text + " for parameter DataResources.Values is invalid.");
        if (type == "AWS::Lambda::Function" && text.rfind("arn:aws:lambda", 0) != 0)
          return BadSelectors("Value " + text + " for parameter DataResources.Values is invalid.");
      }
    }
    for (const Value& src : s["ExcludeManagementEventSources"].AsList())
      if (src.AsString() != "kms.amazonaws.com" && src.AsString() != "rdsdata.amazonaws.com")
        return BadSelectors("Value " + src.AsString() +
                            " for parameter ExcludeManagementEventSources is invalid.");
  }
  if (values > 250) return BadSelectors("You have exceeded the maximum of 250 data resources.");
  return Ok();
}

Status ValidateAdvancedEventSelectors(const Value& selectors) {
  static const std::set<std::string> fields_known = {
      "eventCategory",  "readOnly",
      "eventSource",    "eventName",
      "resources.type", "resources.ARN",
      "errorCode",      "userIdentity.arn",
      "eventType",      "sessionCredentialFromConsole"};
  static constexpr const char* kOps[] = {"Equals",    "StartsWith",    "EndsWith",
                                         "NotEquals", "NotStartsWith", "NotEndsWith"};
  if (selectors.size() > 500) return BadSelectors("Too many advanced event selectors.");
  size_t values = 0;
  for (const Value& s : selectors.AsList()) {
    const Value& fields = s["FieldSelectors"];
    if (fields.AsList().empty())
      return BadSelectors("Each advanced event selector must have at least one field selector.");
    bool has_category = false;
    for (const Value& f : fields.AsList()) {
      std::string field = f.GetString("Field");
      if (fields_known.count(field) == 0)
        return BadSelectors("Value " + field + " for parameter Field is invalid.");
      if (field == "eventCategory") has_category = true;
      bool any = false;
      for (const char* op : kOps) {
        const Value& vals = f[op];
        if (vals.AsList().empty()) continue;
        any = true;
        values += vals.size();
      }
      if (!any) return BadSelectors("Field selector " + field + " has no operator.");
    }
    if (!has_category)
      return BadSelectors("Field eventCategory is required in every advanced event selector.");
  }
  if (values > 500) return BadSelectors("You have exceeded the maximum of 500 values.");
  return Ok();
}

namespace {

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
Result<Value> PutEventSelectors(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("TrailName"), Access::kWrite));
  const Value* basic = input.Find("EventSelectors");
  const Value* advanced = input.Find("AdvancedEventSelectors");
  if ((basic != nullptr) == (advanced != nullptr))
    return AwsError("InvalidParameterCombinationException",
                    "You must specify either EventSelectors or AdvancedEventSelectors, but not "
                    "both.");
  Value out = Value::MakeMap().Set("TrailARN", trail.Arn());
  if (basic != nullptr) {
    ORGTRAIL_CHECK(ValidateEventSelectors(*basic));
    Value normalized = Value::MakeList();
    for (const Value& s : basic->AsList())
      normalized.Append(
          Value::MakeMap()
              .Set("ReadWriteType", s.GetString("ReadWriteType", "All"))
              .Set("IncludeManagementEvents", s["IncludeManagementEvents"].AsBool(true))
              .Set("DataResources", s.Has("DataResources") ? s["DataResources"] : Value::MakeList())
              .Set("ExcludeManagementEventSources", s.Has("ExcludeManagementEventSources")
                                                        ? s["ExcludeManagementEventSources"]
                                                        : Value::MakeList()));
    trail.event_selectors = normalized;
    trail.advanced = false;
    out.Set("EventSelectors", std::move(normalized));
  } else {
    ORGTRAIL_CHECK(ValidateAdvancedEventSelectors(*advanced));
    trail.event_selectors = *advanced;
    trail.advanced = true;
    out.Set("AdvancedEventSelectors", *advanced);
  }
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  RefreshDataEventGate(call.env);
  return out;
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html
Result<Value> GetEventSelectors(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("TrailName"), Access::kRead));
  Value out = Value::MakeMap().Set("TrailARN", trail.Arn());
  if (trail.event_selectors.is_null()) {
    out.Set("EventSelectors", DefaultSelectors());
  } else {
    out.Set(trail.advanced ? "AdvancedEventSelectors" : "EventSelectors", trail.event_selectors);
  }
  return out;
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html
// Stored only: orgtrail produces no Insights events.
Result<Value> PutInsightSelectors(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("TrailName"), Access::kWrite));
  const Value& selectors = input["InsightSelectors"];
  for (const Value& s : selectors.AsList()) {
    std::string type = s.GetString("InsightType");
    if (type != "ApiCallRateInsight" && type != "ApiErrorRateInsight")
      return AwsError("InvalidInsightSelectorsException", "");
  }
  trail.insight_selectors = selectors.AsList().empty() ? Value() : selectors;
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  return Value::MakeMap().Set("TrailARN", trail.Arn()).Set("InsightSelectors", selectors);
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetInsightSelectors.html
Result<Value> GetInsightSelectors(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("TrailName"), Access::kRead));
  if (trail.insight_selectors.is_null()) return AwsError("InsightNotEnabledException", "");
  return Value::MakeMap()
      .Set("TrailARN", trail.Arn())
      .Set("InsightSelectors", trail.insight_selectors);
}

constexpr gateway::OperationRow kSelectorOps[] = {
    {"PutEventSelectors", PutEventSelectors},
    {"GetEventSelectors", GetEventSelectors},
    {"PutInsightSelectors", PutInsightSelectors},
    {"GetInsightSelectors", GetInsightSelectors},
};

}  // namespace

std::span<const gateway::OperationRow> SelectorOps() { return kSelectorOps; }

}  // namespace orgtrail::services::cloudtrail
