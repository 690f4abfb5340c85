// The SQLite store's inline blobs (InlineBlobs, sqlite_store_impl.h): small object bodies in the
// `blobs` table, written in this thread's transaction when it holds one, read by other threads
// through the read connections and the cache of committed values (docs/persistence.md).
#include <sqlite3.h>

#include "store/sqlite_store_impl.h"

namespace orgtrail::store::sqlite_internal {

Status SqliteStore::PutInline(std::string_view id, std::string_view data) {
  std::lock_guard lock(mu_);
  Use q(blob_put_);
  q.Text(1, id).Blob(2, data);
  const bool ok = q.Step() == SQLITE_DONE;
  pending_.Blob(id, data, ok);
  if (depth_ == 0) Publish();  // a statement of its own: committed
  return ok ? Ok() : Failed();
}

bool SqliteStore::ReadInline(std::string_view id, uint64_t offset, uint64_t length,
                             std::string& out) {
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
  if (auto idle = IdleWriter(); idle.owns_lock()) return WriterReadInline(id, offset, length, out);
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

std::optional<uint64_t> SqliteStore::InlineSize(std::string_view id) {
  if (OwnsTransaction()) {
    std::lock_guard lock(mu_);
    return WriterInlineSize(id);
  }
  {
    std::lock_guard lock(cache_mu_);
    if (const std::string* hit = cache_.FindBlob(id)) return hit->size();
  }
  if (auto idle = IdleWriter(); idle.owns_lock()) return WriterInlineSize(id);
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

bool SqliteStore::RemoveInline(std::string_view id) {
  std::lock_guard lock(mu_);
  Use q(blob_del_);
  q.Text(1, id);
  const bool ok = q.Step() == SQLITE_DONE;
  pending_.Blob(id, std::nullopt, ok);
  if (depth_ == 0) Publish();
  return ok && sqlite3_changes(db_) > 0;
}

bool SqliteStore::WriterReadInline(std::string_view id, uint64_t offset, uint64_t length,
                                   std::string& out) {
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

std::optional<uint64_t> SqliteStore::WriterInlineSize(std::string_view id) {
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

}  // namespace orgtrail::store::sqlite_internal
