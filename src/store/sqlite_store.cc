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
#include <filesystem>
#include <string>
#include <system_error>

#include "store/sqlite_store_impl.h"

namespace orgtrail::store::sqlite_internal {
namespace {

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

}  // namespace

SqliteStore::~SqliteStore() {
  idle_.clear();          // the read connections close first,
  checkpointer_.reset();  // then the checkpointer's: the writer's close is the last one
  // The close checkpoints the WAL: the append files its rows refer to are synced first.
  if (files_) (void)files_->Sync();
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

Status SqliteStore::Open(const std::string& dir, const CheckpointOptions& checkpoints) {
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
      Prepare(begin_, "BEGIN IMMEDIATE") != SQLITE_OK || Prepare(commit_, "COMMIT") != SQLITE_OK ||
      Prepare(rollback_, "ROLLBACK") != SQLITE_OK ||
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
  auto checkpointer = Checkpointer::Start(path_, db_, mu_, checkpoints, files_.get());
  if (!checkpointer.ok()) return checkpointer.error();
  checkpointer_ = std::move(checkpointer).value();
  return Ok();
}

bool SqliteStore::GetInto(std::string_view table, std::string_view key, std::string& out) {
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
  if (auto idle = IdleWriter(); idle.owns_lock()) return WriterGetInto(table, key, out);
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

std::vector<Row> SqliteStore::Scan(std::string_view table, std::string_view prefix,
                                   std::string_view after, size_t limit) {
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
  if (auto idle = IdleWriter(); idle.owns_lock()) return WriterScan(table, prefix, after, limit);
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

Status SqliteStore::Clear() {
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
  if (files_) files_->Clear();
  return Ok();
}

Status SqliteStore::DeclareSequenceTable(std::string_view table) {
  std::lock_guard lock(mu_);
  if (Seq(table) != nullptr) return Ok();
  if (table.empty() || !std::all_of(table.begin(), table.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      }))
    return InternalFailure("store: bad sequence table name " + std::string(table));
  const std::string name = "seq_" + std::string(table);
  if (!Exec(
          ("CREATE TABLE IF NOT EXISTS " + name + "(seq INTEGER PRIMARY KEY, value BLOB NOT NULL)")
              .c_str()))
    return Failed();
  auto t = std::make_unique<SeqTable>();
  if (Prepare(t->get, ("SELECT value FROM " + name + " WHERE seq = ?1").c_str()) != SQLITE_OK ||
      Prepare(t->put, ("INSERT OR REPLACE INTO " + name + "(seq, value) VALUES(?1, ?2)").c_str()) !=
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

Status SqliteStore::WriteOne(std::string_view table, std::string_view key,
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

Status SqliteStore::WriteRowSql(std::string_view table, std::string_view key,
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

bool SqliteStore::WriterGetInto(std::string_view table, std::string_view key, std::string& out) {
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

std::vector<Row> SqliteStore::WriterScan(std::string_view table, std::string_view prefix,
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

void SqliteStore::End() {
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
  std::vector<std::function<void(bool)>> after = tx_.Release();
  mu_.unlock();
  for (auto& fn : after) fn(committed);
}

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
  auto files = OpenDiskAppendFiles((std::filesystem::path(dir) / "logs").string());
  if (!files.ok()) return unusable(files.error().message);
  store->SetFiles(std::move(files).value());
  ORGTRAIL_CHECK(store->Open(dir, options));
  auto blobs = OpenDiskBlobStore((std::filesystem::path(dir) / "objects").string(), store.get());
  if (!blobs.ok()) return unusable(blobs.error().message);
  store->SetBlobs(std::move(blobs).value());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace orgtrail::store::sqlite_internal

namespace orgtrail::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir) {
  return sqlite_internal::OpenSqliteStoreWith(dir, {});
}

}  // namespace orgtrail::store
