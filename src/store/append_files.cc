// Append-only files beside the row store (append_files.h).
#include "store/append_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace orgtrail::store {
namespace {

bool ValidAppendFileId(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

AwsError AppendFileError(std::string_view what, std::string_view id) {
  return InternalFailure("append file " + std::string(id) + ": " + std::string(what) + ": " +
                         std::strerror(errno));
}

// A read-only mapping of a file, at its size when mapped; unmapped when the last view lets go.
struct AppendFileMapping {
  AppendFileMapping(void* b, size_t n) : base(b), size(n) {}
  AppendFileMapping(const AppendFileMapping&) = delete;
  AppendFileMapping& operator=(const AppendFileMapping&) = delete;
  ~AppendFileMapping() { ::munmap(base, size); }
  void* const base;
  const size_t size;
};

// An open descriptor, closed when the last user lets go (a read may run while the file is
// removed or the descriptor evicted), and its latest mapping (mapped again, at the file's size
// then, when a view reaches past it).
struct OpenAppendFile {
  explicit OpenAppendFile(int descriptor) : fd(descriptor) {}
  OpenAppendFile(const OpenAppendFile&) = delete;
  OpenAppendFile& operator=(const OpenAppendFile&) = delete;
  ~OpenAppendFile() { ::close(fd); }
  const int fd;
  std::mutex map_mu;
  std::shared_ptr<AppendFileMapping> map;  // guarded by map_mu
};

class DiskAppendFiles final : public AppendFiles {
 public:
  explicit DiskAppendFiles(std::string dir) : dir_(std::move(dir)) {}

  Status Write(std::string_view id, uint64_t offset, std::string_view bytes) override {
    if (!ValidAppendFileId(id)) return InternalFailure("append file: invalid id");
    bool created = false;
    std::shared_ptr<OpenAppendFile> f = Open(id, /*create=*/true, &created);
    if (!f) return AppendFileError("cannot open", id);
    const char* p = bytes.data();
    size_t left = bytes.size();
    off_t at = static_cast<off_t>(offset);
    while (left > 0) {
      ssize_t n = ::pwrite(f->fd, p, left, at);
      if (n < 0) {
        if (errno == EINTR) continue;
        AwsError error = AppendFileError("cannot write", id);
        // The file this write created goes again: no row refers to it (a stream's first batch
        // that fails leaves no file behind).
        if (created) Remove(id);
        return error;
      }
      p += n;
      left -= static_cast<size_t>(n);
      at += n;
    }
    std::lock_guard lock(mu_);
    if (dirty_.find(id) == dirty_.end()) dirty_.emplace(std::string(id), std::move(f));
    return Ok();
  }

  bool Read(std::string_view id, uint64_t offset, uint64_t length, std::string& out) override {
    if (!ValidAppendFileId(id)) return false;
    std::shared_ptr<OpenAppendFile> f = Open(id, /*create=*/false);
    if (!f) return false;
    out.resize(length);
    size_t done = 0;
    while (done < length) {
      ssize_t n =
          ::pread(f->fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  void Remove(std::string_view id) override {
    if (!ValidAppendFileId(id)) return;
    {
      std::lock_guard lock(mu_);
      auto it = open_.find(id);
      if (it != open_.end()) open_.erase(it);
      auto d = dirty_.find(id);
      if (d != dirty_.end()) dirty_.erase(d);
    }
    ::unlink(Path(id).c_str());
  }

  void Release(std::string_view id, uint64_t offset, uint64_t length) override {
    if (!ValidAppendFileId(id) || length == 0) return;
    std::shared_ptr<OpenAppendFile> f = Open(id, /*create=*/false);
    if (!f) return;
    // Filesystems without holes keep the bytes: no row refers to them any more.
    (void)::fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                      static_cast<off_t>(length));
  }

  void Clear() override {
    {
      std::lock_guard lock(mu_);
      open_.clear();
      dirty_.clear();
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
      std::error_code ignored;
      std::filesystem::remove(entry.path(), ignored);
    }
  }

  bool View(std::string_view id, uint64_t offset, uint64_t length, AppendFileView& out) override {
    if (!ValidAppendFileId(id)) return false;
    out.hold.reset();
    if (length == 0) {
      out.bytes = {};
      return true;
    }
    std::shared_ptr<OpenAppendFile> f = Open(id, /*create=*/false);
    if (!f) return false;
    std::shared_ptr<AppendFileMapping> m;
    {
      std::lock_guard lock(f->map_mu);
      m = f->map;
      if (!m || m->size < offset + length) {
        struct stat st;
        if (::fstat(f->fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < offset + length)
          return false;
        void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, f->fd, 0);
        if (p == MAP_FAILED) return false;
        m = std::make_shared<AppendFileMapping>(p, static_cast<size_t>(st.st_size));
        f->map = m;
      }
    }
    out.bytes = std::string_view(static_cast<const char*>(m->base) + offset, length);
    out.hold = std::move(m);
    return true;
  }

  Status Sync() override {
    std::vector<std::shared_ptr<OpenAppendFile>> files;
    bool sync_dir = false;
    {
      std::lock_guard lock(mu_);
      files.reserve(dirty_.size());
      for (auto& [id, f] : dirty_) files.push_back(std::move(f));
      dirty_.clear();
      std::swap(sync_dir, dir_dirty_);
    }
    // Without the lock: writers go on appending meanwhile (what they write after the swap above
    // is synced by the next call).
    Status result = Ok();
    for (const auto& f : files) {
      if (::fdatasync(f->fd) != 0 && result.ok()) result = AppendFileError("cannot sync", "");
    }
    if (sync_dir) {
      int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
      }
    }
    return result;
  }

 private:
  // Descriptors kept open at most; beyond, the cache starts over (files written and not yet
  // synced stay referenced by dirty_ until the next Sync).
  static constexpr size_t kMaxOpen = 256;

  std::string Path(std::string_view id) const { return dir_ + "/" + std::string(id); }

  // `created_out` (if given) tells whether this call created the file.
  std::shared_ptr<OpenAppendFile> Open(std::string_view id, bool create,
                                       bool* created_out = nullptr) {
    {
      std::lock_guard lock(mu_);
      auto it = open_.find(id);
      if (it != open_.end()) return it->second;
    }
    const std::string path = Path(id);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    bool created = false;
    if (fd < 0 && errno == ENOENT && create) {
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      created = fd >= 0;
    }
    if (fd < 0) return nullptr;
    if (created_out) *created_out = created;
    auto f = std::make_shared<OpenAppendFile>(fd);
    std::lock_guard lock(mu_);
    if (created) dir_dirty_ = true;
    auto it = open_.find(id);
    if (it != open_.end()) return it->second;  // opened meanwhile by another thread
    if (open_.size() >= kMaxOpen) open_.clear();
    open_.emplace(std::string(id), f);
    return f;
  }

  const std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<OpenAppendFile>, std::less<>> open_;
  std::map<std::string, std::shared_ptr<OpenAppendFile>, std::less<>> dirty_;
  bool dir_dirty_ = false;
};

class MemoryAppendFiles final : public AppendFiles {
 public:
  Status Write(std::string_view id, uint64_t offset, std::string_view bytes) override {
    if (!ValidAppendFileId(id)) return InternalFailure("append file: invalid id");
    std::lock_guard lock(mu_);
    auto [it, created] = files_.try_emplace(std::string(id));
    std::string& f = it->second;
    const uint64_t end = offset + bytes.size();
    bool written = end >= offset;  // not past the largest offset
    if (written && f.size() < end) {
      try {
        f.resize(end);
      } catch (const std::exception&) {  // longer than a string can be, or out of memory
        written = false;
      }
    }
    if (!written) {
      // As on disk: a failed write leaves no file it created.
      if (created) files_.erase(it);
      return InternalFailure("append file " + std::string(id) + ": cannot write");
    }
    std::memcpy(f.data() + offset, bytes.data(), bytes.size());
    return Ok();
  }

  bool Read(std::string_view id, uint64_t offset, uint64_t length, std::string& out) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end() || offset > it->second.size() || it->second.size() - offset < length)
      return false;
    out.assign(it->second, offset, length);
    return true;
  }

  void Remove(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it != files_.end()) files_.erase(it);
  }

  void Release(std::string_view id, uint64_t offset, uint64_t length) override {
    std::lock_guard lock(mu_);
    auto it = files_.find(id);
    if (it == files_.end() || offset >= it->second.size()) return;
    length = std::min<uint64_t>(length, it->second.size() - offset);
    std::memset(it->second.data() + offset, 0, length);
  }

  void Clear() override {
    std::lock_guard lock(mu_);
    files_.clear();
  }

  Status Sync() override { return Ok(); }

 private:
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> files_;
};

}  // namespace

Result<std::unique_ptr<AppendFiles>> OpenDiskAppendFiles(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir, ec)) {
    return AwsError("StoreUnusable", "cannot create the directory " + dir);
  }
  return std::unique_ptr<AppendFiles>(std::make_unique<DiskAppendFiles>(dir));
}

std::unique_ptr<AppendFiles> MakeMemoryAppendFiles() {
  return std::make_unique<MemoryAppendFiles>();
}

}  // namespace orgtrail::store
