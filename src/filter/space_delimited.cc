// Space-delimited patterns: [field, field, ..., name = value && name != value, ...] aligned on
// the message's tokens (blank-separated; "quoted" and [bracketed] tokens kept whole).
#include <string>

#include "filter/compiled.h"

namespace orgtrail::filter {

struct Condition {
  CmpOp op = CmpOp::kEq;
  Literal value;
};

struct Field {
  bool ellipsis = false;
  std::string name;                            // empty for "..."
  std::vector<std::vector<Condition>> any_of;  // OR of AND-groups; empty = any token
};

struct DelimMatcher {
  std::vector<Field> fields;
  bool has_ellipsis = false;
};

namespace {

bool IsFieldNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }

class DelimParser {
 public:
  explicit DelimParser(std::string_view s) : s_(s) {}

  Result<DelimMatcher> Run() {
    DelimMatcher m;
    SkipWs();
    if (i_ == s_.size()) return m;  // []
    while (true) {
      SkipWs();
      ORGTRAIL_TRY(Field f, ParseField());
      if (f.ellipsis) m.has_ellipsis = true;
      m.fields.push_back(std::move(f));
      SkipWs();
      if (i_ == s_.size()) break;
      if (s_[i_] != ',') return InvalidPattern();
      ++i_;
    }
    if (regexes_ > 2) return InvalidPattern();
    return m;
  }
  int regexes() const { return regexes_; }
  std::vector<std::string>& literals() { return literals_; }

 private:
  void SkipWs() { SkipBlanks(s_, &i_); }
  bool Take(std::string_view tok) { return TakeToken(s_, &i_, tok); }

  Result<std::string> Name() {
    size_t start = i_;
    while (i_ < s_.size() && IsFieldNameChar(s_[i_])) ++i_;
    if (i_ == start) {
      size_t end = i_;
      while (end < s_.size() && !IsBlank(s_[end]) && s_[end] != ',') ++end;
      std::string_view term = s_.substr(start, end - start);
      for (char c : term)
        if (!IsTermChar(c)) return InvalidCharacters(term);
      return InvalidPattern();
    }
    return std::string(s_.substr(start, i_ - start));
  }

  Result<Field> ParseField() {
    Field f;
    if (Take("...")) {
      f.ellipsis = true;
      return f;
    }
    ORGTRAIL_TRY(f.name, Name());
    size_t save = i_;
    SkipWs();
    if (i_ == s_.size() || s_[i_] == ',') {
      i_ = save;
      return f;
    }
    std::vector<Condition> group;
    bool single_and = true;
    while (true) {
      ORGTRAIL_TRY(Condition c, ParseCondition());
      group.push_back(std::move(c));
      save = i_;
      SkipWs();
      if (Take("&&")) {
        SkipWs();
      } else if (Take("||")) {
        SkipWs();
        single_and = false;
        f.any_of.push_back(std::move(group));
        group.clear();
      } else {
        i_ = save;
        break;
      }
      ORGTRAIL_TRY(std::string again, Name());
      if (again != f.name) return InvalidPattern();
      SkipWs();
    }
    f.any_of.push_back(std::move(group));
    if (single_and) {
      for (const Condition& c : f.any_of[0]) {
        if (c.op == CmpOp::kEq && c.value.kind == Literal::kString) {
          std::string lit = c.value.str.Literal();
          if (!lit.empty()) literals_.push_back(std::move(lit));
        }
      }
    }
    return f;
  }

  Result<Condition> ParseCondition() {
    Condition c;
    SkipWs();
    std::optional<CmpOp> op = TakeCmpOp(s_, &i_);
    if (!op) return InvalidPattern();
    c.op = *op;
    SkipWs();
    if (i_ >= s_.size()) return InvalidPattern();
    bool relational = IsRelational(c.op);
    if (s_[i_] == '"') {
      if (relational) return InvalidPattern();
      std::optional<std::string> q = ReadQuoted(s_, &i_);
      if (!q) return InvalidPattern();
      c.value.str = Wildcard::Glob(*q);
      return c;
    }
    if (s_[i_] == '%') {
      if (relational) return InvalidPattern();
      ORGTRAIL_TRY(c.value, ReadRegexLiteral(s_, &i_));
      ++regexes_;
      return c;
    }
    std::string_view word;
    ORGTRAIL_TRY(c.value, ReadBareLiteral(s_, &i_, ",)&|", relational, &word));
    if (c.value.kind == Literal::kString) c.value.str = Wildcard::Glob(word);
    return c;
  }

  std::string_view s_;
  size_t i_ = 0;
  int regexes_ = 0;
  std::vector<std::string> literals_;
};

void Tokenize(std::string_view m, std::vector<std::string_view>* out) {
  size_t i = 0, n = m.size();
  while (true) {
    while (i < n && IsBlank(m[i])) ++i;
    if (i >= n) return;
    char c = m[i];
    if (c == '"' || c == '[') {
      char close = c == '"' ? '"' : ']';
      size_t end = m.find(close, i + 1);
      if (end == std::string_view::npos) {
        out->push_back(m.substr(i + 1));
        return;
      }
      out->push_back(m.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = i;
      while (end < n && !IsBlank(m[end])) ++end;
      out->push_back(m.substr(i, end - i));
      i = end;
    }
  }
}

bool ConditionHolds(const Condition& c, std::string_view token) {
  switch (c.value.kind) {
    case Literal::kString: {
      bool eq = c.value.str.Matches(token);
      return c.op == CmpOp::kEq ? eq : !eq;
    }
    case Literal::kRegex: {
      bool eq = RE2::PartialMatch(token, *c.value.regex);
      return c.op == CmpOp::kEq ? eq : !eq;
    }
    case Literal::kNumber: {
      double x = 0;
      if (!ParseNumber(token, &x)) return false;
      return CompareNumbers(c.op, x, c.value.number);
    }
  }
  return false;
}

bool FieldHolds(const Field& f, std::string_view token) {
  if (f.any_of.empty()) return true;
  for (const std::vector<Condition>& group : f.any_of) {
    bool all = true;
    for (const Condition& c : group) {
      if (!ConditionHolds(c, token)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

// reach[k][t]: the first k fields can cover exactly the first t tokens.
bool Align(const DelimMatcher& m, const std::vector<std::string_view>& tokens,
           std::vector<std::vector<char>>* reach) {
  size_t t_count = tokens.size(), f_count = m.fields.size();
  if (!m.has_ellipsis) {
    if (t_count != f_count) return false;
    for (size_t k = 0; k < f_count; ++k)
      if (!FieldHolds(m.fields[k], tokens[k])) return false;
    if (reach != nullptr) {
      reach->assign(f_count + 1, std::vector<char>(t_count + 1, 0));
      for (size_t k = 0; k <= f_count; ++k) (*reach)[k][k] = 1;
    }
    return true;
  }
  std::vector<std::vector<char>> local;
  std::vector<std::vector<char>>& r = reach != nullptr ? *reach : local;
  r.assign(f_count + 1, std::vector<char>(t_count + 1, 0));
  r[0][0] = 1;
  for (size_t k = 0; k < f_count; ++k) {
    const Field& f = m.fields[k];
    bool any = false;
    if (f.ellipsis) {
      bool on = false;
      for (size_t t = 0; t <= t_count; ++t) {
        on = on || r[k][t];
        r[k + 1][t] = on;
        any = any || on;
      }
    } else {
      for (size_t t = 0; t < t_count; ++t) {
        if (r[k][t] && FieldHolds(f, tokens[t])) {
          r[k + 1][t + 1] = 1;
          any = true;
        }
      }
    }
    if (!any) return false;
  }
  return r[f_count][t_count] != 0;
}

}  // namespace

Result<std::shared_ptr<const DelimMatcher>> CompileDelimited(std::string_view text,
                                                             int* regex_count,
                                                             std::vector<std::string>* literals) {
  if (text.size() < 2 || text.back() != ']') return InvalidPattern();
  DelimParser parser(text.substr(1, text.size() - 2));
  ORGTRAIL_TRY(DelimMatcher m, parser.Run());
  *regex_count = parser.regexes();
  *literals = std::move(parser.literals());
  return std::shared_ptr<const DelimMatcher>(std::make_shared<DelimMatcher>(std::move(m)));
}

bool DelimMatchesAll(const DelimMatcher& m) { return m.fields.empty(); }

bool DelimMatches(const DelimMatcher& m, std::string_view message) {
  if (m.fields.empty()) return true;
  std::vector<std::string_view> tokens;
  tokens.reserve(16);
  Tokenize(message, &tokens);
  return Align(m, tokens, nullptr);
}

std::optional<std::vector<std::pair<std::string, std::string>>> DelimExtract(
    const DelimMatcher& m, std::string_view message, bool all_positions) {
  std::vector<std::pair<std::string, std::string>> out;
  if (m.fields.empty()) return out;
  std::vector<std::string_view> tokens;
  Tokenize(message, &tokens);
  std::vector<std::vector<char>> reach;
  if (!Align(m, tokens, &reach)) return std::nullopt;
  // Walk back from the end: each field's end position; an ellipsis starts as early as possible.
  size_t f_count = m.fields.size();
  std::vector<size_t> end(f_count + 1);
  end[f_count] = tokens.size();
  for (size_t k = f_count; k > 0; --k) {
    const Field& f = m.fields[k - 1];
    if (f.ellipsis) {
      size_t s = 0;
      while (!reach[k - 1][s]) ++s;
      end[k - 1] = s;
    } else {
      end[k - 1] = end[k] - 1;
    }
  }
  for (size_t k = 0; k < f_count; ++k) {
    const Field& f = m.fields[k];
    for (size_t t = end[k]; t < end[k + 1]; ++t) {
      if (!f.ellipsis) out.emplace_back("$" + f.name, std::string(tokens[t]));
      if (f.ellipsis || all_positions) {
        out.emplace_back("$" + std::to_string(t + 1), std::string(tokens[t]));
      }
    }
  }
  return out;
}

}  // namespace orgtrail::filter
