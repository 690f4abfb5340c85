// The SQLite store's reads without the writer's mutex (sqlite_reads.h).
#include "store/sqlite_reads.h"

#include <utility>

namespace orgtrail::store::sqlite_internal {

std::unique_ptr<ReadConn> ReadConn::Open(const std::string& path, int busy_timeout_ms) {
  auto c = std::make_unique<ReadConn>();
  if (sqlite3_open_v2(path.c_str(), &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    return nullptr;
  sqlite3_extended_result_codes(c->db, 1);
  sqlite3_busy_timeout(c->db, busy_timeout_ms);
  for (const char* sql :
       {"PRAGMA query_only=1", "PRAGMA cache_size=-16384", "PRAGMA mmap_size=1073741824"}) {
    if (sqlite3_exec(c->db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return nullptr;
  }
  if (c->get.Prepare(c->db, "SELECT value FROM rows WHERE tbl = ?1 AND key = ?2") != SQLITE_OK ||
      c->blob_get.Prepare(c->db, "SELECT data FROM blobs WHERE id = ?1") != SQLITE_OK ||
      c->blob_size.Prepare(c->db, "SELECT length(data) FROM blobs WHERE id = ?1") != SQLITE_OK)
    return nullptr;
  for (int i = 0; i < 4; ++i) {
    if (c->scan[i].Prepare(c->db, kScanSql[i]) != SQLITE_OK) return nullptr;
  }
  return c;
}

ReadConn::SeqStmts* ReadConn::Seq(std::string_view table) {
  auto it = seq.find(table);
  if (it != seq.end()) return it->second.get();
  const std::string name = "seq_" + std::string(table);
  auto t = std::make_unique<SeqStmts>();
  if (t->get.Prepare(db, ("SELECT value FROM " + name + " WHERE seq = ?1").c_str()) != SQLITE_OK ||
      t->scan.Prepare(db, ("SELECT seq, value FROM " + name +
                           " WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3")
                              .c_str()) != SQLITE_OK)
    return nullptr;
  return seq.emplace(std::string(table), std::move(t)).first->second.get();
}

void Pending::ApplyTo(RowCache& cache) const {
  if (all) {
    cache.Clear();
    return;
  }
  for (const auto& [k, e] : rows) {
    size_t nul = k.find('\0');
    std::string_view table(k.data(), nul), key(k.data() + nul + 1, k.size() - nul - 1);
    if (e.known) {
      cache.PutRow(table, key, e.value ? std::optional<std::string_view>(*e.value) : std::nullopt);
    } else {
      cache.ForgetRow(table, key);
    }
  }
  for (const std::string& table : tables) cache.DropScans(table);
  for (const auto& [id, e] : blobs) {
    if (e.known && e.value) {
      cache.PutBlob(id, *e.value);
    } else {
      cache.ForgetBlob(id);
    }
  }
}

// A row of `rows` read with `get` of connection `db` into `out`: 1 when found, 0 when there
// is no such row, -1 on an error.
int ReadRowFrom(sqlite3* db, const Stmt& get, std::string_view table, std::string_view key,
                std::string& out) {
  Use q(get);
  q.Text(1, table).Text(2, key);
  int rc = q.Step();
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return -1;
  return ReadValue(db, q, 0, out) ? 1 : -1;
}

// Column i of the current row of q as a value: inline, or read from `big` with incremental
// blob I/O straight into `out` (one copy, no intermediate buffer). q is still running, so
// `big` is read in the same snapshot.
bool ReadValue(sqlite3* db, const Use& q, int i, std::string& out) {
  std::optional<long long> id = q.BigId(i);
  if (!id) {
    q.ColumnInto(i, out);
    return true;
  }
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db, "main", "big", "value", *id, 0, &blob) != SQLITE_OK) {
    sqlite3_blob_close(blob);
    return false;
  }
  int n = sqlite3_blob_bytes(blob);
  out.resize(static_cast<size_t>(n));
  bool ok = n == 0 || sqlite3_blob_read(blob, out.data(), n, 0) == SQLITE_OK;
  sqlite3_blob_close(blob);
  return ok;
}

// The rows of a scan of `rows` with the statements `scan` of connection `db`.
bool ScanRows(sqlite3* db, const Stmt (&scan)[4], std::string_view table, std::string_view prefix,
              std::string_view after, size_t limit, std::vector<Row>& rows) {
  // Keys > after are all >= prefix when after >= prefix; otherwise keys >= prefix are > after.
  bool exclusive = !after.empty() && after >= prefix;
  std::string end = PrefixEnd(prefix);
  Use q(scan[(exclusive ? 1 : 0) + (end.empty() ? 0 : 2)]);
  q.Text(1, table).Text(2, exclusive ? after : prefix);
  if (!end.empty()) q.Text(3, end);
  q.Int(4, limit == 0 ? -1 : static_cast<long long>(limit));
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    Row row{q.Column(0), {}};
    if (ReadValue(db, q, 1, row.value)) rows.push_back(std::move(row));
  }
  return rc == SQLITE_DONE;
}

// The rows of a scan of a sequence table with its statement `scan`.
bool ScanSeq(const Stmt& scan, std::string_view prefix, std::string_view after, size_t limit,
             std::vector<Row>& rows) {
  auto range = SeqRange(prefix, after);
  if (!range) return true;
  Use q(scan);
  q.Int(1, range->first).Int(2, range->second);
  q.Int(3, limit == 0 ? -1 : static_cast<long long>(limit));
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    rows.push_back({KeyOfSeq(sqlite3_column_int64(scan.get(), 0)), q.Column(1)});
  }
  return rc == SQLITE_DONE;
}

}  // namespace orgtrail::store::sqlite_internal
