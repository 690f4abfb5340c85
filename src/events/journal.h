// The CloudTrail journal (spec/cloudtrail.md §5, §7; docs/cloudtrail-record.md): every recorded
// API call's record(s), durable, in commit order: one row per record of a call that may have
// changed state, one row per group commit of read-only records (docs/persistence.md). Trail
// delivery (S3, CloudWatch Logs, digests) reads the journal by sequence number; LookupEvents reads
// it backwards (docs/persistence.md, "Event history without an index").
//
// Durability (issue: records are durable):
// - The record of a call that is not read-only is written on the request thread inside the
//   store transaction the gateway holds around the call (store::Store::Begin), so it commits
//   together with the call's state change, before the response is sent.
// - Records of read-only calls are built on the request thread and queued (as finished rows) in
//   memory, then committed by a group-commit thread in one store transaction at most every
//   kGroupCommitInterval (well under 100 ms). The queue is bounded: when it is full, Record
//   waits for the group commit (backpressure), so a read-only call must not be recorded by a
//   thread that holds a store transaction.
// - Records older than the event-history horizon (kEventHistoryMillis before the newest record,
//   by the orgtrail clock) are removed after a group commit or Flush (docs/persistence.md).
// Sequence numbers are assigned while the store is locked for the commit, so they increase in
// commit order: a reader that has seen seq N will never later find a committed entry <= N.
// Sequence numbers never repeat within one data directory; a failed commit may leave a gap.
//
// Threads: every method is safe to call from any thread. Wake callbacks (OnAppend) run on the
// committing thread right after a commit, with no lock held; they must not block.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "core/result.h"
#include "events/record.h"
#include "events/selectors.h"
#include "gateway/audit.h"
#include "store/store.h"

namespace orgtrail::events {

inline constexpr std::chrono::milliseconds kGroupCommitInterval{20};
// Text of the rows committed last that the journal holds for ReadAfter, at most: more than
// delivery reads in one CloudWatch Logs interval (500 ms) at ~25,000 records per second (at
// 8 MiB, rows were dropped above ~17,000, and delivery read them back and inflated them).
inline constexpr size_t kRecentBytes = 16 * 1024 * 1024;
inline constexpr int64_t kEventHistoryMillis = 90LL * 24 * 3600 * 1000;  // LookupEvents: 90 days

// One journaled record.
struct JournalEntry : RecordFacts<std::string> {
  uint64_t seq = 0;  // commit order; strictly increasing
  std::string json;  // the CloudTrail record, one line, AWS field order (docs/cloudtrail-record.md)

  SelectorFacts Facts() const;  // for MatchesSelectors
};

// A journaled record read in place (ReadAfter into a JournalBatch): the same facts as a
// JournalEntry, as views into the rows of the batch that read it.
struct JournalView : RecordFacts<std::string_view> {
  uint64_t seq = 0;
  std::string_view json;

  SelectorFacts Facts() const;  // for MatchesSelectors; views into the batch
  // The entry of this view, its fields copied (resources moved) and `json` as its text.
  JournalEntry ToEntry(std::string json) &&;
};

// Records read by ReadAfter without a copy of each: the rows read, and the records' views into
// them (into `held` for rows the journal still held in memory, into `expanded` for packed group
// rows, and into `decoded`, entries of rows of the first format).
struct JournalBatch {
  std::vector<JournalView> entries;
  std::vector<std::shared_ptr<const std::string>> held;
  std::vector<std::vector<store::Row>> rows;
  std::deque<JournalEntry> decoded;
  std::deque<std::string> expanded;  // packed group rows, inflated
};

// LookupEvents' query over one account and region (spec §7), already validated.
struct LookupQuery {
  std::string account_id;
  std::string region;
  std::string attribute_key;  // "" or EventId, EventName, ReadOnly, Username, ResourceType,
                              // ResourceName, EventSource, AccessKeyId
  std::string attribute_value;
  int64_t start_ms = 0;  // inclusive
  int64_t end_ms = 0;    // inclusive
  size_t max_results = 50;
  std::string after;  // resume point from the previous page's LookupPage::next ("" = first)
};

struct LookupPage {
  std::vector<JournalEntry> events;  // newest first
  std::string next;                  // "" when there is no further page
};

class Journal {
 public:
  // `store` keeps the journal rows (table ct_journal, docs/persistence.md);
  // `ids` mints the second eventID and the sharedEventID of cross-account calls. Recovers the
  // last sequence number from the store.
  Journal(store::Store& store, IdSource& ids);
  ~Journal();  // Stop()
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Subscribes Record to the audit bus.
  void Attach(gateway::AuditBus& bus);
  // Starts / stops the group-commit thread (Stop commits what is pending). Without the thread
  // (unit tests), read-only records wait for Flush.
  void Start();
  void Stop();

  // Builds the call's record(s) and journals them (see the durability rules above).
  void Record(const gateway::ApiCall& call);
  // Whether data events (spec/cloudtrail.md §5.5) are recorded at all. They reach only trails
  // whose selectors ask for them and never event history, so the CloudTrail service turns this
  // off while no trail has a selector that can select one (at start-up and whenever trails or
  // their selectors change). On until told otherwise.
  void SetRecordDataEvents(bool on) { record_data_events_.store(on, std::memory_order_relaxed); }
  bool RecordsDataEvents() const { return record_data_events_.load(std::memory_order_relaxed); }
  // Commits every queued read-only record now (and waits for a group commit in progress).
  // Must not be called by a thread holding a store transaction.
  Status Flush();

  // The highest committed sequence number (0 when the journal is empty).
  uint64_t LastSeq() const;
  // Committed entries with seq > `seq`, in order, at most `limit`.
  std::vector<JournalEntry> ReadAfter(uint64_t seq, size_t limit) const;
  // The same records, read in place into `out` (replacing what it held). The rows committed
  // last are still held in memory (kRecentBytes at most, group rows unpacked): a reader right
  // behind the commits (delivery) finds them there, without reading and inflating them again.
  // Rows up to `seq` are read past: they are no longer held.
  void ReadAfter(uint64_t seq, size_t limit, JournalBatch& out) const;
  // Registers a callback run after every commit that added entries (must not block).
  void OnAppend(std::function<void()> wake);

  // Event history (management events only, spec §7). Commits pending records first, so a call
  // is visible as soon as it has completed.
  LookupPage Lookup(const LookupQuery& query);

  // The admin reset: drops queued records (the store rows are removed by Store::Clear).
  void Reset();

 private:
  // One finished ct_journal row (its high water mark is filled in by AppendLocked) and its
  // event time (the pruning horizon).
  struct Pending {
    int64_t event_time_ms = 0;
    std::string row;
  };
  // Read-only records waiting for the group commit, already written as the members of the group
  // row that will hold them (journal_row.h), after room for its header: a request thread appends
  // its finished row while the row is still in its cache, and the group commit writes the
  // header in front and commits the text as it is, without gathering the records' rows.
  struct Group {
    static constexpr size_t kRoom = 32;  // for the group row's header
    // An empty group with room for about `bytes` of rows and `count` records.
    explicit Group(size_t bytes = 0, size_t count = 0);
    size_t size() const { return starts.size(); }
    bool empty() const { return starts.empty(); }
    void Add(int64_t event_time_ms, std::string_view row);

    std::string text;            // kRoom bytes, then each record's row as a field
    std::vector<size_t> starts;  // where each record's row starts in `text`
    std::vector<int64_t> times;  // each record's event time
  };
  // Writes rows of calls that may have changed state (assigning their sequence numbers) in
  // this thread's store transaction, one row each. Dropped when `generation` is not current
  // (built before an admin reset).
  Status AppendLocked(std::vector<Pending> rows, uint64_t generation);
  // Commits a group of read-only records as one row (keyed by the last one's sequence number;
  // a single record as its own row), likewise.
  Status CommitGroup(Group group, uint64_t generation);
  // A committed row's text as ReadAfter reads it (from `from` on): its records are `first`..the
  // key it is held under in `recent_`.
  struct Held {
    uint64_t first = 0;
    std::shared_ptr<const std::string> text;
    size_t from = 0;
  };
  // Holds committed rows for ReadAfter (dropping the oldest beyond kRecentBytes), then wakes.
  void Published(uint64_t seq, uint64_t generation, std::vector<std::pair<uint64_t, Held>> rows);
  // Drops the held rows whose records are all at or before `seq` (mu_ held).
  void DropHeldThrough(uint64_t seq) const;
  void RunGroupCommit();
  // Removes the records older than the event-history horizon, when there are any.
  void MaybePrune();
  void Prune();

  store::Store& store_;
  IdSource& ids_;
  std::atomic<bool> record_data_events_{true};

  // Lock order: the store (Store::Begin), then mu_; never the other way round.
  mutable std::mutex mu_;  // guards everything below
  uint64_t next_seq_ = 1;
  uint64_t committed_seq_ = 0;
  std::atomic<uint64_t> generation_{0};  // bumped by Reset (under mu_); read without it by Record
  int in_flight_ = 0;                    // Flush calls between taking the queue and committing
  std::condition_variable flushed_;
  int64_t newest_ms_ = 0;          // the newest event time journaled (the pruning horizon)
  int64_t oldest_ms_ = INT64_MAX;  // the oldest event time kept (INT64_MAX: none known)
  Group queue_;                    // read-only records waiting for the group commit
  // The end of queue_'s text when it last changed: where the next row will most likely go,
  // prefetched by a request thread before it builds its record (only an address: never read).
  std::atomic<std::uintptr_t> tail_hint_{0};
  size_t group_bytes_ = 0;         // the text of the last group committed (room for the next)
  size_t group_count_ = 0;         // and its records
  std::condition_variable space_;  // the queue has room again
  std::vector<std::function<void()>> wakes_;
  // Rows committed last, by their last record's sequence number, kRecentBytes of text at most
  // (ReadAfter drops the rows it reads past).
  mutable std::map<uint64_t, Held> recent_;
  mutable size_t recent_bytes_ = 0;
  bool stop_ = false;
  bool running_ = false;  // the group-commit thread runs
  std::condition_variable cv_;
  std::thread flusher_;
};

}  // namespace orgtrail::events
