// Event selectors (spec/cloudtrail.md §6): does a record match a trail's basic or advanced
// selectors? Pure functions over plain structs; the trail service stores the selectors and
// validates them (InvalidEventSelectorsException), this only decides.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "events/record.h"

namespace orgtrail::events {

struct DataResource {
  std::string type;                 // "AWS::S3::Object" or "AWS::Lambda::Function"
  std::vector<std::string> values;  // "arn:aws:s3", "arn:aws:s3:::bucket/", function ARNs, ...
};

struct BasicSelector {
  std::string read_write_type = "All";  // "All" | "ReadOnly" | "WriteOnly"
  bool include_management_events = true;
  std::vector<std::string> exclude_management_event_sources;
  std::vector<DataResource> data_resources;
};

struct FieldSelector {
  std::string field;  // eventCategory, readOnly, eventSource, eventName, resources.type,
                      // resources.ARN, errorCode, userIdentity.arn
  std::vector<std::string> equals, starts_with, ends_with;
  std::vector<std::string> not_equals, not_starts_with, not_ends_with;
};

struct AdvancedSelector {
  std::string name;
  std::vector<FieldSelector> field_selectors;
};

// A trail's selectors: advanced ones when `advanced` is set, else basic ones. A trail that
// never had PutEventSelectors has the default: one basic selector, All, management events.
struct TrailSelectors {
  bool advanced = false;
  std::vector<BasicSelector> basic{BasicSelector{}};
  std::vector<AdvancedSelector> advanced_selectors;
};

// The facts a selector looks at, taken from a journal entry: views into it (the entry must
// outlive the facts), so that matching copies no string.
struct SelectorFacts {
  std::string_view event_source;
  std::string_view event_name;
  std::string_view event_category;  // "Management" | "Data"
  bool read_only = false;
  bool management_event = true;
  std::string_view error_code;
  std::string_view user_identity_arn;
  std::span<const RecordResource> resources;  // a view too: matching copies no resource
};

// True when any selector matches (spec §6).
bool MatchesSelectors(const TrailSelectors& selectors, const SelectorFacts& facts);
bool MatchesBasic(const BasicSelector& selector, const SelectorFacts& facts);
bool MatchesAdvanced(const AdvancedSelector& selector, const SelectorFacts& facts);

// Whether any selector can select a data event: a basic selector with DataResources, or an
// advanced selector whose eventCategory conditions admit "Data". Conservative (other fields are
// not looked at): false means no data event can match.
bool MaySelectDataEvents(const TrailSelectors& selectors);

// From the shapes of PutEventSelectors / GetEventSelectors ({"EventSelectors":[...]} or
// {"AdvancedEventSelectors":[...]}); absent members take AWS's defaults. Does not validate.
TrailSelectors SelectorsFromValue(const Value& v);

}  // namespace orgtrail::events
