// The SQLite store's connection settings and schema (docs/persistence.md): set, and created or
// checked and upgraded, when the store opens. Internal to src/store.
#include <sqlite3.h>

#include <exception>
#include <string>

#include "store/sqlite_internal.h"
#include "store/store.h"

namespace orgtrail::store::sqlite_internal {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS rows("
    "  tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
    "  PRIMARY KEY(tbl, key)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS blobs(id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;"

    "CREATE TABLE IF NOT EXISTS big(id INTEGER PRIMARY KEY, value BLOB NOT NULL);";

bool Exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

Status Unusable(sqlite3* db, const std::string& dir) {
  return AwsError("StoreUnusable", "data directory " + dir + " is not usable: " +
                                       (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Status ConfigureConnection(sqlite3* db, const std::string& dir) {
  if (!Exec(db, "PRAGMA synchronous=NORMAL")) return Unusable(db, dir);
  // Large values (CloudWatch Logs event blocks) are written and read back often: a 64 MiB page
  // cache and memory-mapped reads keep them from being re-read with pread().
  if (!Exec(db, "PRAGMA cache_size=-65536") || !Exec(db, "PRAGMA mmap_size=1073741824"))
    return Unusable(db, dir);
  {
    Stmt wal;
    if (wal.Prepare(db, "PRAGMA journal_mode=WAL") != SQLITE_OK) return Unusable(db, dir);
    Use q(wal);
    if (q.Step() != SQLITE_ROW) return Unusable(db, dir);
    if (q.Column(0) != "wal") {
      return AwsError("StoreUnusable", "data directory " + dir +
                                           " is not usable: the file system does not support "
                                           "the SQLite WAL journal");
    }
  }
  return Ok();
}

Status InitSchema(sqlite3* db, const std::string& path, const std::string& dir) {
  if (!Exec(db, kSchema)) return Unusable(db, dir);
  Stmt read;
  if (read.Prepare(db, "SELECT value FROM meta WHERE key = 'schema_version'") != SQLITE_OK) {
    return Unusable(db, dir);
  }
  Use q(read);
  int rc = q.Step();
  if (rc == SQLITE_DONE) {
    std::string sql = "INSERT INTO meta(key, value) VALUES('schema_version', '" +
                      std::to_string(kSchemaVersion) + "')";
    return Exec(db, sql.c_str()) ? Ok() : Unusable(db, dir);
  }
  if (rc != SQLITE_ROW) return Unusable(db, dir);
  std::string text = q.Column(0);
  int version = 0;
  try {
    size_t used = 0;
    version = std::stoi(text, &used);
    if (used != text.size()) version = 0;
  } catch (const std::exception&) {
    version = 0;
  }
  if (version <= 0) {
    return AwsError("StoreUnusable",
                    "database " + path + " has an unreadable schema version '" + text + "'");
  }
  if (version > kSchemaVersion) {
    return AwsError("StoreUnusable",
                    "database " + path + " has schema version " + std::to_string(version) +
                        ", newer than this orgtrail supports (" + std::to_string(kSchemaVersion) +
                        "); use a newer orgtrail or another data directory");
  }
  if (version < kSchemaVersion) {
    // 1 → 2: the `blobs` table, created above (kSchema). Objects written by version 1 are
    // all files and stay readable. 2 → 3: table `big` (created above) for out-of-line values;
    // rows written before hold their values inline, which version 3 still reads as they are.
    // 3 → 4: sequence tables (seq_<name>), created and filled from `rows` when declared
    // (DeclareSequenceTable); the rest of the layout is unchanged. 4 → 5: CloudWatch Logs
    // blocks in append files (<dir>/logs), which rows of logs_blocks refer to; the blocks and
    // segment rows written before are read as they are.
    std::string sql = "UPDATE meta SET value = '" + std::to_string(kSchemaVersion) +
                      "' WHERE key = 'schema_version'";
    if (!Exec(db, sql.c_str())) return Unusable(db, dir);
  }
  return Ok();
}

}  // namespace orgtrail::store::sqlite_internal
