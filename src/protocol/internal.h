// Shared between the protocol layer's files; not part of its public face (codec.h).
#pragma once

#include <optional>
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
http::Response SerializeJsonOutput(const Route& route, const Value& out,
                                   const ResponseContext& ctx);
http::Response SerializeJsonError(const Route& route, const AwsError& err,
                                  const ResponseContext& ctx);

Result<Value> ParseQueryInput(const http::Request& req, const Route& route);
http::Response SerializeQueryOutput(const Route& route, const Value& out,
                                    const ResponseContext& ctx);
http::Response SerializeQueryError(const Route& route, const AwsError& err,
                                   const ResponseContext& ctx);

Result<Value> ParseRestXmlInput(const http::Request& req, const Route& route);
http::Response SerializeRestXmlOutput(const Route& route, const Value& out,
                                      const ResponseContext& ctx);
http::Response SerializeRestXmlError(const Route& route, const AwsError& err,
                                     const ResponseContext& ctx);

Result<Value> ParseRestJsonInput(const http::Request& req, const Route& route);
http::Response SerializeRestJsonOutput(const Route& route, const Value& out,
                                       const ResponseContext& ctx);
http::Response SerializeRestJsonError(const Route& route, const AwsError& err,
                                      const ResponseContext& ctx);

// --- shared helpers ------------------------------------------------------------------------
// Validates `v` against `shape` (required, enum, min/max length and range, pattern where RE2-free
// checks suffice) and returns the service's validation error with AWS's message text.
// `skip_member` names a top-level member left out of the check, required or not (a raw list
// member, checked while it was parsed: protocol/raw_member.h).
Status Validate(const spec::Service& service, const spec::Shape& shape, const Value& v,
                std::string_view skip_member = {});

// What an error looks like on the wire, resolved against the model.
struct ErrorFacts {
  int status = 400;
  std::string type;        // shape name / __type
  std::string query_code;  // Query/XML code (error.code or shape name)
  bool sender_fault = true;
  std::string message;  // err.message, or the shape's default message
};
// `query_model` (Route::query_model) supplies Query codes and statuses a query-compatible JSON
// model lacks.
ErrorFacts ResolveError(const spec::Service* service, const AwsError& err,
                        const spec::Service* query_model = nullptr);

// Timestamp rendering by shape/member format and protocol default (spec/wire.md §7).
// `format` is iso8601 (also ""), unixTimestamp or rfc822.
std::string FormatTimestamp(double epoch_seconds, const std::string& format);

// Shortest round-trip decimal form of a double ("1.5", "1e+21"); integral values without ".0".
std::string FormatDouble(double d);

// Epoch seconds rounded to milliseconds as a JSON-ready Value: kInt when whole, else kDouble.
Value EpochSecondsValue(double epoch_seconds);

// Epoch seconds from a timestamp Value (number, or ISO 8601 / RFC 7231 string); nullopt when
// neither.
std::optional<double> TimestampSeconds(const Value& v);

}  // namespace orgtrail::protocol::internal
