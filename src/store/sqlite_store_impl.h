// The SQLite store's class (docs/persistence.md; the design is described at the head of
// sqlite_store.cc): rows, transactions and sequence tables are defined in sqlite_store.cc, the
// inline blobs (InlineBlobs: the `blobs` table) in sqlite_inline_blobs.cc. Internal to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/row_cache.h"
#include "store/sqlite_checkpointer.h"
#include "store/sqlite_internal.h"
#include "store/sqlite_reads.h"
#include "store/store.h"
#include "store/transaction_owner.h"

namespace orgtrail::store::sqlite_internal {

inline constexpr int kBusyTimeoutMs = 5000;

class SqliteStore final : public Store, public InlineBlobs {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override;

  // Opens the database, sets the pragmas, creates or checks the schema and prepares statements.
  Status Open(const std::string& dir, const CheckpointOptions& checkpoints);

  CheckpointCounts Checkpoints() const { return checkpointer_->Counts(); }
  void SetReadHook(std::function<void()> hook) { read_hook_ = std::move(hook); }

  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    std::string out;
    if (!GetInto(table, key, out)) return std::nullopt;
    return out;
  }

  bool GetInto(std::string_view table, std::string_view key, std::string& out) override;

  Status Put(std::string_view table, std::string_view key, std::string_view value) override {
    std::lock_guard lock(mu_);
    return Atomic([&] { return WriteOne(table, key, value); });
  }

  Status Delete(std::string_view table, std::string_view key) override {
    std::lock_guard lock(mu_);
    return Atomic([&] { return WriteOne(table, key, std::nullopt); });
  }

  Status Apply(const std::vector<Write>& writes) override {
    std::lock_guard lock(mu_);
    return Atomic([&]() -> Status {
      for (const Write& w : writes) {
        Status st =
            w.value ? WriteOne(w.table, w.key, *w.value) : WriteOne(w.table, w.key, std::nullopt);
        if (!st.ok()) return st;
      }
      return Ok();
    });
  }

  std::unique_ptr<Transaction> Begin() override {
    mu_.lock();  // released by the scope's destructor
    if (depth_++ == 0) {
      tx_.Take();
      if (!Run(begin_).ok()) failed_ = true;
    }
    return std::make_unique<EndingScope<SqliteStore>>(*this);
  }

  void AfterCommit(std::function<void(bool)> fn) override { tx_.AfterCommit(mu_, std::move(fn)); }

  // The end of one level of Begin (EndingScope): the outermost commits and runs the AfterCommit
  // callbacks once the store is free again.
  void End();

  std::vector<Row> Scan(std::string_view table, std::string_view prefix, std::string_view after,
                        size_t limit) override;

  Status Clear() override;

  // A table "seq_<name>"(seq INTEGER PRIMARY KEY, value BLOB NOT NULL) per sequence table,
  // created on its first declaration; rows of `name` still in `rows` (written by schema versions
  // 1 to 3) are moved into it in one transaction.
  Status DeclareSequenceTable(std::string_view table) override;

  BlobStore& Blobs() override { return *blobs_; }
  void SetBlobs(std::unique_ptr<BlobStore> blobs) { blobs_ = std::move(blobs); }
  AppendFiles& Files() override { return *files_; }
  // Before Open: the checkpointer syncs these files before each checkpoint.
  void SetFiles(std::unique_ptr<AppendFiles> files) { files_ = std::move(files); }

  std::string_view Kind() const override { return "sqlite"; }

  // InlineBlobs: the `blobs` table, in this thread's transaction when it holds one.
  Status PutInline(std::string_view id, std::string_view data) override;

  bool ReadInline(std::string_view id, uint64_t offset, uint64_t length, std::string& out) override;

  std::optional<uint64_t> InlineSize(std::string_view id) override;

  bool RemoveInline(std::string_view id) override;

 private:
  Status InitSchema(const std::string& dir) { return sqlite_internal::InitSchema(db_, path_, dir); }

  int Prepare(Stmt& s, const char* sql) { return s.Prepare(db_, sql); }

  bool Exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  Status Unusable(const std::string& dir) const {
    const char* why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    return AwsError("StoreUnusable", "data directory " + dir + " is not usable: " + why);
  }

  Status Failed() const { return InternalFailure(std::string("store: ") + sqlite3_errmsg(db_)); }

  // Runs a statement without parameters or rows (BEGIN, COMMIT, DELETE FROM rows).
  Status Run(const Stmt& s) {
    Use q(s);
    return q.Step() == SQLITE_DONE ? Ok() : Failed();
  }

  struct SeqTable {
    Stmt get, put, del, clear, scan;
  };

  SeqTable* Seq(std::string_view table) {
    if (seq_.empty()) return nullptr;
    auto it = seq_.find(table);
    return it == seq_.end() ? nullptr : it->second.get();
  }

  // Puts (with a value) or deletes (without) one row, in a sequence table or in `rows`.
  Status WriteOne(std::string_view table, std::string_view key,
                  std::optional<std::string_view> value);

  // Runs put_ (with a value) or del_ (without).
  Status Step(const Stmt& s, std::string_view table, std::string_view key,
              std::optional<std::string_view> value) {
    Use q(s);
    q.Text(1, table).Text(2, key);
    if (value) q.Blob(3, *value);
    return q.Step() == SQLITE_DONE ? Ok() : Failed();
  }

  // Runs `fn` all-or-nothing: outside a transaction as BEGIN ... COMMIT; inside this thread's
  // transaction as a savepoint, so the batch stays atomic without ending the transaction.
  template <typename Fn>
  Status Atomic(Fn&& fn) {
    const bool nested = depth_ > 0;
    if (Status st = Run(nested ? savepoint_ : begin_); !st.ok()) return st;
    Status st = fn();
    if (st.ok()) st = Run(nested ? release_ : commit_);
    if (!st.ok()) {
      if (nested) {
        (void)Run(rollback_to_);
        (void)Run(release_);
        pending_.Forget();  // what the savepoint wrote is undone
      } else {
        (void)Run(rollback_);
        pending_.Clear();
      }
    } else if (!nested) {
      Publish();
    }
    return st;
  }

  // The id in `big` of the current value of (table, key), if it is out of line.
  std::optional<long long> CurrentBigId(std::string_view table, std::string_view key) {
    Use q(get_);
    q.Text(1, table).Text(2, key);
    if (q.Step() != SQLITE_ROW) return std::nullopt;
    return q.BigId(0);
  }

  // Puts (value) or deletes (no value) one row; a large value goes to `big`, reusing the row
  // of the value it replaces, and an out-of-line value replaced by a small one or deleted is
  // removed from `big`. Runs inside a transaction or savepoint held by the caller, or alone.
  Status WriteRow(std::string_view table, std::string_view key,
                  std::optional<std::string_view> value) {
    Status st = WriteRowSql(table, key, value);
    pending_.Row(table, key, value, st.ok());
    return st;
  }
  Status WriteRowSql(std::string_view table, std::string_view key,
                     std::optional<std::string_view> value);

  // Whether the current value of (table, key) is known to be absent or small (held inline): it
  // is in the overlay, or (not written in this transaction) in the cache of committed values.
  bool KnownInline(std::string_view table, std::string_view key) {
    if (pending_.all) return false;
    if (const Pending::Entry* e = pending_.FindRow(table, key)) return e->known;
    std::lock_guard lock(cache_mu_);
    return cache_.FindRow(table, key) != nullptr;
  }

  // Reads with the writer's connection, holding mu_: by the thread holding the transaction
  // (through its overlay), or by any thread when no read connection can be had. No other
  // commit can land meanwhile, so what is read of a row not written in the transaction is its
  // committed value and may go to the cache.
  bool WriterGetInto(std::string_view table, std::string_view key, std::string& out);

  std::vector<Row> WriterScan(std::string_view table, std::string_view prefix,
                              std::string_view after, size_t limit);

  bool WriterReadInline(std::string_view id, uint64_t offset, uint64_t length, std::string& out);

  std::optional<uint64_t> WriterInlineSize(std::string_view id);

  bool OwnsTransaction() const { return tx_.HeldByThisThread(); }

  // A committed transaction's writes go to the cache, and readers that started before it do
  // not fill the cache with what they read. Holding mu_.
  void Publish() {
    if (pending_.Empty()) return;
    std::lock_guard lock(cache_mu_);
    pending_.ApplyTo(cache_);
    ++commits_;
    pending_.Clear();
  }

  // The writer's connection for a read by a thread without a transaction, when no other thread
  // holds it (so no transaction is open): an idle store then opens no read connection (idle
  // RSS), and under load readers take their own. Not taken while a test watches the read
  // connections (SetReadHook).
  std::unique_lock<std::recursive_mutex> IdleWriter() {
    if (read_hook_) return {};
    return std::unique_lock<std::recursive_mutex>(mu_, std::try_to_lock);
  }

  // A read connection for this thread's next statement (nullptr if none can be opened), given
  // back with Release.
  std::unique_ptr<ReadConn> Acquire() {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        std::unique_ptr<ReadConn> c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return ReadConn::Open(path_, kBusyTimeoutMs);
  }

  void Release(std::unique_ptr<ReadConn> c) {
    if (!c) return;
    std::lock_guard lock(pool_mu_);
    idle_.push_back(std::move(c));
  }

  const std::string path_;
  // Recursive: a thread holding a transaction (Begin) keeps the lock across its calls.
  std::recursive_mutex mu_;
  int depth_ = 0;        // nesting of Begin on the thread holding mu_
  bool failed_ = false;  // BEGIN failed: the outermost scope does not commit
  sqlite3* db_ = nullptr;
  Stmt get_, put_, del_, clear_, begin_, commit_, rollback_, savepoint_, release_, rollback_to_;
  Stmt blob_get_, blob_put_, blob_del_, blob_size_, blob_clear_;
  Stmt big_put_, big_update_, big_del_, big_clear_;
  Stmt scan_[4];
  std::map<std::string, std::unique_ptr<SeqTable>, std::less<>> seq_;  // declared sequence tables
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<AppendFiles> files_;
  Pending pending_;      // guarded by mu_
  TransactionOwner tx_;  // the thread holding the transaction (Begin), its AfterCommit callbacks
  // The cache of committed values, the number of commits published to it (a read that
  // overlaps one does not fill the cache) and the names of the sequence tables.
  std::mutex cache_mu_;
  RowCache cache_;
  uint64_t commits_ = 0;
  std::set<std::string, std::less<>> seq_names_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<ReadConn>> idle_;  // read connections not in use
  std::function<void()> read_hook_;              // tests: after a read, before the fill
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace orgtrail::store::sqlite_internal
