// Event selectors (spec/cloudtrail.md §6; CloudTrail User Guide "Logging data events" and
// "Filtering data events by using advanced event selectors").
#include "events/selectors.h"

#include "core/encoding.h"

namespace orgtrail::events {
namespace {

bool AnyOf(const std::vector<std::string>& values, auto pred) {
  for (const std::string& v : values) {
    if (pred(v)) return true;
  }
  return false;
}

// The values a field takes in one record (resources.* may have several).
std::vector<std::string_view> FieldValues(const std::string& field, const SelectorFacts& f) {
  if (field == "eventCategory") return {f.event_category};
  if (field == "readOnly") return {f.read_only ? "true" : "false"};
  if (field == "eventSource") return {f.event_source};
  if (field == "eventName") return {f.event_name};
  if (field == "errorCode") return {f.error_code};
  if (field == "userIdentity.arn") return {f.user_identity_arn};
  std::vector<std::string_view> out;
  if (field == "resources.type") {
    for (const RecordResource& r : f.resources) out.push_back(r.type);
  } else if (field == "resources.ARN") {
    for (const RecordResource& r : f.resources) out.push_back(r.arn);
  }
  return out;
}

// One value against one field selector: positive operators ORed (any one present must hold),
// negative operators ANDed.
bool MatchesValue(const FieldSelector& fs, std::string_view v) {
  bool has_positive = !fs.equals.empty() || !fs.starts_with.empty() || !fs.ends_with.empty();
  if (has_positive) {
    bool any = AnyOf(fs.equals, [&](const std::string& x) { return v == x; }) ||
               AnyOf(fs.starts_with, [&](const std::string& x) { return StartsWith(v, x); }) ||
               AnyOf(fs.ends_with, [&](const std::string& x) { return EndsWith(v, x); });
    if (!any) return false;
  }
  if (AnyOf(fs.not_equals, [&](const std::string& x) { return v == x; })) return false;
  if (AnyOf(fs.not_starts_with, [&](const std::string& x) { return StartsWith(v, x); }))
    return false;
  if (AnyOf(fs.not_ends_with, [&](const std::string& x) { return EndsWith(v, x); })) return false;
  return true;
}

bool MatchesField(const FieldSelector& fs, const SelectorFacts& f) {
  std::vector<std::string_view> values = FieldValues(fs.field, f);
  if (values.empty()) values.push_back("");  // an absent field (no errorCode) is ""
  for (std::string_view v : values) {
    if (MatchesValue(fs, v)) return true;
  }
  return false;
}

std::vector<std::string> Strings(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : v.AsList()) out.push_back(e.AsString());
  return out;
}

// Object ARN of an S3 data resource value: "arn:aws:s3" (all), "arn:aws:s3:::bucket/" or a
// prefix "arn:aws:s3:::bucket/prefix"; Lambda: "arn:aws:lambda" (all) or a function ARN.
bool DataResourceMatches(const DataResource& dr, const SelectorFacts& f) {
  for (const RecordResource& r : f.resources) {
    if (r.type != dr.type) continue;
    for (const std::string& v : dr.values) {
      if (v == "arn:aws:s3" || v == "arn:aws:lambda") return true;
      if (dr.type == "AWS::Lambda::Function" ? r.arn == v : StartsWith(r.arn, v)) return true;
    }
  }
  return false;
}

}  // namespace

bool MatchesBasic(const BasicSelector& s, const SelectorFacts& f) {
  if (s.read_write_type == "ReadOnly" && !f.read_only) return false;
  if (s.read_write_type == "WriteOnly" && f.read_only) return false;
  if (f.management_event) {
    if (!s.include_management_events) return false;
    return !AnyOf(s.exclude_management_event_sources,
                  [&](const std::string& x) { return x == f.event_source; });
  }
  for (const DataResource& dr : s.data_resources) {
    if (DataResourceMatches(dr, f)) return true;
  }
  return false;
}

bool MatchesAdvanced(const AdvancedSelector& s, const SelectorFacts& f) {
  bool category_named = false;
  for (const FieldSelector& fs : s.field_selectors) {
    if (fs.field == "eventCategory") category_named = true;
    if (!MatchesField(fs, f)) return false;
  }
  // A selector without eventCategory selects management events only.
  return category_named || f.management_event;
}

bool MatchesSelectors(const TrailSelectors& selectors, const SelectorFacts& facts) {
  if (selectors.advanced) {
    for (const AdvancedSelector& s : selectors.advanced_selectors) {
      if (MatchesAdvanced(s, facts)) return true;
    }
    return false;
  }
  for (const BasicSelector& s : selectors.basic) {
    if (MatchesBasic(s, facts)) return true;
  }
  return false;
}

bool MaySelectDataEvents(const TrailSelectors& selectors) {
  if (selectors.advanced) {
    for (const AdvancedSelector& s : selectors.advanced_selectors) {
      bool category_named = false, admits_data = true;
      for (const FieldSelector& fs : s.field_selectors) {
        if (fs.field != "eventCategory") continue;
        category_named = true;
        if (!MatchesValue(fs, "Data")) admits_data = false;
      }
      if (category_named && admits_data) return true;
    }
    return false;
  }
  for (const BasicSelector& s : selectors.basic) {
    if (!s.data_resources.empty()) return true;
  }
  return false;
}

TrailSelectors SelectorsFromValue(const Value& v) {
  TrailSelectors out;
  if (const Value* adv = v.Find("AdvancedEventSelectors"); adv && adv->is_list()) {
    out.advanced = true;
    out.basic.clear();
    for (const Value& a : adv->AsList()) {
      AdvancedSelector s;
      s.name = a.GetString("Name");
      for (const Value& fv : a["FieldSelectors"].AsList()) {
        FieldSelector fs;
        fs.field = fv.GetString("Field");
        fs.equals = Strings(fv["Equals"]);
        fs.starts_with = Strings(fv["StartsWith"]);
        fs.ends_with = Strings(fv["EndsWith"]);
        fs.not_equals = Strings(fv["NotEquals"]);
        fs.not_starts_with = Strings(fv["NotStartsWith"]);
        fs.not_ends_with = Strings(fv["NotEndsWith"]);
        s.field_selectors.push_back(std::move(fs));
      }
      out.advanced_selectors.push_back(std::move(s));
    }
    return out;
  }
  if (const Value* basic = v.Find("EventSelectors"); basic && basic->is_list()) {
    out.basic.clear();
    for (const Value& b : basic->AsList()) {
      BasicSelector s;
      if (const Value* rw = b.Find("ReadWriteType"); rw && rw->is_string()) {
        s.read_write_type = rw->AsString();
      }
      if (const Value* im = b.Find("IncludeManagementEvents"); im && im->is_bool()) {
        s.include_management_events = im->AsBool();
      }
      s.exclude_management_event_sources = Strings(b["ExcludeManagementEventSources"]);
      for (const Value& d : b["DataResources"].AsList()) {
        s.data_resources.push_back({d.GetString("Type"), Strings(d["Values"])});
      }
      out.basic.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace orgtrail::events
