// The SQLite store's helpers (sqlite_store.cc): statements, and the keys of sequence tables
// (sqlite_keys.cc). Internal to src/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace orgtrail::store::sqlite_internal {

// The smallest string greater than every string starting with `prefix`; "" when there is none
// (empty prefix, or only 0xFF bytes).
std::string PrefixEnd(std::string_view prefix);

// Sequence tables (Store::DeclareSequenceTable): keys are 16 lower-case hex digits, kept as the
// INTEGER PRIMARY KEY (rowid) of a table of their own; numeric order is the keys' byte order.
// The number of a 16-hex-digit key; nullopt for any other key or one above INT64_MAX.
std::optional<int64_t> SeqOfKey(std::string_view key);
std::string KeyOfSeq(int64_t seq);
// The keys of a sequence table with `prefix` after `after`, as an inclusive range of numbers;
// nullopt when no key can match.
std::optional<std::pair<int64_t, int64_t>> SeqRange(std::string_view prefix,
                                                    std::string_view after);

// Durability and cache settings of the connection, and the WAL journal (refused if the file
// system cannot have it).
Status ConfigureConnection(sqlite3* db, const std::string& dir);

// Creates the schema of an empty database, or checks the version of an existing one and upgrades
// it (docs/persistence.md), inside the transaction the caller holds.
Status InitSchema(sqlite3* db, const std::string& path, const std::string& dir);

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { Finalize(); }

  void Finalize() {
    sqlite3_finalize(s_);
    s_ = nullptr;
  }

  int Prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr);
  }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Resets a statement and clears its bindings when it goes out of scope.
class Use {
 public:
  explicit Use(const Stmt& s) : s_(s.get()) {}
  ~Use() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  Use& Text(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Use& Blob(int i, std::string_view v) {
    // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
    sqlite3_bind_blob(s_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Use& Int(int i, long long v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }
  // The id of an out-of-line value (in `big`) when column i holds one instead of the value.
  std::optional<long long> BigId(int i) const {
    if (sqlite3_column_type(s_, i) != SQLITE_INTEGER) return std::nullopt;
    return sqlite3_column_int64(s_, i);
  }
  std::string Column(int i) const {
    const void* p = sqlite3_column_blob(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  // Valid until the next Step or the end of the Use.
  std::string_view ColumnView(int i) const {
    const void* p = sqlite3_column_blob(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
  }
  long long ColumnInt(int i) const { return sqlite3_column_int64(s_, i); }
  void ColumnInto(int i, std::string& out) const {
    const void* p = sqlite3_column_blob(s_, i);
    int n = sqlite3_column_bytes(s_, i);
    if (p)
      out.assign(static_cast<const char*>(p), static_cast<size_t>(n));
    else
      out.clear();
  }

 private:
  sqlite3_stmt* s_;
};

}  // namespace orgtrail::store::sqlite_internal
