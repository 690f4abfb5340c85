#include "protocol/rest_common.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <vector>

#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::protocol::rest {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

Value SecondsFromMillis(int64_t ms) {
  if (ms % 1000 == 0) return Value(ms / 1000);
  return Value(static_cast<double>(ms) / 1000.0);
}

int64_t MillisOf(const Value& v) {
  if (v.is_int()) return v.AsInt() * 1000;
  return static_cast<int64_t>(std::llround(v.AsDouble() * 1000.0));
}

std::optional<Value> ParseTimestampAs(std::string_view text, std::string_view format) {
  if (format == kIso8601) {
    if (auto ms = ParseIso8601(text)) return SecondsFromMillis(*ms);
  } else if (format == kRfc822) {
    if (auto ms = ParseHttpDate(text)) return SecondsFromMillis(*ms);
  } else if (format == kUnixTimestamp) {
    if (auto i = ParseInt(text)) return Value(*i);
    if (auto d = ParseDouble(text); d && std::isfinite(*d)) return Value(*d);
  }
  return std::nullopt;
}

// Header values never carry line breaks (they would split the response).
std::string HeaderSafe(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

Value ParseHeaderList(const spec::Shape& list, std::string_view text, std::string_view ts_format) {
  Value out = Value::MakeList();
  if (!list.member.shape) return out;
  for (std::string_view part : Split(text, ',')) {
    std::string_view item = Trim(part);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
    out.Append(ParseScalarText(*list.member.shape, item, ts_format));
  }
  return out;
}

}  // namespace

std::string_view TimestampFormat(const spec::Member& m, std::string_view location_default) {
  if (!m.timestamp_format.empty()) return m.timestamp_format;
  if (m.shape) return TimestampFormat(*m.shape, location_default);
  return location_default;
}

std::string_view TimestampFormat(const spec::Shape& s, std::string_view location_default) {
  if (!s.timestamp_format.empty()) return s.timestamp_format;
  return location_default;
}

std::optional<Value> ParseTimestamp(std::string_view text, std::string_view format) {
  text = Trim(text);
  if (auto v = ParseTimestampAs(text, format)) return v;
  for (std::string_view other : {kIso8601, kRfc822, kUnixTimestamp}) {
    if (other == format) continue;
    if (auto v = ParseTimestampAs(text, other)) return v;
  }
  return std::nullopt;
}

std::string FormatTimestamp(const Value& epoch_seconds, std::string_view format) {
  int64_t ms = MillisOf(epoch_seconds);
  if (format == kRfc822) return FormatHttpDate(ms);
  if (format == kUnixTimestamp) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000);
    return NumberText(Value(static_cast<double>(ms) / 1000.0));
  }
  return FormatIso8601Millis(ms);
}

std::optional<Value> TimestampValue(const Value& v) {
  if (v.is_number()) return v;
  if (v.is_string()) return ParseTimestamp(v.AsString(), kIso8601);
  return std::nullopt;
}

Value EpochSeconds(const Value& v) { return SecondsFromMillis(MillisOf(v)); }

std::string NumberText(const Value& v) {
  if (v.is_int()) return std::to_string(v.AsInt());
  if (!v.is_double()) return v.AsString();
  double d = v.AsDouble();
  if (!std::isfinite(d)) return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
  if (d == std::trunc(d) && std::fabs(d) < 9.0e15) return std::to_string(static_cast<int64_t>(d));
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  if (ec != std::errc()) return std::to_string(d);
  return std::string(buf, p);
}

Value ParseScalarText(const spec::Shape& shape, std::string_view text, std::string_view ts_format) {
  switch (shape.type) {
    case spec::ShapeType::kInteger:
    case spec::ShapeType::kLong:
      if (auto i = ParseInt(text)) return Value(*i);
      break;
    case spec::ShapeType::kFloat:
    case spec::ShapeType::kDouble:
      if (auto d = ParseDouble(text)) return Value(*d);
      break;
    case spec::ShapeType::kBoolean:
      if (IEquals(text, "true")) return Value(true);
      if (IEquals(text, "false")) return Value(false);
      break;
    case spec::ShapeType::kTimestamp:
      if (auto t = ParseTimestamp(text, ts_format)) return *t;
      break;
    case spec::ShapeType::kBlob:
      if (auto b = Base64Decode(text)) return Value(std::move(*b));
      break;
    case spec::ShapeType::kList:
      return ParseHeaderList(shape, text, ts_format);
    default:
      break;
  }
  return Value(text);
}

std::string ScalarText(const spec::Shape& shape, const Value& v, std::string_view ts_format) {
  switch (shape.type) {
    case spec::ShapeType::kTimestamp:
      if (auto t = TimestampValue(v)) return FormatTimestamp(*t, ts_format);
      break;
    case spec::ShapeType::kBlob:
      return Base64Encode(v.AsString());
    case spec::ShapeType::kList: {
      std::string out;
      for (const Value& e : v.AsList()) {
        if (!out.empty()) out += ',';
        out += shape.member.shape ? ScalarText(*shape.member.shape, e, ts_format) : e.AsString();
      }
      return out;
    }
    default:
      break;
  }
  if (v.is_bool()) return v.AsBool() ? "true" : "false";
  if (v.is_number()) return NumberText(v);
  return v.AsString();
}

const spec::Member* PayloadMember(const spec::Shape& shape) {
  if (shape.payload.empty()) return nullptr;
  return shape.FindMember(shape.payload);
}

bool IsRawPayload(const spec::Member& payload) {
  if (!payload.shape) return true;
  return payload.shape->streaming || payload.shape->type == spec::ShapeType::kBlob ||
         payload.shape->type == spec::ShapeType::kString;
}

bool HasBodyMembers(const spec::Shape& shape) {
  for (const spec::Member& m : shape.members)
    if (IsBodyMember(m)) return true;
  return false;
}

void BindNonBodyInput(const http::Request& req, const Route& route, const spec::Shape& input,
                      Value& out) {
  Params params = ParseQueryString(req.query, /*plus_as_space=*/true);
  std::vector<bool> claimed(params.size(), false);
  const spec::Member* query_map = nullptr;
  for (const spec::Member& m : input.members) {
    if (!m.shape) continue;
    const std::string& wire = m.WireName();
    switch (m.location) {
      case spec::Location::kUri: {
        auto it = route.labels.find(wire);
        if (it != route.labels.end())
          out.Set(m.name, ParseScalarText(*m.shape, it->second, TimestampFormat(m, kIso8601)));
        break;
      }
      case spec::Location::kQueryString: {
        if (m.shape->type == spec::ShapeType::kMap) {
          query_map = &m;
          break;
        }
        const bool is_list = m.shape->type == spec::ShapeType::kList;
        const spec::Shape* item = is_list ? m.shape->member.shape : m.shape;
        if (!item) break;
        Value list = Value::MakeList();
        for (size_t i = 0; i < params.size(); ++i) {
          if (params[i].first != wire) continue;
          claimed[i] = true;
          Value v = ParseScalarText(*item, params[i].second, TimestampFormat(m, kIso8601));
          if (!is_list) {
            out.Set(m.name, std::move(v));
            break;
          }
          list.Append(std::move(v));
        }
        if (is_list && list.size() > 0) out.Set(m.name, std::move(list));
        break;
      }
      case spec::Location::kHeader: {
        const std::string* h = req.FindHeader(wire);
        if (!h) break;
        out.Set(m.name, ParseScalarText(*m.shape, Trim(*h), TimestampFormat(m, kRfc822)));
        break;
      }
      case spec::Location::kHeaders: {
        std::string prefix = ToLower(wire);
        Value map = Value::MakeMap();
        for (const http::Header& h : req.headers) {
          std::string name = ToLower(h.name);
          if (name.size() > prefix.size() && StartsWith(name, prefix))
            map.Set(name.substr(prefix.size()), Value(std::string(Trim(h.value))));
        }
        if (map.size() > 0) out.Set(m.name, std::move(map));
        break;
      }
      default:
        break;
    }
  }
  // A querystring map (no fixed key) takes every parameter no other member claimed.
  if (query_map && query_map->shape->value.shape) {
    const spec::Shape& value_shape = *query_map->shape->value.shape;
    Value map = Value::MakeMap();
    for (size_t i = 0; i < params.size(); ++i) {
      if (claimed[i]) continue;
      const auto& [k, v] = params[i];
      if (value_shape.type == spec::ShapeType::kList) {
        Value* existing = map.Find(k);
        if (!existing) existing = &map.Set(k, Value::MakeList()).MutableMap().back().second;
        existing->Append(Value(v));
      } else if (!map.Has(k)) {
        map.Set(k, Value(v));
      }
    }
    if (map.size() > 0) out.Set(query_map->name, std::move(map));
  }
}

void WriteNonBodyOutput(const spec::Shape& output, const Value& out, http::Response& resp,
                        long long* content_length) {
  if (content_length) *content_length = -1;
  for (const spec::Member& m : output.members) {
    if (!m.shape || IsBodyMember(m)) continue;
    const Value* v = out.Find(m.name);
    if (!v || v->is_null()) continue;
    const std::string& wire = m.WireName();
    switch (m.location) {
      case spec::Location::kHeader:
        if (IEquals(wire, "Content-Length")) {
          if (content_length) *content_length = v->AsInt(-1);
          break;
        }
        resp.SetHeader(wire, HeaderSafe(ScalarText(*m.shape, *v, TimestampFormat(m, kRfc822))));
        break;
      case spec::Location::kHeaders:
        for (const auto& [k, e] : v->AsMap())
          resp.SetHeader(wire + k, HeaderSafe(e.is_string() ? e.AsString() : NumberText(e)));
        break;
      case spec::Location::kStatusCode:
        if (v->is_number()) resp.status = static_cast<int>(v->AsInt());
        break;
      default:
        break;
    }
  }
}

int SuccessStatus(const spec::Service& service, const spec::Operation& op) {
  // Where the service answers differently from its model's responseCode (spec/wire.md §4).
  struct Override {
    std::string_view service, operation;
    int status;
  };
  static constexpr Override kOverrides[] = {
      {"s3", "DeleteObject", 204},       {"s3", "DeleteBucket", 204},
      {"s3", "DeleteBucketPolicy", 204}, {"s3", "PutBucketPolicy", 204},
      {"lambda", "DeleteFunction", 204},
  };
  for (const Override& o : kOverrides)
    if (o.service == service.name && o.operation == op.name) return o.status;
  return op.response_code;
}

void EndHeadResponse(http::Response& resp, long long content_length) {
  resp.content_length =
      content_length >= 0 ? content_length : static_cast<long long>(resp.body.size());
  resp.body.clear();
}

}  // namespace orgtrail::protocol::rest
