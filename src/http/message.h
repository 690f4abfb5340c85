// HTTP/1.1 messages as the rest of orgtrail sees them: already de-framed (chunked transfer coding
// removed), headers kept in arrival order with their original case. Knows nothing of AWS.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace orgtrail::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // request-target exactly as received: "/b/a%20b?list-type=2"
  std::string path;    // target up to '?', still percent-encoded
  std::string query;   // target after '?', "" when absent (raw)
  std::vector<Header> headers;
  std::string body;
  std::string remote_ip;
  bool secure = false;  // arrived over TLS

  // First header with this name (ASCII case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  std::string HeaderOr(std::string_view name, std::string_view def = "") const;
  // Splits target into path and query.
  void SetTarget(std::string t);
};

// A response body streamed from an open file instead of held in memory: `length` bytes from
// `offset`. The descriptor closes with the last reference, so the bytes stay readable even if the
// file is unlinked while the response is being written.
struct BodyFile {
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
  BodyFile() = default;
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  ~BodyFile();
  // Opens `path` read-only; nullptr if it cannot be opened or is shorter than offset + length.
  static std::shared_ptr<BodyFile> Open(const std::string& path, uint64_t offset, uint64_t length);
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
