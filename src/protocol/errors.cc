// Error resolution against the service models (spec/wire.md §6) and timestamp rendering (§7).
#include <charconv>
#include <cmath>

#include "core/time_format.h"
#include "protocol/internal.h"

namespace orgtrail::protocol::internal {
namespace {

bool IsErrorShape(const spec::Shape* s) { return s != nullptr && (s->exception || s->error); }

// An error shape by shape name, else by its Query wire code (error.code).
const spec::Shape* FindErrorShape(const spec::Service& svc, std::string_view code) {
  const spec::Shape* by_name = svc.FindShape(code);
  if (IsErrorShape(by_name)) return by_name;
  for (const auto& [name, shape] : svc.shapes)
    if (shape->error && shape->error->code == code) return shape.get();
  return nullptr;
}

}  // namespace

ErrorFacts ResolveError(const spec::Service* service, const AwsError& err,
                        const spec::Service* query_model) {
  ErrorFacts f;
  f.type = err.code;
  f.query_code = err.code;
  f.sender_fault = err.sender_fault;
  f.message = err.message;

  const spec::Shape* shape = service ? FindErrorShape(*service, err.code) : nullptr;
  const spec::Shape* query_shape = nullptr;
  if (query_model != nullptr && query_model != service) {
    query_shape = FindErrorShape(*query_model, shape ? std::string_view(shape->name) : err.code);
    if (shape == nullptr && query_shape != nullptr && service != nullptr) {
      const spec::Shape* same = service->FindShape(query_shape->name);
      if (IsErrorShape(same)) shape = same;
    }
  }
  const spec::Shape* named = shape ? shape : query_shape;
  if (named != nullptr) {
    f.type = named->name;
    f.query_code = named->name;
    // The wire facts come from whichever model carries them (a query-compatible JSON model may
    // have lost its Query traits; its legacy Query model has them).
    const spec::ErrorInfo* info = nullptr;
    if (shape != nullptr && shape->error) info = &*shape->error;
    if ((info == nullptr || info->code.empty()) && query_shape != nullptr && query_shape->error)
      info = &*query_shape->error;
    if (info != nullptr) {
      if (info->http_status != 0) f.status = info->http_status;
      if (!info->code.empty()) f.query_code = info->code;
      // A model without senderFault on a 5xx error means the server's fault.
      f.sender_fault = info->sender_fault && f.status < 500;
    }
    if (f.message.empty()) f.message = named->default_message;
  }
  if (err.status != 0) f.status = err.status;
  return f;
}

std::string FormatDouble(double d) {
  if (!std::isfinite(d)) return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, res.ptr);
}

Value EpochSecondsValue(double epoch_seconds) {
  if (!std::isfinite(epoch_seconds)) return Value(int64_t{0});
  double ms = std::round(epoch_seconds * 1000.0);
  if (std::fmod(ms, 1000.0) == 0) return Value(static_cast<int64_t>(ms / 1000.0));
  return Value(ms / 1000.0);
}

std::optional<double> TimestampSeconds(const Value& v) {
  if (v.is_number()) return v.AsDouble();
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.AsString();
  std::optional<int64_t> ms = ParseIso8601(s);
  if (!ms) ms = ParseHttpDate(s);
  if (!ms) return std::nullopt;
  return static_cast<double>(*ms) / 1000.0;
}

std::string FormatTimestamp(double epoch_seconds, const std::string& format) {
  if (!std::isfinite(epoch_seconds)) epoch_seconds = 0;
  auto ms = static_cast<int64_t>(std::llround(epoch_seconds * 1000.0));
  if (format == "unixTimestamp") {
    Value v = EpochSecondsValue(epoch_seconds);
    return v.is_int() ? std::to_string(v.AsInt()) : FormatDouble(v.AsDouble());
  }
  if (format == "rfc822") return FormatHttpDate(ms);
  return FormatIso8601Millis(ms);
}

}  // namespace orgtrail::protocol::internal
