// Registration of CloudWatch Logs and the resources its operations act on (for IAM):
// arn:aws:logs:<region>:<account>:log-group:<name>, plus :log-stream:<stream> where AWS
// authorizes against the stream (PutLogEvents, CreateLogStream, DeleteLogStream, GetLogEvents).
#include "services/logs/logs.h"

#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services {
namespace logs {
namespace {

Result<gateway::AuthzTarget> LogsTarget(gateway::Call& call, const Value& input) {
  gateway::AuthzTarget target;
  std::string group;
  if (input.Has("logGroupName") || input.Has("logGroupIdentifier")) {
    group = GroupNameOf(input);
  } else if (const Value* arn = input.Find("resourceArn")) {
    target.resources = {arn->AsString()};
    return target;
  } else {
    return target;  // "*": DescribeLogGroups, TestMetricFilter, resource policies, queries
  }
  std::string arn = "arn:aws:logs:" + call.region + ":" + call.account_id() + ":log-group:" + group;
  if (const Value* stream = input.Find("logStreamName")) {
    target.resources = {arn + ":log-stream:" + stream->AsString()};
  } else {
    target.resources = {arn + ":*"};
  }
  return target;
}

}  // namespace

void RegisterLogsTargets(gateway::Registry& registry) {
  registry.SetDefaultTarget("logs", LogsTarget);
}

}  // namespace logs

void RegisterLogs(gateway::Registry& registry) {
  logs::RegisterGroupOps(registry);
  logs::RegisterStreamOps(registry);
  logs::RegisterEventOps(registry);
  logs::RegisterMetricFilterOps(registry);
  logs::RegisterPolicyOps(registry);
  logs::RegisterInsightsOps(registry);
  logs::RegisterLogsTargets(registry);
}

}  // namespace orgtrail::services
