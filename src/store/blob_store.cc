#include "store/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
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

bool SyncPath(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Appends bytes [offset, offset + length) of the open file `fd` (clamped to `size`) to `out`.
void ReadRange(int fd, uint64_t size, uint64_t offset, uint64_t length, std::string& out) {
  if (offset >= size) return;
  uint64_t n = std::min<uint64_t>(length, size - offset);
  size_t start = out.size();
  out.resize(start + n);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out.data() + start + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  out.resize(start + done);
}

// The first line of a composite blob's manifest; each further line is the size of one piece,
// the file named by its index (0, 1, ...) in the same directory.
constexpr std::string_view kManifestMagic = "orgtrail composite blob 1";

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
    for (const auto& e : fs::directory_iterator(dir_ / "tmp", ec)) fs::remove_all(e.path(), ec);
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
    return Compose(id, parts);
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
    std::string out;
    if (fd < 0) {  // a composite blob: its pieces' slices, one after the other
      std::optional<std::vector<FileSlice>> slices = FileSlices(id, offset, length);
      if (!slices) return std::nullopt;
      for (const FileSlice& slice : *slices) {
        int pfd = ::open(slice.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (pfd < 0) return std::nullopt;
        const size_t before = out.size();
        ReadRange(pfd, slice.offset + slice.length, slice.offset, slice.length, out);
        ::close(pfd);
        if (out.size() - before != slice.length) return std::nullopt;
      }
      return out;
    }
    off_t size = ::lseek(fd, 0, SEEK_END);
    if (size >= 0) ReadRange(fd, static_cast<uint64_t>(size), offset, length, out);
    ::close(fd);
    return out;
  }

  std::optional<std::vector<FileSlice>> FileSlices(std::string_view id, uint64_t offset,
                                                   uint64_t length) override {
    if (!ValidId(id)) return std::nullopt;
    std::vector<FileSlice> out;
    std::error_code ec;
    fs::path file = PathOf(id);
    uint64_t size = fs::file_size(file, ec);
    if (!ec) {
      if (offset < size) out.push_back({file.string(), offset, std::min(length, size - offset)});
      return out;
    }
    std::optional<std::vector<Piece>> pieces = Pieces(id);
    if (!pieces) return std::nullopt;
    uint64_t start = 0;
    for (const Piece& p : *pieces) {
      if (offset < start + p.size && length > 0) {
        uint64_t from = offset > start ? offset - start : 0;
        uint64_t n = std::min<uint64_t>(length, p.size - from);
        out.push_back({p.path.string(), from, n});
        length -= n;
      }
      start += p.size;
    }
    return out;
  }

  std::optional<uint64_t> Size(std::string_view id) override {
    if (!ValidId(id)) return std::nullopt;
    if (inline_) {
      if (std::optional<uint64_t> n = inline_->InlineSize(id)) return n;
    }
    std::error_code ec;
    uint64_t n = fs::file_size(PathOf(id), ec);
    if (!ec) return n;
    std::optional<std::vector<Piece>> pieces = Pieces(id);
    if (!pieces) return std::nullopt;
    n = 0;
    for (const Piece& p : *pieces) n += p.size;
    return n;
  }

  void Remove(std::string_view id) override {
    if (!ValidId(id)) return;
    // A row may shadow a small file of the same id (an object of a version 1 data directory
    // overwritten in place): both go.
    const bool was_row = inline_ && inline_->RemoveInline(id);
    std::error_code ec;
    // A composite is never a row (it is larger than any row).
    if (!fs::remove(PathOf(id), ec) && !was_row) fs::remove_all(CompositeDir(id), ec);
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
  struct Piece {
    fs::path path;
    uint64_t size = 0;
  };

  fs::path PathOf(std::string_view id) const {
    return dir_ / std::string(id.substr(0, 2)) / std::string(id);
  }
  fs::path CompositeDir(std::string_view id) const {
    return dir_ / std::string(id.substr(0, 2)) / (std::string(id) + ".parts");
  }

  // The pieces of a composite blob, nullopt if there is none named `id`.
  std::optional<std::vector<Piece>> Pieces(std::string_view id) const {
    const fs::path dir = CompositeDir(id);
    std::ifstream in(dir / "manifest");
    if (!in) return std::nullopt;
    std::string line;
    if (!std::getline(in, line) || line != kManifestMagic) return std::nullopt;
    std::vector<Piece> pieces;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      char* end = nullptr;
      uint64_t size = std::strtoull(line.c_str(), &end, 10);
      if (*end != '\0') return std::nullopt;
      pieces.push_back({dir / std::to_string(pieces.size()), size});
    }
    return pieces;
  }

  // Links (or, where the filesystem refuses, copies) the file `from` as `to`.
  static bool LinkOrCopy(const fs::path& from, const fs::path& to) {
    if (::link(from.c_str(), to.c_str()) == 0) return true;
    std::error_code ec;
    if (!fs::copy_file(from, to, ec)) return false;
    return SyncPath(to, O_RDONLY);
  }

  // Concat of a large result: the composite is staged under tmp/ (links to the parts' files, a
  // small part written out, the manifest), synced, then renamed into place: a crash leaves
  // either no blob or the whole one.
  Status Compose(std::string_view id, const std::vector<std::string>& parts) {
    const fs::path staged = dir_ / "tmp" / (std::string(id) + ".parts");
    std::error_code ec;
    fs::remove_all(staged, ec);
    if (!fs::create_directory(staged, ec)) return IoError("mkdir");
    std::string manifest = std::string(kManifestMagic) + "\n";
    size_t count = 0;
    auto add = [&](uint64_t size) {
      manifest += std::to_string(size) + "\n";
      ++count;
    };
    auto fail = [&](const std::string& what) {
      Status st = IoError(what);
      fs::remove_all(staged, ec);
      return st;
    };
    std::string buf;
    for (const std::string& p : parts) {
      if (inline_ && inline_->ReadInline(p, 0, UINT64_MAX, buf)) {
        if (buf.empty()) continue;
        const fs::path to = staged / std::to_string(count);
        int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) return fail("open");
        bool ok = WriteAll(fd, buf) && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) return fail("write");
        add(buf.size());
        continue;
      }
      const fs::path file = PathOf(p);
      uint64_t size = fs::file_size(file, ec);
      if (!ec) {
        if (size == 0) continue;
        if (!LinkOrCopy(file, staged / std::to_string(count))) return fail("link");
        add(size);
        continue;
      }
      std::optional<std::vector<Piece>> pieces = Pieces(p);
      if (!pieces) return fail("missing part");
      for (const Piece& piece : *pieces) {
        if (!LinkOrCopy(piece.path, staged / std::to_string(count))) return fail("link");
        add(piece.size);
      }
    }
    const fs::path manifest_path = staged / "manifest";
    int fd = ::open(manifest_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail("open");
    bool ok = WriteAll(fd, manifest) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || !SyncPath(staged, O_RDONLY | O_DIRECTORY)) return fail("write");
    const fs::path final_path = CompositeDir(id);
    fs::create_directories(final_path.parent_path(), ec);
    if (::rename(staged.c_str(), final_path.c_str()) != 0) return fail("rename");
    SyncDir(final_path.parent_path());
    return Ok();
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
