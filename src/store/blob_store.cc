#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace orgtrail::store {
namespace {

namespace fs = std::filesystem;

bool ValidId(std::string_view id) {
  if (id.size() < 3 || id.size() > 128) return false;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

AwsError IoError(const std::string& what) {
  return InternalFailure("blob store: " + what + ": " + std::strerror(errno));
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

class DiskBlobStore final : public BlobStore {
 public:
  DiskBlobStore(fs::path dir, InlineBlobs* inline_blobs, uint64_t inline_max)
      : dir_(std::move(dir)), inline_(inline_blobs), inline_max_(inline_blobs ? inline_max : 0) {}

  Status Init() {
    std::error_code ec;
    fs::create_directories(dir_ / "tmp", ec);
    if (ec) return InternalFailure("blob store: cannot create " + dir_.string());
    // Temporary files of writes that never finished.
    for (const auto& e : fs::directory_iterator(dir_ / "tmp", ec)) fs::remove(e.path(), ec);
    return Ok();
  }

  Status Put(std::string_view id, std::string_view data) override {
    if (!ValidId(id)) return InternalFailure("blob store: bad id");
    if (inline_ && data.size() <= inline_max_) return inline_->PutInline(id, data);
    return Write(id, [&](int fd) { return WriteAll(fd, data); });
  }

  Status Adopt(std::string_view id, const std::string& path) override {
    if (!ValidId(id)) return InternalFailure("blob store: bad id");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("open");
    bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) return IoError("fsync");
    fs::path final_path = PathOf(id);
    std::error_code ec;
    fs::create_directories(final_path.parent_path(), ec);
    if (::rename(path.c_str(), final_path.c_str()) != 0) return IoError("rename");
    SyncDir(final_path.parent_path());
    return Ok();
  }

  Status Concat(std::string_view id, const std::vector<std::string>& parts) override {
    uint64_t total = 0;
    for (const std::string& p : parts) {
      if (!ValidId(p)) return InternalFailure("blob store: bad id");
      std::optional<uint64_t> n = Size(p);
      if (!n) return InternalFailure("blob store: missing part");
      total += *n;
    }
    if (inline_ && total <= inline_max_) {
      std::string out;
      out.reserve(total);
      for (const std::string& p : parts) {
        std::optional<std::string> bytes = Read(p, 0, UINT64_MAX);
        if (!bytes) return InternalFailure("blob store: missing part");
        out += *bytes;
      }
      return inline_->PutInline(id, out);
    }
    return Write(id, [&](int fd) {
      std::string buf;
      for (const std::string& p : parts) {
        if (inline_ && inline_->ReadInline(p, 0, UINT64_MAX, buf)) {
          if (!WriteAll(fd, buf)) return false;
          continue;
        }
        buf.resize(1 << 20);
        int in = ::open(PathOf(p).c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0) return false;
        for (;;) {
          ssize_t n = ::read(in, buf.data(), buf.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) {
            ::close(in);
            if (n < 0) return false;
            break;
          }
          if (!WriteAll(fd, std::string_view(buf.data(), static_cast<size_t>(n)))) {
            ::close(in);
            return false;
          }
        }
      }
      return true;
    });
  }

  std::optional<std::string> FilePath(std::string_view id) override {
    if (!ValidId(id)) return std::nullopt;
    std::error_code ec;
    fs::path p = PathOf(id);
    if (!fs::is_regular_file(p, ec)) return std::nullopt;
    return p.string();
  }

  std::optional<std::string> Read(std::string_view id, uint64_t offset, uint64_t length) override {
    if (!ValidId(id)) return std::nullopt;
    if (inline_) {
      std::string out;
      if (inline_->ReadInline(id, offset, length, out)) return out;
    }
    int fd = ::open(PathOf(id).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    off_t size = ::lseek(fd, 0, SEEK_END);
    std::string out;
    if (size >= 0 && offset < static_cast<uint64_t>(size)) {
      uint64_t n = std::min<uint64_t>(length, static_cast<uint64_t>(size) - offset);
      out.resize(n);
      size_t done = 0;
      while (done < n) {
        ssize_t r = ::pread(fd, out.data() + done, n - done, static_cast<off_t>(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        done += static_cast<size_t>(r);
      }
      out.resize(done);
    }
    ::close(fd);
    return out;
  }

  std::optional<uint64_t> Size(std::string_view id) override {
    if (!ValidId(id)) return std::nullopt;
    if (inline_) {
      if (std::optional<uint64_t> n = inline_->InlineSize(id)) return n;
    }
    std::error_code ec;
    uint64_t n = fs::file_size(PathOf(id), ec);
    if (ec) return std::nullopt;
    return n;
  }

  void Remove(std::string_view id) override {
    if (!ValidId(id)) return;
    // A row may shadow a small file of the same id (an object of a version 1 data directory
    // overwritten in place): both go.
    if (inline_) inline_->RemoveInline(id);
    std::error_code ec;
    fs::remove(PathOf(id), ec);
  }

  // Files only: the inline blobs are rows, cleared with the others by Store::Clear.
  void Clear() override {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      if (e.path().filename() == "tmp") continue;
      fs::remove_all(e.path(), ec);
    }
  }

 private:
  fs::path PathOf(std::string_view id) const {
    return dir_ / std::string(id.substr(0, 2)) / std::string(id);
  }

  template <typename Fill>
  Status Write(std::string_view id, Fill fill) {
    if (!ValidId(id)) return InternalFailure("blob store: bad id");
    fs::path tmp = dir_ / "tmp" / (std::string(id) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("open");
    bool ok = fill(fd) && ::fsync(fd) == 0;
    ::close(fd);
    std::error_code ec;
    if (!ok) {
      fs::remove(tmp, ec);
      return IoError("write");
    }
    fs::path final_path = PathOf(id);
    fs::create_directories(final_path.parent_path(), ec);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
      fs::remove(tmp, ec);
      return IoError("rename");
    }
    SyncDir(final_path.parent_path());
    return Ok();
  }

  fs::path dir_;
  InlineBlobs* inline_;
  uint64_t inline_max_;
};

class MemoryBlobStore final : public BlobStore {
 public:
  Status Put(std::string_view id, std::string_view data) override {
    std::lock_guard lock(mu_);
    blobs_[std::string(id)] = std::make_shared<const std::string>(data);
    return Ok();
  }

  Status Adopt(std::string_view id, const std::string& path) override {
    std::string data;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("open");
    char buf[1 << 16];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ::close(fd);
        return IoError("read");
      }
      if (n == 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    ::unlink(path.c_str());
    return Put(id, data);
  }

  Status Concat(std::string_view id, const std::vector<std::string>& parts) override {
    std::lock_guard lock(mu_);
    std::string out;
    for (const std::string& p : parts) {
      auto it = blobs_.find(p);
      if (it == blobs_.end()) return InternalFailure("blob store: missing part");
      out += *it->second;
    }
    blobs_[std::string(id)] = std::make_shared<const std::string>(std::move(out));
    return Ok();
  }

  std::optional<std::string> Read(std::string_view id, uint64_t offset, uint64_t length) override {
    std::shared_ptr<const std::string> blob;
    {
      std::lock_guard lock(mu_);
      auto it = blobs_.find(id);
      if (it == blobs_.end()) return std::nullopt;
      blob = it->second;
    }
    if (offset >= blob->size()) return std::string();
    return blob->substr(offset, length);
  }

  std::optional<uint64_t> Size(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto it = blobs_.find(id);
    if (it == blobs_.end()) return std::nullopt;
    return it->second->size();
  }

  void Remove(std::string_view id) override {
    std::lock_guard lock(mu_);
    auto it = blobs_.find(id);
    if (it != blobs_.end()) blobs_.erase(it);
  }

  void Clear() override {
    std::lock_guard lock(mu_);
    blobs_.clear();
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> blobs_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenDiskBlobStore(const std::string& dir,
                                                     InlineBlobs* inline_blobs,
                                                     uint64_t inline_max) {
  auto store = std::make_unique<DiskBlobStore>(dir, inline_blobs, inline_max);
  ORGTRAIL_CHECK(store->Init());
  return std::unique_ptr<BlobStore>(std::move(store));
}

std::unique_ptr<BlobStore> MakeMemoryBlobStore() { return std::make_unique<MemoryBlobStore>(); }

}  // namespace orgtrail::store
