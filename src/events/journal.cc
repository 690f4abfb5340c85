// The CloudTrail journal: rows of ct_journal by sequence number, one per record of a call that
// changed state and one per group commit of read-only records: a compact header of the facts
// selectors, event history and delivery use (with the journal's time high water mark, which lets
// LookupEvents read the journal itself newest first), then the record's JSON; see
// docs/persistence.md and docs/cloudtrail-record.md.
#include "events/journal.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/json.h"
#include "core/log.h"
#include "events/journal_row.h"

namespace orgtrail::events {
namespace {

using journal_row::AppendHex16;
using journal_row::DecodeRow;
using journal_row::DecodeView;
using journal_row::Hex16;
using journal_row::HighWaterMark;
using journal_row::kHwmDigits;
using journal_row::kJournalTable;
using journal_row::kRowFormat;
using journal_row::Members;
using journal_row::ParseHex16;
using journal_row::PeekRow;
using journal_row::WriteHex16;

// The event-history index of earlier versions (one key per management event): no longer
// written; rows left by them are removed when the journal opens.
constexpr std::string_view kOldHistory = "ct_history";
// Read-only records waiting for the group commit; a request that finds the queue full waits
// for the commit (backpressure), so memory stays bounded whatever the load.
constexpr size_t kMaxQueued = 2048;
// How often an idle group-commit thread checks for records past the event-history horizon.
constexpr std::chrono::seconds kPruneInterval{10};
constexpr size_t kPruneBatch = 128;

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

// The oldest and newest event times of the records of a row (false when none is readable).
bool RowTimes(uint64_t key, std::string_view row, int64_t& oldest, int64_t& newest) {
  oldest = INT64_MAX;
  newest = INT64_MIN;
  std::string storage;  // a packed group row, inflated
  for (const auto& [seq, member] : Members(key, row, &storage)) {
    std::string_view account, region;
    int64_t t = 0;
    if (!PeekRow(member, account, region, t)) {
      std::optional<JournalEntry> e = DecodeRow(seq, member);  // first format
      if (!e) continue;
      t = e->event_time_ms;
    }
    oldest = std::min(oldest, t);
    newest = std::max(newest, t);
  }
  return oldest != INT64_MAX;
}

}  // namespace

SelectorFacts JournalEntry::Facts() const {
  return {event_source,     event_name, event_category,    read_only,
          management_event, error_code, user_identity_arn, resources};
}

SelectorFacts JournalView::Facts() const {
  return {event_source,     event_name, event_category,    read_only,
          management_event, error_code, user_identity_arn, resources};
}

JournalEntry JournalView::ToEntry(std::string json_text) && {
  JournalEntry e;
  e.Fields() = Fields();
  e.resources = std::move(resources);
  e.seq = seq;
  e.json = std::move(json_text);
  return e;
}

Journal::Journal(store::Store& store, IdSource& ids) : store_(store), ids_(ids) {
  // Rows are appended by sequence number: the SQLite store keeps them in a table of their own.
  if (Status st = store_.DeclareSequenceTable(kJournalTable); !st.ok())
    log::Warn("cloudtrail: journal table: " + st.error().message);
  std::string last = LastHexKey(store_, kJournalTable);
  if (!last.empty()) {
    committed_seq_ = std::stoull(last, nullptr, 16);
    next_seq_ = committed_seq_ + 1;
    if (auto text = store_.Get(kJournalTable, last)) {
      int64_t oldest = 0, newest = 0;
      if (RowTimes(committed_seq_, *text, oldest, newest)) newest_ms_ = newest;
      if (auto hwm = HighWaterMark(*text)) newest_ms_ = std::max(newest_ms_, *hwm);
    }
    for (const store::Row& row : store_.Scan(kJournalTable, "", "", 1)) {
      std::optional<uint64_t> seq = ParseHex16(row.key);
      int64_t oldest = 0, newest = 0;
      if (seq && RowTimes(*seq, row.value, oldest, newest)) oldest_ms_ = oldest;
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
  if (call.read_only) {
    // The lines the row will most likely be copied to, asked for now: they arrive while the
    // record is built, instead of being waited for under the journal's lock.
    if (const std::uintptr_t tail = tail_hint_.load(std::memory_order_relaxed); tail != 0) {
      for (std::uintptr_t at = tail & ~std::uintptr_t{63}; at < tail + 1024; at += 64)
        __builtin_prefetch(reinterpret_cast<const void*>(at), 1);
    }
  }
  // Taken before the build, without the lock: a reset from here on drops the record.
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  // The record is built here, on the request thread, straight from the call: nothing of the
  // call is copied, each record is written as its finished row, and only the rows are queued.
  // The thread's scratch: its callers' userIdentity text, written again only for a new caller.
  thread_local RecordScratch scratch;
  std::vector<BuiltRecord> built =
      BuildRecordsText(call, cross, journal_row::AppendHeader, &scratch);
  if (!call.read_only) {
    // A call that may have changed state: journaled now, in the transaction the gateway holds
    // around the call (or in one of its own), so the record commits with the change.
    std::vector<Pending> rows;
    for (BuiltRecord& b : built) rows.push_back({b.event_time_ms, std::move(b.json)});
    (void)AppendLocked(std::move(rows), generation);
    return;
  }
  bool wake;
  {
    std::unique_lock lock(mu_);
    // Backpressure: wait for the group commit rather than let the queue grow without bound.
    space_.wait(lock, [this] { return queue_.size() < kMaxQueued || stop_ || !running_; });
    if (generation != generation_) return;  // built before an admin reset: dropped
    wake = queue_.empty() || queue_.size() + built.size() >= kMaxQueued / 2;
    // The row is copied into the group while it is still in this thread's cache; its string is
    // freed by this thread, where it was allocated.
    for (const BuiltRecord& b : built) queue_.Add(b.event_time_ms, b.json);
    tail_hint_.store(reinterpret_cast<std::uintptr_t>(queue_.text.data() + queue_.text.size()),
                     std::memory_order_relaxed);
  }
  if (wake) cv_.notify_one();
}

Journal::Group::Group(size_t bytes, size_t count) {
  // Written once here, so that request threads do not take the page faults of new memory
  // while they hold the journal's lock.
  text.resize(kRoom + bytes);
  text.resize(kRoom);
  starts.reserve(count);
  times.reserve(count);
}

void Journal::Group::Add(int64_t event_time_ms, std::string_view row) {
  journal_row::AppendMember(text, row);
  starts.push_back(text.size() - row.size());
  times.push_back(event_time_ms);
}

Status Journal::Flush() {
  uint64_t generation;
  // The next group, with room for as much as the last one (outside the lock: request threads
  // append to it without growing it, as long as the load stays the same).
  size_t bytes, count;
  {
    std::lock_guard lock(mu_);
    bytes = group_bytes_;
    count = group_count_;
  }
  Group next(bytes + bytes / 4, count + count / 4);
  Group group;
  {
    std::lock_guard lock(mu_);
    group = std::exchange(queue_, std::move(next));
    tail_hint_.store(reinterpret_cast<std::uintptr_t>(queue_.text.data() + queue_.text.size()),
                     std::memory_order_relaxed);
    generation = generation_;
    ++in_flight_;
    if (!group.empty()) {
      group_bytes_ = group.text.size();
      group_count_ = group.size();
    }
  }
  space_.notify_all();
  Status st = CommitGroup(std::move(group), generation);
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
  // The rows' texts, held for ReadAfter once committed (by their last sequence number).
  std::vector<std::pair<uint64_t, Held>> held;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_) return Ok();  // built before an admin reset: dropped
    for (Pending& p : rows) {
      uint64_t seq = next_seq_++;
      last = seq;
      newest_ms_ = std::max(newest_ms_, p.event_time_ms);
      oldest_ms_ = std::min(oldest_ms_, p.event_time_ms);
      // Every row up to this one is at most as new as its high water mark (Lookup relies on it).
      const auto hwm = static_cast<uint64_t>(std::max<int64_t>(newest_ms_, 0));
      if (p.row.size() >= 1 + kHwmDigits && p.row[0] == kRowFormat)
        WriteHex16(p.row.data() + 1, hwm);
      held.push_back({seq, {seq, std::make_shared<const std::string>(p.row)}});
      writes.push_back({std::string(kJournalTable), Hex16(seq), std::move(p.row)});
    }
  }
  Status st = store_.Apply(writes);
  if (st.ok()) {
    store_.AfterCommit([this, last, generation, held = std::move(held)](bool committed) mutable {
      if (committed) Published(last, generation, std::move(held));
    });
  }
  return st;
}

Status Journal::CommitGroup(Group group, uint64_t generation) {
  const size_t count = group.size();
  if (count == 0) return Ok();
  std::unique_ptr<store::Transaction> txn = store_.Begin();
  uint64_t last = 0;
  int64_t newest = 0;  // the journal's newest event time before this group
  {
    // Only the numbers under the lock: the rows (cold memory, written by the request threads)
    // get their high water marks after it, so request threads queueing records do not wait.
    std::lock_guard lock(mu_);
    if (generation != generation_) return Ok();  // built before an admin reset: dropped
    newest = newest_ms_;
    next_seq_ += count;
    last = next_seq_ - 1;
    for (int64_t t : group.times) {
      newest_ms_ = std::max(newest_ms_, t);
      oldest_ms_ = std::min(oldest_ms_, t);
    }
  }
  uint64_t hwm = 0;
  for (size_t i = 0; i < count; ++i) {
    newest = std::max(newest, group.times[i]);
    // Every row up to this one is at most as new as its high water mark (Lookup relies on it).
    hwm = static_cast<uint64_t>(std::max<int64_t>(newest, 0));
    const size_t at = group.starts[i];
    if (at + 1 + kHwmDigits <= group.text.size() && group.text[at] == kRowFormat)
      WriteHex16(group.text.data() + at + 1, hwm);
  }
  std::vector<store::Write> writes;
  // The row's text, held for ReadAfter once committed (by its last sequence number).
  std::vector<std::pair<uint64_t, Held>> held;
  const size_t from =
      count == 1 ? 0 : journal_row::WriteGroupHeader(group.text, Group::kRoom, count);
  if (from == std::string::npos) return InternalFailure("journal: group header too long");
  if (count == 1) {
    // One record: its own row.
    std::string row = group.text.substr(group.starts[0]);
    held.push_back({last, {last, std::make_shared<const std::string>(row)}});
    writes.push_back({std::string(kJournalTable), Hex16(last), std::move(row)});
  } else {
    // One row for the whole group commit, under its last record's sequence number.
    WriteHex16(group.text.data() + from + 1, hwm);
    const std::string_view row = std::string_view(group.text).substr(from);
    std::string packed;
    const bool is_packed = journal_row::Pack(row, packed);
    writes.push_back({std::string(kJournalTable), Hex16(last),
                      is_packed ? std::move(packed) : std::string(row)});
    held.push_back(
        {last,
         {last - count + 1, std::make_shared<const std::string>(std::move(group.text)), from}});
  }
  Status st = store_.Apply(writes);
  if (st.ok()) {
    store_.AfterCommit([this, last, generation, held = std::move(held)](bool committed) mutable {
      if (committed) Published(last, generation, std::move(held));
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
  uint64_t pruned = 0;  // the last row removed
  bool ok = true;
  while (true) {
    std::vector<store::Write> writes;
    std::vector<store::Row> rows = store_.Scan(kJournalTable, "", "", kPruneBatch);
    uint64_t last = 0;
    for (const store::Row& row : rows) {
      std::optional<uint64_t> seq = ParseHex16(row.key);
      int64_t oldest = 0, newest = 0;
      // A group row goes once its newest record is past the horizon.
      if (seq && RowTimes(*seq, row.value, oldest, newest) && newest >= horizon) {
        oldest_kept = oldest;
        break;
      }
      if (seq) last = *seq;
      writes.push_back({std::string(kJournalTable), row.key, std::nullopt});
    }
    const bool more = oldest_kept == INT64_MAX && rows.size() == kPruneBatch;
    if (!writes.empty() && !(ok = store_.Apply(writes).ok())) break;
    pruned = std::max(pruned, last);
    if (!more) break;
  }
  std::lock_guard lock(mu_);
  DropHeldThrough(pruned);
  if (ok) oldest_ms_ = oldest_kept;
}

void Journal::DropHeldThrough(uint64_t seq) const {
  while (!recent_.empty() && recent_.begin()->first <= seq) {
    recent_bytes_ -= recent_.begin()->second.text->size();
    recent_.erase(recent_.begin());
  }
}

void Journal::Published(uint64_t seq, uint64_t generation,
                        std::vector<std::pair<uint64_t, Held>> rows) {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mu_);
    committed_seq_ = std::max(committed_seq_, seq);
    if (generation == generation_) {
      for (auto& [last, row] : rows) {
        const size_t size = row.text->size();
        if (recent_.emplace(last, std::move(row)).second) recent_bytes_ += size;
      }
      while (recent_bytes_ > kRecentBytes) DropHeldThrough(recent_.begin()->first);
    }
    wakes = wakes_;
  }
  for (auto& w : wakes) w();
}

uint64_t Journal::LastSeq() const {
  std::lock_guard lock(mu_);
  return committed_seq_;
}

std::vector<JournalEntry> Journal::ReadAfter(uint64_t seq, size_t limit) const {
  JournalBatch batch;
  ReadAfter(seq, limit, batch);
  std::vector<JournalEntry> out;
  out.reserve(batch.entries.size());
  for (JournalView& v : batch.entries) out.push_back(std::move(v).ToEntry(std::string(v.json)));
  return out;
}

void Journal::ReadAfter(uint64_t seq, size_t limit, JournalBatch& out) const {
  out.entries.clear();
  out.rows.clear();
  out.decoded.clear();
  out.expanded.clear();
  out.held.clear();
  // The view of one record's row, or of its decoded entry (first format).
  auto add = [&out](uint64_t s, std::string_view row) {
    JournalView& v = out.entries.emplace_back();
    if (DecodeView(s, row, v)) return;
    std::optional<JournalEntry> e = DecodeRow(s, row);
    if (!e) {
      out.entries.pop_back();
      return;
    }
    const JournalEntry& d = out.decoded.emplace_back(std::move(*e));
    v.Assign(d);
    v.seq = d.seq;
    v.json = d.json;
  };
  // First the rows still held, as long as each follows on from the one before: a row not held
  // (dropped, or its commit not yet published) and everything after it are read from the store.
  uint64_t next = seq + 1;  // the first sequence number not read yet
  std::vector<std::pair<uint64_t, Held>> held;
  {
    std::lock_guard lock(mu_);
    DropHeldThrough(seq);  // read past
    for (auto it = recent_.begin(); it != recent_.end() && it->second.first <= next; ++it) {
      if (limit != 0 && next - seq - 1 >= limit) break;
      held.emplace_back(it->first, it->second);
      next = it->first + 1;
    }
  }
  out.entries.reserve(next - seq - 1);
  for (auto& [key, row] : held) {
    for (const auto& [member_seq, member] :
         Members(key, std::string_view(*row.text).substr(row.from)))
      if (member_seq > seq) add(member_seq, member);
    out.held.push_back(std::move(row.text));
  }
  // A row's key is the sequence number of its last record, so the row holding seq + 1 is the
  // first after Hex16(seq); every row read adds at least one record. The views point into the
  // rows' strings, which stay where they are when the vector of rows moves.
  std::string after = Hex16(next - 1);
  while (limit == 0 || out.entries.size() < limit) {
    const size_t want = limit == 0 ? 0 : limit - out.entries.size();
    std::vector<store::Row>& rows =
        out.rows.emplace_back(store_.Scan(kJournalTable, "", after, want));
    if (rows.empty()) break;
    size_t records = 0;
    std::vector<std::vector<std::pair<uint64_t, std::string_view>>> members(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      std::optional<uint64_t> s = ParseHex16(rows[i].key);
      if (!s) continue;
      const std::string& value = rows[i].value;
      std::string* storage = !value.empty() && value[0] == journal_row::kRowFormatPacked
                                 ? &out.expanded.emplace_back()
                                 : nullptr;
      members[i] = Members(*s, value, storage);
      records += members[i].size();
    }
    out.entries.reserve(out.entries.size() + records);
    for (const auto& row_members : members) {
      for (const auto& [member_seq, member] : row_members) {
        if (member_seq > seq) add(member_seq, member);
      }
    }
    after = rows.back().key;
    if (limit == 0 || rows.size() < want) break;
  }
  // Records past the limit (of the last group row read) are read again by the next call.
  if (limit != 0 && out.entries.size() > limit) out.entries.resize(limit);
}

void Journal::OnAppend(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wakes_.push_back(std::move(wake));
}

void Journal::Reset() {
  {
    std::lock_guard lock(mu_);
    queue_ = Group();
    tail_hint_.store(0, std::memory_order_relaxed);
    recent_.clear();
    recent_bytes_ = 0;
    ++generation_;
    newest_ms_ = 0;
    oldest_ms_ = INT64_MAX;
  }
  space_.notify_all();
}

}  // namespace orgtrail::events
