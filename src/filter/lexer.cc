// Lexical pieces shared by every kind of filter pattern: errors, character classes, numbers,
// quoted strings, substring search and * wildcards.
#include <string.h>

#include <cstdlib>
#include <string>

#include "filter/compiled.h"

namespace orgtrail::filter {

AwsError InvalidPattern() {
  return AwsError("InvalidParameterException", "Invalid filter pattern", 400);
}

AwsError InvalidCharacters(std::string_view term) {
  return AwsError("InvalidParameterException",
                  "Invalid character(s) in term '" + std::string(term) + "'", 400);
}

bool IsTermChar(char c) {
  if (c < 0x21 || c > 0x7E) return false;
  switch (c) {
    case '"':
    case '(':
    case ')':
    case '{':
    case '}':
    case '[':
    case ']':
    case '%':
      return false;
    default:
      return true;
  }
}

std::optional<CmpOp> TakeCmpOp(std::string_view s, size_t* pos) {
  static constexpr std::pair<std::string_view, CmpOp> kOps[] = {
      {"!=", CmpOp::kNe}, {"<=", CmpOp::kLe}, {">=", CmpOp::kGe},
      {"<", CmpOp::kLt},  {">", CmpOp::kGt},  {"=", CmpOp::kEq}};
  std::string_view rest = s.substr(std::min(*pos, s.size()));
  for (const auto& [text, op] : kOps) {
    if (rest.substr(0, text.size()) == text) {
      *pos += text.size();
      return op;
    }
  }
  return std::nullopt;
}

bool CompareNumbers(CmpOp op, double x, double y) {
  switch (op) {
    case CmpOp::kEq:
      return x == y;
    case CmpOp::kNe:
      return x != y;
    case CmpOp::kLt:
      return x < y;
    case CmpOp::kLe:
      return x <= y;
    case CmpOp::kGt:
      return x > y;
    case CmpOp::kGe:
      return x >= y;
  }
  return false;
}

bool ParseNumber(std::string_view s, double* out) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = i;
  while (i < n && IsDigit(s[i])) ++i;
  if (i == digits) return false;
  if (i < n && s[i] == '.') {
    size_t frac = ++i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == frac) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == exp) return false;
  }
  if (i != n) return false;
  if (out != nullptr) {
    std::string copy(s);
    *out = std::strtod(copy.c_str(), nullptr);
  }
  return true;
}

Result<Literal> ReadBareLiteral(std::string_view text, size_t* pos, std::string_view stops,
                                bool relational, std::string_view* word) {
  size_t start = *pos;
  size_t i = start;
  while (i < text.size() && !IsBlank(text[i]) && stops.find(text[i]) == std::string_view::npos) ++i;
  *pos = i;
  std::string_view run = text.substr(start, i - start);
  if (run.empty()) return InvalidPattern();
  for (char ch : run)
    if (!IsTermChar(ch)) return InvalidCharacters(run);
  Literal value;
  if (ParseNumber(run, &value.number)) {
    value.kind = Literal::kNumber;
    return value;
  }
  if (relational) return InvalidPattern();
  *word = run;
  return value;
}

std::optional<std::string> ReadQuoted(std::string_view text, size_t* pos) {
  size_t i = *pos + 1;
  std::string out;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      *pos = i + 1;
      return out;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      char e = text[i + 1];
      if (e != '"' && e != '\\') return std::nullopt;
      out.push_back(e);
      i += 2;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return std::nullopt;
}

bool Finder::In(std::string_view hay) const {
  if (needle_.empty()) return true;
  if (needle_.size() > hay.size()) return false;
  return memmem(hay.data(), hay.size(), needle_.data(), needle_.size()) != nullptr;
}

Wildcard Wildcard::Json(std::string_view value) {
  Wildcard w;
  bool lead = !value.empty() && value.front() == '*';
  if (lead) value.remove_prefix(1);
  bool trail = !value.empty() && value.back() == '*';
  if (trail) value.remove_suffix(1);
  w.text = std::string(value);
  w.kind = lead && trail ? kContains : lead ? kSuffix : trail ? kPrefix : kExact;
  return w;
}

Wildcard Wildcard::Glob(std::string_view value) {
  if (value.find('*') == std::string_view::npos) return Json(value);
  Wildcard w;
  w.kind = kGlob;
  w.glob_anchored_start = value.front() != '*';
  w.glob_anchored_end = value.back() != '*';
  size_t start = 0;
  while (start <= value.size()) {
    size_t star = value.find('*', start);
    if (star == std::string_view::npos) star = value.size();
    if (star > start) w.parts.emplace_back(value.substr(start, star - start));
    start = star + 1;
  }
  // Anchors apply to the first/last piece only when the value does not start/end with a star.
  return w;
}

bool Wildcard::Matches(std::string_view s) const {
  switch (kind) {
    case kAny:
      return true;
    case kExact:
      return s == text;
    case kPrefix:
      return s.substr(0, text.size()) == text;
    case kSuffix:
      return s.size() >= text.size() && s.substr(s.size() - text.size()) == text;
    case kContains:
      return s.find(text) != std::string_view::npos;
    case kGlob: {
      size_t pos = 0;
      for (size_t i = 0; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        bool first = i == 0, last = i + 1 == parts.size();
        if (first && glob_anchored_start) {
          if (s.substr(0, p.size()) != p) return false;
          pos = p.size();
          if (last && glob_anchored_end) return pos == s.size();
          continue;
        }
        if (last && glob_anchored_end) {
          return s.size() >= pos + p.size() && s.substr(s.size() - p.size()) == p;
        }
        size_t at = s.find(p, pos);
        if (at == std::string_view::npos) return false;
        pos = at + p.size();
      }
      return true;
    }
  }
  return false;
}

std::string Wildcard::Literal() const {
  switch (kind) {
    case kExact:
    case kPrefix:
    case kSuffix:
    case kContains:
      return text;
    case kGlob: {
      std::string best;
      for (const std::string& p : parts)
        if (p.size() > best.size()) best = p;
      return best;
    }
    case kAny:
      break;
  }
  return "";
}

size_t RegexEnd(std::string_view text, size_t pos) {
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == '%') return i + 1;
  }
  return std::string_view::npos;
}

}  // namespace orgtrail::filter
