// Fuzzes the HTTP/1.1 request parser (the server's parser and limits, over raw bytes). A parse
// must either fail with BadRequest or yield a request whose pieces are consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  orgtrail::http::ServerOptions options;
  options.max_header_bytes = 8 * 1024;
  options.max_body_bytes = 1 << 20;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = orgtrail::http::ParseRequestBytes(bytes, options);
  if (!result.ok()) {
    if (result.error().code != "BadRequest") std::abort();
    return 0;
  }
  const orgtrail::http::Request& req = *result;
  if (req.method.empty()) std::abort();
  if (req.body.size() > options.max_body_bytes) std::abort();
  // path + "?" + query reassembles the target.
  if (req.target.find('?') == std::string::npos ? req.path != req.target
                                                : req.path + "?" + req.query != req.target) {
    std::abort();
  }
  return 0;
}
