// CloudWatch Logs rows (docs/persistence.md, "CloudWatch Logs").
#include "services/logs/state.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "core/bytes.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/logs/errors.h"

namespace orgtrail::services::logs {
namespace {

// Groups whose decoded row or reserved range of sequence numbers is kept in memory (the maps
// are cleared when full).
constexpr size_t kMaxDecodedGroups = 4096;

}  // namespace

std::string GroupKey(std::string_view account, std::string_view region, std::string_view name) {
  std::string k;
  k.reserve(account.size() + region.size() + name.size() + 2);
  k.append(account).append("/").append(region).append("/").append(name);
  return k;
}

std::string StreamKey(std::string_view group_key, std::string_view stream) {
  std::string k(group_key);
  k.append(":").append(stream);
  return k;
}

std::string GroupRow::Key() const { return GroupKey(account, region, name); }

std::string GroupRow::Arn() const {
  return "arn:aws:logs:" + region + ":" + account + ":log-group:" + name;
}

int64_t GroupRow::RetentionCutoff(int64_t now_ms) const {
  if (retention_days <= 0) return std::numeric_limits<int64_t>::min();
  return now_ms - static_cast<int64_t>(retention_days) * kDayMs;
}

std::string GroupRow::Encode() const {
  Value v = Value::MakeMap()
                .Set("account", account)
                .Set("region", region)
                .Set("name", name)
                .Set("creationTime", creation_ms)
                .Set("retentionInDays", retention_days)
                .Set("kmsKeyId", kms_key_id)
                .Set("logGroupClass", log_group_class)
                .Set("deletionProtection", deletion_protection)
                .Set("tags", TagsValue(tags))
                .Set("nextSeq", static_cast<int64_t>(next_seq));
  return v.ToJson();
}

std::optional<GroupRow> GroupRow::Decode(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return std::nullopt;
  const Value& v = *parsed;
  GroupRow g;
  g.account = v.GetString("account");
  g.region = v.GetString("region");
  g.name = v.GetString("name");
  g.creation_ms = v["creationTime"].AsInt();
  g.retention_days = static_cast<int>(v["retentionInDays"].AsInt());
  g.kms_key_id = v.GetString("kmsKeyId");
  g.log_group_class = v.GetString("logGroupClass", "STANDARD");
  g.deletion_protection = v["deletionProtection"].AsBool();
  MergeTags(g.tags, v["tags"]);
  g.next_seq = static_cast<uint64_t>(v["nextSeq"].AsInt(1));
  return g;
}

namespace {

// The stream row's binary layout (docs/persistence.md): kStreamRowBinary, the fixed fields in
// declaration order, then the name's bytes. A JSON object (rows of earlier versions) starts with
// '{', never with this byte.
constexpr char kStreamRowBinary = '\x01';
// The layout of schema 5: after the fields above, the append file's committed end and the open
// block's start (uint64), the file id's length (uint8) and bytes, then the name.
constexpr char kStreamRowBinaryFile = '\x02';

}  // namespace

std::string StreamRow::Encode() const {
  // Binary: this row is rewritten by every PutLogEvents and read back by the next one.
  std::string out;
  out.reserve(1 + 4 * sizeof(int64_t) + 5 * sizeof(uint64_t) + 2 * sizeof(uint32_t) + 2 +
              file.size() + name.size());
  out += kStreamRowBinaryFile;
  AppendPod<int64_t>(out, creation_ms);
  AppendPod<uint8_t>(out, has_events ? 1 : 0);
  AppendPod<int64_t>(out, first_event_ts);
  AppendPod<int64_t>(out, last_event_ts);
  AppendPod<int64_t>(out, last_ingestion_ms);
  AppendPod<uint64_t>(out, stored_bytes);
  AppendPod<uint64_t>(out, next_block);
  AppendPod<uint32_t>(out, tail_count);
  AppendPod<uint64_t>(out, tail_bytes);
  AppendPod<uint32_t>(out, tail_segments);
  AppendPod<uint64_t>(out, file_end);
  AppendPod<uint64_t>(out, tail_start);
  AppendPod<uint8_t>(out, static_cast<uint8_t>(file.size()));
  out += file;
  out += name;
  return out;
}

namespace {

// Reads the binary layout; false if `text` is too short for it.
bool DecodeBinaryStream(std::string_view text, StreamRow& s) {
  const bool with_file = text.front() == kStreamRowBinaryFile;
  text.remove_prefix(1);
  uint8_t has_events = 0;
  bool ok = TakePod(text, s.creation_ms) && TakePod(text, has_events) &&
            TakePod(text, s.first_event_ts) && TakePod(text, s.last_event_ts) &&
            TakePod(text, s.last_ingestion_ms) && TakePod(text, s.stored_bytes) &&
            TakePod(text, s.next_block) && TakePod(text, s.tail_count) &&
            TakePod(text, s.tail_bytes) && TakePod(text, s.tail_segments);
  if (!ok) return false;
  if (with_file) {
    uint8_t file_size = 0;
    if (!TakePod(text, s.file_end) || !TakePod(text, s.tail_start) || !TakePod(text, file_size) ||
        text.size() < file_size) {
      return false;
    }
    s.file.assign(text.substr(0, file_size));
    text.remove_prefix(file_size);
  }
  s.has_events = has_events != 0;
  s.name.assign(text);
  return true;
}

}  // namespace

std::optional<StreamRow> StreamRow::Decode(std::string_view text) {
  if (!text.empty() && (text.front() == kStreamRowBinary || text.front() == kStreamRowBinaryFile)) {
    StreamRow s;
    if (!DecodeBinaryStream(text, s)) return std::nullopt;
    return s;
  }
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return std::nullopt;
  const Value& v = *parsed;
  StreamRow s;
  s.name = v.GetString("name");
  s.creation_ms = v["creationTime"].AsInt();
  s.has_events = v["hasEvents"].AsBool();
  s.first_event_ts = v["first"].AsInt();
  s.last_event_ts = v["last"].AsInt();
  s.last_ingestion_ms = v["ingestion"].AsInt();
  s.stored_bytes = static_cast<uint64_t>(v["storedBytes"].AsInt());
  s.next_block = static_cast<uint64_t>(v["nextBlock"].AsInt());
  s.tail_count = static_cast<uint32_t>(v["tailCount"].AsInt());
  s.tail_bytes = static_cast<uint64_t>(v["tailBytes"].AsInt());
  s.tail_segments = static_cast<uint32_t>(v["tailSegments"].AsInt());
  return s;
}

std::mutex& WriteMutex() {
  static std::mutex mu;
  return mu;
}

Status CheckGroupName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 512;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
    if (!allowed) ok = false;
  }
  if (!ok) {
    return errors::InvalidParameter(
        "1 validation error detected: Value '" + std::string(name) +
        "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  }
  if (StartsWith(name, "aws/")) {
    return errors::InvalidParameter("Log group name cannot start with 'aws/'.");
  }
  return Ok();
}

Status CheckStreamName(std::string_view name) {
  if (name.empty() || name.size() > 512 || name.find_first_of(":*") != std::string_view::npos) {
    return errors::InvalidParameter(
        "1 validation error detected: Value '" + std::string(name) +
        "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [^:*]*");
  }
  return Ok();
}

namespace {

// Group rows decoded before, by key, with the text each was decoded from: a row read again
// unchanged (PutLogEvents reads its group on every call) is copied, not parsed again. Keyed on
// the text, so a changed row, another store or a group created again is decoded afresh.
struct DecodedGroup {
  std::string text;
  GroupRow row;
};

std::optional<GroupRow> DecodeGroupRow(const std::string& key, const std::string& text) {
  static std::mutex mu;
  static std::unordered_map<std::string, DecodedGroup> decoded;
  {
    std::lock_guard lock(mu);
    auto it = decoded.find(key);
    if (it != decoded.end() && it->second.text == text) return it->second.row;
  }
  auto g = GroupRow::Decode(text);
  if (!g) return std::nullopt;
  std::lock_guard lock(mu);
  if (decoded.size() >= kMaxDecodedGroups) decoded.clear();  // bounded memory
  decoded[key] = DecodedGroup{text, *g};
  return g;
}

}  // namespace

Result<GroupRow> LoadGroup(gateway::Call& call, std::string_view name) {
  std::string key = GroupKey(call.account_id(), call.region, name);
  auto text = call.env.store.Get(kGroupsTable, key);
  if (!text) return errors::GroupNotFound();
  auto g = DecodeGroupRow(key, *text);
  if (!g) return InternalFailure("logs: unreadable log group row");
  return *std::move(g);
}

std::string GroupNameOf(const Value& input) {
  if (const Value* n = input.Find("logGroupName")) return n->AsString();
  std::string id = input.GetString("logGroupIdentifier");
  if (StartsWith(id, "arn:")) {
    // arn:aws:logs:<region>:<account>:log-group:<name>[:*]
    size_t at = id.find(":log-group:");
    if (at == std::string::npos) return id;
    std::string name = id.substr(at + 11);
    if (EndsWith(name, ":*")) name.resize(name.size() - 2);
    return name;
  }
  return id;
}

Result<GroupRow> ResolveGroup(gateway::Call& call, const Value& input) {
  bool by_name = input.Has("logGroupName");
  bool by_id = input.Has("logGroupIdentifier");
  if (by_name && by_id) {
    return errors::InvalidParameter(
        "LogGroup name and LogGroup identifier are mutually exclusive parameters.");
  }
  if (!by_name && !by_id) {
    return errors::InvalidParameter("Either LogGroup name or LogGroup identifier is required.");
  }
  if (by_id) {
    std::string id = input.GetString("logGroupIdentifier");
    if (StartsWith(id, "arn:")) {
      auto parts = Split(id, ':');
      if (parts.size() < 7 || parts[2] != "logs" || parts[5] != "log-group")
        return errors::GroupNotFound();
      if (parts[4] != call.account_id() || parts[3] != call.region) return errors::GroupNotFound();
    }
  }
  return LoadGroup(call, GroupNameOf(input));
}

std::optional<StreamRow> LoadStream(store::Store& store, const std::string& key) {
  auto text = store.Get(kStreamsTable, key);
  if (!text) return std::nullopt;
  return StreamRow::Decode(*text);
}

namespace {

struct SeqRange {
  const store::Store* store = nullptr;
  uint64_t next = 0;
  uint64_t end = 0;  // the group row's nextSeq when the range was reserved
};

// Reserved ranges by group key (guarded by WriteMutex).
std::unordered_map<std::string, SeqRange>& SeqRanges() {
  static std::unordered_map<std::string, SeqRange> ranges;
  return ranges;
}

// The range of `g` if it still holds: reserved in this store, and the row still ends it.
SeqRange* HeldRange(const store::Store& store, const GroupRow& g) {
  auto it = SeqRanges().find(g.Key());
  if (it == SeqRanges().end() || it->second.store != &store || it->second.end != g.next_seq)
    return nullptr;
  return &it->second;
}

}  // namespace

uint64_t TakeSequence(const store::Store& store, GroupRow& g, uint64_t n, bool& write_group) {
  SeqRange* held = HeldRange(store, g);
  uint64_t first = held ? held->next : g.next_seq;
  write_group = held == nullptr || first + n > held->end;
  if (write_group) {
    g.next_seq = first + n + kSeqReserve;
    // Bounded memory: a forgotten range only makes its group start from the row's value.
    if (SeqRanges().size() >= kMaxDecodedGroups) SeqRanges().clear();
    SeqRange& r = SeqRanges()[g.Key()];
    r.store = &store;
    r.end = g.next_seq;
    held = &r;
  }
  held->next = first + n;
  return first;
}

uint64_t NextSequence(const store::Store& store, const GroupRow& g) {
  const SeqRange* held = HeldRange(store, g);
  return held ? held->next : g.next_seq;
}

store::Write PutGroupWrite(const GroupRow& g) {
  return {std::string(kGroupsTable), g.Key(), g.Encode()};
}

store::Write PutStreamWrite(const GroupRow& g, const StreamRow& s) {
  return {std::string(kStreamsTable), StreamKey(g.Key(), s.name), s.Encode()};
}

Value TagsValue(const Tags& tags) {
  Value m = Value::MakeMap();
  for (const auto& [k, v] : tags) m.Set(k, v);
  return m;
}

void MergeTags(Tags& tags, const Value& map) {
  for (const auto& [k, v] : map.AsMap()) {
    auto it = std::lower_bound(tags.begin(), tags.end(), k,
                               [](const auto& p, const std::string& key) { return p.first < key; });
    if (it != tags.end() && it->first == k) {
      it->second = v.AsString();
    } else {
      tags.insert(it, {k, v.AsString()});
    }
  }
}

std::string EncodeToken(std::string_view text) { return Base64UrlEncode(text); }

std::optional<std::string> DecodeToken(std::string_view token) { return Base64UrlDecode(token); }

std::string EventId(int64_t timestamp, uint64_t seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%020lld%036llu", static_cast<long long>(timestamp),
                static_cast<unsigned long long>(seq));
  return buf;
}

}  // namespace orgtrail::services::logs
