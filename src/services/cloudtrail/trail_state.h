// CloudTrail trails as rows (spec/cloudtrail.md §1, §10): the trail's configuration, its status
// (logging, delivery times and errors), and the name/ARN resolution rules of §1.3–§1.5. Tables in
// docs/persistence.md ("CloudTrail").
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"
#include "store/store.h"

namespace orgtrail::services::cloudtrail {

inline constexpr std::string_view kTrailsTable = "cloudtrail_trails";
inline constexpr std::string_view kStatusTable = "cloudtrail_trail_status";
inline constexpr int kMaxTrailsPerRegion = 5;

struct Trail {
  std::string name;
  std::string owner;  // account owning the trail (management account for organization trails)
  std::string home_region;
  std::string s3_bucket;
  std::string s3_prefix;
  std::string sns_topic_name;
  bool include_global = true;
  bool multi_region = false;
  bool validation = false;
  bool organization = false;
  std::string org_id;  // organization trails: o-… at creation
  std::string cwl_group_arn;
  std::string cwl_role_arn;
  // Basic ("EventSelectors") or advanced ("AdvancedEventSelectors") selectors; null = default.
  Value event_selectors;
  bool advanced = false;
  Value insight_selectors;  // null = none
  std::vector<std::pair<std::string, std::string>> tags;
  int64_t created_ms = 0;

  std::string Arn() const {
    return "arn:aws:cloudtrail:" + home_region + ":" + owner + ":trail/" + name;
  }
  bool HasCustomSelectors() const { return !event_selectors.is_null(); }
  // The trail object of GetTrail/DescribeTrails (full) or Create/UpdateTrail (without
  // HomeRegion and Has*).
  Value ToValue(bool full) const;
  Value ToRow() const;
  static Trail FromRow(const Value& row);
};

struct TrailStatus {
  bool is_logging = false;
  int64_t start_ms = 0;
  int64_t stop_ms = 0;
  int64_t delivery_ms = 0;
  std::string delivery_error;
  int64_t delivery_attempt_ms = 0;
  int64_t digest_ms = 0;
  std::string digest_error;
  int64_t cwl_ms = 0;
  std::string cwl_error;

  Value ToRow() const;
  static TrailStatus FromRow(const Value& row);
};

// Row access.
std::optional<Trail> LoadTrail(store::Store& store, std::string_view arn);
std::vector<Trail> AllTrails(store::Store& store);
Status SaveTrail(store::Store& store, const Trail& trail);
Status DeleteTrailRows(store::Store& store, std::string_view arn);
TrailStatus LoadStatus(store::Store& store, std::string_view arn);
Status SaveStatus(store::Store& store, std::string_view arn, const TrailStatus& status);
// Read-modify-write of the status row under one process-wide lock (delivery and handlers).
Status UpdateStatus(store::Store& store, std::string_view arn,
                    const std::function<void(TrailStatus&)>& change);

// Tells the journal whether any stored trail (any account, any region) has a selector that can
// select data events (spec §5.5); when none has, data events are not recorded at all. Called at
// start-up and after every change of a trail or its selectors (in the caller's transaction; if
// that transaction does not commit, the gate is set again from the committed trails).
void RefreshDataEventGate(const gateway::Env& env);

// Name validation (§1.1): InvalidTrailNameException.
Status ValidateTrailName(std::string_view name);

// Whether `text` is syntactically a trail ARN; fills region, account and name.
bool ParseTrailArn(std::string_view text, std::string* region, std::string* account,
                   std::string* name);

// Whether `trail` is visible to `account` (§1.4): its own trails, and organization trails of
// the account's organization.
bool VisibleTo(gateway::Call& call, const Trail& trail, std::string_view account);
// Whether `trail` covers region `region` (home, or multi-region).
inline bool CoversRegion(const Trail& trail, std::string_view region) {
  return trail.multi_region || trail.home_region == region;
}

enum class Access { kRead, kWrite };
// Resolves Name/TrailName per §1.3 for the caller in the request region, with the access rules
// of §1.4 and the home-region rule for writes.
Result<Trail> ResolveTrail(gateway::Call& call, std::string_view name_or_arn, Access access);

// Whether the caller may act on organization trails as management account or CloudTrail
// delegated administrator.
bool IsOrgAdmin(gateway::Call& call, std::string_view account);

}  // namespace orgtrail::services::cloudtrail
