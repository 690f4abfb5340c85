// Persistence (DESIGN.md §5): explicit rows, grouped in named tables, each row a key and a value
// (services store JSON text of a Value). Every write is durable when the call returns: an
// acknowledged write survives kill -9. The schema is versioned (docs/persistence.md).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/append_files.h"
#include "store/blob_store.h"

namespace orgtrail::store {

struct Row {
  std::string key;
  std::string value;
};

// One write of an atomic batch. value == nullopt deletes the row.
struct Write {
  std::string table;
  std::string key;
  std::optional<std::string> value;
};

// A transaction scope held by one thread (Store::Begin). Destroying the outermost scope of a
// thread commits the transaction (or rolls it back if the commit fails) and lets other threads
// write again. Must be destroyed on the thread that opened it.
class Transaction {
 public:
  virtual ~Transaction() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens a transaction for this thread, or joins the one it already holds. Until the returned
  // scope is destroyed, this thread's Put/Delete/Apply are part of the transaction (an Apply
  // inside stays all-or-nothing); other threads' writes wait for it, their reads (Get, Scan, ...)
  // do not and see committed state only, with every commit that ended before the read began.
  // Used by the gateway around a call that changes state, so its CloudTrail record commits too.
  virtual std::unique_ptr<Transaction> Begin() = 0;
  // Runs `fn` after this thread's outermost transaction has ended (committed = whether it
  // committed), or at once (committed = true) when the thread holds none. Runs with no lock held.
  virtual void AfterCommit(std::function<void(bool committed)> fn) = 0;

  virtual std::optional<std::string> Get(std::string_view table, std::string_view key) = 0;
  // Get into `out`, reusing its buffer (large rows read in a loop need no allocation each);
  // false (and `out` unspecified) when the row does not exist.
  virtual bool GetInto(std::string_view table, std::string_view key, std::string& out) {
    std::optional<std::string> v = Get(table, key);
    if (!v) return false;
    out.assign(*v);
    return true;
  }
  virtual Status Put(std::string_view table, std::string_view key, std::string_view value) = 0;
  virtual Status Delete(std::string_view table, std::string_view key) = 0;
  // Applies every write or none.
  virtual Status Apply(const std::vector<Write>& writes) = 0;
  // Rows of `table` whose key starts with `prefix`, in key order (bytewise), starting after
  // `after` (exclusive, "" = from the start), at most `limit` rows (0 = no limit).
  virtual std::vector<Row> Scan(std::string_view table, std::string_view prefix = "",
                                std::string_view after = "", size_t limit = 0) = 0;
  // Declares `table` a sequence table: every key is a sequence number written as 16 lower-case
  // hex digits (at most 7fffffffffffffff), rows are mostly appended in key order and read in
  // order. It reads and writes like any table (keys of another form are not allowed: the SQLite
  // store refuses to write them); the SQLite store keeps it in a table of its own keyed by the
  // number (docs/persistence.md), where an append goes to the B-tree's right edge and a row of a
  // few KB needs no overflow page.
  // Call before the table is used; rows written before the declaration are moved.
  virtual Status DeclareSequenceTable(std::string_view table) {
    (void)table;
    return Ok();
  }
  // Removes every row of every table (the admin reset).
  virtual Status Clear() = 0;
  // Object bodies (S3) kept beside the rows: for the SQLite store, rows of its `blobs` table
  // (up to kInlineBlobMax bytes, written in this thread's transaction) and files under
  // <dir>/objects; memory for the in-memory store. Clear() empties it too.
  virtual BlobStore& Blobs() = 0;
  // Append-only files beside the rows (append_files.h): for the SQLite store, files under
  // <dir>/logs, synced by its checkpointer before the WAL that refers to them is copied; memory
  // for the in-memory store. Clear() empties it too.
  virtual AppendFiles& Files() = 0;
  // Human-readable kind, for the health endpoint and logs: "sqlite" or "memory".
  virtual std::string_view Kind() const = 0;
};

// SQLite 3 in WAL mode at `<dir>/orgtrail.db`; creates the directory and schema if needed and
// refuses a database written by a newer schema version.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& dir);
// Everything in memory; for --in-memory and tests.
std::unique_ptr<Store> MakeMemoryStore();

// 2: the `blobs` table of small object bodies (docs/persistence.md).
// 3: the `big` table of out-of-line values of 800 bytes or more.
// 4: sequence tables (Store::DeclareSequenceTable).
// 5: CloudWatch Logs event blocks in append files (logs_blocks rows refer to file ranges).
inline constexpr int kSchemaVersion = 5;

}  // namespace orgtrail::store
