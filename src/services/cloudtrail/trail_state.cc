#include "services/cloudtrail/trail_state.h"

#include <cctype>
#include <mutex>

#include "core/json.h"
#include "events/journal.h"
#include "events/selectors.h"
#include "identity/organizations.h"

namespace orgtrail::services::cloudtrail {
namespace {

std::mutex& StatusMutex() {
  static std::mutex mu;
  return mu;
}

void SetIf(Value& v, const char* key, const std::string& s) {
  if (!s.empty()) v.Set(key, s);
}

std::optional<Value> ReadRow(store::Store& store, std::string_view table, std::string_view key) {
  auto text = store.Get(table, key);
  if (!text) return std::nullopt;
  auto parsed = ParseJson(*text);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed).value();
}

}  // namespace

Value Trail::ToValue(bool full) const {
  Value v = Value::MakeMap();
  v.Set("Name", name);
  v.Set("S3BucketName", s3_bucket);
  SetIf(v, "S3KeyPrefix", s3_prefix);
  if (!sns_topic_name.empty()) {
    v.Set("SnsTopicName", sns_topic_name);
    v.Set("SnsTopicARN", "arn:aws:sns:" + home_region + ":" + owner + ":" + sns_topic_name);
  }
  v.Set("IncludeGlobalServiceEvents", include_global);
  v.Set("IsMultiRegionTrail", multi_region);
  if (full) v.Set("HomeRegion", home_region);
  v.Set("TrailARN", Arn());
  v.Set("LogFileValidationEnabled", validation);
  SetIf(v, "CloudWatchLogsLogGroupArn", cwl_group_arn);
  SetIf(v, "CloudWatchLogsRoleArn", cwl_role_arn);
  if (full) {
    v.Set("HasCustomEventSelectors", HasCustomSelectors());
    v.Set("HasInsightSelectors", !insight_selectors.is_null());
  }
  v.Set("IsOrganizationTrail", organization);
  return v;
}

Value Trail::ToRow() const {
  Value tag_list = Value::MakeList();
  for (const auto& [k, val] : tags)
    tag_list.Append(Value::MakeMap().Set("Key", k).Set("Value", val));
  return Value::MakeMap()
      .Set("name", name)
      .Set("owner", owner)
      .Set("home_region", home_region)
      .Set("s3_bucket", s3_bucket)
      .Set("s3_prefix", s3_prefix)
      .Set("sns_topic_name", sns_topic_name)
      .Set("include_global", include_global)
      .Set("multi_region", multi_region)
      .Set("validation", validation)
      .Set("organization", organization)
      .Set("org_id", org_id)
      .Set("cwl_group_arn", cwl_group_arn)
      .Set("cwl_role_arn", cwl_role_arn)
      .Set("event_selectors", event_selectors)
      .Set("advanced", advanced)
      .Set("insight_selectors", insight_selectors)
      .Set("tags", std::move(tag_list))
      .Set("created_ms", created_ms);
}

Trail Trail::FromRow(const Value& row) {
  Trail t;
  t.name = row.GetString("name");
  t.owner = row.GetString("owner");
  t.home_region = row.GetString("home_region");
  t.s3_bucket = row.GetString("s3_bucket");
  t.s3_prefix = row.GetString("s3_prefix");
  t.sns_topic_name = row.GetString("sns_topic_name");
  t.include_global = row["include_global"].AsBool(true);
  t.multi_region = row["multi_region"].AsBool();
  t.validation = row["validation"].AsBool();
  t.organization = row["organization"].AsBool();
  t.org_id = row.GetString("org_id");
  t.cwl_group_arn = row.GetString("cwl_group_arn");
  t.cwl_role_arn = row.GetString("cwl_role_arn");
  t.event_selectors = row["event_selectors"];
  t.advanced = row["advanced"].AsBool();
  t.insight_selectors = row["insight_selectors"];
  for (const Value& tag : row["tags"].AsList())
    t.tags.emplace_back(tag.GetString("Key"), tag.GetString("Value"));
  t.created_ms = row["created_ms"].AsInt();
  return t;
}

Value TrailStatus::ToRow() const {
  return Value::MakeMap()
      .Set("is_logging", is_logging)
      .Set("start_ms", start_ms)
      .Set("stop_ms", stop_ms)
      .Set("delivery_ms", delivery_ms)
      .Set("delivery_error", delivery_error)
      .Set("delivery_attempt_ms", delivery_attempt_ms)
      .Set("digest_ms", digest_ms)
      .Set("digest_error", digest_error)
      .Set("cwl_ms", cwl_ms)
      .Set("cwl_error", cwl_error);
}

TrailStatus TrailStatus::FromRow(const Value& row) {
  TrailStatus s;
  s.is_logging = row["is_logging"].AsBool();
  s.start_ms = row["start_ms"].AsInt();
  s.stop_ms = row["stop_ms"].AsInt();
  s.delivery_ms = row["delivery_ms"].AsInt();
  s.delivery_error = row.GetString("delivery_error");
  s.delivery_attempt_ms = row["delivery_attempt_ms"].AsInt();
  s.digest_ms = row["digest_ms"].AsInt();
  s.digest_error = row.GetString("digest_error");
  s.cwl_ms = row["cwl_ms"].AsInt();
  s.cwl_error = row.GetString("cwl_error");
  return s;
}

std::optional<Trail> LoadTrail(store::Store& store, std::string_view arn) {
  auto row = ReadRow(store, kTrailsTable, arn);
  if (!row) return std::nullopt;
  return Trail::FromRow(*row);
}

std::vector<Trail> AllTrails(store::Store& store) {
  std::vector<Trail> out;
  for (const store::Row& row : store.Scan(kTrailsTable)) {
    auto parsed = ParseJson(row.value);
    if (parsed.ok()) out.push_back(Trail::FromRow(*parsed));
  }
  return out;
}

Status SaveTrail(store::Store& store, const Trail& trail) {
  return store.Put(kTrailsTable, trail.Arn(), trail.ToRow().ToJson());
}

namespace {

// Sets the gate from the trails this thread sees (its transaction's, or the committed ones).
void SetDataEventGate(const gateway::Env& env) {
  bool data = false;
  for (const Trail& t : AllTrails(env.store)) {
    if (t.event_selectors.is_null()) continue;  // the default selects management events only
    data =
        data || events::MaySelectDataEvents(events::SelectorsFromValue(Value::MakeMap().Set(
                    t.advanced ? "AdvancedEventSelectors" : "EventSelectors", t.event_selectors)));
  }
  env.journal->SetRecordDataEvents(data);
}

}  // namespace

void RefreshDataEventGate(const gateway::Env& env) {
  if (env.journal == nullptr) return;
  SetDataEventGate(env);
  // Set from the caller's transaction: if it does not commit, the committed trails decide again
  // (a failed DeleteTrail must not leave data events unrecorded).
  const gateway::Env* e = &env;
  env.store.AfterCommit([e](bool committed) {
    if (!committed) SetDataEventGate(*e);
  });
}

Status DeleteTrailRows(store::Store& store, std::string_view arn) {
  return store.Apply({{std::string(kTrailsTable), std::string(arn), std::nullopt},
                      {std::string(kStatusTable), std::string(arn), std::nullopt}});
}

TrailStatus LoadStatus(store::Store& store, std::string_view arn) {
  auto row = ReadRow(store, kStatusTable, arn);
  return row ? TrailStatus::FromRow(*row) : TrailStatus{};
}

Status SaveStatus(store::Store& store, std::string_view arn, const TrailStatus& status) {
  std::lock_guard<std::mutex> lock(StatusMutex());
  return store.Put(kStatusTable, arn, status.ToRow().ToJson());
}

Status UpdateStatus(store::Store& store, std::string_view arn,
                    const std::function<void(TrailStatus&)>& change) {
  std::lock_guard<std::mutex> lock(StatusMutex());
  // A trail deleted meanwhile keeps no status row.
  if (!store.Get(kTrailsTable, arn)) return Ok();
  TrailStatus s = LoadStatus(store, arn);
  change(s);
  return store.Put(kStatusTable, arn, s.ToRow().ToJson());
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html (Name)
Status ValidateTrailName(std::string_view name) {
  auto invalid = [](std::string m) { return AwsError("InvalidTrailNameException", std::move(m)); };
  if (name.size() < 3)
    return invalid(
        "Trail name too short. Minimum allowed length: 3 characters. Specified name "
        "length: " +
        std::to_string(name.size()) + " characters.");
  if (name.size() > 128)
    return invalid(
        "Trail name too long. Maximum allowed length: 128 characters. Specified name "
        "length: " +
        std::to_string(name.size()) + " characters.");
  auto special = [](char c) { return c == '.' || c == '_' || c == '-'; };
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !special(c))
      return invalid(
          "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, "
          "periods (.), hyphens (-), and underscores (_).");
  if (!std::isalnum(static_cast<unsigned char>(name.front())))
    return invalid("Trail name must starts with a letter or number.");
  if (!std::isalnum(static_cast<unsigned char>(name.back())))
    return invalid("Trail name must ends with a letter or number.");
  for (size_t i = 1; i < name.size(); ++i)
    if (special(name[i]) && special(name[i - 1]))
      return invalid("Trail name cannot have adjacent special characters.");
  // Dotted quad of digits.
  int dots = 0;
  bool digits_only = true;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      digits_only = false;
    }
  }
  if (digits_only && dots == 3) return invalid("Trail name cannot be formatted as an IP address.");
  return Ok();
}

bool ParseTrailArn(std::string_view text, std::string* region, std::string* account,
                   std::string* name) {
  // arn:<partition>:cloudtrail:<region>:<12 digits>:trail/<name>
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view resource = text.substr(start);
  if (parts[0] != "arn" || parts[1].empty() || parts[2] != "cloudtrail" || parts[3].empty())
    return false;
  if (parts[4].size() != 12) return false;
  for (char c : parts[4])
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  if (resource.rfind("trail/", 0) != 0 || resource.size() == 6) return false;
  *region = std::string(parts[3]);
  *account = std::string(parts[4]);
  *name = std::string(resource.substr(6));
  return true;
}

bool IsOrgAdmin(gateway::Call& call, std::string_view account) {
  auto org = call.env.orgs.OrganizationOf(account);
  if (!org) return false;
  return org->management_account_id == account ||
         call.env.orgs.IsDelegatedAdministrator(account, identity::kCloudTrailPrincipal);
}

bool VisibleTo(gateway::Call& call, const Trail& trail, std::string_view account) {
  if (trail.owner == account) return true;
  if (!trail.organization) return false;
  auto org = call.env.orgs.OrganizationOf(account);
  return org && org->management_account_id == trail.owner;
}

Result<Trail> ResolveTrail(gateway::Call& call, std::string_view name_or_arn, Access access) {
  const std::string& caller = call.account_id();
  const std::string& region = call.region;
  std::optional<Trail> found;
  if (name_or_arn.rfind("arn:", 0) == 0) {
    std::string arn_region, arn_account, arn_name;
    if (!ParseTrailArn(name_or_arn, &arn_region, &arn_account, &arn_name))
      return AwsError("CloudTrailARNInvalidException", "Invalid ARN: " + std::string(name_or_arn));
    found = LoadTrail(call.env.store, name_or_arn);
    if (!found || !CoversRegion(*found, region))
      return AwsError("TrailNotFoundException",
                      "Unknown trail: " + std::string(name_or_arn) + " for the user: " + caller);
    bool allowed = VisibleTo(call, *found, caller);
    if (allowed && access == Access::kWrite && found->owner != caller)
      allowed = call.env.orgs.IsDelegatedAdministrator(caller, identity::kCloudTrailPrincipal);
    if (!allowed)
      return AwsError("CloudTrailARNInvalidException",
                      "AccountID in ARN is wrong, you can only access resources with AccountID " +
                          caller + ".");
  } else {
    for (Trail& t : AllTrails(call.env.store)) {
      if (t.owner != caller || t.name != name_or_arn || !CoversRegion(t, region)) continue;
      if (!found || t.home_region == region) found = std::move(t);
    }
    if (!found)
      return AwsError("TrailNotFoundException",
                      "Unknown trail: arn:aws:cloudtrail:" + region + ":" + caller + ":trail/" +
                          std::string(name_or_arn) + " for the user: " + caller);
  }
  if (access == Access::kWrite && found->home_region != region)
    return AwsError("InvalidHomeRegionException", "");
  return *found;
}

}  // namespace orgtrail::services::cloudtrail
