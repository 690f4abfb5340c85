// JSON 1.0 / 1.1 protocol (spec/wire.md §2, §6.1, §6.2, §7): botocore's JSONSerializer and
// JSONParser read in reverse. Member wire names are the model's locationName or member name;
// Values are keyed by member name.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "core/encoding.h"
#include "core/json.h"
#include "core/json_sax.h"
#include "protocol/internal.h"
#include "protocol/raw_list_check.h"
#include "protocol/raw_member.h"

namespace orgtrail::protocol::internal {
namespace {

constexpr int kMaxDepth = 100;

std::string_view TokenName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return "STRING_VALUE";
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      return "NUMBER_VALUE";
    case Value::Kind::kBool:
      return v.AsBool() ? "TRUE_VALUE" : "FALSE_VALUE";
    case Value::Kind::kList:
      return "START_ARRAY";
    case Value::Kind::kMap:
      return "START_OBJECT";
    case Value::Kind::kNull:
      return "NULL_VALUE";
  }
  return "VALUE";
}

std::string_view TypeName(spec::ShapeType t) {
  switch (t) {
    case spec::ShapeType::kStructure:
      return "a Structure";
    case spec::ShapeType::kList:
      return "a List";
    case spec::ShapeType::kMap:
      return "a Map";
    case spec::ShapeType::kString:
      return "a String";
    case spec::ShapeType::kInteger:
      return "an Integer";
    case spec::ShapeType::kLong:
      return "a Long";
    case spec::ShapeType::kFloat:
      return "a Float";
    case spec::ShapeType::kDouble:
      return "a Double";
    case spec::ShapeType::kBoolean:
      return "a Boolean";
    case spec::ShapeType::kTimestamp:
      return "a Timestamp";
    case spec::ShapeType::kBlob:
      return "a Blob";
    case spec::ShapeType::kUnknown:
      break;
  }
  return "a Document";
}

// Coral's wording: "STRING_VALUE can not be converted to a Long".
AwsError Mismatch(const spec::Shape& shape, const Value& v) {
  std::string msg(TokenName(v));
  msg += " can not be converted to ";
  msg += TypeName(shape.type);
  return AwsError("SerializationException", std::move(msg), 400);
}

std::optional<double> SpecialDouble(const std::string& s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

Result<Value> FromJson(const spec::Shape& shape, Value&& v, int depth);

// Converted in place: members keep their storage (no copy of the strings or of the lists),
// renamed from wire names to member names; null and unknown members are dropped.
Result<Value> StructureFromJson(const spec::Shape& shape, Value&& v, int depth) {
  if (!v.is_map()) return Mismatch(shape, v);
  Value::Map& m = v.MutableMap();
  size_t kept = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    auto& entry = m[i];
    if (entry.second.is_null()) continue;
    const spec::Member* member = nullptr;
    for (const spec::Member& candidate : shape.members) {
      if (candidate.WireName() == entry.first) {
        member = &candidate;
        break;
      }
    }
    if (member == nullptr || member->shape == nullptr) continue;  // unknown members are ignored
    ORGTRAIL_TRY(entry.second, FromJson(*member->shape, std::move(entry.second), depth + 1));
    if (entry.first != member->name) entry.first = member->name;
    if (kept != i) m[kept] = std::move(entry);
    ++kept;
  }
  m.erase(m.begin() + static_cast<std::ptrdiff_t>(kept), m.end());
  return std::move(v);
}

Result<Value> FromJson(const spec::Shape& shape, Value&& v, int depth) {
  if (depth > kMaxDepth) return AwsError("SerializationException", "Input nested too deeply", 400);
  switch (shape.type) {
    case spec::ShapeType::kStructure:
      return StructureFromJson(shape, std::move(v), depth);
    case spec::ShapeType::kList: {
      if (!v.is_list() || shape.member.shape == nullptr) return Mismatch(shape, v);
      Value::List& l = v.MutableList();
      size_t kept = 0;
      for (size_t i = 0; i < l.size(); ++i) {
        if (l[i].is_null()) continue;
        ORGTRAIL_TRY(l[i], FromJson(*shape.member.shape, std::move(l[i]), depth + 1));
        if (kept != i) l[kept] = std::move(l[i]);
        ++kept;
      }
      l.erase(l.begin() + static_cast<std::ptrdiff_t>(kept), l.end());
      return std::move(v);
    }
    case spec::ShapeType::kMap: {
      if (!v.is_map() || shape.value.shape == nullptr) return Mismatch(shape, v);
      for (auto& [key, e] : v.MutableMap()) {
        if (e.is_null()) continue;
        ORGTRAIL_TRY(e, FromJson(*shape.value.shape, std::move(e), depth + 1));
      }
      return std::move(v);
    }
    case spec::ShapeType::kString:
      if (!v.is_string()) return Mismatch(shape, v);
      return std::move(v);
    case spec::ShapeType::kInteger:
    case spec::ShapeType::kLong: {
      bool is32 = shape.type == spec::ShapeType::kInteger;
      if (v.is_int()) {
        int64_t i = v.AsInt();
        if (is32 && (i < INT32_MIN || i > INT32_MAX)) return Mismatch(shape, v);
        return std::move(v);
      }
      if (v.is_double()) {
        double d = v.AsDouble();
        bool in_range = is32 ? d >= -2147483648.0 && d <= 2147483647.0
                             : d >= -9223372036854775808.0 && d < 9223372036854775808.0;
        if (!std::isfinite(d) || d != std::floor(d) || !in_range) return Mismatch(shape, v);
        return Value(static_cast<int64_t>(d));
      }
      return Mismatch(shape, v);
    }
    case spec::ShapeType::kFloat:
    case spec::ShapeType::kDouble:
      if (v.is_number()) return std::move(v);
      if (v.is_string())
        if (auto d = SpecialDouble(v.AsString())) return Value(*d);
      return Mismatch(shape, v);
    case spec::ShapeType::kBoolean:
      if (!v.is_bool()) return Mismatch(shape, v);
      return std::move(v);
    case spec::ShapeType::kTimestamp: {
      if (v.is_number()) return std::move(v);
      if (v.is_string())
        if (auto secs = TimestampSeconds(v)) return EpochSecondsValue(*secs);
      return Mismatch(shape, v);
    }
    case spec::ShapeType::kBlob: {
      if (!v.is_string()) return Mismatch(shape, v);
      std::optional<std::string> bytes = Base64Decode(v.AsString());
      if (!bytes)
        return AwsError("SerializationException",
                        "STRING_VALUE can not be converted to a Blob: invalid base64", 400);
      return Value(std::move(*bytes));
    }
    case spec::ShapeType::kUnknown:
      break;
  }
  return std::move(v);  // documents pass through
}

const std::string& TimestampFormatOf(const spec::Member* m, const spec::Shape& shape) {
  return m != nullptr && !m->timestamp_format.empty() ? m->timestamp_format
                                                      : shape.timestamp_format;
}

Value ToJson(const spec::Shape& shape, const spec::Member* member, const Value& v) {
  switch (shape.type) {
    case spec::ShapeType::kStructure: {
      Value out = Value::MakeMap();
      Value::Map& dst = out.MutableMap();
      for (const auto& [key, elem] : v.AsMap()) {
        if (elem.is_null()) continue;
        const spec::Member* m = shape.FindMember(key);
        if (m == nullptr || m->shape == nullptr) continue;  // not in the model: never on the wire
        dst.emplace_back(m->WireName(), ToJson(*m->shape, m, elem));
      }
      return out;
    }
    case spec::ShapeType::kList: {
      if (shape.member.shape == nullptr) return v;
      Value out = Value::MakeList();
      Value::List& dst = out.MutableList();
      dst.reserve(v.size());
      for (const Value& e : v.AsList())
        if (!e.is_null()) dst.push_back(ToJson(*shape.member.shape, &shape.member, e));
      return out;
    }
    case spec::ShapeType::kMap: {
      if (shape.value.shape == nullptr) return v;
      Value out = Value::MakeMap();
      Value::Map& dst = out.MutableMap();
      for (const auto& [key, e] : v.AsMap())
        if (!e.is_null()) dst.emplace_back(key, ToJson(*shape.value.shape, &shape.value, e));
      return out;
    }
    case spec::ShapeType::kTimestamp: {
      std::optional<double> secs = TimestampSeconds(v);
      if (!secs) return v;
      const std::string& format = TimestampFormatOf(member, shape);
      if (format == "iso8601" || format == "rfc822") return Value(FormatTimestamp(*secs, format));
      return EpochSecondsValue(*secs);
    }
    case spec::ShapeType::kBlob:
      return v.is_string() ? Value(Base64Encode(v.AsString())) : v;
    case spec::ShapeType::kInteger:
    case spec::ShapeType::kLong:
      return v.is_double() && std::isfinite(v.AsDouble()) ? Value(v.AsInt()) : v;
    default:
      return v;
  }
}

std::string ContentType(const spec::Service* service) {
  std::string version = service && !service->json_version.empty() ? service->json_version : "1.1";
  return "application/x-amz-json-" + version;
}

AwsError ParseError(AwsError err) {
  err.code = "SerializationException";
  err.status = 400;
  return err;
}

// The raw-member pass (protocol/raw_member.h): nullopt when the request must take the ordinary
// path (the list could not be vouched for, or the rest of the input is invalid and the model's
// message must name every error).
std::optional<Result<Value>> ParseWithRawMember(std::string_view body, const spec::Service& service,
                                                const spec::Shape& input, const spec::Member& raw) {
  std::string packed;
  packed.reserve(body.size());
  RawListCheck check(*raw.shape, packed);
  JsonDiversion diversion;
  diversion.member = raw.WireName();
  diversion.sax = &check;
  Result<Value> parsed = ParseJsonDiverting(body, diversion);
  if (!parsed.ok()) return ParseError(std::move(parsed).error());
  if (!diversion.diverted || diversion.occurrences != 1 || !check.ok()) return std::nullopt;
  Result<Value> value = FromJson(input, std::move(parsed).value(), 0);
  if (!value.ok() || !Validate(service, input, *value, raw.name).ok()) return std::nullopt;
  value->Set(raw.name, Value(std::move(packed)));
  return value;
}

}  // namespace

Result<Value> ParseJsonInput(const http::Request& req, const Route& route) {
  std::string_view body = Trim(req.body);
  if (route.service != nullptr && route.operation != nullptr && route.operation->input != nullptr &&
      body.size() > 2) {
    std::string_view name = RawListMember(route.service->name, route.operation->name);
    const spec::Member* raw = name.empty() ? nullptr : route.operation->input->FindMember(name);
    if (raw != nullptr && raw->shape != nullptr && RawListCheck::Supported(*raw->shape)) {
      std::optional<Result<Value>> fast =
          ParseWithRawMember(body, *route.service, *route.operation->input, *raw);
      if (fast) return std::move(*fast);
    }
  }
  Value doc = Value::MakeMap();
  if (!body.empty()) {
    Result<Value> parsed = ParseJson(body);
    if (!parsed.ok()) return ParseError(std::move(parsed).error());
    doc = std::move(parsed).value();
  }
  const spec::Shape* input = route.operation ? route.operation->input : nullptr;
  if (input == nullptr) {
    if (!doc.is_map()) return AwsError("SerializationException", "Expected a JSON object", 400);
    return Value::MakeMap();
  }
  ORGTRAIL_TRY(Value value, FromJson(*input, std::move(doc), 0));
  if (route.service != nullptr) ORGTRAIL_CHECK(Validate(*route.service, *input, value));
  return value;
}

http::Response SerializeJsonOutput(const Route& route, const Value& out,
                                   const ResponseContext& ctx) {
  http::Response resp;
  resp.status = route.operation ? route.operation->response_code : 200;
  resp.headers.push_back({"x-amzn-RequestId", ctx.request_id});
  resp.headers.push_back({"Content-Type", ContentType(route.service)});
  const spec::Shape* output = route.operation ? route.operation->output : nullptr;
  if (output == nullptr || !out.is_map())
    resp.body = "{}";
  else
    resp.body = WriteJson(ToJson(*output, nullptr, out));
  return resp;
}

http::Response SerializeJsonError(const Route& route, const AwsError& err,
                                  const ResponseContext& ctx) {
  ErrorFacts facts = ResolveError(route.service, err, route.query_model);
  http::Response resp;
  resp.status = facts.status;
  resp.headers.push_back({"x-amzn-RequestId", ctx.request_id});
  resp.headers.push_back({"X-Amzn-ErrorType", facts.type});
  resp.headers.push_back({"Content-Type", ContentType(route.service)});
  if (route.service != nullptr && route.service->query_compatible) {
    resp.headers.push_back(
        {"x-amzn-query-error", facts.query_code + (facts.sender_fault ? ";Sender" : ";Receiver")});
  }
  // The message member keeps the casing of the error shape ("message" unless it says "Message").
  const spec::Shape* shape = route.service ? route.service->FindShape(facts.type) : nullptr;
  bool capital = shape != nullptr && shape->FindMember("Message") != nullptr;
  Value body = Value::MakeMap();
  body.Set("__type", facts.type);
  if (!facts.message.empty()) body.Set(capital ? "Message" : "message", facts.message);
  for (const auto& [name, value] : err.fields) body.Set(name, value);
  resp.body = WriteJson(body);
  return resp;
}

}  // namespace orgtrail::protocol::internal
