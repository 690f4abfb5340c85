// Log groups, retention and tags (spec/logs.md §2.1).
#include <algorithm>

#include "core/encoding.h"
#include "services/logs/errors.h"
#include "services/logs/event_store.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;

constexpr int kRetentionDays[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                  365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

size_t MetricFilterCount(Call& call, const GroupRow& g) {
  return call.env.store.Scan(kMetricFiltersTable, g.Key() + ":").size();
}

Value GroupValue(Call& call, const GroupRow& g) {
  Value v = Value::MakeMap();
  v.Set("logGroupName", g.name).Set("creationTime", g.creation_ms);
  if (g.retention_days > 0) v.Set("retentionInDays", g.retention_days);
  v.Set("metricFilterCount", static_cast<int64_t>(MetricFilterCount(call, g)))
      .Set("arn", g.Arn() + ":*")
      .Set("storedBytes", 0);
  if (!g.kms_key_id.empty()) v.Set("kmsKeyId", g.kms_key_id);
  v.Set("logGroupClass", g.log_group_class)
      .Set("logGroupArn", g.Arn())
      .Set("deletionProtectionEnabled", g.deletion_protection);
  return v;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
Result<Value> CreateLogGroup(Call& call, const Value& input) {
  GroupRow g;
  g.account = call.account_id();
  g.region = call.region;
  g.name = input.GetString("logGroupName");
  ORGTRAIL_CHECK(CheckGroupName(g.name));
  g.creation_ms = call.NowMillis();
  g.kms_key_id = input.GetString("kmsKeyId");
  g.log_group_class = input.GetString("logGroupClass", "STANDARD");
  g.deletion_protection = input["deletionProtectionEnabled"].AsBool();
  MergeTags(g.tags, input["tags"]);
  std::lock_guard lock(WriteMutex());
  if (call.env.store.Get(kGroupsTable, g.Key())) return errors::GroupExists();
  ORGTRAIL_CHECK(call.env.store.Put(kGroupsTable, g.Key(), g.Encode()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html
Result<Value> DeleteLogGroup(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::vector<store::Write> writes;
  std::string prefix = g.Key() + ":";
  DeleteBlocks(call.env.store, prefix, writes);
  std::vector<std::string> files;  // the streams' append files, removed once this commits
  for (const char* table : {kStreamsTable.data(), kMetricFiltersTable.data()}) {
    for (store::Row& row : call.env.store.Scan(table, prefix)) {
      if (std::string_view(table) == kStreamsTable) {
        std::optional<StreamRow> s = StreamRow::Decode(row.value);
        if (s && !s->file.empty()) files.push_back(std::move(s->file));
      }
      writes.push_back({table, std::move(row.key), std::nullopt});
    }
  }
  writes.push_back({std::string(kGroupsTable), g.Key(), std::nullopt});
  ORGTRAIL_CHECK(call.env.store.Apply(writes));
  RemoveFilesAfterCommit(call.env.store, std::move(files));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
Result<Value> DescribeLogGroups(Call& call, const Value& input) {
  std::string prefix = input.GetString("logGroupNamePrefix");
  bool has_pattern = input.Has("logGroupNamePattern");
  std::string pattern = ToLower(input.GetString("logGroupNamePattern"));
  if (input.Has("logGroupNamePrefix") && has_pattern) {
    return errors::InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  std::vector<std::string> identifiers;
  for (const Value& id : input["logGroupIdentifiers"].AsList()) {
    Value probe = Value::MakeMap().Set("logGroupIdentifier", id);
    identifiers.push_back(GroupNameOf(probe));
  }
  size_t limit = static_cast<size_t>(input["limit"].AsInt(50));
  std::string base = GroupKey(call.account_id(), call.region, "");
  std::string after;
  if (const Value* token = input.Find("nextToken")) {
    auto t = DecodeToken(token->AsString());
    if (!t) return errors::InvalidToken();
    after = base + *t;
  }
  Value groups = Value::MakeList();
  std::string last;
  bool more = false;
  std::string class_filter = input.GetString("logGroupClass");
  while (!more) {
    std::vector<store::Row> rows = call.env.store.Scan(kGroupsTable, base + prefix, after, 256);
    if (rows.empty()) break;
    after = rows.back().key;
    for (const store::Row& row : rows) {
      auto g = GroupRow::Decode(row.value);
      if (!g) continue;
      if (has_pattern && ToLower(g->name).find(pattern) == std::string::npos) continue;
      if (!identifiers.empty() &&
          std::find(identifiers.begin(), identifiers.end(), g->name) == identifiers.end())
        continue;
      if (!class_filter.empty() && g->log_group_class != class_filter) continue;
      if (groups.size() == limit) {
        more = true;
        break;
      }
      groups.Append(GroupValue(call, *g));
      last = g->name;
    }
    if (rows.size() < 256) break;
  }
  Value out = Value::MakeMap().Set("logGroups", std::move(groups));
  if (more) out.Set("nextToken", EncodeToken(last));
  return out;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
Result<Value> PutRetentionPolicy(Call& call, const Value& input) {
  int64_t days = input["retentionInDays"].AsInt();
  if (std::find(std::begin(kRetentionDays), std::end(kRetentionDays), days) ==
      std::end(kRetentionDays)) {
    return errors::InvalidParameter(
        "1 validation error detected: Value '" + std::to_string(days) +
        "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value "
        "set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, "
        "2557, 2922, 3288, 3653]");
  }
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  g.retention_days = static_cast<int>(days);
  ORGTRAIL_CHECK(call.env.store.Apply({PutGroupWrite(g)}));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteRetentionPolicy.html
Result<Value> DeleteRetentionPolicy(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  g.retention_days = 0;
  ORGTRAIL_CHECK(call.env.store.Apply({PutGroupWrite(g)}));
  return Value::MakeMap();
}

// The log group a tagging ARN names (arn:aws:logs:<region>:<account>:log-group:<name>[:*]).
Result<GroupRow> GroupOfArn(Call& call, const std::string& arn) {
  auto parts = Split(arn, ':');
  if (parts.size() < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group") {
    return errors::InvalidParameter("Invalid resource ARN: " + arn);
  }
  if (parts[3] != call.region || parts[4] != call.account_id()) return errors::GroupNotFound();
  return LoadGroup(call, parts[6]);
}

Status UpdateTags(Call& call, GroupRow& g, const Value& add, const Value& remove) {
  MergeTags(g.tags, add);
  for (const Value& k : remove.AsList()) {
    std::erase_if(g.tags, [&k](const auto& t) { return t.first == k.AsString(); });
  }
  if (g.tags.size() > 50) {
    return errors::InvalidParameter("A resource can have no more than 50 tags.");
  }
  return call.env.store.Apply({PutGroupWrite(g)});
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html
Result<Value> TagResource(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, GroupOfArn(call, input.GetString("resourceArn")));
  ORGTRAIL_CHECK(UpdateTags(call, g, input["tags"], Value()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_UntagResource.html
Result<Value> UntagResource(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, GroupOfArn(call, input.GetString("resourceArn")));
  ORGTRAIL_CHECK(UpdateTags(call, g, Value(), input["tagKeys"]));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ListTagsForResource.html
Result<Value> ListTagsForResource(Call& call, const Value& input) {
  ORGTRAIL_TRY(GroupRow g, GroupOfArn(call, input.GetString("resourceArn")));
  return Value::MakeMap().Set("tags", TagsValue(g.tags));
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagLogGroup.html
Result<Value> TagLogGroup(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  ORGTRAIL_CHECK(UpdateTags(call, g, input["tags"], Value()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_UntagLogGroup.html
Result<Value> UntagLogGroup(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  ORGTRAIL_CHECK(UpdateTags(call, g, Value(), input["tags"]));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_ListTagsLogGroup.html
Result<Value> ListTagsLogGroup(Call& call, const Value& input) {
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  return Value::MakeMap().Set("tags", TagsValue(g.tags));
}

constexpr gateway::OperationRow kGroupOps[] = {
    {"CreateLogGroup", CreateLogGroup},
    {"DeleteLogGroup", DeleteLogGroup},
    {"DescribeLogGroups", DescribeLogGroups},
    {"PutRetentionPolicy", PutRetentionPolicy},
    {"DeleteRetentionPolicy", DeleteRetentionPolicy},
    {"TagResource", TagResource},
    {"UntagResource", UntagResource},
    {"ListTagsForResource", ListTagsForResource},
    {"TagLogGroup", TagLogGroup},
    {"UntagLogGroup", UntagLogGroup},
    {"ListTagsLogGroup", ListTagsLogGroup},
};

}  // namespace

void RegisterGroupOps(gateway::Registry& registry) { registry.Register("logs", kGroupOps); }

}  // namespace orgtrail::services::logs
