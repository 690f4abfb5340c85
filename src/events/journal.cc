// The CloudTrail journal: one row of ct_journal per record, by sequence number: a compact
// header of the facts selectors, event history and delivery use (with the journal's time high
// water mark, which lets LookupEvents read the journal itself newest first), then the record's
// JSON; see docs/persistence.md and docs/cloudtrail-record.md.
#include "events/journal.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

#include "core/json.h"
#include "core/log.h"

namespace orgtrail::events {
namespace {

constexpr std::string_view kJournal = "ct_journal";
// The event-history index of earlier versions (one key per management event): no longer
// written; rows left by them are removed when the journal opens.
constexpr std::string_view kOldHistory = "ct_history";
constexpr size_t kScanBatch = 256;
// Read-only records waiting for the group commit; a request that finds the queue full waits
// for the commit (backpressure), so memory stays bounded whatever the load.
constexpr size_t kMaxQueued = 2048;
// How often an idle group-commit thread checks for records past the event-history horizon.
constexpr std::chrono::seconds kPruneInterval{10};
constexpr size_t kPruneBatch = 128;
// First byte of a ct_journal row in the current format: 'S', then the high water mark (16 hex
// digits, filled in when the row gets its sequence number), then the fields of the 'R' format.
// 'R' rows (no high water mark) and JSON objects (the first format) are still read.
constexpr char kRowFormat = 'S';
constexpr char kRowFormatR = 'R';
constexpr size_t kHwmDigits = 16;

void AppendHex16(std::string& out, uint64_t v) {
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  out.append(buf, sizeof buf);
}

std::string Hex16(uint64_t v) {
  std::string out;
  AppendHex16(out, v);
  return out;
}

void WriteHex16(char* out, uint64_t v) {
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = "0123456789abcdef"[v & 15];
}

// Page tokens sort newest first: the time is stored as its distance to the largest time.
uint64_t Inverted(int64_t ms) {
  return static_cast<uint64_t>(INT64_MAX - std::max<int64_t>(ms, 0));
}

// A LookupEvents page token (the key format of the former index, so tokens handed out before
// stay valid): <account>/<region>/<inverted time, 16 hex>/<seq, 16 hex>
std::string HistoryKey(std::string_view account, std::string_view region, int64_t time_ms,
                       uint64_t seq) {
  std::string out;
  out.reserve(account.size() + region.size() + 35);
  out.append(account).append("/").append(region).append("/");
  AppendHex16(out, Inverted(time_ms));
  out.push_back('/');
  AppendHex16(out, seq);
  return out;
}

// --- the row format: 'R', then length-prefixed fields ("<decimal length>:<bytes>"), then the
// record's JSON to the end of the row.

// Reads one field; false when the row is malformed.
bool GetField(std::string_view& in, std::string_view& field) {
  size_t len = 0;
  auto [p, ec] = std::from_chars(in.data(), in.data() + in.size(), len);
  if (ec != std::errc() || p == in.data() + in.size() || *p != ':') return false;
  size_t used = static_cast<size_t>(p - in.data()) + 1;
  if (in.size() - used < len) return false;
  field = in.substr(used, len);
  in.remove_prefix(used + len);
  return true;
}

bool GetField(std::string_view& in, std::string& field) {
  std::string_view v;
  if (!GetField(in, v)) return false;
  field.assign(v);
  return true;
}

bool GetField(std::string_view& in, int64_t& field) {
  std::string_view v;
  if (!GetField(in, v)) return false;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), field);
  return ec == std::errc() && p == v.data() + v.size();
}

// Writes one field at `p` (room for it checked by EncodeRow's bound); returns the end.
char* WriteField(char* p, std::string_view s) {
  p = std::to_chars(p, p + 20, s.size()).ptr;
  *p++ = ':';
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

std::string EncodeRow(const BuiltRecord& b) {
  char time[24];
  char* time_end = std::to_chars(time, time + sizeof time, b.event_time_ms).ptr;
  char count[24];
  char* count_end = std::to_chars(count, count + sizeof count, b.resources.size()).ptr;
  const std::string_view fields[] = {b.account_id,
                                     b.region,
                                     std::string_view(time, time_end),
                                     b.event_id,
                                     b.event_source,
                                     b.event_name,
                                     b.read_only ? "1" : "0",
                                     b.management_event ? "1" : "0",
                                     b.event_category,
                                     b.error_code,
                                     b.user_identity_arn,
                                     b.username,
                                     b.access_key_id,
                                     std::string_view(count, count_end)};
  // One allocation of an upper bound (each length prefix takes at most 20 digits and ':'), then
  // the fields written in place and the row cut to its size.
  size_t bound = 1 + kHwmDigits + b.json.size();
  for (std::string_view f : fields) bound += f.size() + 21;
  for (const RecordResource& r : b.resources)
    bound += r.arn.size() + r.account_id.size() + r.type.size() + 3 * 21;
  std::string out(bound, '\0');
  char* p = out.data();
  *p++ = kRowFormat;
  std::memset(p, '0', kHwmDigits);
  p += kHwmDigits;
  for (std::string_view f : fields) p = WriteField(p, f);
  for (const RecordResource& r : b.resources) {
    p = WriteField(p, r.arn);
    p = WriteField(p, r.account_id);
    p = WriteField(p, r.type);
  }
  std::memcpy(p, b.json.data(), b.json.size());
  p += b.json.size();
  out.resize(static_cast<size_t>(p - out.data()));
  return out;
}

// The first format: a JSON object with the record as an escaped string (data directories
// written before the compact rows).
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

// The high water mark of an 'S' row: no record at or before it in the journal is newer.
std::optional<int64_t> HighWaterMark(std::string_view row) {
  if (row.size() < 1 + kHwmDigits || row[0] != kRowFormat) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(row.data() + 1, row.data() + 1 + kHwmDigits, v, 16);
  if (ec != std::errc() || p != row.data() + 1 + kHwmDigits) return std::nullopt;
  return static_cast<int64_t>(v);
}

// What event history needs first of a row, without copying: recipient, region, event time.
// False for rows of the first (JSON) format.
bool PeekRow(std::string_view row, std::string_view& account, std::string_view& region,
             int64_t& time_ms) {
  if (row.empty()) return false;
  if (row[0] == kRowFormat && row.size() >= 1 + kHwmDigits) {
    row.remove_prefix(1 + kHwmDigits);
  } else if (row[0] == kRowFormatR) {
    row.remove_prefix(1);
  } else {
    return false;
  }
  return GetField(row, account) && GetField(row, region) && GetField(row, time_ms);
}

// With `owned` (the row's own string, which `row` views), the record's JSON text is moved out of
// it instead of copied.
std::optional<JournalEntry> DecodeRow(uint64_t seq, std::string_view row,
                                      std::string* owned = nullptr) {
  if (row.empty()) return std::nullopt;
  if (row[0] == kRowFormat && row.size() >= 1 + kHwmDigits) {
    row.remove_prefix(1 + kHwmDigits);
  } else if (row[0] == kRowFormatR) {
    row.remove_prefix(1);
  } else {
    return EntryFromJson(row);
  }
  JournalEntry e;
  e.seq = seq;
  std::string_view read_only, management;
  int64_t resources = 0;
  bool ok =
      GetField(row, e.account_id) && GetField(row, e.region) && GetField(row, e.event_time_ms) &&
      GetField(row, e.event_id) && GetField(row, e.event_source) && GetField(row, e.event_name) &&
      GetField(row, read_only) && GetField(row, management) && GetField(row, e.event_category) &&
      GetField(row, e.error_code) && GetField(row, e.user_identity_arn) &&
      GetField(row, e.username) && GetField(row, e.access_key_id) && GetField(row, resources);
  if (!ok || resources < 0) return std::nullopt;
  e.read_only = read_only == "1";
  e.management_event = management == "1";
  for (int64_t i = 0; i < resources; ++i) {
    RecordResource r;
    if (!GetField(row, r.arn) || !GetField(row, r.account_id) || !GetField(row, r.type))
      return std::nullopt;
    e.resources.push_back(std::move(r));
  }
  if (owned != nullptr) {
    owned->erase(0, owned->size() - row.size());
    e.json = std::move(*owned);
  } else {
    e.json.assign(row);
  }
  return e;
}

std::optional<uint64_t> SeqOfKey(std::string_view key) {
  uint64_t seq = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), seq, 16);
  if (ec != std::errc() || p != key.data() + key.size()) return std::nullopt;
  return seq;
}

bool LookupMatches(const JournalEntry& e, const std::string& key, const std::string& value) {
  if (key.empty()) return true;
  if (key == "ResourceType" || key == "ResourceName") {
    for (const RecordResource& r : e.resources) {
      if ((key == "ResourceType" ? r.type : r.arn) == value) return true;
    }
    return false;
  }
  if (key == "EventId") return e.event_id == value;
  if (key == "EventName") return e.event_name == value;
  if (key == "ReadOnly") return (e.read_only ? "true" : "false") == value;
  if (key == "Username") return e.username == value;
  if (key == "EventSource") return e.event_source == value;
  if (key == "AccessKeyId") return e.access_key_id == value;
  return false;
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
  // Rows are appended by sequence number: the SQLite store keeps them in a table of their own.
  if (Status st = store_.DeclareSequenceTable(kJournal); !st.ok())
    log::Warn("cloudtrail: journal table: " + st.error().message);
  std::string last = LastHexKey(store_, kJournal);
  if (!last.empty()) {
    committed_seq_ = std::stoull(last, nullptr, 16);
    next_seq_ = committed_seq_ + 1;
    if (auto text = store_.Get(kJournal, last)) {
      if (auto e = DecodeRow(committed_seq_, *text)) newest_ms_ = e->event_time_ms;
      if (auto hwm = HighWaterMark(*text)) newest_ms_ = std::max(newest_ms_, *hwm);
    }
    for (const store::Row& row : store_.Scan(kJournal, "", "", 1)) {
      std::optional<uint64_t> seq = SeqOfKey(row.key);
      std::optional<JournalEntry> e = seq ? DecodeRow(*seq, row.value) : std::nullopt;
      if (e) oldest_ms_ = e->event_time_ms;
    }
  }
  // Keys of the former event-history index: the journal rows serve LookupEvents now.
  while (true) {
    std::vector<store::Row> old = store_.Scan(kOldHistory, "", "", kPruneBatch);
    if (old.empty()) break;
    std::vector<store::Write> writes;
    for (store::Row& row : old)
      writes.push_back({std::string(kOldHistory), std::move(row.key), std::nullopt});
    if (Status st = store_.Apply(writes); !st.ok()) {
      log::Warn("cloudtrail: cannot remove the former event-history index: " + st.error().message);
      break;
    }
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
  running_ = true;
  flusher_ = std::thread([this] { RunGroupCommit(); });
}

void Journal::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    running_ = false;
  }
  cv_.notify_all();
  space_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  (void)Flush();
}

void Journal::RunGroupCommit() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // Wakes for queued records, or now and then to prune when only state-changing calls (which
    // do not pass through the queue) are journaled.
    cv_.wait_for(lock, kPruneInterval, [this] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    if (queue_.empty()) {
      lock.unlock();
      MaybePrune();
      lock.lock();
      continue;
    }
    // Let a group gather (unless the queue fills up), then commit it in one transaction.
    cv_.wait_for(lock, kGroupCommitInterval,
                 [this] { return stop_ || queue_.size() >= kMaxQueued / 2; });
    lock.unlock();
    (void)Flush();
    lock.lock();
  }
}

void Journal::Record(const gateway::ApiCall& call) {
  Classification c = Classify(call.service, call.event_name);
  if (!c.recorded) return;
  // A data event no trail can select: no record is built (event history has none).
  if (!c.management_event && !RecordsDataEvents()) return;
  CrossAccountIds cross;
  if (!call.resource_account_id.empty() && call.resource_account_id != call.recipient_account_id)
    cross = {ids_.Uuid(), ids_.Uuid()};
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    generation = generation_;
  }
  // The record is built here, on the request thread, straight from the call: nothing of the
  // call is copied, only the finished row is queued.
  std::vector<Pending> rows;
  for (BuiltRecord& b : BuildRecordsText(call, cross)) {
    std::string row = EncodeRow(b);
    rows.push_back({b.event_time_ms, std::move(row)});
  }
  if (!call.read_only) {
    // A call that may have changed state: journaled now, in the transaction the gateway holds
    // around the call (or in one of its own), so the record commits with the change.
    (void)AppendLocked(std::move(rows), generation);
    return;
  }
  bool wake;
  {
    std::unique_lock lock(mu_);
    // Backpressure: wait for the group commit rather than let the queue grow without bound.
    space_.wait(lock, [this] { return queue_.size() < kMaxQueued || stop_ || !running_; });
    if (generation != generation_) return;  // built before an admin reset: dropped
    wake = queue_.empty() || queue_.size() + rows.size() >= kMaxQueued / 2;
    for (Pending& p : rows) queue_.push_back(std::move(p));
  }
  if (wake) cv_.notify_one();
}

Status Journal::Flush() {
  std::vector<Pending> rows;
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    rows.swap(queue_);
    generation = generation_;
    ++in_flight_;
  }
  space_.notify_all();
  Status st = AppendLocked(std::move(rows), generation);
  // A concurrent group commit may hold calls queued before this Flush: wait for it.
  std::unique_lock lock(mu_);
  --in_flight_;
  flushed_.notify_all();
  flushed_.wait(lock, [this] { return in_flight_ == 0; });
  lock.unlock();
  MaybePrune();
  return st;
}

Status Journal::AppendLocked(std::vector<Pending> rows, uint64_t generation) {
  if (rows.empty()) return Ok();
  // Sequence numbers are taken while this thread holds the store, so they follow commit order.
  std::unique_ptr<store::Transaction> txn = store_.Begin();
  std::vector<store::Write> writes;
  writes.reserve(rows.size());
  uint64_t last = 0;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) return Ok();  // built before an admin reset: dropped
    for (Pending& p : rows) {
      uint64_t seq = next_seq_++;
      last = seq;
      newest_ms_ = std::max(newest_ms_, p.event_time_ms);
      oldest_ms_ = std::min(oldest_ms_, p.event_time_ms);
      // Every row up to this one is at most as new as its high water mark (Lookup relies on it).
      if (p.row.size() >= 1 + kHwmDigits && p.row[0] == kRowFormat)
        WriteHex16(p.row.data() + 1, static_cast<uint64_t>(std::max<int64_t>(newest_ms_, 0)));
      writes.push_back({std::string(kJournal), Hex16(seq), std::move(p.row)});
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

void Journal::MaybePrune() {
  {
    std::lock_guard lock(mu_);
    if (newest_ms_ - kEventHistoryMillis <= oldest_ms_) return;
  }
  Prune();
}

void Journal::Prune() {
  int64_t horizon;
  {
    std::lock_guard lock(mu_);
    horizon = newest_ms_ - kEventHistoryMillis;
  }
  int64_t oldest_kept = INT64_MAX;
  while (true) {
    std::vector<store::Write> writes;
    std::vector<store::Row> rows = store_.Scan(kJournal, "", "", kPruneBatch);
    for (const store::Row& row : rows) {
      std::optional<uint64_t> seq = SeqOfKey(row.key);
      std::optional<JournalEntry> e = seq ? DecodeRow(*seq, row.value) : std::nullopt;
      if (e && e->event_time_ms >= horizon) {
        oldest_kept = e->event_time_ms;
        break;
      }
      writes.push_back({std::string(kJournal), row.key, std::nullopt});
    }
    const bool more = oldest_kept == INT64_MAX && rows.size() == kPruneBatch;
    if (!writes.empty() && !store_.Apply(writes).ok()) return;
    if (!more) break;
  }
  std::lock_guard lock(mu_);
  oldest_ms_ = oldest_kept;
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
  std::vector<store::Row> rows = store_.Scan(kJournal, "", Hex16(seq), limit);
  out.reserve(rows.size());
  for (store::Row& row : rows) {
    std::optional<uint64_t> s = SeqOfKey(row.key);
    if (!s) continue;
    if (auto e = DecodeRow(*s, row.value, &row.value)) out.push_back(std::move(*e));
  }
  return out;
}

void Journal::OnAppend(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wakes_.push_back(std::move(wake));
}

LookupPage Journal::Lookup(const LookupQuery& q) {
  (void)Flush();
  // Order: newest first, then by sequence number. The journal is read backwards in batches of
  // sequence numbers; a matching record waits in `ready` until no row not yet read can come
  // before it: every row at or below the lowest one read is at most as new as that row's high
  // water mark (rows of the 'R' format have none: their own time is taken, as they were
  // journaled nearly in time order).
  LookupPage page;
  int64_t upper_ms = q.end_ms;  // and, at upper_ms itself, only sequence numbers > after_seq
  uint64_t after_seq = 0;
  bool resume = false;
  if (!q.after.empty()) {
    // The token: <account>/<region>/<inverted time>/<seq> of the previous page's last event.
    std::string_view k = q.after;
    uint64_t inv = 0;
    std::optional<uint64_t> seq;
    if (k.size() < 33 ||
        std::from_chars(k.data() + k.size() - 33, k.data() + k.size() - 17, inv, 16).ec !=
            std::errc() ||
        !(seq = SeqOfKey(k.substr(k.size() - 16))))
      return page;
    upper_ms = std::min<int64_t>(upper_ms, INT64_MAX - static_cast<int64_t>(inv));
    after_seq = *seq;
    resume = true;
  }
  auto before = [](const JournalEntry& a, const JournalEntry& b) {
    return a.event_time_ms != b.event_time_ms ? a.event_time_ms > b.event_time_ms : a.seq < b.seq;
  };
  std::vector<JournalEntry> ready;  // a heap: the next event to return on top
  auto heap_less = [&](const JournalEntry& a, const JournalEntry& b) { return before(b, a); };
  auto emit_above = [&](int64_t bound_ms) {
    while (!ready.empty() && ready.front().event_time_ms > bound_ms &&
           page.events.size() <= q.max_results) {
      std::pop_heap(ready.begin(), ready.end(), heap_less);
      page.events.push_back(std::move(ready.back()));
      ready.pop_back();
    }
  };
  uint64_t hi = LastSeq();
  uint64_t first = 0;  // the oldest row kept (older ones are pruned)
  for (const store::Row& row : store_.Scan(kJournal, "", "", 1))
    first = SeqOfKey(row.key).value_or(0);
  while (hi >= first && hi > 0 && page.events.size() <= q.max_results) {
    const uint64_t lo = hi > kScanBatch ? hi - kScanBatch + 1 : 1;
    std::vector<store::Row> rows = store_.Scan(kJournal, "", Hex16(lo - 1), hi - lo + 1);
    int64_t bound_ms = INT64_MAX;  // no row at or below the lowest read is newer
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      std::optional<uint64_t> seq = SeqOfKey(it->key);
      if (!seq || *seq > hi) continue;
      std::string_view account, region;
      int64_t time_ms = 0;
      std::optional<JournalEntry> e;
      if (!PeekRow(it->value, account, region, time_ms)) {
        e = DecodeRow(*seq, it->value);  // first format
        if (!e) continue;
        account = e->account_id;
        region = e->region;
        time_ms = e->event_time_ms;
      }
      bound_ms = HighWaterMark(it->value).value_or(time_ms);
      if (account != q.account_id || region != q.region || time_ms < q.start_ms ||
          time_ms > upper_ms || (resume && time_ms == upper_ms && *seq <= after_seq))
        continue;
      if (!e) e = DecodeRow(*seq, it->value);
      if (!e || !e->management_event || !LookupMatches(*e, q.attribute_key, q.attribute_value))
        continue;
      ready.push_back(std::move(*e));
      std::push_heap(ready.begin(), ready.end(), heap_less);
    }
    hi = lo - 1;
    if (bound_ms < q.start_ms) break;  // nothing older can be in the time range
    emit_above(bound_ms);
  }
  emit_above(INT64_MIN);
  if (page.events.size() > q.max_results) {
    page.events.resize(q.max_results);
    const JournalEntry& last = page.events.back();
    page.next = HistoryKey(q.account_id, q.region, last.event_time_ms, last.seq);
  }
  return page;
}

void Journal::Reset() {
  {
    std::lock_guard lock(mu_);
    queue_.clear();
    ++generation_;
    newest_ms_ = 0;
    oldest_ms_ = INT64_MAX;
  }
  space_.notify_all();
}

}  // namespace orgtrail::events
