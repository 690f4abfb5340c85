// Parsing one request from bytes (server.h), with the server's own parser and limits.
#include <string_view>

#include "http/beast_request.h"
#include "http/server.h"

namespace orgtrail::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using internal::ConfigureParser;
using internal::Parser;
using internal::StatusForParseError;
using internal::ToRequest;

Result<Request> ParseRequestBytes(std::string_view bytes, const ServerOptions& options) {
  Parser parser;
  ConfigureParser(parser, options);
  parser.eager(true);
  beast::error_code ec;
  size_t offset = 0;
  while (!parser.is_done() && offset < bytes.size()) {
    size_t n = parser.put(net::buffer(bytes.data() + offset, bytes.size() - offset), ec);
    offset += n;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (n == 0) break;
      continue;
    }
    if (ec) return AwsError("BadRequest", ec.message(), StatusForParseError(ec));
  }
  if (!parser.is_done()) {
    if (parser.is_header_done()) {
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return AwsError("BadRequest", "incomplete request body", 400);
    } else {
      return AwsError("BadRequest", "incomplete request header", 400);
    }
  }
  return ToRequest(parser.release());
}

}  // namespace orgtrail::http
