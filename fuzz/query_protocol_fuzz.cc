// libFuzzer target: Query protocol. Input: a form body ("Action=...&Version=...&..."). Routes,
// parses and validates against the embedded models, then re-serializes the parsed Value (as
// the operation's output) and an error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_models.h"
#include "protocol/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orgtrail;
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body.assign(reinterpret_cast<const char*>(data), size);
  protocol::Route route = protocol::RouteRequest(req, orgtrail::fuzz::Models(), "");
  protocol::ResponseContext ctx{"fuzz", "", false};
  Result<Value> parsed = protocol::ParseInput(req, route);
  if (parsed.ok()) {
    (void)protocol::SerializeOutput(route, parsed.value(), ctx);
  } else {
    (void)protocol::SerializeError(route, parsed.error(), ctx);
  }
  return 0;
}
