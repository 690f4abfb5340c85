// REST-JSON (Lambda): request parsing and response/error rendering, driven by the model
// (spec/wire.md §3.2, §4, §6.5, §7). Bodies are JSON objects of the body members (member
// locationName, else member name); blobs are base64 inside JSON and raw bytes as a payload;
// timestamps are epoch seconds unless the shape says otherwise.
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/json.h"
#include "protocol/internal.h"
#include "protocol/rest_common.h"

namespace orgtrail::protocol::internal {
namespace {

constexpr int kMaxRestJsonDepth = 64;
constexpr std::string_view kContentTypeJson = "application/json";

AwsError InvalidContent(std::string message) {
  return AwsError("InvalidRequestContentException", std::move(message), 400);
}

bool IsBlank(std::string_view s) { return Trim(s).empty(); }

// JSON as sent -> Value conventions (blobs decoded, timestamps as epoch seconds). Values of the
// wrong JSON type are kept as they are for validation to report.
Result<Value> FromWire(const Value& j, const spec::Shape& shape, std::string_view ts_format,
                       int depth) {
  if (depth > kMaxRestJsonDepth)
    return InvalidContent("Could not parse request body into json: too deep");
  switch (shape.type) {
    case spec::ShapeType::kStructure: {
      if (!j.is_map()) return j;
      Value out = Value::MakeMap();
      for (const spec::Member& m : shape.members) {
        if (!m.shape || !rest::IsBodyMember(m)) continue;
        const Value* e = j.Find(m.WireName());
        if (!e || e->is_null()) continue;
        ORGTRAIL_TRY(Value v, FromWire(*e, *m.shape, rest::TimestampFormat(m, rest::kUnixTimestamp),
                                       depth + 1));
        out.Set(m.name, std::move(v));
      }
      return out;
    }
    case spec::ShapeType::kList: {
      if (!j.is_list() || !shape.member.shape) return j;
      Value out = Value::MakeList();
      for (const Value& e : j.AsList()) {
        ORGTRAIL_TRY(Value v, FromWire(e, *shape.member.shape,
                                       rest::TimestampFormat(shape.member, rest::kUnixTimestamp),
                                       depth + 1));
        out.Append(std::move(v));
      }
      return out;
    }
    case spec::ShapeType::kMap: {
      if (!j.is_map() || !shape.value.shape) return j;
      Value out = Value::MakeMap();
      for (const auto& [k, e] : j.AsMap()) {
        ORGTRAIL_TRY(Value v,
                     FromWire(e, *shape.value.shape,
                              rest::TimestampFormat(shape.value, rest::kUnixTimestamp), depth + 1));
        out.Set(k, std::move(v));
      }
      return out;
    }
    case spec::ShapeType::kBlob: {
      if (!j.is_string()) return j;
      auto bytes = Base64Decode(j.AsString());
      if (!bytes) return InvalidContent("Could not parse request body into json: invalid base64");
      return Value(std::move(*bytes));
    }
    case spec::ShapeType::kTimestamp: {
      if (!j.is_string()) return j;
      auto t = rest::ParseTimestamp(j.AsString(), ts_format);
      if (!t) return InvalidContent("Could not parse request body into json: invalid timestamp");
      return *t;
    }
    default:
      return j;
  }
}

// Value conventions -> JSON as AWS writes it.
Value ToWire(const Value& v, const spec::Shape& shape, std::string_view ts_format) {
  switch (shape.type) {
    case spec::ShapeType::kStructure: {
      Value out = Value::MakeMap();
      for (const spec::Member& m : shape.members) {
        if (!m.shape || !rest::IsBodyMember(m)) continue;
        const Value* e = v.Find(m.name);
        if (!e || e->is_null()) continue;
        out.Set(m.WireName(), ToWire(*e, *m.shape, rest::TimestampFormat(m, rest::kUnixTimestamp)));
      }
      return out;
    }
    case spec::ShapeType::kList: {
      if (!shape.member.shape) return v;
      Value out = Value::MakeList();
      for (const Value& e : v.AsList())
        out.Append(ToWire(e, *shape.member.shape,
                          rest::TimestampFormat(shape.member, rest::kUnixTimestamp)));
      return out;
    }
    case spec::ShapeType::kMap: {
      if (!shape.value.shape) return v;
      Value out = Value::MakeMap();
      for (const auto& [k, e] : v.AsMap())
        out.Set(k, ToWire(e, *shape.value.shape,
                          rest::TimestampFormat(shape.value, rest::kUnixTimestamp)));
      return out;
    }
    case spec::ShapeType::kBlob:
      return v.is_string() ? Value(Base64Encode(v.AsString())) : v;
    case spec::ShapeType::kTimestamp: {
      auto t = rest::TimestampValue(v);
      if (!t) return v;
      if (ts_format == rest::kUnixTimestamp) return rest::EpochSeconds(*t);
      return Value(rest::FormatTimestamp(*t, ts_format));
    }
    default:
      return v;
  }
}

// Generic protocol-level codes (spec/wire.md §6.6) under their Lambda names.
struct LambdaCode {
  std::string_view generic, type;
  int status;
};
constexpr LambdaCode kLambdaCodes[] = {
    {"InternalFailure", "ServiceException", 500},
    {"UnknownOperationException", "UnknownOperationException", 404},
    {"SerializationException", "InvalidRequestContentException", 400},
    {"ThrottlingException", "TooManyRequestsException", 429},
    {"Throttling", "TooManyRequestsException", 429},
    {"NotImplemented", "NotImplemented", 501},
};

}  // namespace

Result<Value> ParseRestJsonInput(const http::Request& req, const Route& route) {
  if (!route.service || !route.operation) return AwsError("UnknownOperationException", "", 404);
  Value out = Value::MakeMap();
  const spec::Shape* input = route.operation->input;
  if (!input) return out;
  rest::BindNonBodyInput(req, route, *input, out);
  const spec::Member* payload = rest::PayloadMember(*input);
  if (payload && rest::IsRawPayload(*payload)) {
    if (!req.body.empty()) out.Set(payload->name, Value(req.body));
  } else if (!IsBlank(req.body) && (payload || rest::HasBodyMembers(*input))) {
    Result<Value> json = ParseJson(req.body);
    if (!json.ok())
      return InvalidContent("Could not parse request body into json: " + json.error().message);
    const spec::Shape& target = payload ? *payload->shape : *input;
    if (!json->is_map()) return InvalidContent("Could not parse request body into json");
    ORGTRAIL_TRY(Value v, FromWire(*json, target, rest::kUnixTimestamp, 0));
    if (payload) {
      out.Set(payload->name, std::move(v));
    } else {
      for (auto& [k, e] : v.MutableMap()) out.Set(k, std::move(e));
    }
  }
  ORGTRAIL_CHECK(Validate(*route.service, *input, out));
  return out;
}

http::Response SerializeRestJsonOutput(const Route& route, const Value& out,
                                       const ResponseContext& ctx) {
  http::Response resp;
  if (!ctx.request_id.empty()) resp.SetHeader("x-amzn-RequestId", ctx.request_id);
  const spec::Operation* op = route.operation;
  if (!route.service || !op) return resp;
  resp.status = rest::SuccessStatus(*route.service, *op);
  long long content_length = -1;
  if (const spec::Shape* shape = op->output) {
    rest::WriteNonBodyOutput(*shape, out, resp, &content_length);
    const spec::Member* payload = rest::PayloadMember(*shape);
    if (payload && rest::IsRawPayload(*payload)) {
      const Value* v = out.Find(payload->name);
      if (v && !v->is_null()) resp.body = v->is_number() ? rest::NumberText(*v) : v->AsString();
    } else if (payload && payload->shape) {
      const Value* v = out.Find(payload->name);
      if (v && !v->is_null())
        resp.body = WriteJson(ToWire(*v, *payload->shape, rest::kUnixTimestamp));
    } else if (rest::HasBodyMembers(*shape)) {
      resp.body = WriteJson(ToWire(out, *shape, rest::kUnixTimestamp));
    }
  }
  if (resp.status == 204 || resp.status == 304) resp.body.clear();
  if (!resp.body.empty() && !resp.FindHeader("Content-Type"))
    resp.SetHeader("Content-Type", std::string(kContentTypeJson));
  if (ctx.head) rest::EndHeadResponse(resp, content_length);
  return resp;
}

http::Response SerializeRestJsonError(const Route& route, const AwsError& err,
                                      const ResponseContext& ctx) {
  ErrorFacts facts = ResolveError(route.service, err);
  std::string type = facts.type.empty() ? err.code : facts.type;
  int status = facts.status;
  if (const LambdaCode* c = rest::FindGenericCode(kLambdaCodes, type)) {
    type = std::string(c->type);
    if (err.status == 0) status = c->status;
  }
  if (status == 0) status = facts.sender_fault ? 400 : 500;

  http::Response resp;
  resp.status = status;
  if (!ctx.request_id.empty()) resp.SetHeader("x-amzn-RequestId", ctx.request_id);
  resp.SetHeader("X-Amzn-ErrorType", type);

  // The message key as the error shape spells it ("Message" or "message"); extra fields go to
  // the shape's header members when it has them (TooManyRequestsException: Retry-After).
  const spec::Shape* shape = route.service ? route.service->FindShape(type) : nullptr;
  std::string message_key = "Message";
  if (shape)
    for (const spec::Member& m : shape->members)
      if (IEquals(m.name, "message") && rest::IsBodyMember(m)) message_key = m.WireName();
  Value body = Value::MakeMap();
  body.Set("Type", Value(status >= 500 ? "Service" : "User"));
  body.Set(message_key, Value(facts.message));
  for (const auto& [name, value] : err.fields) {
    const spec::Member* m = shape ? shape->FindMember(name) : nullptr;
    if (m && m->location == spec::Location::kHeader)
      resp.SetHeader(m->WireName(), value);
    else
      body.Set(m ? m->WireName() : name, Value(value));
  }
  if (!ctx.head) {
    resp.body = WriteJson(body);
    resp.SetHeader("Content-Type", std::string(kContentTypeJson));
  }
  return resp;
}

}  // namespace orgtrail::protocol::internal
