// The SQLite store (docs/persistence.md). One writing connection, guarded by one mutex `mu_` that
// a transaction holds from Begin to its commit, and a pool of read connections used by the
// threads that hold no transaction: their reads never wait for the writer (WAL gives each
// statement the last committed snapshot). Every statement is prepared once per connection. The
// row cache holds committed values only: the writes of the open transaction are kept in its
// overlay (Pending) and applied to the cache when it commits. WAL journal with synchronous=NORMAL:
// a transaction is in the WAL file (the operating system's page cache) when COMMIT returns, so it
// survives the process being killed; only a power loss or kernel crash can drop the last commits
// (https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous).
//
// Values of kOutOfLine bytes or more are kept out of line, in table `big` (a rowid table), and
// `rows` holds the integer id of that row instead: `rows` is WITHOUT ROWID, so its B-tree (interior
// pages included) holds whole records, and SQLite reads a record that overflows its page in full
// each time a search compares a key with it. Large values there made every search near them copy
// them (docs/persistence.md).
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/row_cache.h"
#include "store/sqlite_checkpointer.h"
#include "store/sqlite_internal.h"
#include "store/sqlite_reads.h"
#include "store/store.h"

namespace orgtrail::store {
namespace {

using sqlite_internal::CheckpointCounts;
using sqlite_internal::Checkpointer;
using sqlite_internal::CheckpointOptions;
using sqlite_internal::kScanSql;
using sqlite_internal::Pending;
using sqlite_internal::ReadConn;
using sqlite_internal::ReadRowFrom;
using sqlite_internal::ReadValue;
using sqlite_internal::RowCache;
using sqlite_internal::ScanRows;
using sqlite_internal::ScanSeq;
using sqlite_internal::SeqOfKey;
using sqlite_internal::Slice;
using sqlite_internal::Stmt;
using sqlite_internal::Use;

constexpr int kBusyTimeoutMs = 5000;
// With 4 KiB pages a record of `rows` overflows beyond about 1,000 bytes (the largest local
// payload of an index B-tree cell); 800 bytes of value leave room for the table name and key.
constexpr size_t kOutOfLine = 800;
// The cache holds only inline values (WriteRow relies on it).
static_assert(RowCache::kMaxValue <= kOutOfLine);

// Writes of an existing key are upserts, not INSERT OR REPLACE: REPLACE deletes the old record
// and inserts the new one, which rebalances the leaf with its neighbours and changes the free
// list in page 1 (3.4 pages written for a 1 KiB blob); the upsert's UPDATE rewrites the record
// where it is (one leaf, two pages for a blob; one for a small row).
constexpr const char* kPutRowSql =
    "INSERT INTO rows(tbl, key, value) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(tbl, key) DO UPDATE SET value = excluded.value";
constexpr const char* kPutBlobSql =
    "INSERT INTO blobs(id, data) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE SET data = excluded.data";

class SqliteStore final : public Store, public InlineBlobs {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override {
    idle_.clear();          // the read connections close first,
    checkpointer_.reset();  // then the checkpointer's: the writer's close is the last one
    // Statements first, then the connection (the last close checkpoints the WAL).
    for (Stmt* st : {&get_, &put_, &del_, &clear_, &begin_, &commit_, &rollback_, &savepoint_,
                     &release_, &rollback_to_, &blob_get_, &blob_put_, &blob_del_, &blob_size_,
                     &blob_clear_, &big_put_, &big_update_, &big_del_, &big_clear_}) {
      st->Finalize();
    }
    for (Stmt& st : scan_) st.Finalize();
    seq_.clear();
    sqlite3_close_v2(db_);
  }

  // Opens the database, sets the pragmas, creates or checks the schema and prepares statements.
  Status Open(const std::string& dir, const CheckpointOptions& checkpoints) {
    int rc =
        sqlite3_open_v2(path_.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return Unusable(dir);
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    ORGTRAIL_CHECK(sqlite_internal::ConfigureConnection(db_, dir));
    if (!Exec("BEGIN IMMEDIATE")) return Unusable(dir);
    Status st = InitSchema(dir);
    if (!st.ok()) {
      Exec("ROLLBACK");
      return st;
    }
    if (!Exec("COMMIT")) return Unusable(dir);
    if (Prepare(get_, "SELECT value FROM rows WHERE tbl = ?1 AND key = ?2") != SQLITE_OK ||
        Prepare(put_, kPutRowSql) != SQLITE_OK ||
        Prepare(del_, "DELETE FROM rows WHERE tbl = ?1 AND key = ?2") != SQLITE_OK ||
        Prepare(clear_, "DELETE FROM rows") != SQLITE_OK ||
        Prepare(begin_, "BEGIN IMMEDIATE") != SQLITE_OK ||
        Prepare(commit_, "COMMIT") != SQLITE_OK || Prepare(rollback_, "ROLLBACK") != SQLITE_OK ||
        Prepare(savepoint_, "SAVEPOINT apply") != SQLITE_OK ||
        Prepare(release_, "RELEASE apply") != SQLITE_OK ||
        Prepare(rollback_to_, "ROLLBACK TO apply") != SQLITE_OK ||
        Prepare(blob_get_, "SELECT data FROM blobs WHERE id = ?1") != SQLITE_OK ||
        Prepare(blob_put_, kPutBlobSql) != SQLITE_OK ||
        Prepare(blob_del_, "DELETE FROM blobs WHERE id = ?1") != SQLITE_OK ||
        Prepare(blob_size_, "SELECT length(data) FROM blobs WHERE id = ?1") != SQLITE_OK ||
        Prepare(blob_clear_, "DELETE FROM blobs") != SQLITE_OK ||
        Prepare(big_put_, "INSERT INTO big(value) VALUES(?1)") != SQLITE_OK ||
        Prepare(big_update_, "UPDATE big SET value = ?2 WHERE id = ?1") != SQLITE_OK ||
        Prepare(big_del_, "DELETE FROM big WHERE id = ?1") != SQLITE_OK ||
        Prepare(big_clear_, "DELETE FROM big") != SQLITE_OK) {
      return Unusable(dir);
    }
    for (int i = 0; i < 4; ++i) {
      if (Prepare(scan_[i], kScanSql[i]) != SQLITE_OK) return Unusable(dir);
    }
    // Checkpoints (copying the WAL into the database, with an fsync of each) run on a thread of
    // their own, not inside a commit holding the store (sqlite_checkpointer.h).
    auto checkpointer = Checkpointer::Start(path_, db_, mu_, checkpoints);
    if (!checkpointer.ok()) return checkpointer.error();
    checkpointer_ = std::move(checkpointer).value();
    return Ok();
  }

  CheckpointCounts Checkpoints() const { return checkpointer_->Counts(); }
  void SetReadHook(std::function<void()> hook) { read_hook_ = std::move(hook); }

  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    std::string out;
    if (!GetInto(table, key, out)) return std::nullopt;
    return out;
  }

  bool GetInto(std::string_view table, std::string_view key, std::string& out) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      return WriterGetInto(table, key, out);
    }
    uint64_t version = 0;
    bool seq = false;
    {
      std::lock_guard lock(cache_mu_);
      if (seq_names_.find(table) != seq_names_.end()) {
        seq = true;
      } else if (const std::optional<std::string>* hit = cache_.FindRow(table, key)) {
        if (*hit) out.assign(**hit);
        return hit->has_value();
      }
      version = commits_;
    }
    std::unique_ptr<ReadConn> c = Acquire();
    int found = -1;  // 1: found, 0: no such row, -1: not read
    if (c && seq) {
      std::optional<int64_t> n = SeqOfKey(key);
      if (!n) {
        found = 0;
      } else if (ReadConn::SeqStmts* t = c->Seq(table)) {
        Use q(t->get);
        q.Int(1, *n);
        int rc = q.Step();
        if (rc == SQLITE_ROW) q.ColumnInto(0, out);
        found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
      }
    } else if (c) {
      found = ReadRowFrom(c->db, c->get, table, key, out);
    }
    Release(std::move(c));
    if (found < 0) {  // no read connection: read with the writer's
      std::lock_guard lock(mu_);
      return WriterGetInto(table, key, out);
    }
    if (read_hook_) read_hook_();
    if (!seq) {
      std::lock_guard lock(cache_mu_);
      if (commits_ == version) {
        cache_.PutRow(table, key, found ? std::optional<std::string_view>(out) : std::nullopt);
      }
    }
    return found == 1;
  }

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
      owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
      if (!Run(begin_).ok()) failed_ = true;
    }
    return std::make_unique<Scope>(*this);
  }

  void AfterCommit(std::function<void(bool)> fn) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      after_.push_back(std::move(fn));
      return;
    }
    fn(true);
  }

  std::vector<Row> Scan(std::string_view table, std::string_view prefix, std::string_view after,
                        size_t limit) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      return WriterScan(table, prefix, after, limit);
    }
    uint64_t version = 0;
    bool seq = false;
    {
      std::lock_guard lock(cache_mu_);
      if (seq_names_.find(table) != seq_names_.end()) {
        seq = true;
      } else if (const std::vector<Row>* hit = cache_.FindScan(table, prefix, after, limit)) {
        return *hit;
      }
      version = commits_;
    }
    std::vector<Row> rows;
    std::unique_ptr<ReadConn> c = Acquire();
    bool ok = false;
    if (c && seq) {
      if (ReadConn::SeqStmts* t = c->Seq(table)) ok = ScanSeq(t->scan, prefix, after, limit, rows);
    } else if (c) {
      ok = ScanRows(c->db, c->scan, table, prefix, after, limit, rows);
    }
    Release(std::move(c));
    if (!ok) {
      std::lock_guard lock(mu_);
      return WriterScan(table, prefix, after, limit);
    }
    if (read_hook_) read_hook_();
    if (!seq) {
      std::lock_guard lock(cache_mu_);
      if (commits_ == version) cache_.PutScan(table, prefix, after, limit, rows);
    }
    return rows;
  }

  Status Clear() override {
    std::lock_guard lock(mu_);
    Status st = Atomic([&]() -> Status {
      pending_.all = true;
      if (Status cleared = Run(clear_); !cleared.ok()) return cleared;
      if (Status cleared = Run(blob_clear_); !cleared.ok()) return cleared;
      for (auto& [name, t] : seq_) {
        if (Status cleared = Run(t->clear); !cleared.ok()) return cleared;
      }
      return Run(big_clear_);
    });
    if (!st.ok()) return st;
    blobs_->Clear();
    return Ok();
  }

  // A table "seq_<name>"(seq INTEGER PRIMARY KEY, value BLOB NOT NULL) per sequence table,
  // created on its first declaration; rows of `name` still in `rows` (written by schema versions
  // 1 to 3) are moved into it in one transaction.
  Status DeclareSequenceTable(std::string_view table) override {
    std::lock_guard lock(mu_);
    if (Seq(table) != nullptr) return Ok();
    if (table.empty() || !std::all_of(table.begin(), table.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      return InternalFailure("store: bad sequence table name " + std::string(table));
    const std::string name = "seq_" + std::string(table);
    if (!Exec(("CREATE TABLE IF NOT EXISTS " + name +
               "(seq INTEGER PRIMARY KEY, value BLOB NOT NULL)")
                  .c_str()))
      return Failed();
    auto t = std::make_unique<SeqTable>();
    if (Prepare(t->get, ("SELECT value FROM " + name + " WHERE seq = ?1").c_str()) != SQLITE_OK ||
        Prepare(t->put,
                ("INSERT OR REPLACE INTO " + name + "(seq, value) VALUES(?1, ?2)").c_str()) !=
            SQLITE_OK ||
        Prepare(t->del, ("DELETE FROM " + name + " WHERE seq = ?1").c_str()) != SQLITE_OK ||
        Prepare(t->clear, ("DELETE FROM " + name).c_str()) != SQLITE_OK ||
        Prepare(t->scan, ("SELECT seq, value FROM " + name +
                          " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3")
                             .c_str()) != SQLITE_OK)
      return Failed();
    // Move the rows written before, keeping any that are not sequence numbers where they are.
    Stmt old;
    if (Prepare(old, "SELECT key, value FROM rows WHERE tbl = ?1") != SQLITE_OK) return Failed();
    Status st = Atomic([&]() -> Status {
      pending_.all = true;
      std::vector<std::string> moved;
      {
        Use q(old);
        q.Text(1, table);
        std::string value;
        while (q.Step() == SQLITE_ROW) {
          std::string key = q.Column(0);
          std::optional<int64_t> seq = SeqOfKey(key);
          if (!seq || !ReadValue(db_, q, 1, value)) continue;
          Use put(t->put);
          put.Int(1, *seq).Blob(2, value);
          if (put.Step() != SQLITE_DONE) return Failed();
          moved.push_back(std::move(key));
        }
      }
      for (const std::string& key : moved) {
        if (Status removed = WriteRow(table, key, std::nullopt); !removed.ok()) return removed;
      }
      return Ok();
    });
    if (!st.ok()) return st;
    {
      std::lock_guard cache_lock(cache_mu_);
      seq_names_.emplace(table);
      cache_.Clear();
      ++commits_;
    }
    seq_.emplace(std::string(table), std::move(t));
    return Ok();
  }

  BlobStore& Blobs() override { return *blobs_; }
  void SetBlobs(std::unique_ptr<BlobStore> blobs) { blobs_ = std::move(blobs); }

  std::string_view Kind() const override { return "sqlite"; }

  // InlineBlobs: the `blobs` table, in this thread's transaction when it holds one.
  Status PutInline(std::string_view id, std::string_view data) override {
    std::lock_guard lock(mu_);
    Use q(blob_put_);
    q.Text(1, id).Blob(2, data);
    const bool ok = q.Step() == SQLITE_DONE;
    pending_.Blob(id, data, ok);
    if (depth_ == 0) Publish();  // a statement of its own: committed
    return ok ? Ok() : Failed();
  }

  bool ReadInline(std::string_view id, uint64_t offset, uint64_t length,
                  std::string& out) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      return WriterReadInline(id, offset, length, out);
    }
    uint64_t version = 0;
    {
      std::lock_guard lock(cache_mu_);
      if (const std::string* hit = cache_.FindBlob(id)) {
        Slice(*hit, offset, length, out);
        return true;
      }
      version = commits_;
    }
    std::unique_ptr<ReadConn> c = Acquire();
    if (!c) {
      std::lock_guard lock(mu_);
      return WriterReadInline(id, offset, length, out);
    }
    bool found = false;
    {
      Use q(c->blob_get);
      q.Text(1, id);
      if (q.Step() == SQLITE_ROW) {
        found = true;
        std::string_view data = q.ColumnView(0);
        Slice(data, offset, length, out);
        if (read_hook_) read_hook_();
        std::lock_guard lock(cache_mu_);
        if (commits_ == version) cache_.PutBlob(id, data);
      }
    }
    Release(std::move(c));
    return found;
  }

  std::optional<uint64_t> InlineSize(std::string_view id) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      return WriterInlineSize(id);
    }
    {
      std::lock_guard lock(cache_mu_);
      if (const std::string* hit = cache_.FindBlob(id)) return hit->size();
    }
    std::unique_ptr<ReadConn> c = Acquire();
    if (!c) {
      std::lock_guard lock(mu_);
      return WriterInlineSize(id);
    }
    std::optional<uint64_t> size;
    {
      Use q(c->blob_size);
      q.Text(1, id);
      if (q.Step() == SQLITE_ROW) size = static_cast<uint64_t>(q.ColumnInt(0));
    }
    Release(std::move(c));
    return size;
  }

  bool RemoveInline(std::string_view id) override {
    std::lock_guard lock(mu_);
    Use q(blob_del_);
    q.Text(1, id);
    const bool ok = q.Step() == SQLITE_DONE;
    pending_.Blob(id, std::nullopt, ok);
    if (depth_ == 0) Publish();
    return ok && sqlite3_changes(db_) > 0;
  }

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
                  std::optional<std::string_view> value) {
    SeqTable* t = Seq(table);
    if (t == nullptr) return WriteRow(table, key, value);
    std::optional<int64_t> seq = SeqOfKey(key);
    if (!seq) {
      if (!value) return Ok();  // no such row
      return InternalFailure("store: key " + std::string(key) + " of sequence table " +
                             std::string(table) + " is not 16 lower-case hex digits");
    }
    Use q(value ? t->put : t->del);
    q.Int(1, *seq);
    if (value) q.Blob(2, *value);
    return q.Step() == SQLITE_DONE ? Ok() : Failed();
  }

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
                     std::optional<std::string_view> value) {
    // A row in the cache is absent or small, so held inline: no lookup of its id in `big`.
    std::optional<long long> old;
    if (!KnownInline(table, key)) old = CurrentBigId(table, key);
    if (value && value->size() >= kOutOfLine) {
      long long id = 0;
      if (old) {
        Use q(big_update_);
        q.Int(1, *old).Blob(2, *value);
        if (q.Step() != SQLITE_DONE) return Failed();
        return Ok();  // the row already holds this id
      }
      {
        Use q(big_put_);
        q.Blob(1, *value);
        if (q.Step() != SQLITE_DONE) return Failed();
        id = sqlite3_last_insert_rowid(db_);
      }
      Use q(put_);
      q.Text(1, table).Text(2, key).Int(3, id);
      return q.Step() == SQLITE_DONE ? Ok() : Failed();
    }
    if (old) {
      Use q(big_del_);
      q.Int(1, *old);
      if (q.Step() != SQLITE_DONE) return Failed();
    }
    return value ? Step(put_, table, key, *value) : Step(del_, table, key, std::nullopt);
  }

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
  bool WriterGetInto(std::string_view table, std::string_view key, std::string& out) {
    if (SeqTable* t = Seq(table)) {
      std::optional<int64_t> seq = SeqOfKey(key);
      if (!seq) return false;
      Use q(t->get);
      q.Int(1, *seq);
      if (q.Step() != SQLITE_ROW) return false;
      q.ColumnInto(0, out);
      return true;
    }
    bool fill = !pending_.all;
    if (const Pending::Entry* e = pending_.FindRow(table, key); fill && e != nullptr) {
      if (e->known) {
        if (e->value) out.assign(*e->value);
        return e->value.has_value();
      }
      fill = false;
    } else if (fill) {
      std::lock_guard lock(cache_mu_);
      if (const std::optional<std::string>* hit = cache_.FindRow(table, key)) {
        if (*hit) out.assign(**hit);
        return hit->has_value();
      }
    }
    int found = ReadRowFrom(db_, get_, table, key, out);
    if (fill && found >= 0) {
      std::lock_guard lock(cache_mu_);
      cache_.PutRow(table, key, found ? std::optional<std::string_view>(out) : std::nullopt);
    }
    return found == 1;
  }

  std::vector<Row> WriterScan(std::string_view table, std::string_view prefix,
                              std::string_view after, size_t limit) {
    std::vector<Row> rows;
    if (SeqTable* t = Seq(table)) {
      (void)ScanSeq(t->scan, prefix, after, limit, rows);
      return rows;
    }
    const bool fill = !pending_.all && pending_.tables.find(table) == pending_.tables.end();
    if (fill) {
      std::lock_guard lock(cache_mu_);
      if (const std::vector<Row>* hit = cache_.FindScan(table, prefix, after, limit)) return *hit;
    }
    bool ok = ScanRows(db_, scan_, table, prefix, after, limit, rows);
    if (fill && ok) {
      std::lock_guard lock(cache_mu_);
      cache_.PutScan(table, prefix, after, limit, rows);
    }
    return rows;
  }

  bool WriterReadInline(std::string_view id, uint64_t offset, uint64_t length, std::string& out) {
    bool fill = !pending_.all;
    if (const Pending::Entry* e = pending_.FindBlob(id); fill && e != nullptr) {
      if (e->known) {
        if (!e->value) return false;
        Slice(*e->value, offset, length, out);
        return true;
      }
      fill = false;
    } else if (fill) {
      std::lock_guard lock(cache_mu_);
      if (const std::string* hit = cache_.FindBlob(id)) {
        Slice(*hit, offset, length, out);
        return true;
      }
    }
    Use q(blob_get_);
    q.Text(1, id);
    if (q.Step() != SQLITE_ROW) return false;
    std::string_view data = q.ColumnView(0);
    Slice(data, offset, length, out);
    if (fill) {
      std::lock_guard lock(cache_mu_);
      cache_.PutBlob(id, data);
    }
    return true;
  }

  std::optional<uint64_t> WriterInlineSize(std::string_view id) {
    const bool overlay = !pending_.all;
    if (const Pending::Entry* e = pending_.FindBlob(id); overlay && e != nullptr && e->known) {
      if (!e->value) return std::nullopt;
      return e->value->size();
    }
    if (overlay && pending_.FindBlob(id) == nullptr) {
      std::lock_guard lock(cache_mu_);
      if (const std::string* hit = cache_.FindBlob(id)) return hit->size();
    }
    Use q(blob_size_);
    q.Text(1, id);
    if (q.Step() != SQLITE_ROW) return std::nullopt;
    return static_cast<uint64_t>(q.ColumnInt(0));
  }

  bool OwnsTransaction() const {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }

  // A committed transaction's writes go to the cache, and readers that started before it do
  // not fill the cache with what they read. Holding mu_.
  void Publish() {
    if (pending_.Empty()) return;
    std::lock_guard lock(cache_mu_);
    pending_.ApplyTo(cache_);
    ++commits_;
    pending_.Clear();
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

  // The transaction scope of Begin: the outermost one commits and runs the AfterCommit
  // callbacks once the store is free again.
  class Scope final : public Transaction {
   public:
    explicit Scope(SqliteStore& s) : s_(s) {}
    ~Scope() override { s_.End(); }

   private:
    SqliteStore& s_;
  };

  void End() {
    if (--depth_ > 0) {
      mu_.unlock();
      return;
    }
    bool committed = !failed_ && Run(commit_).ok();
    if (committed) {
      Publish();
    } else {
      (void)Run(rollback_);
      pending_.Clear();
    }
    failed_ = false;
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    std::vector<std::function<void(bool)>> after;
    after.swap(after_);
    mu_.unlock();
    for (auto& fn : after) fn(committed);
  }

  const std::string path_;
  // Recursive: a thread holding a transaction (Begin) keeps the lock across its calls.
  std::recursive_mutex mu_;
  int depth_ = 0;        // nesting of Begin on the thread holding mu_
  bool failed_ = false;  // BEGIN failed: the outermost scope does not commit
  std::vector<std::function<void(bool)>> after_;
  sqlite3* db_ = nullptr;
  Stmt get_, put_, del_, clear_, begin_, commit_, rollback_, savepoint_, release_, rollback_to_;
  Stmt blob_get_, blob_put_, blob_del_, blob_size_, blob_clear_;
  Stmt big_put_, big_update_, big_del_, big_clear_;
  Stmt scan_[4];
  std::map<std::string, std::unique_ptr<SeqTable>, std::less<>> seq_;  // declared sequence tables
  std::unique_ptr<BlobStore> blobs_;
  Pending pending_;                       // guarded by mu_
  std::atomic<std::thread::id> owner_{};  // the thread holding the transaction (Begin)
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

}  // namespace

namespace sqlite_internal {

CheckpointCounts CheckpointsOf(Store& store) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->Checkpoints() : CheckpointCounts{};
}

void SetReadHook(Store& store, std::function<void()> hook) {
  if (auto* s = dynamic_cast<SqliteStore*>(&store)) s->SetReadHook(std::move(hook));
}

Result<std::unique_ptr<Store>> OpenSqliteStoreWith(const std::string& dir,
                                                   const CheckpointOptions& options) {
  auto unusable = [&dir](std::string why) -> AwsError {
    if (!why.empty() && why[0] >= 'A' && why[0] <= 'Z') why[0] = static_cast<char>(why[0] + 32);
    return AwsError("StoreUnusable", "data directory " + dir + " is not usable: " + why);
  };
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unusable(ec.message());
  if (!std::filesystem::is_directory(dir, ec)) return unusable("not a directory");
  auto store = std::make_unique<SqliteStore>((std::filesystem::path(dir) / "orgtrail.db").string());
  ORGTRAIL_CHECK(store->Open(dir, options));
  auto blobs = OpenDiskBlobStore((std::filesystem::path(dir) / "objects").string(), store.get());
  if (!blobs.ok()) return unusable(blobs.error().message);
  store->SetBlobs(std::move(blobs).value());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sqlite_internal

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir) {
  return sqlite_internal::OpenSqliteStoreWith(dir, {});
}

}  // namespace orgtrail::store
