// Internal: the compiled form of a filter pattern (the language is in pattern.h) and the
// helpers its parts share. Each kind compiles in its own file: terms.cc, regex.cc,
// json_pattern.cc, space_delimited.cc; pattern.cc dispatches.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "filter/pattern.h"

namespace orgtrail::filter {

// ---- errors (AWS's texts) ----
AwsError InvalidPattern();                          // "Invalid filter pattern"
AwsError InvalidCharacters(std::string_view term);  // "Invalid character(s) in term '<t>'"

// ---- lexical classes of the grammar ----
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }
// Moves *pos past the blanks at s[*pos].
inline void SkipBlanks(std::string_view s, size_t* pos) {
  while (*pos < s.size() && IsBlank(s[*pos])) ++*pos;
}
// Whether `token` starts at s[*pos]; if so, *pos moves past it.
inline bool TakeToken(std::string_view s, size_t* pos, std::string_view token) {
  if (s.substr(*pos, token.size()) != token) return false;
  *pos += token.size();
  return true;
}
// term-char: printable ASCII 0x21-0x7E except " ( ) { } [ ] %
bool IsTermChar(char c);
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Whether the whole of `s` is a `number` of the grammar; its value in *out.
bool ParseNumber(std::string_view s, double* out);
// Comparison operators of JSON and space-delimited patterns (pattern.h: eq-op, rel-op).
enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };
// The operator at s[*pos] ("!=", "<=", ">=" before "<", ">", "="); *pos moves past it. nullopt
// (and *pos unchanged) when none starts there.
std::optional<CmpOp> TakeCmpOp(std::string_view s, size_t* pos);
inline bool IsRelational(CmpOp op) { return op != CmpOp::kEq && op != CmpOp::kNe; }
// `x op y` for numbers.
bool CompareNumbers(CmpOp op, double x, double y);
// Reads a quoted string starting at text[*pos] == '"' (q-char escapes \" and \\); *pos moves
// past the closing quote. nullopt when unterminated or with another escape.
std::optional<std::string> ReadQuoted(std::string_view text, size_t* pos);

// ---- substring search (terms, literals) ----
class Finder {
 public:
  explicit Finder(std::string needle) : needle_(std::move(needle)) {}
  bool In(std::string_view hay) const;
  const std::string& needle() const { return needle_; }

 private:
  std::string needle_;
};

// ---- string value with * wildcards ----
// JSON (`= "text"`): a leading and/or trailing * makes a suffix/prefix/contains match; other
// stars are literal. Space-delimited: every * is a wildcard (glob).
struct Wildcard {
  enum Kind { kExact, kPrefix, kSuffix, kContains, kGlob, kAny } kind = kExact;
  std::string text;                // kExact/kPrefix/kSuffix/kContains
  std::vector<std::string> parts;  // kGlob: literal pieces between stars
  bool glob_anchored_start = true, glob_anchored_end = true;

  static Wildcard Json(std::string_view value);
  static Wildcard Glob(std::string_view value);
  bool Matches(std::string_view s) const;
  // A literal every matching string contains ("" if none).
  std::string Literal() const;
};

// ---- %regex% ----
// `body` is the text between the percent signs, `as_written` the term for error messages.
Result<std::shared_ptr<const RE2>> CompileRegex(std::string_view body, std::string_view as_written);
// Position just past the closing '%' of a regex starting at text[pos] == '%' (first '%' not
// written '\%'), or npos.
size_t RegexEnd(std::string_view text, size_t pos);

// A comparison value shared by JSON and space-delimited conditions.
struct Literal {
  enum Kind { kString, kNumber, kRegex } kind = kString;
  Wildcard str;
  double number = 0;
  std::shared_ptr<const RE2> regex;
};

// The %regex% value of a condition starting at text[*pos] == '%', compiled (a kRegex Literal);
// *pos moves past its closing '%'. Shared by JSON and space-delimited conditions.
Result<Literal> ReadRegexLiteral(std::string_view text, size_t* pos);
// The unquoted value of a condition starting at text[*pos]: the characters up to a blank or one
// of `stops`, every one a term character; *pos moves past it. A number is a kNumber Literal;
// another word is refused after a relational operator, else is `*word` (a kString Literal whose
// wildcard form the caller sets). Shared by JSON and space-delimited conditions.
Result<Literal> ReadBareLiteral(std::string_view text, size_t* pos, std::string_view stops,
                                bool relational, std::string_view* word);

// ---- the kinds ----
struct TermMatcher {
  std::vector<Finder> include, exclude, any;
  bool Matches(std::string_view message) const;
};
Result<TermMatcher> CompileTerms(std::string_view text);

struct JsonMatcher;  // json_pattern.cc
Result<std::shared_ptr<const JsonMatcher>> CompileJson(std::string_view text, int* regex_count,
                                                       std::vector<std::string>* literals);
bool JsonMatches(const JsonMatcher& m, std::string_view message);
std::optional<std::string> JsonExtract(std::string_view message, std::string_view selector);

struct DelimMatcher;  // space_delimited.cc
Result<std::shared_ptr<const DelimMatcher>> CompileDelimited(std::string_view text,
                                                             int* regex_count,
                                                             std::vector<std::string>* literals);
bool DelimMatches(const DelimMatcher& m, std::string_view message);
bool DelimMatchesAll(const DelimMatcher& m);
// ("$name" | "$N", token) of the alignment that matched; nullopt when no match.
std::optional<std::vector<std::pair<std::string, std::string>>> DelimExtract(
    const DelimMatcher& m, std::string_view message, bool all_positions);

struct Compiled {
  PatternKind kind = PatternKind::kAll;
  std::vector<std::string> required;
  std::vector<Finder> required_finders;
  bool required_unless_escaped = false;  // JSON: literals may be \u-escaped in the message
  int regex_count = 0;
  TermMatcher terms;
  std::shared_ptr<const RE2> regex;
  std::shared_ptr<const JsonMatcher> json;
  std::shared_ptr<const DelimMatcher> delim;
};

}  // namespace orgtrail::filter
