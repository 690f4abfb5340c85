// A small synchronous HTTP/1.1 client on Boost.Beast, for orgtrail's own outbound calls
// (`orgtrail env`, later SNS HTTP deliveries). One request per connection.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace orgtrail::http {

struct Url {
  std::string scheme;  // "http"
  std::string host;
  std::string port;    // "80" when absent
  std::string target;  // path and query, "/" when absent
};
// Parses "http://host[:port][/path?query]". Only http is supported.
Result<Url> ParseUrl(std::string_view url);

// Sends `req` (method, target, headers, body as given; Host is added when absent) to host:port
// and reads the whole response. Errors: AwsError{"ConnectionError", <reason>}.
Result<Response> Send(const std::string& host, const std::string& port, const Request& req,
                      int timeout_seconds = 30);

}  // namespace orgtrail::http
