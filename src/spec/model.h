// The AWS service models (botocore service-2.json), loaded once at start-up from the copies
// embedded in the binary (specs/). Read-only after loading; everything the protocol layer knows
// about an operation's wire form comes from here (DESIGN.md §6 principle 1).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace orgtrail::spec {

enum class Protocol { kJson, kQuery, kRestXml, kRestJson };
std::string_view ProtocolName(Protocol p);

enum class ShapeType {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kFloat,
  kDouble,
  kBoolean,
  kTimestamp,
  kBlob,
  kUnknown
};

enum class Location { kBody, kUri, kQueryString, kHeader, kHeaders, kStatusCode };

struct Shape;

struct Member {
  std::string name;  // member name in the model
  const Shape* shape = nullptr;
  Location location = Location::kBody;
  std::string location_name;  // wire name (header, query key, uri label, XML element / query key)
  std::string query_name;     // ec2-style queryName (unused by our services, kept for completeness)
  bool flattened = false;     // member-level flattened (XML / Query)
  bool xml_attribute = false;
  std::string xml_namespace_uri;
  std::string xml_namespace_prefix;
  std::string timestamp_format;  // member-level override
  bool required = false;
  bool idempotency_token = false;
  bool host_label = false;
  // Name on the wire for body serialization: location_name if set, else name.
  const std::string& WireName() const { return location_name.empty() ? name : location_name; }
};

struct ErrorInfo {
  std::string code;  // query/xml wire code (error.code), empty: the shape name
  int http_status = 0;
  bool sender_fault = true;
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kUnknown;
  std::vector<Member> members;        // structure members, model order
  std::vector<std::string> required;  // required member names
  Member member;                      // list element
  Member key, value;                  // map key / value
  bool flattened = false;             // list/map-level flattened
  std::vector<std::string> enum_values;
  std::optional<double> min, max;
  std::string pattern;
  std::string timestamp_format;  // iso8601 | unixTimestamp | rfc822, "" default
  std::string payload;           // structure: member bound to the HTTP body
  std::string location_name;     // list/map/structure-level locationName (XML)
  std::string xml_namespace_uri;
  bool streaming = false;
  bool event_stream = false;
  bool sensitive = false;
  bool exception = false;
  bool is_union = false;
  std::optional<ErrorInfo> error;
  std::string default_message;  // error shapes: first sentence of the model documentation

  const Member* FindMember(std::string_view member_name) const;
  bool IsRequired(std::string_view member_name) const;
};

struct Operation {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  int response_code = 200;
  const Shape* input = nullptr;       // may be null
  const Shape* output = nullptr;      // may be null
  std::string output_result_wrapper;  // Query: "<Op>Result"
  std::vector<const Shape*> errors;
  bool http_checksum_required = false;
};

struct Service {
  std::string id;    // model file: "sts", "s3", "sqs-query", ...
  std::string name;  // service name handlers register under: "sqs" for both SQS models
  Protocol protocol = Protocol::kJson;
  std::vector<Protocol> protocols;  // every protocol the model lists that orgtrail serves
  std::string api_version;
  std::string endpoint_prefix;
  std::string signing_name;  // SigV4 scope service name
  std::string target_prefix;
  std::string json_version;
  std::string xml_namespace;
  std::string service_id;  // metadata.serviceId ("CloudWatch Logs")
  bool query_compatible = false;
  // Unique per loaded model in the process (caches keyed by it never see a freed model's
  // address reused by a later one).
  uint64_t instance = 0;
  std::map<std::string, Operation, std::less<>> operations;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes;

  const Operation* FindOperation(std::string_view op) const;
  const Shape* FindShape(std::string_view shape) const;
  bool Speaks(Protocol p) const;
};

// Parses one service-2.json document. `id` names the model inside orgtrail.
Result<std::unique_ptr<Service>> LoadService(std::string id, std::string_view json);

}  // namespace orgtrail::spec
