// The status line and headers of a response (response_head.h).
#include "http/response_head.h"

#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::http {
namespace {

namespace bhttp = boost::beast::http;

// RFC 9110 §6.6.1: Date in IMF-fixdate. Formatted at most once a second per thread.
const std::string& CurrentHttpDate() {
  thread_local int64_t cached_sec = -1;
  thread_local std::string cached;
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  if (ms / 1000 != cached_sec) {
    cached_sec = ms / 1000;
    cached = FormatHttpDate(cached_sec * 1000);
  }
  return cached;
}

// Appends a header line; CR and LF in names or values become spaces (no response splitting).
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  size_t start = out.size();
  out.append(name).append(": ").append(value);
  for (size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
  out.append("\r\n");
}

}  // namespace

std::string SerializeHead(const Response& resp, bool head_request, bool keep_alive, bool http10) {
  std::string out;
  out.reserve(256);
  out.append("HTTP/1.1 ").append(std::to_string(resp.status)).push_back(' ');
  out.append(bhttp::obsolete_reason(static_cast<bhttp::status>(resp.status)));
  out.append("\r\n");
  bool has_date = false, has_server = false, has_connection = false;
  for (const Header& h : resp.headers) {
    if (IEquals(h.name, "Content-Length") || IEquals(h.name, "Transfer-Encoding")) continue;
    has_date = has_date || IEquals(h.name, "Date");
    has_server = has_server || IEquals(h.name, "Server");
    has_connection = has_connection || IEquals(h.name, "Connection");
    AppendHeader(out, h.name, h.value);
  }
  // RFC 9110 §8.6: no Content-Length in 1xx and 204 responses; in 304 only when announced.
  if (resp.status >= 200 && resp.status != 204 &&
      (resp.status != 304 || resp.content_length >= 0)) {
    long long len =
        static_cast<long long>(resp.body_file ? resp.body_file->length : resp.body.size());
    if ((head_request || resp.status == 304) && resp.body.empty() && resp.content_length >= 0) {
      len = resp.content_length;
    }
    AppendHeader(out, "Content-Length", std::to_string(len));
  }
  if (!has_date) AppendHeader(out, "Date", CurrentHttpDate());
  if (!has_server) AppendHeader(out, "Server", "orgtrail");
  if (!has_connection) {
    if (!keep_alive) {
      AppendHeader(out, "Connection", "close");
    } else if (http10) {
      AppendHeader(out, "Connection", "keep-alive");
    }
  }
  out.append("\r\n");
  return out;
}

}  // namespace orgtrail::http
