// libFuzzer target for CloudTrail event selectors (PutEventSelectors): the input is the JSON of
// a list of selectors, checked as EventSelectors and as AdvancedEventSelectors. A refusal is
// InvalidEventSelectorsException; selectors that pass are read as the trail would hold them and
// matched against a few records. When MaySelectDataEvents says no, no data event may match.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "events/selectors.h"
#include "services/cloudtrail/selector_checks.h"

namespace {

using orgtrail::Value;
using orgtrail::events::RecordResource;
using orgtrail::events::SelectorFacts;

const RecordResource kObject[] = {{"arn:aws:s3:::bucket/key", "111111111111", "AWS::S3::Object"}};

SelectorFacts Facts(bool data, bool read_only, std::string_view error) {
  SelectorFacts f;
  f.event_source = data ? "s3.amazonaws.com" : "iam.amazonaws.com";
  f.event_name = data ? (read_only ? "GetObject" : "PutObject") : "CreateUser";
  f.event_category = data ? "Data" : "Management";
  f.read_only = read_only;
  f.management_event = !data;
  f.error_code = error;
  f.user_identity_arn = "arn:aws:iam::111111111111:user/alice";
  if (data) f.resources = kObject;
  return f;
}

void Check(const Value& selectors, bool advanced) {
  auto status = advanced ? orgtrail::services::cloudtrail::ValidateAdvancedEventSelectors(selectors)
                         : orgtrail::services::cloudtrail::ValidateEventSelectors(selectors);
  if (!status.ok()) {
    if (status.error().code != "InvalidEventSelectorsException" || status.error().message.empty())
      std::abort();
    return;
  }
  Value input = Value::MakeMap();
  input.Set(advanced ? "AdvancedEventSelectors" : "EventSelectors", selectors);
  orgtrail::events::TrailSelectors trail = orgtrail::events::SelectorsFromValue(input);
  const bool may_data = orgtrail::events::MaySelectDataEvents(trail);
  for (bool data : {false, true}) {
    for (bool read_only : {false, true}) {
      for (std::string_view error : {"", "AccessDenied"}) {
        bool matched = orgtrail::events::MatchesSelectors(trail, Facts(data, read_only, error));
        if (data && matched && !may_data) std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parsed = orgtrail::ParseJson(in);
  if (!parsed.ok() || !parsed->is_list()) return 0;
  Check(*parsed, false);
  Check(*parsed, true);
  return 0;
}
