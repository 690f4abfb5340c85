#include "http/message.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "core/encoding.h"

namespace orgtrail::http {

const std::string* Request::FindHeader(std::string_view name) const {
  for (const Header& h : headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

std::string Request::HeaderOr(std::string_view name, std::string_view def) const {
  const std::string* v = FindHeader(name);
  return v ? *v : std::string(def);
}

void Request::SetTarget(std::string t) {
  target = std::move(t);
  size_t q = target.find('?');
  if (q == std::string::npos) {
    path = target;
    query.clear();
  } else {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
}

void Response::SetHeader(std::string name, std::string value) {
  for (Header& h : headers) {
    if (IEquals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
}

const std::string* Response::FindHeader(std::string_view name) const {
  for (const Header& h : headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

BodyFile::~BodyFile() {
  for (const Piece& p : pieces)
    if (p.fd >= 0) ::close(p.fd);
}

std::shared_ptr<BodyFile> BodyFile::Open(const std::string& path, uint64_t offset,
                                         uint64_t length) {
  auto f = std::make_shared<BodyFile>();
  if (!f->Append(path, offset, length)) return nullptr;
  return f;
}

bool BodyFile::Append(const std::string& path, uint64_t offset, uint64_t piece_length) {
  Piece p;
  p.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (p.fd < 0) return false;
  struct stat st;
  if (::fstat(p.fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < offset ||
      static_cast<uint64_t>(st.st_size) - offset < piece_length) {
    ::close(p.fd);
    return false;
  }
  p.offset = offset;
  p.length = piece_length;
  pieces.push_back(p);
  length += piece_length;
  return true;
}

const BodyFile::Piece& BodyFile::PieceAt(uint64_t at, size_t& hint, uint64_t& piece_start) const {
  if (hint >= pieces.size() || piece_start > at) hint = 0, piece_start = 0;
  while (hint + 1 < pieces.size() && at >= piece_start + pieces[hint].length)
    piece_start += pieces[hint++].length;
  return pieces[hint];
}

SpooledBody::~SpooledBody() {
  if (fd < 0) return;
  // Unlink only if `path` still names this file: after a rename it names nothing, or another.
  struct stat mine, named;
  if (!path.empty() && ::fstat(fd, &mine) == 0 && ::stat(path.c_str(), &named) == 0 &&
      mine.st_dev == named.st_dev && mine.st_ino == named.st_ino)
    ::unlink(path.c_str());
  ::close(fd);
}

std::shared_ptr<SpooledBody> SpooledBody::Create(const std::string& dir) {
  auto f = std::make_shared<SpooledBody>();
  std::string tmpl = dir + "/body-XXXXXX";
  f->fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (f->fd < 0) return nullptr;
  f->path = std::move(tmpl);
  return f;
}

// Spooled bytes are handed to the disk every kWriteBehind bytes while the body still arrives, so
// that the fsync of a store adopting the file finds little left to write (and dirty pages do not
// pile up in memory).
constexpr uint64_t kWriteBehind = 8ULL << 20;

bool SpooledBody::Append(std::string_view data) {
  const uint64_t before = size;
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size += static_cast<uint64_t>(n);
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (size / kWriteBehind != before / kWriteBehind) {
    const uint64_t end = size / kWriteBehind * kWriteBehind;
    const uint64_t start = before / kWriteBehind * kWriteBehind;
    ::sync_file_range(fd, static_cast<off_t>(start), static_cast<off_t>(end - start),
                      SYNC_FILE_RANGE_WRITE);
  }
  return true;
}

long long SpooledBody::ReadAt(uint64_t offset, char* buf, size_t n) const {
  for (;;) {
    ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

const std::string* SpooledBody::Digest(std::string_view name) const {
  for (const auto& [k, v] : digests)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace orgtrail::http
