// The protocol layer: generic over the service models (DESIGN.md §2, principle 1).
//
//   RouteRequest   HTTP request -> (service model, operation, protocol, URI labels)
//   ParseInput     HTTP request -> Value shaped by the operation's input shape, validated
//   Serialize      Value | AwsError -> HTTP response, per protocol
//
// No service names appear in this layer except in the small tables of protocol facts it must
// know (the validation error code each service uses, spec/wire.md §6.6).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "http/message.h"
#include "spec/catalog.h"
#include "spec/model.h"

namespace orgtrail::protocol {

struct Route {
  const spec::Service* service = nullptr;      // model spoken on the wire (sqs-query for Query SQS)
  const spec::Operation* operation = nullptr;  // null: unknown operation (see operation_name)
  spec::Protocol protocol = spec::Protocol::kJson;
  std::string operation_name;  // as requested ("" when nothing names one)
  // REST: URI labels, percent-decoded ({Bucket}, {Key+}, {FunctionName}, ...).
  std::map<std::string, std::string, std::less<>> labels;
  // S3: addressing as received.
  std::string bucket;
  std::string key;
  bool virtual_host = false;
  // Query protocol: the merged, decoded form/query parameters (parsed once while routing).
  std::vector<std::pair<std::string, std::string>> query_params;
  // Query-compatible JSON services (CloudWatch, SQS): the model that carries the Query error
  // codes and statuses (the service's own model, or its legacy Query model).
  const spec::Service* query_model = nullptr;
  // A public endpoint served without SigV4 (SNS subscription links, spec/wire.md §3.1 rule 2).
  // operation_name is then the Action, or the file name for the HTML/PEM pages
  // ("confirmation.html", "unsubscribe.html", "SimpleNotificationService-<id>.pem").
  bool unauthenticated = false;
};

// Chooses service and operation (spec/wire.md §3). `scope_service` is the SigV4 credential
// scope's service name if the request has one ("" otherwise). An unknown operation comes back
// with operation == null; a request naming no known service (unknown X-Amz-Target prefix or
// Query Version) with service == null and the protocol its shape implies. Never fails.
Route RouteRequest(const http::Request& req, const spec::Catalog& catalog,
                   std::string_view scope_service);

// Parses the request into a Value for route.operation's input shape and validates it against
// the model (required, types, enums, lengths, ranges, patterns). Errors are AWS-shaped:
// SerializationException / MalformedQueryString / MalformedXML for unparseable bodies, the
// service's validation error (ValidationException, InvalidParameterException, ...) otherwise.
Result<Value> ParseInput(const http::Request& req, const Route& route);

struct ResponseContext {
  std::string request_id;  // x-amzn-RequestId / x-amz-request-id
  std::string host_id;     // S3 x-amz-id-2
  bool head = false;       // HEAD request: no body
};

// Serializes a handler's output Value for route.operation (status from the model's responseCode).
http::Response SerializeOutput(const Route& route, const Value& output, const ResponseContext& ctx);

// Serializes an error in the route's protocol. Status, wire code, fault and default message
// come from the error shape named by err.code when the model has one; err.status overrides.
// Works with route.service == null (generic rendering for the route's protocol).
http::Response SerializeError(const Route& route, const AwsError& err, const ResponseContext& ctx);

// The message the client receives for `err`: err.message, or the model's default message of
// its error shape (what the audit stage records, spec/cloudtrail.md: the client's view).
std::string ErrorMessage(const Route& route, const AwsError& err);

// The protocol-level error for a route whose operation is unknown (spec/wire.md §6.6): JSON
// 400 UnknownOperationException (no message), Query 400 InvalidAction, REST-XML 405
// MethodNotAllowed, REST-JSON 404 UnknownOperationException.
AwsError UnknownOperationError(const Route& route);

// The error code a service uses for model-constraint validation failures (wire.md §6.6).
std::string_view ValidationErrorCode(const spec::Service& service);

}  // namespace orgtrail::protocol
