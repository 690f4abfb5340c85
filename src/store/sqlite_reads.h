// The SQLite store's reads without the writer's mutex (sqlite_store.cc, docs/persistence.md
// "Inside the server"): the read connections of its pool, the overlay of the open transaction's
// writes, and the statements' helpers shared by the writing and the read connections. Internal
// to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/row_cache.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

namespace orgtrail::store::sqlite_internal {

// Scan variants: the lower bound is inclusive (the prefix) or exclusive (`after`); the upper
// bound is the first key past the prefix, or none. Keys are TEXT compared with the BINARY
// collation (memcmp), so the order is bytewise.
inline constexpr const char* kScanSql[4] = {
    "SELECT key, value FROM rows WHERE tbl = ?1 AND key >= ?2 ORDER BY key LIMIT ?4",
    "SELECT key, value FROM rows WHERE tbl = ?1 AND key > ?2 ORDER BY key LIMIT ?4",
    "SELECT key, value FROM rows WHERE tbl = ?1 AND key >= ?2 AND key < ?3 ORDER BY key LIMIT ?4",
    "SELECT key, value FROM rows WHERE tbl = ?1 AND key > ?2 AND key < ?3 ORDER BY key LIMIT ?4",
};

// Copies [offset, offset + length) of an inline blob into `out`.
inline void Slice(std::string_view data, uint64_t offset, uint64_t length, std::string& out) {
  if (offset >= data.size()) {
    out.clear();
  } else {
    out.assign(data.substr(offset, length));
  }
}

// A read connection of the pool (SqliteStore::Acquire): used by one thread at a time, for one
// statement at a time, so it holds a snapshot only while a statement runs.
struct ReadConn {
  struct SeqStmts {
    Stmt get, scan;
  };
  sqlite3* db = nullptr;
  Stmt get, blob_get, blob_size;
  Stmt scan[4];
  std::map<std::string, std::unique_ptr<SeqStmts>, std::less<>> seq;  // by table, lazily

  ReadConn() = default;
  ReadConn(const ReadConn&) = delete;
  ReadConn& operator=(const ReadConn&) = delete;
  ~ReadConn() {
    for (Stmt* st : {&get, &blob_get, &blob_size}) st->Finalize();
    for (Stmt& st : scan) st.Finalize();
    seq.clear();
    sqlite3_close_v2(db);
  }

  // A new connection to the database at `path`, with its statements prepared (nullptr if it
  // cannot be opened).
  static std::unique_ptr<ReadConn> Open(const std::string& path, int busy_timeout_ms);
  // The statements of sequence table `table`, prepared on first use (nullptr if they cannot be).
  SeqStmts* Seq(std::string_view table);
};

// The writes of the open transaction (or of one Put/Delete/Apply/PutInline outside one), kept
// out of the row cache until they commit. The thread holding the transaction reads through it.
struct Pending {
  struct Entry {
    bool known = false;                // value is the row's (blob's) current value
    std::optional<std::string> value;  // nullopt: deleted
  };
  std::unordered_map<std::string, Entry> rows;  // by "<table>\0<key>"
  std::set<std::string, std::less<>> tables;    // tables written (their scans are stale)
  std::unordered_map<std::string, Entry> blobs;
  bool all = false;  // every table may have changed (Clear, DeclareSequenceTable)

  bool Empty() const { return rows.empty() && tables.empty() && blobs.empty() && !all; }
  void Clear() {
    rows.clear();
    tables.clear();
    blobs.clear();
    all = false;
  }
  // A savepoint rolled back: the values recorded may be undone; only which rows were written
  // is still known.
  void Forget() {
    for (auto& [k, e] : rows) e = Entry{};
    for (auto& [k, e] : blobs) e = Entry{};
  }
  static std::string RowKey(std::string_view table, std::string_view key) {
    std::string k(table);
    k.push_back('\0');
    k.append(key);
    return k;
  }
  const Entry* FindRow(std::string_view table, std::string_view key) const {
    if (rows.empty()) return nullptr;
    auto it = rows.find(RowKey(table, key));
    return it == rows.end() ? nullptr : &it->second;
  }
  const Entry* FindBlob(std::string_view id) const {
    if (blobs.empty()) return nullptr;
    auto it = blobs.find(std::string(id));
    return it == blobs.end() ? nullptr : &it->second;
  }
  void Row(std::string_view table, std::string_view key, std::optional<std::string_view> value,
           bool known) {
    Entry& e = rows[RowKey(table, key)];
    e.known = known && (!value || value->size() < RowCache::kMaxValue);
    e.value = e.known && value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
    if (tables.find(table) == tables.end()) tables.emplace(table);
  }
  // Applies the writes to the cache of committed values (at the commit).
  void ApplyTo(RowCache& cache) const;
  void Blob(std::string_view id, std::optional<std::string_view> data, bool known) {
    Entry& e = blobs[std::string(id)];
    e.known = known && (!data || data->size() <= RowCache::kMaxBlob);
    e.value = e.known && data ? std::optional<std::string>(std::string(*data)) : std::nullopt;
  }
};

// A row of `rows` read with `get` of connection `db` into `out`: 1 when found, 0 when there is
// no such row, -1 on an error.
int ReadRowFrom(sqlite3* db, const Stmt& get, std::string_view table, std::string_view key,
                std::string& out);
// Column i of the current row of q as a value: inline, or read from `big` with incremental blob
// I/O straight into `out` (one copy, no intermediate buffer). q is still running, so `big` is
// read in the same snapshot.
bool ReadValue(sqlite3* db, const Use& q, int i, std::string& out);
// The rows of a scan of `rows` with the statements `scan` of connection `db`; false on an error.
bool ScanRows(sqlite3* db, const Stmt (&scan)[4], std::string_view table, std::string_view prefix,
              std::string_view after, size_t limit, std::vector<Row>& rows);
// The rows of a scan of a sequence table with its statement `scan`; false on an error.
bool ScanSeq(const Stmt& scan, std::string_view prefix, std::string_view after, size_t limit,
             std::vector<Row>& rows);

}  // namespace orgtrail::store::sqlite_internal
