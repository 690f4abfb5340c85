// Shared by the fuzz targets: fuzzer bytes read as a line-oriented request description.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace orgtrail::fuzz {

// The next line of `in` (without "\n" or "\r\n"); `in` moves past it.
inline std::string_view NextLine(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The first line of `in`, "<METHOD> <request-target>", as `req`'s method and target; `in` moves
// past it. False when the line has no space.
inline bool ReadRequestLine(std::string_view& in, http::Request& req) {
  std::string_view line = NextLine(in);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  req.method = std::string(line.substr(0, sp));
  req.SetTarget(std::string(line.substr(sp + 1)));
  return true;
}

// "<Name>: <value>" lines up to an empty line become headers; what follows is the body.
inline void ReadHeadersAndBody(std::string_view in, http::Request& req) {
  while (!in.empty()) {
    std::string_view line = NextLine(in);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  req.body = std::string(in);
}

}  // namespace orgtrail::fuzz
