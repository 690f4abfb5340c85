// Dispatch of a filter pattern to its kind, limits, and the public face of the matcher.
#include "filter/pattern.h"

#include "filter/compiled.h"

namespace orgtrail::filter {
namespace {

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool LiteralsPresent(const Compiled& c, std::string_view message) {
  for (const Finder& f : c.required_finders)
    if (!f.In(message)) {
      // A JSON message may spell a literal with escapes; only one without '\' is ruled out.
      return c.required_unless_escaped && message.find('\\') != std::string_view::npos;
    }
  return true;
}

}  // namespace

Result<Pattern> Pattern::Compile(std::string_view text) {
  if (CountChars(text) > 1024) {
    return AwsError("InvalidParameterException",
                    "1 validation error detected: Value '" + std::string(text) +
                        "' at 'filterPattern' failed to satisfy constraint: Member must have "
                        "length less than or equal to 1024",
                    400);
  }
  size_t b = text.find_first_not_of(" \t");
  std::string_view t = b == std::string_view::npos ? std::string_view() : text.substr(b);
  t = t.substr(0, t.find_last_not_of(" \t") + 1);

  auto c = std::make_shared<Compiled>();
  if (t.empty() || t == "\" \"") {
    c->kind = PatternKind::kAll;
  } else if (t.front() == '{') {
    c->kind = PatternKind::kJson;
    ORGTRAIL_TRY(c->json, CompileJson(t, &c->regex_count, &c->required));
    c->required_unless_escaped = true;
  } else if (t.front() == '[') {
    c->kind = PatternKind::kSpaceDelimited;
    ORGTRAIL_TRY(c->delim, CompileDelimited(t, &c->regex_count, &c->required));
  } else if (t.size() >= 2 && t.front() == '%' && t.back() == '%') {
    c->kind = PatternKind::kRegex;
    ORGTRAIL_TRY(c->regex, CompileRegex(t.substr(1, t.size() - 2), t));
    c->regex_count = 1;
  } else {
    c->kind = PatternKind::kTerms;
    ORGTRAIL_TRY(c->terms, CompileTerms(t));
    for (const Finder& f : c->terms.include) c->required.push_back(f.needle());
  }
  for (const std::string& lit : c->required) c->required_finders.emplace_back(lit);
  Pattern p;
  p.text_ = std::string(text);
  p.compiled_ = std::move(c);
  return p;
}

bool Pattern::Matches(std::string_view message) const {
  const Compiled& c = *compiled_;
  switch (c.kind) {
    case PatternKind::kAll:
      return true;
    case PatternKind::kTerms:
      return c.terms.Matches(message);
    case PatternKind::kRegex:
      return RE2::PartialMatch(message, *c.regex);
    case PatternKind::kJson:
      return LiteralsPresent(c, message) && JsonMatches(*c.json, message);
    case PatternKind::kSpaceDelimited:
      return LiteralsPresent(c, message) && DelimMatches(*c.delim, message);
  }
  return false;
}

std::optional<std::string> Pattern::Extract(std::string_view message,
                                            std::string_view selector) const {
  const Compiled& c = *compiled_;
  if (c.kind == PatternKind::kJson) {
    if (!Matches(message)) return std::nullopt;
    return JsonExtract(message, selector);
  }
  if (c.kind == PatternKind::kSpaceDelimited) {
    if (!LiteralsPresent(c, message)) return std::nullopt;
    auto values = DelimExtract(*c.delim, message, true);
    if (!values) return std::nullopt;
    for (auto& [name, value] : *values)
      if (name == selector) return std::move(value);
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Pattern::ExtractedValues(
    std::string_view message) const {
  const Compiled& c = *compiled_;
  if (c.kind != PatternKind::kSpaceDelimited || !LiteralsPresent(c, message)) return {};
  auto values = DelimExtract(*c.delim, message, false);
  if (!values) return {};
  return std::move(*values);
}

const std::vector<std::string>& Pattern::RequiredLiterals() const { return compiled_->required; }
bool Pattern::RequiredUnlessEscaped() const { return compiled_->required_unless_escaped; }
bool Pattern::MatchesAll() const {
  return compiled_->kind == PatternKind::kAll ||
         (compiled_->kind == PatternKind::kSpaceDelimited && DelimMatchesAll(*compiled_->delim));
}
PatternKind Pattern::kind() const { return compiled_->kind; }
int Pattern::regex_count() const { return compiled_->regex_count; }

}  // namespace orgtrail::filter
