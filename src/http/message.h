// HTTP/1.1 messages as the rest of orgtrail sees them: already de-framed (chunked transfer coding
// removed), headers kept in arrival order with their original case. Knows nothing of AWS.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgtrail::http {

struct Header {
  std::string name;
  std::string value;
};

// A request body too large to hold in memory, written to a file as it arrived. The file is
// removed with the last reference, unless it was renamed away in the meantime (a store adopting
// it as an object's bytes).
struct SpooledBody {
  std::string path;
  int fd = -1;  // open for reading and writing
  uint64_t size = 0;
  // Digests of the bytes, filled by whoever hashed them (the S3 payload check): lower-case
  // algorithm name ("md5", "sha256", "crc32", ...) and raw digest bytes.
  std::vector<std::pair<std::string, std::string>> digests;

  SpooledBody() = default;
  SpooledBody(const SpooledBody&) = delete;
  SpooledBody& operator=(const SpooledBody&) = delete;
  ~SpooledBody();
  // A new empty file in `dir`; nullptr if it cannot be created.
  static std::shared_ptr<SpooledBody> Create(const std::string& dir);
  // Appends bytes at the end; false on a write error.
  bool Append(std::string_view data);
  // Reads up to `n` bytes at `offset` into `buf`; the number read, -1 on error.
  long long ReadAt(uint64_t offset, char* buf, size_t n) const;
  // The digest named `name`, or nullptr.
  const std::string* Digest(std::string_view name) const;
};

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // request-target exactly as received: "/b/a%20b?list-type=2"
  std::string path;    // target up to '?', still percent-encoded
  std::string query;   // target after '?', "" when absent (raw)
  std::vector<Header> headers;
  std::string body;
  // Set instead of `body` when the body was spooled to a file (then `body` is empty).
  std::shared_ptr<SpooledBody> spooled;
  std::string remote_ip;
  bool secure = false;  // arrived over TLS

  // First header with this name (ASCII case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  std::string HeaderOr(std::string_view name, std::string_view def = "") const;
  // Splits target into path and query.
  void SetTarget(std::string t);
};

// A response body streamed from open files instead of held in memory: `length` bytes, the
// pieces one after the other (one piece for a body in one file). A descriptor closes with the
// last reference, so the bytes stay readable even if a file is unlinked while the response is
// being written.
struct BodyFile {
  struct Piece {
    int fd = -1;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  std::vector<Piece> pieces;
  uint64_t length = 0;
  BodyFile() = default;
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  ~BodyFile();
  // Opens `path` read-only; nullptr if it cannot be opened or is shorter than offset + length.
  static std::shared_ptr<BodyFile> Open(const std::string& path, uint64_t offset, uint64_t length);
  // Adds `length` bytes of `path` from `offset` after the others; false as for Open.
  bool Append(const std::string& path, uint64_t offset, uint64_t length);
  // The piece holding byte `at` of the body (at < length), found from `hint` onwards (the index
  // of the piece found last, updated).
  const Piece& PieceAt(uint64_t at, size_t& hint, uint64_t& piece_start) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  // When set, the body is these bytes of a file (and `body` is empty).
  std::shared_ptr<BodyFile> body_file;
  // For HEAD responses: the Content-Length to announce without a body (-1: body.size()).
  long long content_length = -1;

  void SetHeader(std::string name, std::string value);  // replaces any header of that name
  const std::string* FindHeader(std::string_view name) const;
};

}  // namespace orgtrail::http
