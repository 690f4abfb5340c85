// PutLogEvents, GetLogEvents and FilterLogEvents (spec/logs.md §2.2, §3).
#include <charconv>
#include <cstdio>
#include <limits>

#include "core/encoding.h"
#include "filter/pattern.h"
#include "protocol/raw_member.h"
#include "services/logs/errors.h"
#include "services/logs/event_store.h"
#include "services/logs/metric_filters.h"
#include "services/logs/ops.h"
#include "services/logs/state.h"

namespace orgtrail::services::logs {
namespace {

using gateway::Call;

constexpr uint64_t kMaxBatchBytes = 1'048'576;
constexpr int64_t kHourMs = 3'600'000;

// GetLogEvents tokens: "f/" or "b/" and 56 digits (timestamp 16, ingestion 16, sequence 24).
std::string PositionToken(char dir, const OrderKey& k) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "%c/%016lld%016lld%024llu", dir,
                static_cast<long long>(k.timestamp), static_cast<long long>(k.ingestion),
                static_cast<unsigned long long>(k.seq));
  return buf;
}

std::optional<std::pair<char, OrderKey>> ParsePositionToken(std::string_view t) {
  if (t.size() != 58 || (t[0] != 'f' && t[0] != 'b') || t[1] != '/') return std::nullopt;
  for (char c : t.substr(2))
    if (c < '0' || c > '9') return std::nullopt;
  OrderKey k;
  std::from_chars(t.data() + 2, t.data() + 18, k.timestamp);
  std::from_chars(t.data() + 18, t.data() + 34, k.ingestion);
  auto r = std::from_chars(t.data() + 34, t.data() + 58, k.seq);
  if (r.ec != std::errc()) return std::nullopt;
  return std::make_pair(t[0], k);
}

// Drops blocks that fell out of the group's retention (§2.1: deleted lazily).
void SweepExpired(Call& call, const GroupRow& g, const std::vector<SelectStream>& streams) {
  if (g.retention_days <= 0) return;
  int64_t cutoff = g.RetentionCutoff(call.NowMillis());
  std::vector<store::Write> writes;
  std::vector<Extent> released;
  for (const SelectStream& s : streams)
    DropExpired(call.env.store, s.key, cutoff, writes, &released);
  if (writes.empty()) return;
  // No WriteMutex here: the open block is never dropped, so this cannot race an append, and a
  // read-only call must not wait for the mutex while a writer holds the store. The expired
  // blocks' file ranges are given back once their rows are gone.
  if (call.env.store.Apply(writes).ok()) ReleaseAfterCommit(call.env.store, std::move(released));
}

// The request's events, in order, from either form of logEvents: the list Value (internal
// callers, and requests the protocol's raw pass could not vouch for) or the packed form of a raw
// member (protocol/raw_member.h), whose elements the protocol has checked against the model.
// Both give the same events; messages are views into `log_events`.
Status CollectEvents(const Value& log_events, std::vector<NewEvent>& events) {
  if (log_events.is_string()) {
    protocol::RawList raw;
    if (!raw.Open(log_events.AsString())) return InternalFailure("logEvents: not a packed list");
    int timestamp = raw.Member("timestamp");
    int message = raw.Member("message");
    events.reserve(raw.size());
    while (raw.Next())
      events.push_back({raw.Int(timestamp).value_or(0), raw.String(message).value_or("")});
    if (events.size() != raw.size()) return InternalFailure("logEvents: packed list cut short");
    return Ok();
  }
  const Value::List& list = log_events.AsList();
  events.reserve(list.size());
  for (const Value& e : list) events.push_back({e["timestamp"].AsInt(), e["message"].AsString()});
  return Ok();
}

// The checks of a batch that need neither its group nor its stream: the first failure, which
// PutLogEvents returns once the group and the stream are found.
Status CheckBatch(const std::vector<NewEvent>& events) {
  uint64_t batch_bytes = 0;
  for (const NewEvent& e : events) {
    if (e.message.size() + kEventOverhead > kMaxBatchBytes) {
      return errors::InvalidParameter(
          "Log event too large: " + std::to_string(e.message.size() + kEventOverhead) +
          " bytes exceeds limit of " + std::to_string(kMaxBatchBytes));
    }
    batch_bytes += e.message.size() + kEventOverhead;
  }
  if (batch_bytes > kMaxBatchBytes) {
    return errors::InvalidParameter("Upload too large: " + std::to_string(batch_bytes) +
                                    " bytes exceeds limit of " + std::to_string(kMaxBatchBytes));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return errors::InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  return Ok();
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
Result<Value> PutLogEvents(Call& call, const Value& input) {
  std::vector<NewEvent> events;
  ORGTRAIL_CHECK(CollectEvents(input["logEvents"], events));
  const int64_t now = call.NowMillis();

  // Everything that needs neither the group nor the stream happens before WriteMutex, so that
  // concurrent requests overlap: the checks, and the batch's block with its Bloom filter.
  Status checked = CheckBatch(events);
  // Events are in order: the too-old and expired ones form a prefix, the too-new a suffix.
  const int64_t too_old = now - 14 * kDayMs;
  const int64_t too_new = now + 2 * kHourMs;
  size_t old_end = 0;
  size_t new_start = events.size();
  if (checked.ok()) {
    for (size_t i = 0; i < events.size(); ++i) {
      int64_t ts = events[i].timestamp;
      if (ts < too_old) old_end = i + 1;
      if (ts > too_new && new_start == events.size()) new_start = i;
    }
  }
  // The events the group's retention does not reject: all but a prefix of the rest, known once
  // the group is read (a retention is at least a day, so rarely any).
  size_t first = old_end;
  size_t last = std::max(first, new_start);  // exclusive
  PreparedBatch prepared;
  if (checked.ok()) {
    prepared = PrepareBatch(std::span<const NewEvent>(events.data() + first, last - first), now);
  }

  std::unique_lock lock(WriteMutex());
  ORGTRAIL_TRY(GroupRow g, LoadGroup(call, input.GetString("logGroupName")));
  std::string stream_key = StreamKey(g.Key(), input.GetString("logStreamName"));
  std::optional<StreamRow> stream = LoadStream(call.env.store, stream_key);
  if (!stream) return errors::StreamNotFound();
  ORGTRAIL_CHECK(checked);

  const int64_t expired = g.RetentionCutoff(now);
  size_t expired_end = 0;
  for (size_t i = 0; i < events.size() && events[i].timestamp < expired; ++i) expired_end = i + 1;
  if (expired_end > first) {
    first = expired_end;
    last = std::max(first, new_start);
    prepared = PrepareBatch(std::span<const NewEvent>(events.data() + first, last - first), now);
  }
  if (last > first && events[last - 1].timestamp - events[first].timestamp > 24 * kHourMs) {
    return errors::InvalidParameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours.");
  }

  std::span<const NewEvent> accepted(events.data() + first, last - first);
  if (!accepted.empty()) {
    bool write_group = false;
    const uint64_t first_seq = TakeSequence(call.env.store, g, accepted.size(), write_group);
    std::vector<store::Write> writes;
    writes.reserve(8);
    StreamBlocks blocks{stream->next_block,    stream->tail_count,      stream->tail_bytes,
                        stream->tail_segments, std::move(stream->file), stream->file_end,
                        stream->tail_start};
    if (blocks.file.empty()) {
      // The stream's first batch (or the first since it was written in the rows form): its
      // append file, named by an id of its own. Removed again if this transaction rolls back.
      blocks.file = call.env.ids.Chars(24, IdSource::kLowerDigits);
      call.env.store.AfterCommit([&files = call.env.store.Files(), file = blocks.file](bool ok) {
        if (!ok) files.Remove(file);
      });
    }
    const uint64_t stored_bytes = prepared.meta.bytes;
    ORGTRAIL_CHECK(
        AppendPrepared(call.env.store, stream_key, blocks, std::move(prepared), first_seq, writes));
    stream->next_block = blocks.next_block;
    stream->tail_count = blocks.tail_count;
    stream->tail_bytes = blocks.tail_bytes;
    stream->tail_segments = blocks.tail_segments;
    stream->file = std::move(blocks.file);
    stream->file_end = blocks.file_end;
    stream->tail_start = blocks.tail_start;
    // Accepted events are in order: the first is the oldest, the last the newest.
    if (!stream->has_events || accepted.front().timestamp < stream->first_event_ts)
      stream->first_event_ts = accepted.front().timestamp;
    if (!stream->has_events || accepted.back().timestamp > stream->last_event_ts)
      stream->last_event_ts = accepted.back().timestamp;
    stream->has_events = true;
    stream->stored_bytes += stored_bytes;
    stream->last_ingestion_ms = now;
    writes.push_back(PutStreamWrite(g, *stream));
    if (write_group) writes.push_back(PutGroupWrite(g));
    ORGTRAIL_CHECK(call.env.store.Apply(writes));
  }
  const uint64_t next_seq = NextSequence(call.env.store, g);
  lock.unlock();

  if (!accepted.empty()) EmitMetricFilters(call, g, accepted, now);

  Value out = Value::MakeMap().Set("nextSequenceToken", EventId(now, next_seq));
  if (old_end > 0 || expired_end > 0 || new_start < events.size()) {
    Value info = Value::MakeMap();
    if (new_start < events.size()) info.Set("tooNewLogEventStartIndex", new_start);
    if (old_end > 0) info.Set("tooOldLogEventEndIndex", old_end);
    if (expired_end > 0) info.Set("expiredLogEventEndIndex", expired_end);
    out.Set("rejectedLogEventsInfo", std::move(info));
  }
  return out;
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
Result<Value> GetLogEvents(Call& call, const Value& input) {
  ORGTRAIL_TRY(GroupRow g, ResolveGroup(call, input));
  std::string name = input.GetString("logStreamName");
  std::string key = StreamKey(g.Key(), name);
  if (!call.env.store.Get(kStreamsTable, key)) return errors::StreamNotFound();

  SelectQuery q;
  q.streams = {{key, name}};
  if (const Value* v = input.Find("startTime")) q.from = v->AsInt();
  if (const Value* v = input.Find("endTime")) q.to = v->AsInt() - 1;  // exclusive
  q.from = std::max(q.from, g.RetentionCutoff(call.NowMillis()));
  q.limit = static_cast<size_t>(input["limit"].AsInt(10000));
  q.newest = !input["startFromHead"].AsBool();
  std::string token_in;
  if (const Value* t = input.Find("nextToken")) {
    token_in = t->AsString();
    auto pos = ParsePositionToken(token_in);
    if (!pos) return errors::InvalidToken();
    if (pos->first == 'f') {
      q.after = pos->second;
      q.newest = false;
    } else {
      q.before = pos->second;
      q.newest = true;
    }
  }
  SweepExpired(call, g, q.streams);
  Selection sel = Select(call.env.store, q);

  Value events = Value::MakeList();
  for (const Selected& e : sel.events) {
    events.Append(Value::MakeMap()
                      .Set("timestamp", e.key.timestamp)
                      .Set("message", e.message)
                      .Set("ingestionTime", e.key.ingestion));
  }
  std::string forward;
  std::string backward;
  if (sel.events.empty()) {
    forward = backward = token_in;
    if (token_in.empty()) {
      forward = PositionToken('f', OrderKey{});
      backward = PositionToken('b', OrderKey{});
    }
  } else {
    forward = PositionToken('f', sel.events.back().key);
    backward = PositionToken('b', sel.events.front().key);
  }
  return Value::MakeMap()
      .Set("events", std::move(events))
      .Set("nextForwardToken", forward)
      .Set("nextBackwardToken", backward);
}

// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
Result<Value> FilterLogEvents(Call& call, const Value& input) {
  if (input.Has("logStreamNames") && input.Has("logStreamNamePrefix")) {
    return errors::InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  std::optional<filter::Pattern> pattern;
  if (const Value* p = input.Find("filterPattern")) {
    ORGTRAIL_TRY(pattern, filter::Pattern::Compile(p->AsString()));
  }
  ORGTRAIL_TRY(GroupRow g, ResolveGroup(call, input));

  SelectQuery q;
  if (const Value* names = input.Find("logStreamNames")) {
    for (const Value& n : names->AsList()) {
      std::string key = StreamKey(g.Key(), n.AsString());
      if (call.env.store.Get(kStreamsTable, key)) q.streams.push_back({key, n.AsString()});
    }
  } else {
    std::string prefix = input.GetString("logStreamNamePrefix");
    for (store::Row& row : call.env.store.Scan(kStreamsTable, StreamKey(g.Key(), prefix))) {
      std::string n = row.key.substr(g.Key().size() + 1);
      q.streams.push_back({std::move(row.key), std::move(n)});
    }
  }
  if (const Value* v = input.Find("startTime")) q.from = v->AsInt();
  if (const Value* v = input.Find("endTime")) q.to = v->AsInt();
  q.from = std::max(q.from, g.RetentionCutoff(call.NowMillis()));
  q.limit = static_cast<size_t>(input["limit"].AsInt(10000));
  q.pattern = pattern ? &*pattern : nullptr;
  if (const Value* t = input.Find("nextToken")) {
    auto text = DecodeToken(t->AsString());
    std::optional<OrderKey> key = text ? OrderKey::Decode(*text) : std::nullopt;
    if (!key) return errors::InvalidToken();
    q.after = key;
  }
  SweepExpired(call, g, q.streams);
  Selection sel = Select(call.env.store, q);

  Value events = Value::MakeList();
  for (const Selected& e : sel.events) {
    events.Append(Value::MakeMap()
                      .Set("logStreamName", q.streams[e.stream].name)
                      .Set("timestamp", e.key.timestamp)
                      .Set("message", e.message)
                      .Set("ingestionTime", e.key.ingestion)
                      .Set("eventId", EventId(e.key.timestamp, e.key.seq)));
  }
  Value out = Value::MakeMap()
                  .Set("events", std::move(events))
                  .Set("searchedLogStreams", Value::MakeList());
  if (sel.more && !sel.events.empty()) {
    out.Set("nextToken", EncodeToken(sel.events.back().key.Encode()));
  }
  return out;
}

constexpr gateway::OperationRow kEventOps[] = {
    {"PutLogEvents", PutLogEvents},
    {"GetLogEvents", GetLogEvents},
    {"FilterLogEvents", FilterLogEvents},
};

}  // namespace

void RegisterEventOps(gateway::Registry& registry) {
  registry.Register("logs", kEventOps);
  // PutLogEvents reads its events from the request's JSON text (docs/architecture.md).
  protocol::DeclareRawListMember("logs", "PutLogEvents", "logEvents");
}

}  // namespace orgtrail::services::logs
