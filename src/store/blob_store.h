// BlobStore: object bodies (S3) beside the row store. Blobs are named by ids the caller mints
// (never by object keys), written atomically and durably: an acknowledged Put survives kill -9.
// Small blobs (up to kInlineBlobMax bytes) of the SQLite store are rows of its database, written
// in the caller's transaction (InlineBlobs); larger ones are files <dir>/<id[0..2]>/<id>, written
// as a temporary file, fsynced, then renamed into place (and the directory fsynced). A
// concatenation of file blobs (a completed multipart upload, a copy) is a composite blob: a
// directory <dir>/<id[0..2]>/<id>.parts holding hard links to the parts' files and a manifest of
// their sizes, so no byte is copied (docs/persistence.md). The in-memory variant keeps bytes in a
// map.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace orgtrail::store {

// Bytes [offset, offset + length) of the file at `path`.
struct FileSlice {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores `data` under `id` (letters, digits and '-' only), replacing nothing: ids are unique.
  virtual Status Put(std::string_view id, std::string_view data) = 0;
  // Stores the file at `path` under `id`: on disk it is fsynced and renamed into place (no copy;
  // `path` must be on the store's filesystem and no longer exists afterwards); in memory its
  // bytes are read.
  virtual Status Adopt(std::string_view id, const std::string& path) = 0;
  // Stores the concatenation of the blobs `parts` under `id` without holding them in memory; on
  // disk, parts in files are shared with the new blob (hard links), not copied, and stay
  // independent blobs (removing one leaves the concatenation whole).
  virtual Status Concat(std::string_view id, const std::vector<std::string>& parts) = 0;
  // Bytes [offset, offset + length) of a blob (clamped to its size); nullopt if it is missing.
  virtual std::optional<std::string> Read(std::string_view id, uint64_t offset = 0,
                                          uint64_t length = UINT64_MAX) = 0;
  // The file holding a blob, for streaming it without reading it into memory; nullopt if the
  // blob is missing or the store keeps blobs in memory.
  virtual std::optional<std::string> FilePath(std::string_view /*id*/) { return std::nullopt; }
  // The files holding bytes [offset, offset + length) of a blob (clamped to its size), in order,
  // for streaming them; nullopt if the blob is missing or not kept in files.
  virtual std::optional<std::vector<FileSlice>> FileSlices(std::string_view /*id*/,
                                                           uint64_t /*offset*/,
                                                           uint64_t /*length*/) {
    return std::nullopt;
  }
  // Size of a blob, nullopt if missing.
  virtual std::optional<uint64_t> Size(std::string_view id) = 0;
  // Removes a blob; a missing blob is not an error.
  virtual void Remove(std::string_view id) = 0;
  // Removes every blob (the admin reset).
  virtual void Clear() = 0;
};

// Blobs kept as rows of the row store's database, in the transaction of the calling thread.
class InlineBlobs {
 public:
  virtual ~InlineBlobs() = default;
  virtual Status PutInline(std::string_view id, std::string_view data) = 0;
  // Bytes [offset, offset + length) (clamped) into `out`; false when there is no such blob.
  virtual bool ReadInline(std::string_view id, uint64_t offset, uint64_t length,
                          std::string& out) = 0;
  virtual std::optional<uint64_t> InlineSize(std::string_view id) = 0;
  // True when the blob existed (and is now gone).
  virtual bool RemoveInline(std::string_view id) = 0;
};

// Blobs up to this size go to InlineBlobs: one row written in the transaction that names the
// blob, no file, no fsync, and a read is one row lookup (docs/persistence.md).
inline constexpr uint64_t kInlineBlobMax = 64 * 1024;

// Blobs as files under `dir` (created if missing); with `inline_blobs`, those of at most
// `inline_max` bytes are kept there instead (files written before stay readable).
Result<std::unique_ptr<BlobStore>> OpenDiskBlobStore(const std::string& dir,
                                                     InlineBlobs* inline_blobs = nullptr,
                                                     uint64_t inline_max = kInlineBlobMax);
std::unique_ptr<BlobStore> MakeMemoryBlobStore();

}  // namespace orgtrail::store
