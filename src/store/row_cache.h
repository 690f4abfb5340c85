// The SQLite store's read-through cache (sqlite_store.cc, docs/persistence.md "Inside the
// server"): small rows, short scans and small inline blobs, as last committed. Internal to
// src/store. Not thread-safe: the store calls it holding its cache mutex. It never holds a
// value that is not committed: the writes of an open transaction are kept apart by the store
// (its overlay) and applied here when the transaction commits; a value read from the database
// by a thread without a transaction is put here only if no commit landed during the read.
// Bounded: rows and blobs are least-recently-used lists with a byte budget each; scans are
// dropped per table on every write to that table, and all together when there are too many.
// Text only: identity keeps its own cache of decoded rows on top of any store, checked against
// the text read here (identity/iam_rows.cc; why both: docs/architecture.md, "Authorization").
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace orgtrail::store::sqlite_internal {

class RowCache {
 public:
  // Rows and scans are cached only when every value is shorter than this.
  static constexpr size_t kMaxValue = 800;
  static constexpr size_t kRowBudget = 4 << 20;   // bytes of keys and values
  static constexpr size_t kBlobBudget = 4 << 20;  // bytes of inline blobs
  static constexpr size_t kMaxBlob = 8 << 10;     // larger blobs are not cached
  static constexpr size_t kMaxScanRows = 32;      // longer scans are not cached
  static constexpr size_t kMaxScans = 1024;

  // The cached state of a row: nullptr when unknown; else its value (nullopt: no such row).
  // A cached value is always shorter than kMaxValue.
  const std::optional<std::string>* FindRow(std::string_view table, std::string_view key);
  // Records a row's current value (nullopt: absent), as read or just written.
  void PutRow(std::string_view table, std::string_view key, std::optional<std::string_view> value);
  // A write to (table, key): records the new value (or forgets a large one) and drops the
  // table's scans.
  void Wrote(std::string_view table, std::string_view key, std::optional<std::string_view> value);

  // Forgets a row (its committed value is not known here).
  void ForgetRow(std::string_view table, std::string_view key);
  // Drops the cached scans of `table`.
  void DropScans(std::string_view table);

  const std::vector<Row>* FindScan(std::string_view table, std::string_view prefix,
                                   std::string_view after, size_t limit);
  void PutScan(std::string_view table, std::string_view prefix, std::string_view after,
               size_t limit, const std::vector<Row>& rows);

  const std::string* FindBlob(std::string_view id);
  void PutBlob(std::string_view id, std::string_view data);
  void ForgetBlob(std::string_view id);

  void Clear();

 private:
  template <typename V>
  class Lru {
   public:
    explicit Lru(size_t budget) : budget_(budget) {}
    const V* Find(const std::string& k);
    void Put(const std::string& k, V v, size_t bytes);
    void Erase(const std::string& k);
    void Clear() {
      index_.clear();
      order_.clear();
      bytes_ = 0;
    }

   private:
    struct Entry {
      std::string key;
      V value;
      size_t bytes;
    };
    size_t budget_;
    size_t bytes_ = 0;
    std::list<Entry> order_;  // most recently used first
    std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;
  };

  const std::string& RowKey(std::string_view table, std::string_view key);

  std::string scratch_;  // the composite key of the current lookup
  Lru<std::optional<std::string>> rows_{kRowBudget};
  Lru<std::string> blobs_{kBlobBudget};
  // Per table: scans by (prefix, after, limit).
  std::unordered_map<std::string, std::unordered_map<std::string, std::vector<Row>>> scans_;
  size_t scan_count_ = 0;
};

}  // namespace orgtrail::store::sqlite_internal
