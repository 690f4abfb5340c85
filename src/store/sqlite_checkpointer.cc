// WAL checkpoints of the SQLite store on a thread of their own (sqlite_checkpointer.h).
#include "store/sqlite_checkpointer.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace orgtrail::store::sqlite_internal {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path, sqlite3* writer,
                                                          std::recursive_mutex& store_mu,
                                                          const CheckpointOptions& options,
                                                          AppendFiles* files) {
  sqlite3* own = nullptr;
  auto fail = [&own](const char* what) -> AwsError {
    std::string why = own ? sqlite3_errmsg(own) : "out of memory";
    sqlite3_close_v2(own);
    return InternalFailure(std::string("store: ") + what + ": " + why);
  };
  if (sqlite3_open_v2(path.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    return fail("cannot open the checkpoint connection");
  }
  sqlite3_busy_timeout(own, 5000);
  // The same fsync() policy as the writer: the WAL before a checkpoint, the database after it.
  // Reading the journal mode opens the WAL on this connection (a checkpoint does not).
  if (sqlite3_exec(own, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK ||
      sqlite3_exec(own, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot set up the checkpoint connection");
  }
  // Off first: setting it replaces the WAL hook, which is how SQLite implements it.
  if (sqlite3_exec(writer, "PRAGMA wal_autocheckpoint=0", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot turn off the automatic checkpoint");
  }
  std::unique_ptr<Checkpointer> c(new Checkpointer(path, writer, own, store_mu, options, files));
  sqlite3_wal_hook(writer, &Checkpointer::WalHook, c.get());
  c->thread_ = std::thread([p = c.get()] { p->Loop(); });
  return c;
}

Checkpointer::Checkpointer(std::string path, sqlite3* writer, sqlite3* own,
                           std::recursive_mutex& store_mu, const CheckpointOptions& options,
                           AppendFiles* files)
    : path_(std::move(path)),
      writer_(writer),
      own_(own),
      store_mu_(store_mu),
      options_(options),
      files_(files) {}

// The append files first: a checkpoint syncs the WAL and copies its frames into the database,
// after which no replay of the WAL can drop a row that refers to bytes lost from the page cache.
int Checkpointer::Checkpoint(sqlite3* db, const char* name, int* log, int* done) {
  if (files_ != nullptr) (void)files_->Sync();
  return sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, log, done);
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(store_mu_);
    sqlite3_wal_hook(writer_, nullptr, nullptr);
  }
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(own_);
}

CheckpointCounts Checkpointer::Counts() const {
  return {background_.load(), finished_.load(), on_writer_.load()};
}

int Checkpointer::WalHook(void* self, sqlite3* db, const char* name, int pages) {
  static_cast<Checkpointer*>(self)->Committed(db, name, pages);
  return SQLITE_OK;  // the commit is done whatever happens here
}

// After a commit, on the committing thread, holding the store: `pages` frames in the WAL.
void Checkpointer::Committed(sqlite3* db, const char* name, int pages) {
  wal_frames_.store(pages, std::memory_order_relaxed);
  if (pages < signaled_at_) signaled_at_ = 0;  // the log started over
  if (pages >= options_.writer_pages) {
    // The thread fell behind: checkpoint here, with the store held (as SQLite's automatic
    // checkpoint did), so that the log cannot grow past this size by more than a commit.
    // SQLITE_BUSY while the thread's own pass runs: wait for its end (that pass does not need
    // the store; its finishing pass does, so it cannot be running now) and try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
      int log = 0, done = 0;
      int rc = Checkpoint(db, name, &log, &done);
      if (rc == SQLITE_OK && done == log) on_writer_.fetch_add(1, std::memory_order_relaxed);
      if (rc != SQLITE_BUSY) break;
      std::unique_lock lock(mu_);
      idle_.wait(lock, [this] { return !running_; });
    }
    return;
  }
  if (pages - signaled_at_ < options_.wal_pages) return;
  signaled_at_ = pages;
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
      running_ = true;
    }
    // PASSIVE copies the frames no reader still needs (the writer's reads are short) without
    // taking the writer's lock: commits go on meanwhile.
    int log = 0, done = 0;
    int rc = Checkpoint(own_, nullptr, &log, &done);
    const bool finish = rc == SQLITE_OK && log >= options_.finish_pages;
    if (finish) CatchUp(done);
    {
      std::lock_guard lock(mu_);
      running_ = false;
    }
    idle_.notify_all();
    if (rc != SQLITE_OK) continue;  // SQLITE_BUSY: a checkpoint on the writer is running
    if (done == log) background_.fetch_add(1, std::memory_order_relaxed);
    if (!finish) {
      RemapWriter();
      continue;
    }
    // The log has not started over for a while: copy what was committed during the pass above
    // with the store held, so that every frame is copied and the next commit starts the log at
    // its beginning again.
    std::lock_guard hold(store_mu_);
    if (Checkpoint(own_, nullptr, &log, &done) == SQLITE_OK && done == log) {
      finished_.fetch_add(1, std::memory_order_relaxed);
    }
    RemapWriter();
  }
}

void Checkpointer::RemapWriter() {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0 || st.st_size <= mapped_size_) return;
  std::lock_guard hold(store_mu_);
  sqlite3_int64 limit = -1;  // reads the writer's limit, changes nothing
  if (sqlite3_file_control(writer_, "main", SQLITE_FCNTL_MMAP_SIZE, &limit) != SQLITE_OK ||
      limit <= 0) {
    return;
  }
  // Another limit, 4 KiB away, then the same again: each change maps the file at its size now.
  sqlite3_int64 other = limit - 4096;
  sqlite3_int64 back = limit;
  if (sqlite3_file_control(writer_, "main", SQLITE_FCNTL_MMAP_SIZE, &other) == SQLITE_OK &&
      sqlite3_file_control(writer_, "main", SQLITE_FCNTL_MMAP_SIZE, &back) == SQLITE_OK) {
    mapped_size_ = st.st_size;
  }
}

namespace {

// Flushes the file at `path` to disk (any descriptor of a file syncs its pages); a file that
// cannot be opened is left to the checkpoint's own sync.
void SyncFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fdatasync(fd);
  ::close(fd);
}

}  // namespace

// The held pass syncs the WAL (every frame written since its last sync), copies the frames not
// yet copied and, having copied them all, syncs the database file (every page copied since its
// last full checkpoint: an unheld pass under continuous commits never copies them all, so it
// never syncs it). Done here without the store, those are tens of MiB; left to the held pass,
// only what was committed during the last unheld pass and flush.
void Checkpointer::CatchUp(int done) {
  constexpr int kMaxPasses = 3;
  const int small = std::max(1, options_.wal_pages / 8);
  for (int pass = 0;; ++pass) {
    SyncFile(path_);  // the pages copied so far
    if (pass == kMaxPasses || wal_frames_.load(std::memory_order_relaxed) - done <= small) break;
    // The frames committed meanwhile (this pass's own WAL sync flushes them).
    int log = 0;
    if (Checkpoint(own_, nullptr, &log, &done) != SQLITE_OK) {
      return;
    }
  }
  SyncFile(path_ + "-wal");
}

}  // namespace orgtrail::store::sqlite_internal
