// Model-constraint validation (spec/wire.md §6.6), with AWS's message text:
//   1 validation error detected: Value 'x' at 'memberPath' failed to satisfy constraint:
//   Member must have length less than or equal to 1024
// Regular-expression `pattern` traits are not checked (no regex engine in this layer).
#include <cmath>
#include <string>
#include <vector>

#include "protocol/internal.h"

namespace orgtrail::protocol {

std::string_view ValidationErrorCode(const spec::Service& service) {
  // Protocol facts (spec/wire.md §6.6): the code each service answers validation failures with.
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"logs", "InvalidParameterException"},
      {"cloudtrail", "InvalidParameterException"},
      {"organizations", "InvalidInputException"},
      {"cloudwatch", "ValidationError"},
      {"sqs", "ValidationError"},
      {"sns", "InvalidParameter"},
      {"iam", "ValidationError"},
      {"sts", "ValidationError"},
      {"lambda", "ValidationException"},
      {"s3", "InvalidArgument"},
  };
  for (const auto& [name, code] : kCodes)
    if (service.name == name) return code;
  return "ValidationException";
}

namespace internal {
namespace {

// One step of a member path: a structure member, a 1-based list index or a map key.
struct PathStep {
  enum class Kind { kMember, kIndex, kKey } kind;
  std::string_view text;
  size_t index = 0;
};

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Bound(double d) {
  if (std::fabs(d) < 1e15 && d == std::floor(d)) return std::to_string(static_cast<int64_t>(d));
  return FormatDouble(d);
}

void Render(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      break;
    case Value::Kind::kInt:
      out += std::to_string(v.AsInt());
      break;
    case Value::Kind::kDouble:
      out += FormatDouble(v.AsDouble());
      break;
    case Value::Kind::kString:
      out += v.AsString();
      break;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.AsList()) {
        if (!first) out += ", ";
        first = false;
        Render(e, out);
      }
      out += ']';
      break;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        if (!first) out += ", ";
        first = false;
        out += k;
        out += '=';
        Render(e, out);
      }
      out += '}';
      break;
    }
  }
}

class Validator {
 public:
  void Check(const spec::Shape& shape, const Value& v, int depth) {
    if (depth > 64) return;  // recursive shapes: inputs that deep are refused by the parsers
    switch (shape.type) {
      case spec::ShapeType::kStructure:
        CheckStructure(shape, v, depth);
        break;
      case spec::ShapeType::kList: {
        CheckLength(shape, v, v.size());
        if (shape.member.shape == nullptr) break;
        size_t i = 0;
        for (const Value& e : v.AsList()) {
          ++i;
          if (e.is_null()) continue;
          path_.push_back({PathStep::Kind::kIndex, {}, i});
          Check(*shape.member.shape, e, depth + 1);
          path_.pop_back();
        }
        break;
      }
      case spec::ShapeType::kMap: {
        CheckLength(shape, v, v.size());
        const spec::Shape* key = shape.key.shape;
        bool check_keys = key != nullptr && (key->min || key->max || !key->enum_values.empty());
        for (const auto& [k, e] : v.AsMap()) {
          if (check_keys) Check(*key, Value(k), depth + 1);
          if (shape.value.shape == nullptr || e.is_null()) continue;
          path_.push_back({PathStep::Kind::kKey, k, 0});
          Check(*shape.value.shape, e, depth + 1);
          path_.pop_back();
        }
        break;
      }
      case spec::ShapeType::kString:
        if (!v.is_string()) break;
        if (shape.min || shape.max) CheckLength(shape, v, CodePoints(v.AsString()));
        if (!shape.enum_values.empty()) CheckEnum(shape, v);
        break;
      case spec::ShapeType::kBlob:
        if (v.is_string()) CheckLength(shape, v, v.AsString().size());
        break;
      case spec::ShapeType::kInteger:
      case spec::ShapeType::kLong:
      case spec::ShapeType::kFloat:
      case spec::ShapeType::kDouble:
        if (v.is_number()) CheckRange(shape, v);
        break;
      default:
        break;
    }
  }

  std::vector<std::string> errors;
  const char* first_reason = nullptr;
  std::string_view skip_member;  // top-level member not checked

 private:
  void CheckStructure(const spec::Shape& shape, const Value& v, int depth) {
    for (const spec::Member& m : shape.members) {
      if (depth == 0 && !skip_member.empty() && m.name == skip_member) continue;
      const Value* mv = v.Find(m.name);
      path_.push_back({PathStep::Kind::kMember, m.name, 0});
      if (mv == nullptr || mv->is_null()) {
        if (m.required) Fail(nullptr, "Member must not be null", "INPUT_REQUIRED");
      } else if (m.shape != nullptr) {
        Check(*m.shape, *mv, depth + 1);
      }
      path_.pop_back();
    }
  }

  void CheckLength(const spec::Shape& shape, const Value& v, size_t len) {
    if (shape.min && static_cast<double>(len) < *shape.min)
      Fail(&v, "Member must have length greater than or equal to " + Bound(*shape.min),
           "MIN_LENGTH_EXCEEDED", shape.sensitive);
    if (shape.max && static_cast<double>(len) > *shape.max)
      Fail(&v, "Member must have length less than or equal to " + Bound(*shape.max),
           "MAX_LENGTH_EXCEEDED", shape.sensitive);
  }

  void CheckRange(const spec::Shape& shape, const Value& v) {
    double d = v.AsDouble();
    if (shape.min && d < *shape.min)
      Fail(&v, "Member must have value greater than or equal to " + Bound(*shape.min),
           "MIN_VALUE_EXCEEDED", shape.sensitive);
    if (shape.max && d > *shape.max)
      Fail(&v, "Member must have value less than or equal to " + Bound(*shape.max),
           "MAX_VALUE_EXCEEDED", shape.sensitive);
  }

  void CheckEnum(const spec::Shape& shape, const Value& v) {
    for (const std::string& e : shape.enum_values)
      if (e == v.AsString()) return;
    std::string constraint = "Member must satisfy enum value set: [";
    for (size_t i = 0; i < shape.enum_values.size(); ++i) {
      if (i) constraint += ", ";
      constraint += shape.enum_values[i];
    }
    constraint += ']';
    Fail(&v, constraint, "INVALID_ENUM", shape.sensitive);
  }

  void Fail(const Value* v, const std::string& constraint, const char* reason,
            bool sensitive = false) {
    if (first_reason == nullptr) first_reason = reason;
    std::string msg = "Value ";
    if (v == nullptr) {
      msg += "null";
    } else if (sensitive) {
      msg += "'*** Sensitive Data Redacted ***'";
    } else {
      msg += '\'';
      Render(*v, msg);
      msg += '\'';
    }
    msg += " at '";
    bool first = true;
    for (const PathStep& step : path_) {
      if (!first) msg += '.';
      first = false;
      switch (step.kind) {
        case PathStep::Kind::kMember:
          // AWS lower-cases the first letter of each member name ('stateValue').
          if (!step.text.empty()) {
            msg += static_cast<char>(std::tolower(static_cast<unsigned char>(step.text[0])));
            msg.append(step.text.substr(1));
          }
          break;
        case PathStep::Kind::kIndex:
          msg += std::to_string(step.index);
          msg += ".member";
          break;
        case PathStep::Kind::kKey:
          msg.append(step.text);
          break;
      }
    }
    msg += "' failed to satisfy constraint: ";
    msg += constraint;
    errors.push_back(std::move(msg));
  }

  std::vector<PathStep> path_;
};

}  // namespace

Status Validate(const spec::Service& service, const spec::Shape& shape, const Value& v,
                std::string_view skip_member) {
  Validator validator;
  validator.skip_member = skip_member;
  validator.Check(shape, v, 0);
  if (validator.errors.empty()) return Ok();
  size_t n = validator.errors.size();
  std::string msg =
      std::to_string(n) + (n == 1 ? " validation error" : " validation errors") + " detected: ";
  for (size_t i = 0; i < n; ++i) {
    if (i) msg += "; ";
    msg += validator.errors[i];
  }
  std::string code(ValidationErrorCode(service));
  AwsError err(code, std::move(msg));
  // Services whose validation error carries a modelled Reason enum (Organizations
  // InvalidInputException) get the matching reason.
  const spec::Shape* err_shape = service.FindShape(code);
  const spec::Member* reason = err_shape ? err_shape->FindMember("Reason") : nullptr;
  if (reason != nullptr && reason->shape != nullptr && validator.first_reason != nullptr) {
    for (const std::string& e : reason->shape->enum_values)
      if (e == validator.first_reason) err.With("Reason", e);
  }
  return err;
}

}  // namespace internal
}  // namespace orgtrail::protocol
