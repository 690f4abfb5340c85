// CloudWatch Logs state (docs/persistence.md, "CloudWatch Logs"): log groups, log streams,
// metric filters, resource policies and queries, one row each, per account and region. Event
// blocks are kept by event_store.h.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"
#include "store/store.h"

namespace orgtrail::services::logs {

inline constexpr std::string_view kGroupsTable = "logs_groups";
inline constexpr std::string_view kStreamsTable = "logs_streams";
inline constexpr std::string_view kMetricFiltersTable = "logs_metric_filters";
inline constexpr std::string_view kPoliciesTable = "logs_resource_policies";
inline constexpr std::string_view kQueriesTable = "logs_queries";

inline constexpr int64_t kDayMs = 86'400'000;

using Tags = std::vector<std::pair<std::string, std::string>>;  // sorted by key

struct GroupRow {
  std::string account;
  std::string region;
  std::string name;
  int64_t creation_ms = 0;
  int retention_days = 0;  // 0 = never expire
  std::string kms_key_id;
  std::string log_group_class = "STANDARD";
  bool deletion_protection = false;
  Tags tags;
  uint64_t next_seq = 1;  // next event sequence number (event ids, put order)

  std::string Key() const;  // <account>/<region>/<name>
  std::string Arn() const;  // arn:aws:logs:<region>:<account>:log-group:<name>
  // The first timestamp still visible under the retention policy (INT64_MIN without one).
  int64_t RetentionCutoff(int64_t now_ms) const;
  std::string Encode() const;
  static std::optional<GroupRow> Decode(std::string_view text);
};

struct StreamRow {
  std::string name;
  int64_t creation_ms = 0;
  bool has_events = false;
  int64_t first_event_ts = 0;
  int64_t last_event_ts = 0;
  int64_t last_ingestion_ms = 0;
  uint64_t stored_bytes = 0;
  // Event blocks (event_store.h): the next block number, and the open (last) block's size.
  uint64_t next_block = 0;
  uint32_t tail_count = 0;
  uint64_t tail_bytes = 0;
  uint32_t tail_segments = 0;  // segment rows of the open block not yet merged into it, or
                               // (file form) batches appended to it since its meta was true
  // The stream's append file (event_store.h; "" until its first batch), its committed end, and
  // where its open block starts in it (kNoTailStart: not in the file).
  std::string file;
  uint64_t file_end = 0;
  uint64_t tail_start = UINT64_MAX;

  std::string Encode() const;
  static std::optional<StreamRow> Decode(std::string_view text);
};

std::string GroupKey(std::string_view account, std::string_view region, std::string_view name);
// <group key>:<stream name> (group names never contain ':'; stream names never do either).
std::string StreamKey(std::string_view group_key, std::string_view stream);

// Writes to the event and metadata rows of Logs are serialized by this lock (the tail block of
// a stream is read, extended and rewritten).
std::mutex& WriteMutex();

// Group lookup by name (logGroupName) or by name or ARN (logGroupIdentifier).
Result<GroupRow> LoadGroup(gateway::Call& call, std::string_view name);
Result<GroupRow> ResolveGroup(gateway::Call& call, const Value& input);
// The group name an input names (logGroupName or logGroupIdentifier), for ARNs.
std::string GroupNameOf(const Value& input);
Status CheckGroupName(std::string_view name);
Status CheckStreamName(std::string_view name);

std::optional<StreamRow> LoadStream(store::Store& store, const std::string& key);

// Event sequence numbers of a group (put order; event ids). The group row's nextSeq bounds every
// number handed out; PutLogEvents takes numbers from a range reserved in memory, so the group
// row is rewritten once per reservation (kSeqReserve numbers) instead of by every call. After a
// restart, or when the row no longer holds the reservation's end (the group was deleted and
// created again, the store reset), numbers continue from the row's value: the unused rest of a
// range is skipped, never reused. Both calls need WriteMutex.
inline constexpr uint64_t kSeqReserve = 1 << 20;
// The first of `n` numbers for `g`; true in `write_group` when g.next_seq was raised and the
// group row must be written in the same transaction as the events.
uint64_t TakeSequence(const store::Store& store, GroupRow& g, uint64_t n, bool& write_group);
// The number the next TakeSequence would start from.
uint64_t NextSequence(const store::Store& store, const GroupRow& g);

store::Write PutGroupWrite(const GroupRow& g);
store::Write PutStreamWrite(const GroupRow& g, const StreamRow& s);

Value TagsValue(const Tags& tags);
void MergeTags(Tags& tags, const Value& map);

// Pagination tokens: opaque, base64url of the text they carry.
std::string EncodeToken(std::string_view text);
std::optional<std::string> DecodeToken(std::string_view token);

// 56-digit decimal event ids and GetLogEvents tokens.
std::string EventId(int64_t timestamp, uint64_t seq);

}  // namespace orgtrail::services::logs
