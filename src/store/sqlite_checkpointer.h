// WAL checkpoints of the SQLite store off the request path (docs/persistence.md "Durability").
// Internal to src/store.
//
// The writing connection has SQLite's automatic checkpoint off; its WAL hook (called after each
// commit, on the committing thread, holding the store) wakes a thread of its own, with a
// connection of its own, each time the WAL has grown by `wal_pages` pages. That thread runs a
// PASSIVE checkpoint, which never waits for and never blocks the writer: the copy into the
// database file and its fsync() happen while requests go on committing.
//
// A WAL file starts over from its beginning only when a commit finds every frame copied; under
// continuous writes some frames are always newer than the last checkpoint, so it would grow
// without bound. Two limits keep it bounded: once it holds `finish_pages` pages, the thread
// finishes its checkpoint with the store held (only the frames written during its unheld pass
// are left to copy), and the next commit starts the log over; and should the thread fall behind
// anyway, the commit that finds `writer_pages` pages checkpoints on the writer, as SQLite's own
// automatic checkpoint did (waiting for the end of a pass of the thread if one is running).
// Before that held pass the thread catches up without the store: more unheld passes while
// commits keep adding frames, and fdatasync() of the database file and of the WAL, so that the
// held pass copies and syncs only what the last few milliseconds committed (its syncs flushed
// tens of MiB, 40-70 ms during which every commit waited).
//
// The writing connection maps the database file once, at its size then (SQLite remaps it only
// when its own connection grows the file or sees another commit, and in WAL mode only
// checkpoints grow it, here on another connection): reads through it past that size were
// pread() page by page. After a pass that made the file longer, the thread has it map the file
// again (SQLITE_FCNTL_MMAP_SIZE set to another limit remaps at the current size).
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/store.h"

namespace orgtrail::store::sqlite_internal {

struct CheckpointOptions {
  int wal_pages = 4000;      // 16 MiB of WAL between background checkpoints
  int finish_pages = 8000;   // the background checkpoint finishes holding the store
  int writer_pages = 32000;  // the committing thread checkpoints (the thread fell behind)
};

// Checkpoints that copied every frame of the WAL they saw, by where they ran.
struct CheckpointCounts {
  uint64_t background = 0;  // on the checkpoint thread, not holding the store
  uint64_t finished = 0;    // on the checkpoint thread, holding the store
  uint64_t on_writer = 0;   // on a committing thread
};

class Checkpointer {
 public:
  // Opens a second connection to the database at `path` (already in WAL mode) and installs the
  // WAL hook on `writer`, whose users hold `store_mu` around every use of it. `files` (if any)
  // are synced before every checkpoint: the WAL's rows refer to their bytes (append_files.h).
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, sqlite3* writer,
                                                     std::recursive_mutex& store_mu,
                                                     const CheckpointOptions& options,
                                                     AppendFiles* files = nullptr);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  // Removes the hook, stops the thread and closes its connection (before the writer closes, so
  // that the writer's close, the last one, makes the final checkpoint).
  ~Checkpointer();

  CheckpointCounts Counts() const;

 private:
  Checkpointer(std::string path, sqlite3* writer, sqlite3* own, std::recursive_mutex& store_mu,
               const CheckpointOptions& options, AppendFiles* files);
  // A checkpoint of the WAL (PASSIVE) on `db`, after the append files are synced.
  int Checkpoint(sqlite3* db, const char* name, int* log, int* done);
  static int WalHook(void* self, sqlite3* db, const char* name, int pages);
  void Committed(sqlite3* db, const char* name, int pages);
  void Loop();
  // Before the pass with the store held: unheld passes and flushes until little is left.
  void CatchUp(int done);
  // Has the writing connection map the database file again when a pass made it longer.
  void RemapWriter();

  const std::string path_;  // the database file; its WAL is path_ + "-wal"
  sqlite3* const writer_;
  sqlite3* const own_;
  std::recursive_mutex& store_mu_;
  const CheckpointOptions options_;
  AppendFiles* const files_;
  int signaled_at_ = 0;             // WAL pages at the last wake-up; used under store_mu_ only
  std::atomic<int> wal_frames_{0};  // frames in the WAL after the last commit
  int64_t mapped_size_ = -1;        // the database file's size at the writer's last remap
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool pending_ = false;  // guarded by mu_
  bool running_ = false;  // guarded by mu_: the pass without the store is running
  bool stop_ = false;     // guarded by mu_
  std::atomic<uint64_t> background_{0}, finished_{0}, on_writer_{0};
  std::thread thread_;
};

// OpenSqliteStore with other checkpoint limits (tests use small ones), and the counts of a store
// it opened.
Result<std::unique_ptr<Store>> OpenSqliteStoreWith(const std::string& dir,
                                                   const CheckpointOptions& options);
CheckpointCounts CheckpointsOf(Store& store);
// Tests: `hook` runs on a thread without a transaction after it read a row, scan or blob from
// the database and before the value goes to the cache. Set before the store is shared.
void SetReadHook(Store& store, std::function<void()> hook);

}  // namespace orgtrail::store::sqlite_internal
