// Log streams (spec/logs.md §2.1).
#include <algorithm>
#include <charconv>

#include "core/encoding.h"
#include "services/logs/errors.h"
#include "services/logs/event_store.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;

Value StreamValue(const GroupRow& g, const StreamRow& s) {
  Value v = Value::MakeMap();
  v.Set("logStreamName", s.name).Set("creationTime", s.creation_ms);
  if (s.has_events) {
    v.Set("firstEventTimestamp", s.first_event_ts)
        .Set("lastEventTimestamp", s.last_event_ts)
        .Set("lastIngestionTime", s.last_ingestion_ms);
  }
  v.Set("arn", g.Arn() + ":log-stream:" + s.name).Set("storedBytes", 0);
  return v;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
Result<Value> CreateLogStream(Call& call, const Value& input) {
  std::string name = input.GetString("logStreamName");
  ORGTRAIL_CHECK(CheckStreamName(name));
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::string key = StreamKey(g.Key(), name);
  if (call.env.store.Get(kStreamsTable, key)) return errors::StreamExists();
  StreamRow s;
  s.name = name;
  s.creation_ms = call.NowMillis();
  ORGTRAIL_CHECK(call.env.store.Put(kStreamsTable, key, s.Encode()));
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogStream.html
Result<Value> DeleteLogStream(Call& call, const Value& input) {
  std::lock_guard lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::string key = StreamKey(g.Key(), input.GetString("logStreamName"));
  std::optional<StreamRow> stream = LoadStream(call.env.store, key);
  if (!stream) return errors::StreamNotFound();
  std::vector<store::Write> writes;
  DeleteBlocks(call.env.store, key + ":", writes);
  writes.push_back({std::string(kStreamsTable), key, std::nullopt});
  ORGTRAIL_CHECK(call.env.store.Apply(writes));
  if (!stream->file.empty()) RemoveFilesAfterCommit(call.env.store, {std::move(stream->file)});
  return Value::MakeMap();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
Result<Value> DescribeLogStreams(Call& call, const Value& input) {
  std::string order = input.GetString("orderBy", "LogStreamName");
  std::string prefix = input.GetString("logStreamNamePrefix");
  if (order == "LastEventTime" && input.Has("logStreamNamePrefix")) {
    return errors::InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  ORGTRAIL_TRY(GroupRow g, ResolveGroup(call, input));
  size_t start = 0;
  if (const Value* token = input.Find("nextToken")) {
    auto t = DecodeToken(token->AsString());
    if (!t) return errors::InvalidToken();
    auto r = std::from_chars(t->data(), t->data() + t->size(), start);
    if (r.ec != std::errc() || r.ptr != t->data() + t->size()) return errors::InvalidToken();
  }
  std::vector<StreamRow> streams;
  for (const store::Row& row : call.env.store.Scan(kStreamsTable, StreamKey(g.Key(), prefix))) {
    if (auto s = StreamRow::Decode(row.value)) streams.push_back(*std::move(s));
  }
  if (order == "LastEventTime") {
    std::stable_sort(streams.begin(), streams.end(), [](const StreamRow& a, const StreamRow& b) {
      int64_t ta = a.has_events ? a.last_event_ts : 0;
      int64_t tb = b.has_events ? b.last_event_ts : 0;
      return ta < tb;
    });
  }
  if (input["descending"].AsBool()) std::reverse(streams.begin(), streams.end());
  size_t limit = static_cast<size_t>(input["limit"].AsInt(50));
  if (start > streams.size()) return errors::InvalidToken();
  size_t end = std::min(streams.size(), start + limit);
  Value list = Value::MakeList();
  for (size_t i = start; i < end; ++i) list.Append(StreamValue(g, streams[i]));
  Value out = Value::MakeMap().Set("logStreams", std::move(list));
  if (end < streams.size()) out.Set("nextToken", EncodeToken(std::to_string(end)));
  return out;
}

constexpr gateway::OperationRow kStreamOps[] = {
    {"CreateLogStream", CreateLogStream},
    {"DeleteLogStream", DeleteLogStream},
    {"DescribeLogStreams", DescribeLogStreams},
};

}  // namespace

void RegisterStreamOps(gateway::Registry& registry) { registry.Register("logs", kStreamOps); }

}  // namespace orgtrail::services::logs
