// CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails
// (spec/cloudtrail.md §1).
#include "core/encoding.h"
#include "identity/organizations.h"
#include "services/cloudtrail/checks.h"
#include "services/cloudtrail/cloudtrail.h"
#include "services/cloudtrail/delivery.h"
#include "services/cloudtrail/trail_state.h"

namespace orgtrail::services::cloudtrail {
namespace {

using gateway::Call;

Status CheckKms(const Value& input) {
  if (input.Has("KmsKeyId") && !input.GetString("KmsKeyId").empty())
    return AwsError("UnsupportedOperationException",
                    "orgtrail does not emulate KMS encryption of trails yet.");
  return Ok();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
Result<Value> CreateTrail(Call& call, const Value& input) {
  const std::string name = input.GetString("Name");
  ORGTRAIL_CHECK(ValidateTrailName(name));
  Trail trail;
  trail.name = name;
  trail.owner = call.account_id();
  trail.home_region = call.region;
  if (input["IsOrganizationTrail"].AsBool()) {
    ORGTRAIL_TRY(identity::OrgInfo org, CheckOrganizationTrail(call));
    trail.organization = true;
    trail.org_id = org.id;
    trail.owner = org.management_account_id;
  }
  if (LoadTrail(call.env.store, trail.Arn()))
    return AwsError("TrailAlreadyExistsException",
                    "Trail " + name + " already exists for customer: " + trail.owner);
  int count = 0;
  for (const Trail& t : AllTrails(call.env.store))
    if (t.owner == trail.owner && t.home_region == trail.home_region) ++count;
  if (count >= kMaxTrailsPerRegion) return AwsError("MaximumNumberOfTrailsExceededException", "");
  ORGTRAIL_CHECK(CheckKms(input));
  trail.s3_bucket = input.GetString("S3BucketName");
  trail.s3_prefix = input.GetString("S3KeyPrefix");
  trail.sns_topic_name = input.GetString("SnsTopicName");
  trail.include_global = input["IncludeGlobalServiceEvents"].AsBool(true);
  trail.multi_region = input["IsMultiRegionTrail"].AsBool(false);
  trail.validation = input["EnableLogFileValidation"].AsBool(false);
  trail.cwl_group_arn = input.GetString("CloudWatchLogsLogGroupArn");
  trail.cwl_role_arn = input.GetString("CloudWatchLogsRoleArn");
  if (trail.multi_region && !trail.include_global)
    return AwsError("InvalidParameterCombinationException",
                    "Multi-Region trail must include global service events.");
  for (const Value& tag : input["TagsList"].AsList())
    trail.tags.emplace_back(tag.GetString("Key"), tag.GetString("Value"));
  trail.created_ms = call.NowMillis();
  ORGTRAIL_CHECK(CheckBucket(call, trail));
  ORGTRAIL_CHECK(CheckCloudWatchLogs(call, trail));
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  RefreshDataEventGate(call.env);
  ORGTRAIL_CHECK(SaveStatus(call.env.store, trail.Arn(), TrailStatus{}));
  return trail.ToValue(false);
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html
Result<Value> UpdateTrail(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kWrite));
  const Trail before = trail;
  if (const Value* org_flag = input.Find("IsOrganizationTrail")) {
    bool want = org_flag->AsBool();
    if (want) {
      ORGTRAIL_TRY(identity::OrgInfo org, CheckOrganizationTrail(call));
      if (!trail.organization && org.management_account_id != call.account_id())
        return AwsError("NotOrganizationMasterAccountException", "");
      trail.org_id = org.id;
    } else if (trail.organization) {
      auto org = call.env.orgs.OrganizationOf(call.account_id());
      if (!org || org->management_account_id != call.account_id())
        return AwsError("NotOrganizationMasterAccountException", "");
    }
    trail.organization = want;
  } else if (trail.organization) {
    ORGTRAIL_CHECK(CheckOrganizationTrail(call));
  }
  ORGTRAIL_CHECK(CheckKms(input));
  if (input.Has("S3BucketName")) trail.s3_bucket = input.GetString("S3BucketName");
  if (input.Has("S3KeyPrefix")) trail.s3_prefix = input.GetString("S3KeyPrefix");
  if (input.Has("SnsTopicName")) trail.sns_topic_name = input.GetString("SnsTopicName");
  if (input.Has("IncludeGlobalServiceEvents"))
    trail.include_global = input["IncludeGlobalServiceEvents"].AsBool();
  if (input.Has("IsMultiRegionTrail")) trail.multi_region = input["IsMultiRegionTrail"].AsBool();
  if (input.Has("EnableLogFileValidation"))
    trail.validation = input["EnableLogFileValidation"].AsBool();
  if (input.Has("CloudWatchLogsLogGroupArn"))
    trail.cwl_group_arn = input.GetString("CloudWatchLogsLogGroupArn");
  if (input.Has("CloudWatchLogsRoleArn"))
    trail.cwl_role_arn = input.GetString("CloudWatchLogsRoleArn");
  if (trail.multi_region && !trail.include_global)
    return AwsError("InvalidParameterCombinationException",
                    "Multi-Region trail must include global service events.");
  if (trail.s3_bucket != before.s3_bucket || trail.s3_prefix != before.s3_prefix ||
      trail.organization != before.organization)
    ORGTRAIL_CHECK(CheckBucket(call, trail));
  if (input.Has("CloudWatchLogsLogGroupArn") || input.Has("CloudWatchLogsRoleArn"))
    ORGTRAIL_CHECK(CheckCloudWatchLogs(call, trail));
  ORGTRAIL_CHECK(SaveTrail(call.env.store, trail));
  RefreshDataEventGate(call.env);
  return trail.ToValue(false);
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html
Result<Value> DeleteTrail(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kWrite));
  ORGTRAIL_CHECK(CloseDigestChains(call.env, trail, call.NowMillis()));
  ORGTRAIL_CHECK(DeleteTrailRows(call.env.store, trail.Arn()));
  RefreshDataEventGate(call.env);
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrail.html
Result<Value> GetTrail(Call& call, const Value& input) {
  ORGTRAIL_TRY(Trail trail, ResolveTrail(call, input.GetString("Name"), Access::kRead));
  return Value::MakeMap().Set("Trail", trail.ToValue(true));
}

// Trails visible to the caller in the request region (§1.5), shadows included.
std::vector<Trail> VisibleInRegion(Call& call) {
  std::vector<Trail> out;
  for (Trail& t : AllTrails(call.env.store))
    if (CoversRegion(t, call.region) && VisibleTo(call, t, call.account_id()))
      out.push_back(std::move(t));
  return out;
}

bool IsShadow(const Call& call, const Trail& t) {
  return t.home_region != call.region || t.owner != call.account_id();
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html
Result<Value> DescribeTrails(Call& call, const Value& input) {
  bool shadows = input["includeShadowTrails"].AsBool(true);
  std::vector<Trail> visible = VisibleInRegion(call);
  Value list = Value::MakeList();
  const Value* names = input.Find("trailNameList");
  if (names == nullptr || names->AsList().empty()) {
    for (const Trail& t : visible)
      if (shadows || !IsShadow(call, t)) list.Append(t.ToValue(true));
  } else {
    std::vector<std::string> seen;
    for (const Value& n : names->AsList()) {
      const std::string& wanted = n.AsString();
      for (const Trail& t : visible) {
        bool match = wanted.rfind("arn:", 0) == 0
                         ? t.Arn() == wanted
                         : (t.owner == call.account_id() && t.name == wanted);
        if (!match || (!shadows && IsShadow(call, t))) continue;
        if (std::find(seen.begin(), seen.end(), t.Arn()) != seen.end()) continue;
        seen.push_back(t.Arn());
        list.Append(t.ToValue(true));
      }
    }
  }
  return Value::MakeMap().Set("trailList", std::move(list));
}

// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTrails.html
Result<Value> ListTrails(Call& call, const Value&) {
  Value list = Value::MakeList();
  for (const Trail& t : AllTrails(call.env.store)) {
    if (!VisibleTo(call, t, call.account_id())) continue;
    list.Append(Value::MakeMap()
                    .Set("TrailARN", t.Arn())
                    .Set("Name", t.name)
                    .Set("HomeRegion", t.home_region));
  }
  return Value::MakeMap().Set("Trails", std::move(list));
}

constexpr gateway::OperationRow kTrailOps[] = {
    {"CreateTrail", CreateTrail}, {"UpdateTrail", UpdateTrail},       {"DeleteTrail", DeleteTrail},
    {"GetTrail", GetTrail},       {"DescribeTrails", DescribeTrails}, {"ListTrails", ListTrails},
};

}  // namespace

std::span<const gateway::OperationRow> TrailOps() { return kTrailOps; }

}  // namespace orgtrail::services::cloudtrail
