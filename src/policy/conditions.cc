// Condition operators (spec/org-iam.md §5.4.4–5 and its table; IAM User Guide "IAM JSON policy
// elements: Condition operators", "Multivalued context keys" for ForAnyValue/ForAllValues).
#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/time_format.h"
#include "policy/internal.h"

namespace orgtrail::policy::internal {
namespace {

struct OpInfo {
  std::string_view name;
  ConditionOp op;
  ConditionOp base;
  bool negated;
};

constexpr OpInfo kOps[] = {
    {"StringEquals", ConditionOp::kStringEquals, ConditionOp::kStringEquals, false},
    {"StringNotEquals", ConditionOp::kStringNotEquals, ConditionOp::kStringEquals, true},
    {"StringEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase,
     ConditionOp::kStringEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", ConditionOp::kStringNotEqualsIgnoreCase,
     ConditionOp::kStringEqualsIgnoreCase, true},
    {"StringLike", ConditionOp::kStringLike, ConditionOp::kStringLike, false},
    {"StringNotLike", ConditionOp::kStringNotLike, ConditionOp::kStringLike, true},
    {"NumericEquals", ConditionOp::kNumericEquals, ConditionOp::kNumericEquals, false},
    {"NumericNotEquals", ConditionOp::kNumericNotEquals, ConditionOp::kNumericEquals, true},
    {"NumericLessThan", ConditionOp::kNumericLessThan, ConditionOp::kNumericLessThan, false},
    {"NumericLessThanEquals", ConditionOp::kNumericLessThanEquals,
     ConditionOp::kNumericLessThanEquals, false},
    {"NumericGreaterThan", ConditionOp::kNumericGreaterThan, ConditionOp::kNumericGreaterThan,
     false},
    {"NumericGreaterThanEquals", ConditionOp::kNumericGreaterThanEquals,
     ConditionOp::kNumericGreaterThanEquals, false},
    {"DateEquals", ConditionOp::kDateEquals, ConditionOp::kDateEquals, false},
    {"DateNotEquals", ConditionOp::kDateNotEquals, ConditionOp::kDateEquals, true},
    {"DateLessThan", ConditionOp::kDateLessThan, ConditionOp::kDateLessThan, false},
    {"DateLessThanEquals", ConditionOp::kDateLessThanEquals, ConditionOp::kDateLessThanEquals,
     false},
    {"DateGreaterThan", ConditionOp::kDateGreaterThan, ConditionOp::kDateGreaterThan, false},
    {"DateGreaterThanEquals", ConditionOp::kDateGreaterThanEquals,
     ConditionOp::kDateGreaterThanEquals, false},
    {"Bool", ConditionOp::kBool, ConditionOp::kBool, false},
    {"BinaryEquals", ConditionOp::kBinaryEquals, ConditionOp::kBinaryEquals, false},
    {"IpAddress", ConditionOp::kIpAddress, ConditionOp::kIpAddress, false},
    {"NotIpAddress", ConditionOp::kNotIpAddress, ConditionOp::kIpAddress, true},
    {"ArnEquals", ConditionOp::kArnEquals, ConditionOp::kArnLike, false},
    {"ArnLike", ConditionOp::kArnLike, ConditionOp::kArnLike, false},
    {"ArnNotEquals", ConditionOp::kArnNotEquals, ConditionOp::kArnLike, true},
    {"ArnNotLike", ConditionOp::kArnNotLike, ConditionOp::kArnLike, true},
    {"Null", ConditionOp::kNull, ConditionOp::kNull, false},
};

bool IsNumeric(ConditionOp b) {
  return b >= ConditionOp::kNumericEquals && b <= ConditionOp::kNumericGreaterThanEquals;
}
bool IsDate(ConditionOp b) {
  return b >= ConditionOp::kDateEquals && b <= ConditionOp::kDateGreaterThanEquals;
}
bool IsStringOrArn(ConditionOp b) {
  return b <= ConditionOp::kStringNotLike || b >= ConditionOp::kArnEquals;
}

}  // namespace

bool ParseConditionOperator(std::string_view name, Condition* out) {
  std::string_view n = name;
  out->qualifier = SetQualifier::kNone;
  if (StartsWith(n, "ForAnyValue:")) {
    out->qualifier = SetQualifier::kForAnyValue;
    n.remove_prefix(12);
  } else if (StartsWith(n, "ForAllValues:")) {
    out->qualifier = SetQualifier::kForAllValues;
    n.remove_prefix(13);
  }
  out->if_exists = false;
  if (EndsWith(n, "IfExists")) {
    out->if_exists = true;
    n.remove_suffix(8);
  }
  for (const OpInfo& info : kOps) {
    if (info.name != n) continue;
    if (info.op == ConditionOp::kNull && (out->if_exists || out->qualifier != SetQualifier::kNone))
      return false;
    out->op = info.op;
    out->base = info.base;
    out->negated = info.negated;
    out->op_name = std::string(name);
    return true;
  }
  return false;
}

bool ParseNumber(std::string_view t, double* out) {
  if (t.empty()) return false;
  if (t.front() == '+') t.remove_prefix(1);
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

bool ParseDate(std::string_view t, int64_t* ms) {
  if (t.empty()) return false;
  bool digits = true;
  for (char c : t)
    if (c < '0' || c > '9') digits = false;
  if (digits && t.size() <= 12) {  // epoch seconds
    int64_t s = 0;
    std::from_chars(t.data(), t.data() + t.size(), s);
    *ms = s * 1000;
    return true;
  }
  if (auto v = ParseIso8601(t)) {
    *ms = *v;
    return true;
  }
  // Date only: YYYY-MM-DD (midnight UTC).
  if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
    int y = 0, m = 0, d = 0;
    auto num = [&](size_t pos, size_t len, int* v) {
      auto r = std::from_chars(t.data() + pos, t.data() + pos + len, *v);
      return r.ec == std::errc() && r.ptr == t.data() + pos + len;
    };
    if (num(0, 4, &y) && num(5, 2, &m) && num(8, 2, &d) && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      *ms = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400000;
      return true;
    }
  }
  return false;
}

bool ParseIpNetwork(std::string_view t, IpNetwork* out) {
  if (t.empty() || t.size() > 64) return false;
  std::string_view addr = t;
  int prefix = -1;
  size_t slash = t.find('/');
  if (slash != std::string_view::npos) {
    addr = t.substr(0, slash);
    std::string_view p = t.substr(slash + 1);
    auto r = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || prefix < 0)
      return false;
  }
  char buf[65];
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = '\0';
  IpNetwork n;
  if (inet_pton(AF_INET, buf, n.bytes.data()) == 1) {
    n.v6 = false;
    if (prefix > 32) return false;
    n.prefix = prefix < 0 ? 32 : prefix;
  } else if (inet_pton(AF_INET6, buf, n.bytes.data()) == 1) {
    n.v6 = true;
    if (prefix > 128) return false;
    n.prefix = prefix < 0 ? 128 : prefix;
  } else {
    return false;
  }
  *out = n;
  return true;
}

bool IpInNetwork(const IpNetwork& a, const IpNetwork& net) {
  if (a.v6 != net.v6) return false;
  int bits = net.prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

bool CompileConditionValue(const Condition& c, bool variables, ConditionValue* v) {
  v->has_variables = variables && IsStringOrArn(c.base) && v->text.find("${") != std::string::npos;
  if (IsNumeric(c.base)) return ParseNumber(v->text, &v->number);
  if (IsDate(c.base)) return ParseDate(v->text, &v->date_ms);
  switch (c.base) {
    case ConditionOp::kBool:
      return IEquals(v->text, "true") || IEquals(v->text, "false");
    case ConditionOp::kNull:
      v->null_true = IEquals(v->text, "true");
      return v->null_true || IEquals(v->text, "false");
    case ConditionOp::kBinaryEquals: {
      auto bytes = Base64Decode(v->text);
      if (!bytes) return false;
      v->bytes = std::move(*bytes);
      return true;
    }
    case ConditionOp::kIpAddress:
      return ParseIpNetwork(v->text, &v->network);
    default:
      return true;
  }
}

namespace {

// The positive comparison of one context value against one policy value. `text` is the policy
// value after variable substitution (a glob with escapes when `escaped`).
bool Compare(ConditionOp base, std::string_view ctx, const ConditionValue& v, std::string_view text,
             bool escaped) {
  switch (base) {
    case ConditionOp::kStringEquals:
      return ctx == text;
    case ConditionOp::kStringEqualsIgnoreCase:
      return IEquals(ctx, text);
    case ConditionOp::kStringLike:
      return GlobMatch(text, ctx, escaped);
    case ConditionOp::kArnLike:
      return ArnMatch(text, ctx, escaped);
    case ConditionOp::kNumericEquals:
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kNumericGreaterThanEquals: {
      double x = 0;
      if (!ParseNumber(ctx, &x)) return false;
      if (base == ConditionOp::kNumericEquals) return x == v.number;
      if (base == ConditionOp::kNumericLessThan) return x < v.number;
      if (base == ConditionOp::kNumericLessThanEquals) return x <= v.number;
      if (base == ConditionOp::kNumericGreaterThan) return x > v.number;
      return x >= v.number;
    }
    case ConditionOp::kDateEquals:
    case ConditionOp::kDateLessThan:
    case ConditionOp::kDateLessThanEquals:
    case ConditionOp::kDateGreaterThan:
    case ConditionOp::kDateGreaterThanEquals: {
      int64_t x = 0;
      if (!ParseDate(ctx, &x)) return false;
      if (base == ConditionOp::kDateEquals) return x == v.date_ms;
      if (base == ConditionOp::kDateLessThan) return x < v.date_ms;
      if (base == ConditionOp::kDateLessThanEquals) return x <= v.date_ms;
      if (base == ConditionOp::kDateGreaterThan) return x > v.date_ms;
      return x >= v.date_ms;
    }
    case ConditionOp::kBool:
      return IEquals(ctx, text);
    case ConditionOp::kBinaryEquals:
      return ctx == v.bytes;
    case ConditionOp::kIpAddress: {
      IpNetwork a;
      return ParseIpNetwork(ctx, &a) && IpInNetwork(a, v.network);
    }
    default:
      return false;
  }
}

enum class Outcome { kFalse, kTrue, kUnresolved };

Outcome EvaluateCondition(const Policy& policy, const Condition& c, const Context& ctx) {
  const std::vector<std::string>* present = ctx.FindLower(c.key);
  const bool missing = present == nullptr || present->empty();
  if (c.base == ConditionOp::kNull) {
    for (const ConditionValue& v : c.values)
      if (v.null_true == missing) return Outcome::kTrue;
    return Outcome::kFalse;
  }
  if (missing) {
    if (c.if_exists) return Outcome::kTrue;
    if (c.qualifier == SetQualifier::kForAllValues) return Outcome::kTrue;
    if (c.qualifier == SetQualifier::kForAnyValue) return Outcome::kFalse;
    return c.negated ? Outcome::kTrue : Outcome::kFalse;
  }
  // Substitute variables once per value (String*/Arn* of 2012-10-17 documents only).
  const bool glob = c.base == ConditionOp::kStringLike || c.base == ConditionOp::kArnLike;
  std::vector<std::string> resolved;
  bool any_vars = false;
  for (const ConditionValue& v : c.values) any_vars = any_vars || v.has_variables;
  if (any_vars && policy.variables_enabled) {
    resolved.reserve(c.values.size());
    for (const ConditionValue& v : c.values) {
      if (!v.has_variables) {
        // Keep the same pattern language as the substituted values (escaped literal backslashes).
        auto same = Substitute(v.text, ctx, glob);
        resolved.push_back(same ? *same : v.text);
        continue;
      }
      auto s = Substitute(v.text, ctx, glob);
      if (!s) return Outcome::kUnresolved;
      resolved.push_back(std::move(*s));
    }
  }
  const bool escaped = !resolved.empty() && glob;
  // Does one context value match any listed value (the positive form)?
  auto any_value = [&](std::string_view x) {
    for (size_t i = 0; i < c.values.size(); ++i) {
      std::string_view text = resolved.empty() ? std::string_view(c.values[i].text) : resolved[i];
      if (Compare(c.base, x, c.values[i], text, escaped)) return true;
    }
    return false;
  };
  // The operator's own truth for one context value.
  auto holds = [&](std::string_view x) { return any_value(x) != c.negated; };
  switch (c.qualifier) {
    case SetQualifier::kForAnyValue:
      for (const std::string& x : *present)
        if (holds(x)) return Outcome::kTrue;
      return Outcome::kFalse;
    case SetQualifier::kForAllValues:
      for (const std::string& x : *present)
        if (!holds(x)) return Outcome::kFalse;
      return Outcome::kTrue;
    case SetQualifier::kNone:
      break;
  }
  // Single-valued operator: positive → some value matches; negated → no value matches.
  bool some = false;
  for (const std::string& x : *present) {
    if (any_value(x)) {
      some = true;
      break;
    }
  }
  return some != c.negated ? Outcome::kTrue : Outcome::kFalse;
}

}  // namespace

bool ConditionsMatch(const Policy& policy, const Statement& st, const Context& ctx) {
  for (const Condition& c : st.conditions)
    if (EvaluateCondition(policy, c, ctx) != Outcome::kTrue) return false;
  return true;
}

}  // namespace orgtrail::policy::internal
