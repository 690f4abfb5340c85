// The SQLite store's read-through cache (row_cache.h).
#include "store/row_cache.h"

#include <utility>

namespace orgtrail::store::sqlite_internal {

template <typename V>
const V* RowCache::Lru<V>::Find(const std::string& k) {
  auto it = index_.find(k);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return &it->second->value;
}

template <typename V>
void RowCache::Lru<V>::Put(const std::string& k, V v, size_t bytes) {
  Erase(k);
  if (bytes > budget_) return;
  order_.push_front(Entry{k, std::move(v), bytes});
  index_.emplace(order_.front().key, order_.begin());
  bytes_ += bytes;
  while (bytes_ > budget_) {
    Entry& last = order_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    order_.pop_back();
  }
}

template <typename V>
void RowCache::Lru<V>::Erase(const std::string& k) {
  auto it = index_.find(k);
  if (it == index_.end()) return;
  bytes_ -= it->second->bytes;
  auto entry = it->second;
  index_.erase(it);
  order_.erase(entry);
}

// Table names never contain NUL (they are chosen by services), so "<table>\0<key>" is unique.
const std::string& RowCache::RowKey(std::string_view table, std::string_view key) {
  scratch_.assign(table);
  scratch_.push_back('\0');
  scratch_.append(key);
  return scratch_;
}

const std::optional<std::string>* RowCache::FindRow(std::string_view table, std::string_view key) {
  return rows_.Find(RowKey(table, key));
}

void RowCache::PutRow(std::string_view table, std::string_view key,
                      std::optional<std::string_view> value) {
  const std::string& k = RowKey(table, key);
  if (value && value->size() >= kMaxValue) {
    rows_.Erase(k);
    return;
  }
  // Key, value and about 100 bytes of list node, index entry and string headers.
  size_t bytes = k.size() + (value ? value->size() : 0) + 100;
  rows_.Put(k, value ? std::optional<std::string>(std::string(*value)) : std::nullopt, bytes);
}

void RowCache::ForgetRow(std::string_view table, std::string_view key) {
  rows_.Erase(RowKey(table, key));
}

void RowCache::DropScans(std::string_view table) {
  if (scans_.empty()) return;
  scratch_.assign(table);
  auto it = scans_.find(scratch_);
  if (it == scans_.end()) return;
  scan_count_ -= it->second.size();
  scans_.erase(it);
}

void RowCache::Wrote(std::string_view table, std::string_view key,
                     std::optional<std::string_view> value) {
  PutRow(table, key, value);
  DropScans(table);
}

namespace {

std::string ScanKey(std::string_view prefix, std::string_view after, size_t limit) {
  std::string k(prefix);
  k.push_back('\0');
  k.append(after);
  k.push_back('\0');
  k.append(std::to_string(limit));
  return k;
}

}  // namespace

const std::vector<Row>* RowCache::FindScan(std::string_view table, std::string_view prefix,
                                           std::string_view after, size_t limit) {
  if (scans_.empty()) return nullptr;
  scratch_.assign(table);
  auto t = scans_.find(scratch_);
  if (t == scans_.end()) return nullptr;
  auto it = t->second.find(ScanKey(prefix, after, limit));
  return it == t->second.end() ? nullptr : &it->second;
}

void RowCache::PutScan(std::string_view table, std::string_view prefix, std::string_view after,
                       size_t limit, const std::vector<Row>& rows) {
  if (rows.size() > kMaxScanRows) return;
  for (const Row& r : rows)
    if (r.value.size() >= kMaxValue) return;
  if (scan_count_ >= kMaxScans) {
    scans_.clear();
    scan_count_ = 0;
  }
  auto& per_table = scans_[std::string(table)];
  if (per_table.insert_or_assign(ScanKey(prefix, after, limit), rows).second) ++scan_count_;
}

const std::string* RowCache::FindBlob(std::string_view id) {
  scratch_.assign(id);
  return blobs_.Find(scratch_);
}

void RowCache::PutBlob(std::string_view id, std::string_view data) {
  scratch_.assign(id);
  if (data.size() > kMaxBlob) {
    blobs_.Erase(scratch_);
    return;
  }
  blobs_.Put(scratch_, std::string(data), scratch_.size() + data.size() + 100);
}

void RowCache::ForgetBlob(std::string_view id) {
  scratch_.assign(id);
  blobs_.Erase(scratch_);
}

void RowCache::Clear() {
  rows_.Clear();
  blobs_.Clear();
  scans_.clear();
  scan_count_ = 0;
}

}  // namespace orgtrail::store::sqlite_internal
