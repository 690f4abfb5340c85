// Shared between the protocol layer's files; not part of its public face (codec.h).
#pragma once

#include <string>

#include "core/result.h"
#include "core/value.h"
#include "http/message.h"
#include "protocol/codec.h"
#include "spec/model.h"

namespace orgtrail::protocol::internal {

// --- routing -------------------------------------------------------------------------------
// REST services (S3, Lambda): fills route.operation, labels, bucket/key/virtual_host for a
// request already known to be for `service` (spec/wire.md §3.2-3.4). Leaves operation null when
// no operation matches.
void RouteRest(const http::Request& req, const spec::Service& service, Route& route);

// --- per-protocol codecs -------------------------------------------------------------------
Result<Value> ParseJsonInput(const http::Request& req, const Route& route);
http::Response SerializeJsonOutput(const Route& route, const Value& out, const ResponseContext& ctx);
http::Response SerializeJsonError(const Route& route, const AwsError& err, const ResponseContext& ctx);

Result<Value> ParseQueryInput(const http::Request& req, const Route& route);
http::Response SerializeQueryOutput(const Route& route, const Value& out, const ResponseContext& ctx);
http::Response SerializeQueryError(const Route& route, const AwsError& err, const ResponseContext& ctx);

Result<Value> ParseRestXmlInput(const http::Request& req, const Route& route);
http::Response SerializeRestXmlOutput(const Route& route, const Value& out, const ResponseContext& ctx);
http::Response SerializeRestXmlError(const Route& route, const AwsError& err, const ResponseContext& ctx);

Result<Value> ParseRestJsonInput(const http::Request& req, const Route& route);
http::Response SerializeRestJsonOutput(const Route& route, const Value& out, const ResponseContext& ctx);
http::Response SerializeRestJsonError(const Route& route, const AwsError& err, const ResponseContext& ctx);

// --- shared helpers ------------------------------------------------------------------------
// Validates `v` against `shape` (required, enum, min/max length and range, pattern where RE2-free
// checks suffice) and returns the service's validation error with AWS's message text.
Status Validate(const spec::Service& service, const spec::Shape& shape, const Value& v);

// What an error looks like on the wire, resolved against the model.
struct ErrorFacts {
  int status = 400;
  std::string type;        // shape name / __type
  std::string query_code;  // Query/XML code (error.code or shape name)
  bool sender_fault = true;
  std::string message;     // err.message, or the shape's default message
};
ErrorFacts ResolveError(const spec::Service* service, const AwsError& err);

// Timestamp rendering by shape/member format and protocol default (spec/wire.md §7).
std::string FormatTimestamp(double epoch_seconds, const std::string& format);

}  // namespace orgtrail::protocol::internal
