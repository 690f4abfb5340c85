// Policy variables (spec/org-iam.md §5.4.6; IAM User Guide "IAM policy elements: Variables and
// tags": ${key}, special characters ${*} ${?} ${$}, default values ${key, 'default'} with ''
// for a quote, one round of substitution only).
#include <optional>
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "policy/internal.h"

namespace orgtrail::policy::internal {
namespace {

void AppendLiteral(std::string* out, std::string_view text, bool glob) {
  for (char c : text) {
    if (glob && (c == '*' || c == '?' || c == '\\')) out->push_back('\\');
    out->push_back(c);
  }
}

// Parses "'it''s'" into "it's"; nullopt unless the whole text is one quoted string.
std::optional<std::string> ParseQuoted(std::string_view t) {
  if (t.size() < 2 || t.front() != '\'' || t.back() != '\'') return std::nullopt;
  std::string out;
  t = t.substr(1, t.size() - 2);
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\'') {
      if (i + 1 < t.size() && t[i + 1] == '\'') {
        out.push_back('\'');
        ++i;
        continue;
      }
      return std::nullopt;
    }
    out.push_back(t[i]);
  }
  return out;
}

// Resolves the inside of one ${...}; nullopt when it cannot be resolved.
std::optional<std::string> Resolve(std::string_view inner, const Context& ctx, bool glob) {
  std::string_view trimmed = Trim(inner);
  if (trimmed == "*" || trimmed == "?" || trimmed == "$") {
    std::string out;
    AppendLiteral(&out, trimmed, glob);
    return out;
  }
  std::string_view key = trimmed;
  std::optional<std::string> def;
  size_t comma = trimmed.find(',');
  if (comma != std::string_view::npos) {
    key = Trim(trimmed.substr(0, comma));
    def = ParseQuoted(Trim(trimmed.substr(comma + 1)));
    if (!def) return std::nullopt;  // malformed default
  }
  if (key.empty()) return std::nullopt;
  std::string out;
  const std::vector<std::string>* values = ctx.Find(key);
  if (values != nullptr && values->size() == 1) {
    AppendLiteral(&out, values->front(), glob);
    return out;
  }
  if (def) {
    AppendLiteral(&out, *def, glob);
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Substitute(std::string_view text, const Context& ctx, bool glob) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${", i);
    if (start == std::string_view::npos) break;
    // Inside a default value a '}' may appear within quotes; find the closing brace outside them.
    size_t j = start + 2;
    bool quoted = false;
    for (; j < text.size(); ++j) {
      if (text[j] == '\'') quoted = !quoted;
      if (text[j] == '}' && !quoted) break;
    }
    if (j >= text.size()) break;  // unterminated: the rest is literal
    // Policy text before the variable keeps its wildcards; backslashes must be escaped.
    for (char c : text.substr(i, start - i)) {
      if (glob && c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    std::optional<std::string> value = Resolve(text.substr(start + 2, j - start - 2), ctx, glob);
    if (!value) return std::nullopt;
    out += *value;
    i = j + 1;
  }
  for (char c : text.substr(i)) {
    if (glob && c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace orgtrail::policy::internal
