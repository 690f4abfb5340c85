// HTTP/1.1 messages as the rest of orgtrail sees them: already de-framed (chunked transfer coding
// removed), headers kept in arrival order with their original case. Knows nothing of AWS.
#pragma once

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

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  // For HEAD responses: the Content-Length to announce without a body (-1: body.size()).
  long long content_length = -1;

  void SetHeader(std::string name, std::string value);  // replaces any header of that name
  const std::string* FindHeader(std::string_view name) const;
};

}  // namespace orgtrail::http
