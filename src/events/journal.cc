// The CloudTrail journal: rows ct_journal (every record, by sequence number) and ct_history
// (the event-history index of management events, per account and region, newest first); see
// docs/persistence.md and docs/cloudtrail-record.md.
#include "events/journal.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "core/json.h"

namespace orgtrail::events {
namespace {

constexpr std::string_view kJournal = "ct_journal";
constexpr std::string_view kHistory = "ct_history";
constexpr size_t kScanBatch = 256;

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

// History keys sort newest first: the time is stored as its distance to the largest time.
uint64_t Inverted(int64_t ms) {
  return static_cast<uint64_t>(INT64_MAX - std::max<int64_t>(ms, 0));
}

std::string HistoryPrefix(std::string_view account, std::string_view region) {
  return std::string(account) + "/" + std::string(region) + "/";
}

Value ResourcesToValue(const std::vector<RecordResource>& resources) {
  Value list = Value::MakeList();
  for (const RecordResource& r : resources) {
    list.Append(
        Value::MakeMap().Set("ARN", r.arn).Set("accountId", r.account_id).Set("type", r.type));
  }
  return list;
}

std::string EntryToJson(const JournalEntry& e) {
  return Value::MakeMap()
      .Set("Seq", e.seq)
      .Set("AccountId", e.account_id)
      .Set("Region", e.region)
      .Set("EventTimeMs", e.event_time_ms)
      .Set("EventId", e.event_id)
      .Set("EventSource", e.event_source)
      .Set("EventName", e.event_name)
      .Set("ReadOnly", e.read_only)
      .Set("ManagementEvent", e.management_event)
      .Set("EventCategory", e.event_category)
      .Set("ErrorCode", e.error_code)
      .Set("UserIdentityArn", e.user_identity_arn)
      .Set("Username", e.username)
      .Set("AccessKeyId", e.access_key_id)
      .Set("Resources", ResourcesToValue(e.resources))
      .Set("Record", e.json)
      .ToJson();
}

std::optional<JournalEntry> EntryFromJson(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return std::nullopt;
  const Value& v = *parsed;
  JournalEntry e;
  e.seq = static_cast<uint64_t>(v["Seq"].AsInt());
  e.account_id = v.GetString("AccountId");
  e.region = v.GetString("Region");
  e.event_time_ms = v["EventTimeMs"].AsInt();
  e.event_id = v.GetString("EventId");
  e.event_source = v.GetString("EventSource");
  e.event_name = v.GetString("EventName");
  e.read_only = v["ReadOnly"].AsBool();
  e.management_event = v["ManagementEvent"].AsBool(true);
  e.event_category = v.GetString("EventCategory");
  e.error_code = v.GetString("ErrorCode");
  e.user_identity_arn = v.GetString("UserIdentityArn");
  e.username = v.GetString("Username");
  e.access_key_id = v.GetString("AccessKeyId");
  for (const Value& r : v["Resources"].AsList()) {
    e.resources.push_back({r.GetString("ARN"), r.GetString("accountId"), r.GetString("type")});
  }
  e.json = v.GetString("Record");
  return e;
}

// The index row: what LookupEvents filters on, without the record.
std::string HistoryValue(const JournalEntry& e) {
  Value names = Value::MakeList();
  for (const RecordResource& r : e.resources) {
    names.Append(Value::MakeMap().Set("ResourceType", r.type).Set("ResourceName", r.arn));
  }
  return Value::MakeMap()
      .Set("Seq", e.seq)
      .Set("EventId", e.event_id)
      .Set("EventName", e.event_name)
      .Set("ReadOnly", e.read_only ? "true" : "false")
      .Set("Username", e.username)
      .Set("EventSource", e.event_source)
      .Set("AccessKeyId", e.access_key_id)
      .Set("Resources", std::move(names))
      .ToJson();
}

bool HistoryMatches(const Value& row, const std::string& key, const std::string& value) {
  if (key.empty()) return true;
  if (key == "ResourceType" || key == "ResourceName") {
    for (const Value& r : row["Resources"].AsList()) {
      if (r.GetString(key) == value) return true;
    }
    return false;
  }
  return row.GetString(key) == value;
}

JournalEntry EntryOf(BuiltRecord&& b) {
  JournalEntry e;
  e.account_id = std::move(b.account_id);
  e.region = std::move(b.region);
  e.event_time_ms = b.event_time_ms;
  e.event_id = std::move(b.event_id);
  e.event_source = std::move(b.event_source);
  e.event_name = std::move(b.event_name);
  e.read_only = b.read_only;
  e.management_event = b.management_event;
  e.event_category = std::move(b.event_category);
  e.error_code = std::move(b.error_code);
  e.user_identity_arn = std::move(b.user_identity_arn);
  e.username = std::move(b.username);
  e.access_key_id = std::move(b.access_key_id);
  e.resources = std::move(b.resources);
  e.json = std::move(b.json);
  return e;
}

// The largest key of a table whose keys are 16 lower-case hex digits, "" when it is empty:
// one digit at a time, from the top, with prefix scans (at most 256 one-row scans).
std::string LastHexKey(store::Store& store, std::string_view table) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string prefix;
  for (int pos = 0; pos < 16; ++pos) {
    bool found = false;
    for (size_t d = kDigits.size(); d-- > 0;) {
      std::string probe = prefix + kDigits[d];
      if (!store.Scan(table, probe, "", 1).empty()) {
        prefix = std::move(probe);
        found = true;
        break;
      }
    }
    if (!found) return "";
  }
  return prefix;
}

}  // namespace

SelectorFacts JournalEntry::Facts() const {
  return {event_source,     event_name, event_category,    read_only,
          management_event, error_code, user_identity_arn, resources};
}

Journal::Journal(store::Store& store, IdSource& ids) : store_(store), ids_(ids) {
  std::string last = LastHexKey(store_, kJournal);
  if (!last.empty()) {
    committed_seq_ = std::stoull(last, nullptr, 16);
    next_seq_ = committed_seq_ + 1;
  }
}

Journal::~Journal() { Stop(); }

void Journal::Attach(gateway::AuditBus& bus) {
  bus.Subscribe([this](const gateway::ApiCall& call) { Record(call); });
}

void Journal::Start() {
  std::lock_guard lock(mu_);
  if (flusher_.joinable()) return;
  stop_ = false;
  flusher_ = std::thread([this] { RunGroupCommit(); });
}

void Journal::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  (void)Flush();
}

void Journal::RunGroupCommit() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    // Let a group gather, then commit it in one transaction.
    cv_.wait_for(lock, kGroupCommitInterval, [this] { return stop_; });
    lock.unlock();
    (void)Flush();
    lock.lock();
  }
}

void Journal::Record(const gateway::ApiCall& call) {
  if (!Classify(call.service, call.event_name).recorded) return;
  if (call.read_only) {
    bool wake;
    {
      std::lock_guard lock(mu_);
      wake = queue_.empty();
      queue_.push_back(call);
    }
    if (wake) cv_.notify_one();
    return;
  }
  // A call that may have changed state: journaled now, in the transaction the gateway holds
  // around the call (or in one of its own), so the record commits with the change.
  CrossAccountIds cross;
  if (!call.resource_account_id.empty() && call.resource_account_id != call.recipient_account_id)
    cross = {ids_.Uuid(), ids_.Uuid()};
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    generation = generation_;
  }
  (void)AppendLocked(BuildRecords(call, cross), generation);
}

Status Journal::Flush() {
  std::deque<gateway::ApiCall> calls;
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    calls.swap(queue_);
    generation = generation_;
    ++in_flight_;
  }
  // Records are built outside every lock; only the write holds the store.
  std::vector<BuiltRecord> records;
  records.reserve(calls.size());
  for (const gateway::ApiCall& call : calls) {
    CrossAccountIds cross;
    if (!call.resource_account_id.empty() && call.resource_account_id != call.recipient_account_id)
      cross = {ids_.Uuid(), ids_.Uuid()};
    for (BuiltRecord& b : BuildRecords(call, cross)) records.push_back(std::move(b));
  }
  Status st = AppendLocked(std::move(records), generation);
  // A concurrent group commit may hold calls queued before this Flush: wait for it.
  std::unique_lock lock(mu_);
  --in_flight_;
  flushed_.notify_all();
  flushed_.wait(lock, [this] { return in_flight_ == 0; });
  return st;
}

Status Journal::AppendLocked(std::vector<BuiltRecord> records, uint64_t generation) {
  if (records.empty()) return Ok();
  // Sequence numbers are taken while this thread holds the store, so they follow commit order.
  std::unique_ptr<store::Transaction> txn = store_.Begin();
  std::vector<store::Write> writes;
  writes.reserve(records.size() * 2);
  uint64_t last = 0;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) return Ok();  // built before an admin reset: dropped
    for (BuiltRecord& b : records) {
      JournalEntry e = EntryOf(std::move(b));
      e.seq = next_seq_++;
      last = e.seq;
      std::string seq_hex = Hex16(e.seq);
      if (e.management_event) {
        writes.push_back({std::string(kHistory),
                          HistoryPrefix(e.account_id, e.region) + Hex16(Inverted(e.event_time_ms)) +
                              "/" + seq_hex,
                          HistoryValue(e)});
      }
      writes.push_back({std::string(kJournal), std::move(seq_hex), EntryToJson(e)});
    }
  }
  Status st = store_.Apply(writes);
  if (st.ok()) {
    store_.AfterCommit([this, last](bool committed) {
      if (committed) Published(last);
    });
  }
  return st;
}

void Journal::Published(uint64_t seq) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mu_);
    committed_seq_ = std::max(committed_seq_, seq);
    wakes = wakes_;
  }
  for (auto& w : wakes) w();
}

uint64_t Journal::LastSeq() const {
  std::lock_guard lock(mu_);
  return committed_seq_;
}

std::vector<JournalEntry> Journal::ReadAfter(uint64_t seq, size_t limit) const {
  std::vector<JournalEntry> out;
  for (const store::Row& row : store_.Scan(kJournal, "", Hex16(seq), limit)) {
    if (auto e = EntryFromJson(row.value)) out.push_back(std::move(*e));
  }
  return out;
}

void Journal::OnAppend(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wakes_.push_back(std::move(wake));
}

LookupPage Journal::Lookup(const LookupQuery& q) {
  (void)Flush();
  LookupPage page;
  const std::string prefix = HistoryPrefix(q.account_id, q.region);
  const uint64_t stop_inv = Inverted(q.start_ms);  // keys past this are older than start
  std::string after = q.after;
  if (after.empty()) {
    uint64_t end_inv = Inverted(q.end_ms);
    // Just before the first key of end_ms: 'g' sorts after every hex digit.
    after = end_inv == 0 ? std::string() : prefix + Hex16(end_inv - 1) + "/g";
  }
  std::vector<std::string> keys;
  std::vector<uint64_t> seqs;
  bool done = false;
  while (!done && seqs.size() <= q.max_results) {
    std::vector<store::Row> rows = store_.Scan(kHistory, prefix, after, kScanBatch);
    if (rows.size() < kScanBatch) done = true;
    for (const store::Row& row : rows) {
      after = row.key;
      uint64_t inv = std::stoull(row.key.substr(prefix.size(), 16), nullptr, 16);
      if (inv > stop_inv) {
        done = true;
        break;
      }
      auto v = ParseJson(row.value);
      if (!v.ok() || !HistoryMatches(*v, q.attribute_key, q.attribute_value)) continue;
      keys.push_back(row.key);
      seqs.push_back(static_cast<uint64_t>((*v)["Seq"].AsInt()));
      if (seqs.size() > q.max_results) break;
    }
  }
  if (seqs.size() > q.max_results) {
    seqs.resize(q.max_results);
    page.next = keys[q.max_results - 1];
  }
  for (uint64_t seq : seqs) {
    auto text = store_.Get(kJournal, Hex16(seq));
    if (!text) continue;
    if (auto e = EntryFromJson(*text)) page.events.push_back(std::move(*e));
  }
  return page;
}

void Journal::Reset() {
  std::lock_guard lock(mu_);
  queue_.clear();
  ++generation_;
}

}  // namespace orgtrail::events
