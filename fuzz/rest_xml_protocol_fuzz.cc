// libFuzzer target: REST-XML (S3) protocol. Input:
//   "<METHOD> <request-target>\n<Host>\n<Name>: <value>\n...\n\n<body>"
// Routes against the embedded S3 model, parses and validates the input, then renders the parsed
// Value as the operation's output and an error. Every XML document rendered must be well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "fuzz_input.h"
#include "fuzz_models.h"
#include "protocol/internal.h"

namespace {

void CheckWellFormed(const std::string& body) {
  if (body.empty() || body.front() != '<') return;  // raw payloads
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orgtrail;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  http::Request req;
  if (!orgtrail::fuzz::ReadRequestLine(in, req)) return 0;
  req.headers.push_back({"Host", std::string(orgtrail::fuzz::NextLine(in))});
  orgtrail::fuzz::ReadHeadersAndBody(in, req);

  const spec::Service* s3 = orgtrail::fuzz::Models().Find("s3");
  if (!s3) std::abort();
  protocol::Route route;
  protocol::internal::RouteRest(req, *s3, route);
  if (route.operation && route.operation_name != route.operation->name) std::abort();

  protocol::ResponseContext ctx;
  ctx.request_id = "0000000000000000";
  ctx.host_id = "aG9zdA==";
  ctx.head = req.method == "HEAD";
  Result<Value> input = protocol::internal::ParseRestXmlInput(req, route);
  if (input.ok()) {
    CheckWellFormed(protocol::internal::SerializeRestXmlOutput(route, *input, ctx).body);
  } else {
    if (input.error().code.empty()) std::abort();
    http::Response err = protocol::internal::SerializeRestXmlError(route, input.error(), ctx);
    if (err.status < 400) std::abort();
    CheckWellFormed(err.body);
  }
  return 0;
}
