// Query protocol (spec/wire.md §2, §3.2, §4, §6.3, §7): botocore's QuerySerializer and
// QueryParser read in reverse. Request keys follow the model: nested `A.B`, lists
// `Name.member.N` (flattened `Name.N`, renamed by the list member's locationName), maps
// `Name.entry.N.key/.value` (flattened `Name.N.<key locationName>/.<value locationName>`).
// Values are keyed by member name, so a query-compatible service sees the same Value as JSON.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "core/encoding.h"
#include "core/time_format.h"
#include "protocol/internal.h"
#include "protocol/query_xml_writer.h"

namespace orgtrail::protocol::internal {
namespace {

constexpr int kMaxQueryDepth = 64;

using ParamMap = std::map<std::string, std::string, std::less<>>;

std::string Join(std::string_view prefix, std::string_view name) {
  std::string out;
  out.reserve(prefix.size() + 1 + name.size());
  out.append(prefix);
  if (!prefix.empty()) out += '.';
  out.append(name);
  return out;
}

AwsError Malformed(std::string_view key, std::string_view value, std::string_view type) {
  std::string msg = "Value '";
  msg.append(value);
  msg += "' for parameter '";
  msg.append(key);
  msg += "' can not be converted to ";
  msg.append(type);
  return AwsError("MalformedQueryString", std::move(msg), 400);
}

class Reader {
 public:
  explicit Reader(const ParamMap& params) : params_(params) {}

  // Reads the value of `shape` at `prefix`; a null Value when nothing is there.
  Result<Value> Read(const spec::Shape& shape, bool flattened, const std::string& prefix,
                     int depth) {
    if (depth > kMaxQueryDepth)
      return AwsError("MalformedQueryString", "Parameters nested too deeply", 400);
    switch (shape.type) {
      case spec::ShapeType::kStructure:
        return ReadStructure(shape, prefix, depth);
      case spec::ShapeType::kList:
        return ReadList(shape, flattened, prefix, depth);
      case spec::ShapeType::kMap:
        return ReadMap(shape, flattened, prefix, depth);
      default: {
        auto it = params_.find(prefix);
        if (it == params_.end()) return Value();
        return Scalar(shape, it->first, it->second);
      }
    }
  }

 private:
  // Any key below `prefix` ("prefix.").
  bool HasChildren(const std::string& dotted) const {
    auto it = params_.lower_bound(dotted);
    return it != params_.end() && StartsWith(it->first, dotted);
  }

  // The distinct numeric indices N of keys "prefix.N" / "prefix.N.*", ascending.
  std::vector<size_t> Indices(const std::string& dotted) const {
    std::vector<size_t> out;
    for (auto it = params_.lower_bound(dotted); it != params_.end(); ++it) {
      std::string_view key = it->first;
      if (!StartsWith(key, dotted)) break;
      std::string_view rest = key.substr(dotted.size());
      size_t end = rest.find('.');
      std::string_view digits = rest.substr(0, end);
      size_t n = 0;
      auto res = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (res.ec != std::errc() || res.ptr != digits.data() + digits.size() || n == 0) continue;
      if (out.empty() || out.back() != n) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Result<Value> ReadStructure(const spec::Shape& shape, const std::string& prefix, int depth) {
    if (!prefix.empty() && !HasChildren(prefix + ".")) return Value();
    Value out = Value::MakeMap();
    for (const spec::Member& m : shape.members) {
      if (m.shape == nullptr) continue;
      ORGTRAIL_TRY(Value v, Read(*m.shape, m.flattened, Join(prefix, m.WireName()), depth + 1));
      if (!v.is_null()) out.MutableMap().emplace_back(m.name, std::move(v));
    }
    return out;
  }

  Result<Value> ReadList(const spec::Shape& shape, bool flattened, const std::string& prefix,
                         int depth) {
    if (shape.member.shape == nullptr) return Value();
    std::string list_prefix;
    if (flattened || shape.flattened) {
      // botocore replaces the last component with the list member's locationName.
      list_prefix = prefix;
      if (!shape.member.location_name.empty()) {
        size_t dot = prefix.rfind('.');
        list_prefix = dot == std::string::npos ? std::string() : prefix.substr(0, dot);
        list_prefix = Join(list_prefix, shape.member.location_name);
      }
    } else {
      list_prefix = Join(prefix, shape.member.location_name.empty()
                                     ? std::string_view("member")
                                     : std::string_view(shape.member.location_name));
    }
    std::string dotted = list_prefix + ".";
    std::vector<size_t> indices = Indices(dotted);
    if (indices.empty()) {
      // An empty list is sent as the bare key ("Name=").
      return params_.count(prefix) ? Value::MakeList() : Value();
    }
    Value out = Value::MakeList();
    for (size_t i : indices) {
      ORGTRAIL_TRY(Value v,
                   Read(*shape.member.shape, false, dotted + std::to_string(i), depth + 1));
      if (!v.is_null()) out.Append(std::move(v));
    }
    return out;
  }

  Result<Value> ReadMap(const spec::Shape& shape, bool flattened, const std::string& prefix,
                        int depth) {
    if (shape.value.shape == nullptr) return Value();
    std::string full = flattened || shape.flattened ? prefix : prefix + ".entry";
    std::string_view key_name = shape.key.location_name.empty()
                                    ? std::string_view("key")
                                    : std::string_view(shape.key.location_name);
    std::string_view value_name = shape.value.location_name.empty()
                                      ? std::string_view("value")
                                      : std::string_view(shape.value.location_name);
    std::string dotted = full + ".";
    std::vector<size_t> indices = Indices(dotted);
    if (indices.empty()) return params_.count(prefix) ? Value::MakeMap() : Value();
    Value out = Value::MakeMap();
    for (size_t i : indices) {
      std::string entry = dotted + std::to_string(i);
      auto key = params_.find(Join(entry, key_name));
      if (key == params_.end()) continue;
      ORGTRAIL_TRY(Value v, Read(*shape.value.shape, false, Join(entry, value_name), depth + 1));
      if (!v.is_null()) out.Set(key->second, std::move(v));
    }
    return out;
  }

  static Result<Value> Scalar(const spec::Shape& shape, std::string_view key,
                              const std::string& text) {
    switch (shape.type) {
      case spec::ShapeType::kInteger:
      case spec::ShapeType::kLong: {
        int64_t n = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), n);
        bool ok = res.ec == std::errc() && res.ptr == text.data() + text.size();
        if (ok && shape.type == spec::ShapeType::kInteger) ok = n >= INT32_MIN && n <= INT32_MAX;
        if (!ok)
          return Malformed(key, text,
                           shape.type == spec::ShapeType::kInteger ? "an Integer" : "a Long");
        return Value(n);
      }
      case spec::ShapeType::kFloat:
      case spec::ShapeType::kDouble: {
        if (text == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
        if (text == "Infinity") return Value(std::numeric_limits<double>::infinity());
        if (text == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
        double d = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), d);
        if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(d))
          return Malformed(key, text, "a Double");
        return Value(d);
      }
      case spec::ShapeType::kBoolean:
        if (IEquals(text, "true")) return Value(true);
        if (IEquals(text, "false")) return Value(false);
        return Malformed(key, text, "a Boolean");
      case spec::ShapeType::kTimestamp: {
        if (std::optional<int64_t> ms = ParseIso8601(text))
          return EpochSecondsValue(static_cast<double>(*ms) / 1000.0);
        double d = 0;
        auto res = std::from_chars(text.data(), text.data() + text.size(), d);
        if (res.ec == std::errc() && res.ptr == text.data() + text.size() && std::isfinite(d))
          return EpochSecondsValue(d);
        return Malformed(key, text, "a Timestamp");
      }
      case spec::ShapeType::kBlob: {
        std::optional<std::string> bytes = Base64Decode(text);
        if (!bytes) return Malformed(key, text, "a Blob");
        return Value(std::move(*bytes));
      }
      default:
        return Value(text);
    }
  }

  const ParamMap& params_;
};

// --- responses -------------------------------------------------------------------------------

std::string ScalarText(const spec::Shape& shape, const std::string& ts_format, const Value& v) {
  if (shape.type == spec::ShapeType::kTimestamp) {
    if (std::optional<double> secs = TimestampSeconds(v))
      return FormatTimestamp(*secs, ts_format.empty() ? "iso8601" : ts_format);
  }
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v.AsBool() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.AsInt());
    case Value::Kind::kDouble:
      if (shape.type == spec::ShapeType::kInteger || shape.type == spec::ShapeType::kLong)
        return std::to_string(v.AsInt());
      return FormatDouble(v.AsDouble());
    case Value::Kind::kString:
      return shape.type == spec::ShapeType::kBlob ? Base64Encode(v.AsString()) : v.AsString();
    default:
      return {};
  }
}

void WriteMembers(QueryXmlWriter& w, const spec::Shape& shape, const Value& v, int depth);

void WriteValue(QueryXmlWriter& w, const spec::Shape& shape, const spec::Member& traits,
                bool flattened, std::string_view name, const Value& v, int depth) {
  if (depth > kMaxQueryDepth) return;
  switch (shape.type) {
    case spec::ShapeType::kStructure:
      w.Open(name);
      WriteMembers(w, shape, v, depth + 1);
      w.Close(name);
      return;
    case spec::ShapeType::kList: {
      if (shape.member.shape == nullptr) return;
      const spec::Member& item = shape.member;
      if (flattened || shape.flattened) {
        std::string_view item_name = item.location_name.empty() ? name : item.location_name;
        for (const Value& e : v.AsList())
          if (!e.is_null()) WriteValue(w, *item.shape, item, false, item_name, e, depth + 1);
        return;
      }
      std::string_view item_name =
          item.location_name.empty() ? std::string_view("member") : item.location_name;
      w.Open(name);
      for (const Value& e : v.AsList())
        if (!e.is_null()) WriteValue(w, *item.shape, item, false, item_name, e, depth + 1);
      w.Close(name);
      return;
    }
    case spec::ShapeType::kMap: {
      if (shape.value.shape == nullptr) return;
      std::string_view key_name =
          shape.key.location_name.empty() ? std::string_view("key") : shape.key.location_name;
      std::string_view value_name =
          shape.value.location_name.empty() ? std::string_view("value") : shape.value.location_name;
      bool flat = flattened || shape.flattened;
      if (!flat) w.Open(name);
      for (const auto& [k, e] : v.AsMap()) {
        if (e.is_null()) continue;
        w.Open(flat ? name : "entry");
        w.Element(key_name, k);
        WriteValue(w, *shape.value.shape, shape.value, false, value_name, e, depth + 1);
        w.Close(flat ? name : "entry");
      }
      if (!flat) w.Close(name);
      return;
    }
    default: {
      const std::string& fmt =
          traits.timestamp_format.empty() ? shape.timestamp_format : traits.timestamp_format;
      w.Element(name, ScalarText(shape, fmt, v));
      return;
    }
  }
}

void WriteMembers(QueryXmlWriter& w, const spec::Shape& shape, const Value& v, int depth) {
  for (const spec::Member& m : shape.members) {
    const Value* mv = v.Find(m.name);
    if (mv == nullptr || mv->is_null() || m.shape == nullptr) continue;
    WriteValue(w, *m.shape, m, m.flattened, m.WireName(), *mv, depth);
  }
}

void AddHeaders(http::Response& resp, const ResponseContext& ctx) {
  resp.headers.push_back({"x-amzn-RequestId", ctx.request_id});
  resp.headers.push_back({"Content-Type", "text/xml"});
}

}  // namespace

Result<Value> ParseQueryInput(const http::Request& /*req*/, const Route& route) {
  const spec::Shape* input = route.operation ? route.operation->input : nullptr;
  if (input == nullptr) return Value::MakeMap();
  ParamMap params;
  for (const auto& [k, v] : route.query_params) params[k] = v;  // later (body) values win
  Reader reader(params);
  ORGTRAIL_TRY(Value out, reader.Read(*input, false, "", 0));
  if (out.is_null()) out = Value::MakeMap();
  if (route.service != nullptr) ORGTRAIL_CHECK(Validate(*route.service, *input, out));
  return out;
}

http::Response SerializeQueryOutput(const Route& route, const Value& out,
                                    const ResponseContext& ctx) {
  http::Response resp;
  AddHeaders(resp, ctx);
  const spec::Operation* op = route.operation;
  resp.status = op ? op->response_code : 200;
  std::string root = (op ? op->name : route.operation_name) + "Response";
  QueryXmlWriter w;
  w.Open(root, route.service ? std::string_view(route.service->xml_namespace) : "");
  if (op != nullptr && op->output != nullptr) {
    std::string wrapper =
        op->output_result_wrapper.empty() ? op->name + "Result" : op->output_result_wrapper;
    w.Open(wrapper);
    WriteMembers(w, *op->output, out, 0);
    w.Close(wrapper);
  }
  w.Open("ResponseMetadata");
  w.Element("RequestId", ctx.request_id);
  w.Close("ResponseMetadata");
  w.Close(root);
  resp.body = w.Take();
  return resp;
}

http::Response SerializeQueryError(const Route& route, const AwsError& err,
                                   const ResponseContext& ctx) {
  ErrorFacts facts = ResolveError(route.service, err, route.query_model);
  http::Response resp;
  resp.status = facts.status;
  AddHeaders(resp, ctx);
  QueryXmlWriter w;
  w.Open("ErrorResponse", route.service ? std::string_view(route.service->xml_namespace) : "");
  w.Open("Error");
  w.Element("Type", facts.sender_fault ? "Sender" : "Receiver");
  w.Element("Code", facts.query_code);
  w.Element("Message", facts.message);
  // SQS answers with an empty Detail element (spec/wire.md §6.3).
  if (route.service != nullptr && route.service->name == "sqs") w.Empty("Detail");
  for (const auto& [name, value] : err.fields) w.Element(name, value);
  w.Close("Error");
  w.Element("RequestId", ctx.request_id);
  w.Close("ErrorResponse");
  resp.body = w.Take();
  return resp;
}

}  // namespace orgtrail::protocol::internal
