// AppendFiles: append-only files beside the row store (docs/persistence.md, "Append files"), for
// data written once and referred to by small rows (CloudWatch Logs event blocks). Files are named
// by ids the caller mints (letters, digits and '-' only; never derived from names) and written at
// offsets the caller chooses: its committed end of the file, kept in a row. Bytes are written
// (pwrite) before the transaction that refers to them commits, so that an acknowledged write
// survives kill -9; bytes of a transaction that rolled back lie past the committed end and are
// overwritten by the next write. The SQLite store's checkpointer calls Sync() before it syncs
// and copies the WAL, so that a checkpointed row never refers to bytes the disk does not hold.
// The data-directory implementation keeps files <dir>/<id>; the in-memory one keeps strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace orgtrail::store {

// A range of an append file read without copying where the implementation can (AppendFiles::View):
// `bytes` views a read-only shared mapping of the file, kept alive by `hold` (a file removed
// meanwhile stays readable until the view is dropped: files are never truncated, released ranges
// read as zeros); otherwise the bytes are copied into `buf` and `bytes` views it.
struct AppendFileView {
  std::string_view bytes;
  std::shared_ptr<const void> hold;
  std::string buf;
};

class AppendFiles {
 public:
  virtual ~AppendFiles() = default;
  // Writes `bytes` at `offset` of file `id`, creating the file if needed (a gap reads as zeros).
  // A write that fails leaves no file it created (and the bytes of an existing one as they were
  // up to its committed end).
  virtual Status Write(std::string_view id, uint64_t offset, std::string_view bytes) = 0;
  // Bytes [offset, offset + length) of file `id` into `out`; false when the file is missing or
  // shorter.
  virtual bool Read(std::string_view id, uint64_t offset, uint64_t length, std::string& out) = 0;
  // The same range as a view (see AppendFileView); false when the file is missing or shorter.
  // The data-directory implementation maps the file; this default copies through Read.
  virtual bool View(std::string_view id, uint64_t offset, uint64_t length, AppendFileView& out) {
    out.hold.reset();
    if (!Read(id, offset, length, out.buf)) return false;
    out.bytes = out.buf;
    return true;
  }
  // Removes file `id` (after the transaction that forgot it committed); a missing file is not an
  // error.
  virtual void Remove(std::string_view id) = 0;
  // Gives back the space of bytes [offset, offset + length) of file `id` (a hole; the file keeps
  // its size and the bytes read as zeros), for data no row refers to any more.
  virtual void Release(std::string_view id, uint64_t offset, uint64_t length) = 0;
  // Removes every file (the admin reset).
  virtual void Clear() = 0;
  // Makes every byte written so far durable (fdatasync of the files written since the last
  // Sync, and of the directory when files were created).
  virtual Status Sync() = 0;
};

// Files under `dir` (created if missing).
Result<std::unique_ptr<AppendFiles>> OpenDiskAppendFiles(const std::string& dir);
std::unique_ptr<AppendFiles> MakeMemoryAppendFiles();

}  // namespace orgtrail::store
