// Test support only (never linked into orgtrail): a JSON protocol answer as service tests read
// it, and the CloudWatch request of the JSON 1.0 query-compatible protocol. Shared by the
// CloudWatch and CloudWatch Logs tests (metric filters publish to CloudWatch).
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/value.h"
#include "http/message.h"

namespace orgtrail::gateway {

struct JsonReply {
  int status = 0;
  Value body;
  std::string query_error;  // x-amzn-query-error
  std::string raw;
  // The error code: __type without a namespace prefix ("...#ResourceNotFoundException").
  std::string Code() const {
    std::string t = body.GetString("__type");
    size_t hash = t.rfind('#');
    return hash == std::string::npos ? t : t.substr(hash + 1);
  }
  std::string Message() const {
    std::string m = body.GetString("message");
    return m.empty() ? body.GetString("Message") : m;
  }
};

inline JsonReply ToJsonReply(const http::Response& r) {
  JsonReply out;
  out.status = r.status;
  out.raw = r.body;
  if (const std::string* h = r.FindHeader("x-amzn-query-error")) out.query_error = *h;
  auto parsed = ParseJson(r.body.empty() ? "{}" : r.body);
  if (parsed.ok()) out.body = std::move(parsed).value();
  return out;
}

// CloudWatch in JSON 1.0, query-compatible, as CLI v1 and boto3 send it (unsigned: pass it to
// InProcessTest::Send with service "monitoring").
inline http::Request CloudWatchJsonRequest(std::string_view operation, std::string body) {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"Host", "127.0.0.1:4566"},
                 {"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "GraniteServiceVersion20100801." + std::string(operation)},
                 {"x-amzn-query-mode", "true"}};
  req.body = std::move(body);
  return req;
}

}  // namespace orgtrail::gateway
