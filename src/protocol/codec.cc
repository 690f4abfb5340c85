// The protocol layer's public entry points: dispatch by the route's protocol.
#include "protocol/codec.h"

#include "core/encoding.h"
#include "core/gunzip.h"
#include "protocol/internal.h"

namespace orgtrail::protocol {

AwsError UnknownOperationError(const Route& route) {
  // spec/wire.md §6.6 (statuses and texts are orgtrail decisions where AWS varies).
  switch (route.protocol) {
    case spec::Protocol::kJson:
      return AwsError("UnknownOperationException", "", 400);
    case spec::Protocol::kQuery:
      return AwsError("InvalidAction",
                      "The action " + route.operation_name + " is not valid for this web service.",
                      400);
    case spec::Protocol::kRestXml:
      return AwsError("MethodNotAllowed",
                      "The specified method is not allowed against this resource.", 405);
    case spec::Protocol::kRestJson:
      return AwsError("UnknownOperationException", "", 404);
  }
  return AwsError("UnknownOperationException", "", 400);
}

// JSON and Query clients gzip large bodies of operations with `requestcompression` in the
// model (botocore: above 10 KiB); the signature covers the compressed bytes, so the body is
// inflated here, after authentication. S3 keeps Content-Encoding as object metadata.
constexpr size_t kMaxInflatedBody = 64u << 20;

Result<Value> ParseInput(const http::Request& req, const Route& route) {
  if (route.service == nullptr || route.operation == nullptr) return UnknownOperationError(route);
  if ((route.protocol == spec::Protocol::kJson || route.protocol == spec::Protocol::kQuery) &&
      req.HeaderOr("Content-Encoding") == "gzip") {
    std::optional<std::string> body = Gunzip(req.body, kMaxInflatedBody);
    if (!body)
      return AwsError("SerializationException", "The request body is not valid gzip.", 400);
    http::Request inflated = req;
    inflated.body = std::move(*body);
    std::erase_if(inflated.headers,
                  [](const http::Header& h) { return IEquals(h.name, "Content-Encoding"); });
    return ParseInput(inflated, route);
  }
  // Each protocol's parser also checks the model's constraints (internal::Validate).
  switch (route.protocol) {
    case spec::Protocol::kJson:
      return internal::ParseJsonInput(req, route);
    case spec::Protocol::kQuery:
      return internal::ParseQueryInput(req, route);
    case spec::Protocol::kRestXml:
      return internal::ParseRestXmlInput(req, route);
    case spec::Protocol::kRestJson:
      return internal::ParseRestJsonInput(req, route);
  }
  return UnknownOperationError(route);
}

http::Response SerializeOutput(const Route& route, const Value& output,
                               const ResponseContext& ctx) {
  switch (route.protocol) {
    case spec::Protocol::kJson:
      return internal::SerializeJsonOutput(route, output, ctx);
    case spec::Protocol::kQuery:
      return internal::SerializeQueryOutput(route, output, ctx);
    case spec::Protocol::kRestXml:
      return internal::SerializeRestXmlOutput(route, output, ctx);
    case spec::Protocol::kRestJson:
      return internal::SerializeRestJsonOutput(route, output, ctx);
  }
  return internal::SerializeJsonOutput(route, output, ctx);
}

std::string ErrorMessage(const Route& route, const AwsError& err) {
  if (!err.message.empty()) return err.message;
  return internal::ResolveError(route.service, err, route.query_model).message;
}

http::Response SerializeError(const Route& route, const AwsError& err, const ResponseContext& ctx) {
  switch (route.protocol) {
    case spec::Protocol::kJson:
      return internal::SerializeJsonError(route, err, ctx);
    case spec::Protocol::kQuery:
      return internal::SerializeQueryError(route, err, ctx);
    case spec::Protocol::kRestXml:
      return internal::SerializeRestXmlError(route, err, ctx);
    case spec::Protocol::kRestJson:
      return internal::SerializeRestJsonError(route, err, ctx);
  }
  return internal::SerializeJsonError(route, err, ctx);
}

}  // namespace orgtrail::protocol
