// libFuzzer target: REST-JSON (Lambda) protocol. Input:
//   "<METHOD> <request-target>\n<Name>: <value>\n...\n\n<body>"
// Routes against the embedded Lambda model, parses and validates the input, then renders the
// parsed Value as the operation's output and an error. Every JSON body rendered must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"
#include "fuzz_input.h"
#include "fuzz_models.h"
#include "protocol/internal.h"

namespace {

void CheckJson(const orgtrail::http::Response& r) {
  const std::string* type = r.FindHeader("Content-Type");
  if (r.body.empty() || !type || type->find("json") == std::string::npos) return;
  if (!orgtrail::ParseJson(r.body).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orgtrail;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  http::Request req;
  if (!orgtrail::fuzz::ReadRequestLine(in, req)) return 0;
  req.headers.push_back({"Host", "127.0.0.1:4566"});
  orgtrail::fuzz::ReadHeadersAndBody(in, req);

  const spec::Service* lambda = orgtrail::fuzz::Models().Find("lambda");
  if (!lambda) std::abort();
  protocol::Route route;
  route.service = lambda;
  route.protocol = spec::Protocol::kRestJson;
  protocol::internal::RouteRest(req, *lambda, route);
  if (route.operation && route.operation_name != route.operation->name) std::abort();
  if (!route.operation) return 0;

  protocol::ResponseContext ctx;
  ctx.request_id = "00000000-0000-4000-8000-000000000000";
  Result<Value> input = protocol::internal::ParseRestJsonInput(req, route);
  if (input.ok()) {
    http::Response out = protocol::internal::SerializeRestJsonOutput(route, *input, ctx);
    // A blob payload (Invoke's Payload) goes out as raw bytes: only JSON bodies must parse.
    const spec::Shape* output = route.operation->output;
    const spec::Member* payload = output ? output->FindMember(output->payload) : nullptr;
    if (!payload || payload->shape->type == spec::ShapeType::kStructure) CheckJson(out);
  } else {
    if (input.error().code.empty()) std::abort();
    http::Response err = protocol::internal::SerializeRestJsonError(route, input.error(), ctx);
    if (err.status < 400) std::abort();
    CheckJson(err);
  }
  return 0;
}
