// The HTTP binding shared by the REST protocols (REST-XML for S3, REST-JSON for Lambda): where a
// member of an input or output shape lives on the wire (spec/wire.md §3.2-3.4, §7).
//
//   location "uri"         URI label of the operation's requestUri ({Bucket}, {Key+}, ...)
//   location "querystring" query parameter (lists repeat the key; a map takes the unclaimed ones)
//   location "header"      HTTP header, typed (integers, booleans, timestamps, comma lists)
//   location "headers"     every header starting with a prefix (x-amz-meta-*), as a map
//   location "statusCode"  the HTTP status (outputs)
//   (none)                 the body: the member named by the shape's `payload`, or, when there is
//                          none, every body member inside one document
//
// Values follow core/value.h: timestamps are epoch seconds, blobs raw bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "http/message.h"
#include "protocol/codec.h"
#include "spec/model.h"

namespace orgtrail::protocol::rest {

inline constexpr std::string_view kIso8601 = "iso8601";
inline constexpr std::string_view kRfc822 = "rfc822";
inline constexpr std::string_view kUnixTimestamp = "unixTimestamp";

// The timestamp format for a member: member override, else shape, else the protocol default
// for where the member lives (`location_default`).
std::string_view TimestampFormat(const spec::Member& m, std::string_view location_default);
std::string_view TimestampFormat(const spec::Shape& s, std::string_view location_default);

// Parses a timestamp written in `format`; the other two formats are accepted as a fallback, as
// AWS does. Returns epoch seconds (integral when the time has no fraction).
std::optional<Value> ParseTimestamp(std::string_view text, std::string_view format);
// Renders epoch seconds (int or double Value) in `format`; ISO 8601 carries milliseconds.
std::string FormatTimestamp(const Value& epoch_seconds, std::string_view format);

// A timestamp Value as epoch seconds: numbers as they are, ISO 8601 / RFC 7231 strings parsed
// (handlers should return numbers; strings are accepted leniently). nullopt otherwise.
std::optional<Value> TimestampValue(const Value& v);
// Epoch seconds rounded to milliseconds: kInt when whole, else kDouble.
Value EpochSeconds(const Value& v);

// Renders a number the way AWS writes it in text (integers without a fraction).
std::string NumberText(const Value& v);

// Converts the text of a label, query parameter or header into a Value typed by `shape`.
// Unparseable numbers and booleans stay strings, so validation reports them.
Value ParseScalarText(const spec::Shape& shape, std::string_view text, std::string_view ts_format);
// The text of a scalar Value for a header or query string.
std::string ScalarText(const spec::Shape& shape, const Value& v, std::string_view ts_format);

// True for members carried in the body (no location).
inline bool IsBodyMember(const spec::Member& m) { return m.location == spec::Location::kBody; }
// The member the shape's `payload` names, or nullptr.
const spec::Member* PayloadMember(const spec::Shape& shape);
// True when the payload member is sent as raw bytes (blob, streaming or string).
bool IsRawPayload(const spec::Member& payload);
// True when the shape has body members (so the body is a document when there is no payload).
bool HasBodyMembers(const spec::Shape& shape);

// Fills `out` (a map) with the members of `input` bound to URI labels (route.labels), the query
// string and headers.
void BindNonBodyInput(const http::Request& req, const Route& route, const spec::Shape& input,
                      Value& out);

// Writes the header, headers-map and statusCode members of `output` onto `resp`. Content-Length
// is framing and left to the server; its value comes back in `content_length` (or -1).
void WriteNonBodyOutput(const spec::Shape& output, const Value& out, http::Response& resp,
                        long long* content_length);

// Success status of an operation: the model's responseCode, except where the service's real
// behaviour differs from its model (spec/wire.md §4).
int SuccessStatus(const spec::Service& service, const spec::Operation& op);

// A HEAD answer (spec/wire.md §6.4): the length of the body a GET would have (the output's
// Content-Length member when it set one, else the body's) announced, the body dropped.
void EndHeadResponse(http::Response& resp, long long content_length);

// The row of `table` (a protocol's names for the generic protocol-level codes, spec/wire.md
// §6.6: rows with a `generic` member) for `code`, or nullptr.
template <typename Row, size_t N>
const Row* FindGenericCode(const Row (&table)[N], std::string_view code) {
  for (const Row& row : table)
    if (row.generic == code) return &row;
  return nullptr;
}

}  // namespace orgtrail::protocol::rest
