#include "services/cloudtrail/checks.h"

#include "auth/principal.h"
#include "identity/iam.h"

namespace orgtrail::services::cloudtrail {
namespace {

AwsError BadGroup() {
  return AwsError("InvalidCloudWatchLogsLogGroupArnException",
                  "Check the log group ARN: CloudTrail can't validate it.");
}

}  // namespace

auth::Principal CloudTrailFor(const Trail& trail) {
  auth::Principal p =
      auth::ServicePrincipal(std::string(identity::kCloudTrailPrincipal), trail.owner);
  p.source_arn = trail.Arn();
  p.source_account = trail.owner;
  return p;
}

std::string AccountKeyPrefix(const Trail& trail, std::string_view account) {
  std::string key;
  if (!trail.s3_prefix.empty()) key = trail.s3_prefix + "/";
  key += "AWSLogs/";
  if (trail.organization && !trail.org_id.empty()) key += trail.org_id + "/";
  key += std::string(account) + "/";
  return key;
}

std::string StreamFor(const Trail& trail, std::string_view management_account,
                      std::string_view account) {
  if (trail.organization && account != management_account)
    return trail.org_id + "_" + std::string(account) + "_CloudTrail_" + trail.home_region;
  return std::string(account) + "_CloudTrail_" + trail.home_region;
}

bool ParseLogGroupArn(std::string_view arn, std::string* region, std::string* account,
                      std::string* name) {
  constexpr std::string_view kPrefix = "arn:aws:logs:";
  if (arn.rfind(kPrefix, 0) != 0) return false;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t c1 = rest.find(':');
  if (c1 == std::string_view::npos) return false;
  size_t c2 = rest.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return false;
  *region = std::string(rest.substr(0, c1));
  *account = std::string(rest.substr(c1 + 1, c2 - c1 - 1));
  std::string_view res = rest.substr(c2 + 1);
  constexpr std::string_view kGroup = "log-group:";
  if (res.rfind(kGroup, 0) != 0) return false;
  res = res.substr(kGroup.size());
  if (res.size() < 3 || res.substr(res.size() - 2) != ":*") return false;
  *name = std::string(res.substr(0, res.size() - 2));
  return !name->empty() && !region->empty() && account->size() == 12;
}

auth::Principal RoleSession(const identity::Role& role) {
  auth::Principal p;
  p.type = auth::PrincipalType::kAssumedRole;
  p.account_id = role.account_id;
  p.session_name = "CloudTrailSession";
  p.arn = "arn:aws:sts::" + role.account_id + ":assumed-role/" + role.name + "/" + p.session_name;
  p.user_id = role.role_id + ":" + p.session_name;
  p.role_arn = role.Arn();
  p.role_id = role.role_id;
  p.role_name = role.name;
  p.temporary = true;
  for (const auto& tag : role.tags) p.principal_tags.emplace_back(tag.key, tag.value);
  return p;
}

Result<identity::OrgInfo> CheckOrganizationTrail(gateway::Call& call) {
  const std::string& caller = call.account_id();
  auto org = call.env.orgs.OrganizationOf(caller);
  if (!org) return AwsError("OrganizationsNotInUseException", "");
  if (org->feature_set != "ALL") return AwsError("OrganizationNotInAllFeaturesModeException", "");
  if (org->management_account_id != caller &&
      !call.env.orgs.IsDelegatedAdministrator(caller, identity::kCloudTrailPrincipal))
    return AwsError("NotOrganizationMasterAccountException", "");
  if (!call.env.orgs.ServiceAccessEnabled(*org, identity::kCloudTrailPrincipal))
    return AwsError("CloudTrailAccessNotEnabledException", "");
  if (!call.env.iam.FindRole(org->management_account_id, "AWSServiceRoleForCloudTrail"))
    return AwsError("NoManagementAccountSLRExistsException", "");
  return *org;
}

Status CheckBucket(gateway::Call& call, const Trail& trail) {
  auth::Principal ct = CloudTrailFor(trail);
  Value bucket = Value::MakeMap().Set("Bucket", trail.s3_bucket);
  auto head =
      call.registry.CallInternal(call.env, ct, "s3", "HeadBucket", bucket, trail.home_region);
  if (!head.ok()) {
    const std::string& code = head.error().code;
    if (code == "NoSuchBucket" || code == "NotFound" || head.error().status == 404)
      return AwsError("S3BucketDoesNotExistException",
                      "S3 bucket " + trail.s3_bucket + " does not exist.");
  }
  AwsError insufficient("InsufficientS3BucketPolicyException",
                        "Incorrect S3 bucket policy is detected for bucket: " + trail.s3_bucket);
  if (!call.registry
           .AuthorizeInternal(call.env, ct, "s3", "GetBucketAcl", bucket, trail.home_region)
           .ok())
    return insufficient;
  Value put = Value::MakeMap()
                  .Set("Bucket", trail.s3_bucket)
                  .Set("Key", AccountKeyPrefix(trail, trail.owner) + "CloudTrail/")
                  .Set("ACL", "bucket-owner-full-control");
  if (!call.registry.AuthorizeInternal(call.env, ct, "s3", "PutObject", put, trail.home_region)
           .ok())
    return insufficient;
  return Ok();
}

Status CheckCloudWatchLogs(gateway::Call& call, const Trail& trail) {
  if (trail.cwl_group_arn.empty() && trail.cwl_role_arn.empty()) return Ok();
  if (trail.cwl_role_arn.empty())
    return AwsError("InvalidCloudWatchLogsRoleArnException",
                    "You must specify a role ARN as well as a log group.");
  if (trail.cwl_group_arn.empty()) return BadGroup();
  const std::string& caller = call.account_id();
  std::string region, account, group;
  if (!ParseLogGroupArn(trail.cwl_group_arn, &region, &account, &group) || account != caller ||
      region != trail.home_region)
    return BadGroup();
  auth::Principal ct = auth::ServicePrincipal(std::string(identity::kCloudTrailPrincipal), caller);
  auto groups =
      call.registry.CallInternal(call.env, ct, "logs", "DescribeLogGroups",
                                 Value::MakeMap().Set("logGroupNamePrefix", group), region);
  bool exists = false;
  if (groups.ok())
    for (const Value& g : (*groups)["logGroups"].AsList())
      if (g.GetString("logGroupName") == group) exists = true;
  if (!exists) return BadGroup();

  AwsError bad_role("InvalidCloudWatchLogsRoleArnException",
                    "Access denied. Check the trust relationships for your role.");
  auto role = call.env.iam.FindRoleByArn(trail.cwl_role_arn);
  if (!role || role->account_id != caller) return bad_role;
  auth::Principal assumer = CloudTrailFor(trail);
  if (!call.registry
           .AuthorizeInternal(call.env, assumer, "sts", "AssumeRole",
                              Value::MakeMap()
                                  .Set("RoleArn", trail.cwl_role_arn)
                                  .Set("RoleSessionName", "CloudTrailSession"),
                              region)
           .ok())
    return bad_role;

  // Every stream the trail will write (§9.1 check 5).
  std::vector<std::string> streams;
  if (!trail.organization) {
    streams.push_back(StreamFor(trail, "", trail.owner));
  } else {
    auto org = call.env.orgs.OrganizationOf(trail.owner);
    std::string mgmt = org ? org->management_account_id : trail.owner;
    streams.push_back(StreamFor(trail, mgmt, mgmt));
    std::string member;
    if (caller != mgmt) {
      member = caller;
    } else if (org) {
      for (const identity::OrgMember& m : call.env.orgs.Members(*org))
        if (m.account_id != mgmt) {
          member = m.account_id;
          break;
        }
    }
    if (!member.empty()) streams.push_back(StreamFor(trail, mgmt, member));
  }
  auth::Principal session = RoleSession(*role);
  AwsError denied("InvalidCloudWatchLogsLogGroupArnException",
                  "Access denied. Check the permissions for your role.");
  for (const std::string& stream : streams) {
    Value in = Value::MakeMap().Set("logGroupName", group).Set("logStreamName", stream);
    if (!call.registry.AuthorizeInternal(call.env, session, "logs", "CreateLogStream", in, region)
             .ok())
      return denied;
    in.Set("logEvents", Value::MakeList());
    if (!call.registry.AuthorizeInternal(call.env, session, "logs", "PutLogEvents", in, region)
             .ok())
      return denied;
  }
  return Ok();
}

}  // namespace orgtrail::services::cloudtrail
