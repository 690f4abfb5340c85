// libFuzzer target: JSON 1.0/1.1 protocol. Input: "<X-Amz-Target>\n<body>". Routes, parses and
// validates against the embedded models, then re-serializes the parsed Value and an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_models.h"
#include "protocol/codec.h"
#include "protocol/raw_member.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orgtrail;
  // PutLogEvents' logEvents takes the raw-member pass (protocol/raw_member.h), as in the server.
  protocol::DeclareRawListMember("logs", "PutLogEvents", "logEvents");
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view target = nl == std::string_view::npos ? in : in.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"X-Amz-Target", std::string(target)},
                 {"Content-Type", "application/x-amz-json-1.1"}};
  req.body = std::string(body);
  protocol::Route route = protocol::RouteRequest(req, orgtrail::fuzz::Models(), "");
  protocol::ResponseContext ctx{"fuzz", "", false};
  Result<Value> parsed = protocol::ParseInput(req, route);
  if (parsed.ok()) {
    // A raw member is read back as the handler reads it: the text must parse.
    std::string_view raw_name = protocol::RawListMember(route.service->name, route.operation_name);
    const Value* raw = raw_name.empty() ? nullptr : parsed.value().Find(std::string(raw_name));
    if (raw != nullptr && raw->is_string()) {
      protocol::RawList list;
      if (!list.Open(raw->AsString())) __builtin_trap();
      uint32_t n = 0;
      while (list.Next()) ++n;
      if (n != list.size()) __builtin_trap();
    }
    (void)protocol::SerializeOutput(route, parsed.value(), ctx);
  } else {
    (void)protocol::SerializeError(route, parsed.error(), ctx);
  }
  return 0;
}
