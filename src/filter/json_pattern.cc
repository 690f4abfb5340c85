// JSON patterns: { selector op value && ... || ... }, evaluated on the message parsed once
// with RapidJSON (iteratively, into a stack buffer).
#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>

#include "filter/compiled.h"

namespace orgtrail::filter {

struct Step {
  enum Kind { kMember, kIndex, kAnyMember, kAnyIndex } kind = kMember;
  std::string name;
  size_t index = 0;
};

struct Comparison {
  // kValue compares with `op` and `value`; the others test the selected value itself.
  enum Test { kValue, kIsNull, kIsTrue, kIsFalse, kNotExists } test = kValue;
  CmpOp op = CmpOp::kEq;
  std::vector<Step> steps;
  Literal value;
  bool any_value = false;  // = * : any string, number or boolean
};

struct Node {
  enum Kind { kCmp, kAnd, kOr } kind = kCmp;
  std::vector<Node> children;
  Comparison cmp;
};

struct JsonMatcher {
  Node root;
};

namespace {

using JValue = rapidjson::GenericValue<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>;
using JDocument = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                             rapidjson::MemoryPoolAllocator<>>;

bool IsNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '@'; }

bool KeywordAt(std::string_view s, size_t i, std::string_view word) {
  if (s.size() < i + word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    char c = s[i + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[k]) return false;
  }
  return true;
}

// Parses `$` accessors from s[*pos]; counts wildcards.
Result<std::vector<Step>> ParseSelector(std::string_view s, size_t* pos, int* wildcards) {
  size_t i = *pos;
  if (i >= s.size() || s[i] != '$') return InvalidPattern();
  ++i;
  std::vector<Step> steps;
  int stars = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '.' && i + 1 < s.size() && s[i + 1] == '[') {
      ++i;  // ".['key']"
      c = '[';
    }
    if (c == '.') {
      ++i;
      if (i < s.size() && s[i] == '*') {
        steps.push_back({Step::kAnyMember, "", 0});
        ++stars;
        ++i;
        continue;
      }
      size_t start = i;
      while (i < s.size() && IsNameChar(s[i])) ++i;
      if (i == start) return InvalidPattern();
      steps.push_back({Step::kMember, std::string(s.substr(start, i - start)), 0});
    } else if (c == '[') {
      ++i;
      if (i < s.size() && s[i] == '\'') {
        size_t close = s.find('\'', i + 1);
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ']')
          return InvalidPattern();
        steps.push_back({Step::kMember, std::string(s.substr(i + 1, close - i - 1)), 0});
        i = close + 2;
      } else if (i < s.size() && s[i] == '*') {
        if (i + 1 >= s.size() || s[i + 1] != ']') return InvalidPattern();
        steps.push_back({Step::kAnyIndex, "", 0});
        ++stars;
        i += 2;
      } else {
        size_t start = i;
        size_t index = 0;
        while (i < s.size() && IsDigit(s[i])) {
          index = index * 10 + static_cast<size_t>(s[i] - '0');
          if (index > 1000000000) return InvalidPattern();
          ++i;
        }
        if (i == start || i >= s.size() || s[i] != ']') return InvalidPattern();
        steps.push_back({Step::kIndex, "", index});
        ++i;
      }
    } else {
      break;
    }
  }
  if (steps.empty() || stars > 1) return InvalidPattern();
  *wildcards += stars;
  *pos = i;
  return steps;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<Node> Run() {
    ORGTRAIL_TRY(Node root, Or(0));
    SkipWs();
    if (i_ != s_.size()) return InvalidPattern();
    if (wildcards_ > 3 || regexes_ > 2) return InvalidPattern();
    return root;
  }
  int regexes() const { return regexes_; }

 private:
  void SkipWs() { SkipBlanks(s_, &i_); }
  bool Take(std::string_view tok) { return TakeToken(s_, &i_, tok); }

  Result<Node> Or(int depth) {
    ORGTRAIL_TRY(Node first, And(depth));
    Node node;
    node.kind = Node::kOr;
    node.children.push_back(std::move(first));
    while (true) {
      size_t save = i_;
      SkipWs();
      if (!Take("||")) {
        i_ = save;
        break;
      }
      ORGTRAIL_TRY(Node next, And(depth));
      node.children.push_back(std::move(next));
    }
    if (node.children.size() == 1) return std::move(node.children[0]);
    return node;
  }

  Result<Node> And(int depth) {
    ORGTRAIL_TRY(Node first, Primary(depth));
    Node node;
    node.kind = Node::kAnd;
    node.children.push_back(std::move(first));
    while (true) {
      size_t save = i_;
      SkipWs();
      if (!Take("&&")) {
        i_ = save;
        break;
      }
      ORGTRAIL_TRY(Node next, Primary(depth));
      node.children.push_back(std::move(next));
    }
    if (node.children.size() == 1) return std::move(node.children[0]);
    return node;
  }

  Result<Node> Primary(int depth) {
    SkipWs();
    if (Take("(")) {
      if (depth > 100) return InvalidPattern();
      ORGTRAIL_TRY(Node inner, Or(depth + 1));
      SkipWs();
      if (!Take(")")) return InvalidPattern();
      return inner;
    }
    Node node;
    ORGTRAIL_TRY(node.cmp, Compare());
    return node;
  }

  Result<Comparison> Compare() {
    Comparison c;
    ORGTRAIL_TRY(c.steps, ParseSelector(s_, &i_, &wildcards_));
    SkipWs();
    if (std::optional<CmpOp> op = TakeCmpOp(s_, &i_)) {
      c.op = *op;
    } else if (KeywordAt(s_, i_, "IS")) {
      i_ += 2;
      if (i_ >= s_.size() || !IsBlank(s_[i_])) return InvalidPattern();
      SkipWs();
      if (KeywordAt(s_, i_, "NULL")) {
        c.test = Comparison::kIsNull;
        i_ += 4;
      } else if (KeywordAt(s_, i_, "TRUE")) {
        c.test = Comparison::kIsTrue;
        i_ += 4;
      } else if (KeywordAt(s_, i_, "FALSE")) {
        c.test = Comparison::kIsFalse;
        i_ += 5;
      } else {
        return InvalidPattern();
      }
      return EndOfWord(std::move(c));
    } else if (KeywordAt(s_, i_, "NOT")) {
      i_ += 3;
      if (i_ >= s_.size() || !IsBlank(s_[i_])) return InvalidPattern();
      SkipWs();
      if (!KeywordAt(s_, i_, "EXISTS")) return InvalidPattern();
      i_ += 6;
      c.test = Comparison::kNotExists;
      return EndOfWord(std::move(c));
    } else {
      return InvalidPattern();  // a selector without operator
    }
    SkipWs();
    if (i_ >= s_.size()) return InvalidPattern();
    bool relational = IsRelational(c.op);
    char first = s_[i_];
    if (first == '"') {
      if (relational) return InvalidPattern();
      std::optional<std::string> q = ReadQuoted(s_, &i_);
      if (!q) return InvalidPattern();
      c.any_value = *q == "*";
      c.value.str = Wildcard::Json(*q);
      return c;
    }
    if (first == '%') {
      if (relational) return InvalidPattern();
      ORGTRAIL_TRY(c.value, ReadRegexLiteral(s_, &i_));
      ++regexes_;
      return c;
    }
    std::string_view word;
    ORGTRAIL_TRY(c.value, ReadBareLiteral(s_, &i_, ")&|", relational, &word));
    if (c.value.kind == Literal::kString) {
      c.any_value = word == "*";
      c.value.str = Wildcard::Json(word);
    }
    return c;
  }

  Result<Comparison> EndOfWord(Comparison c) {
    if (i_ < s_.size() && IsNameChar(s_[i_])) return InvalidPattern();
    return c;
  }

  std::string_view s_;
  size_t i_ = 0;
  int wildcards_ = 0;
  int regexes_ = 0;
};

// ---- evaluation ----

const JValue* LastMember(const JValue& obj, const std::string& name) {
  const JValue* found = nullptr;
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    if (m->name.GetStringLength() == name.size() &&
        std::equal(name.begin(), name.end(), m->name.GetString()))
      found = &m->value;
  }
  return found;
}

// Whether some value the selector resolves to satisfies f.
template <typename F>
bool AnyCandidate(const JValue& v, const Step* s, const Step* end, const F& f) {
  if (s == end) return f(v);
  switch (s->kind) {
    case Step::kMember: {
      if (!v.IsObject()) return false;
      const JValue* m = LastMember(v, s->name);
      return m != nullptr && AnyCandidate(*m, s + 1, end, f);
    }
    case Step::kIndex:
      return v.IsArray() && s->index < v.Size() &&
             AnyCandidate(v[static_cast<rapidjson::SizeType>(s->index)], s + 1, end, f);
    case Step::kAnyMember:
      if (!v.IsObject()) return false;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m)
        if (AnyCandidate(m->value, s + 1, end, f)) return true;
      return false;
    case Step::kAnyIndex:
      if (!v.IsArray()) return false;
      for (const JValue& e : v.GetArray())
        if (AnyCandidate(e, s + 1, end, f)) return true;
      return false;
  }
  return false;
}

bool Holds(const Comparison& c, const JValue& v) {
  switch (c.test) {
    case Comparison::kIsNull:
      return v.IsNull();
    case Comparison::kIsTrue:
      return v.IsTrue();
    case Comparison::kIsFalse:
      return v.IsFalse();
    case Comparison::kNotExists:
      return true;
    case Comparison::kValue:
      break;
  }
  if (c.any_value) return c.op == CmpOp::kEq && (v.IsString() || v.IsNumber() || v.IsBool());
  switch (c.value.kind) {
    case Literal::kString: {
      if (!v.IsString()) return false;
      bool eq = c.value.str.Matches(std::string_view(v.GetString(), v.GetStringLength()));
      return c.op == CmpOp::kEq ? eq : !eq;
    }
    case Literal::kRegex: {
      if (!v.IsString()) return false;
      bool eq =
          RE2::PartialMatch(std::string_view(v.GetString(), v.GetStringLength()), *c.value.regex);
      return c.op == CmpOp::kEq ? eq : !eq;
    }
    case Literal::kNumber: {
      if (!v.IsNumber()) return false;
      return CompareNumbers(c.op, v.GetDouble(), c.value.number);
    }
  }
  return false;
}

bool Eval(const Node& n, const JValue& doc) {
  switch (n.kind) {
    case Node::kAnd:
      for (const Node& c : n.children)
        if (!Eval(c, doc)) return false;
      return true;
    case Node::kOr:
      for (const Node& c : n.children)
        if (Eval(c, doc)) return true;
      return false;
    case Node::kCmp:
      break;
  }
  const Comparison& c = n.cmp;
  const Step* b = c.steps.data();
  const Step* e = b + c.steps.size();
  if (c.test == Comparison::kNotExists) {
    return !AnyCandidate(doc, b, e, [](const JValue&) { return true; });
  }
  return AnyCandidate(doc, b, e, [&c](const JValue& v) { return Holds(c, v); });
}

bool SafeLiteral(const std::string& s) {
  if (s.size() < 3) return false;
  for (char ch : s)
    if (ch < 0x20 || ch > 0x7E || ch == '"' || ch == '\\') return false;
  return true;
}

// Literals every message matching n contains (as long as it has no JSON escapes); values are
// marked with a leading 'v', key names with 'k' (values rule more events out: checked first).
std::vector<std::string> Literals(const Node& n) {
  std::vector<std::string> out;
  if (n.kind == Node::kOr) return out;
  if (n.kind == Node::kAnd) {
    for (const Node& c : n.children)
      for (std::string& l : Literals(c)) out.push_back(std::move(l));
    return out;
  }
  const Comparison& c = n.cmp;
  if (c.test == Comparison::kNotExists) return out;
  if (c.test == Comparison::kValue && c.op == CmpOp::kEq && !c.any_value &&
      c.value.kind == Literal::kString) {
    std::string lit = c.value.str.Literal();
    if (SafeLiteral(lit)) {
      out.push_back("v" + lit);
      return out;
    }
  }
  std::string key;
  for (const Step& s : c.steps)
    if (s.kind == Step::kMember && s.name.size() > key.size()) key = s.name;
  if (SafeLiteral(key)) out.push_back("k" + key);
  return out;
}

template <typename F>
auto WithDocument(std::string_view message, const F& f) {
  // Parsed in place from a copy (strings point into it): no string is allocated.
  // 16 zero bytes after the text: a SIMD scan's aligned 16-byte loads stay inside the buffer.
  constexpr size_t kPadding = 16;
  char text_buf[8192];
  std::unique_ptr<char[]> big;
  char* text = text_buf;
  if (message.size() + kPadding > sizeof text_buf) {
    big.reset(new char[message.size() + kPadding]);
    text = big.get();
  }
  std::memcpy(text, message.data(), message.size());
  std::memset(text + message.size(), 0, kPadding);
  char value_buf[8192];
  char stack_buf[2048];
  rapidjson::MemoryPoolAllocator<> value_alloc(value_buf, sizeof value_buf);
  rapidjson::MemoryPoolAllocator<> stack_alloc(stack_buf, sizeof stack_buf);
  JDocument doc(&value_alloc, sizeof stack_buf, &stack_alloc);
  rapidjson::GenericInsituStringStream<rapidjson::UTF8<>> in(text);
  doc.ParseStream<rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag>(in);
  // An embedded NUL ends the in-place text early: such a message is not one JSON document.
  bool ok = !doc.HasParseError() && std::memchr(message.data(), '\0', message.size()) == nullptr;
  return f(doc, ok);
}

}  // namespace

Result<std::shared_ptr<const JsonMatcher>> CompileJson(std::string_view text, int* regex_count,
                                                       std::vector<std::string>* literals) {
  if (text.back() != '}') {
    return AwsError("InvalidParameterException",
                    "If a filter pattern starts with '{' it must end with '}'", 400);
  }
  Parser parser(text.substr(1, text.size() - 2));
  auto m = std::make_shared<JsonMatcher>();
  ORGTRAIL_TRY(m->root, parser.Run());
  *regex_count = parser.regexes();
  std::vector<std::string> lits = Literals(m->root);
  std::sort(lits.begin(), lits.end(), [](const std::string& a, const std::string& b) {
    if (a[0] != b[0]) return a[0] == 'v';
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  lits.erase(std::unique(lits.begin(), lits.end()), lits.end());
  if (lits.size() > 2) lits.resize(2);
  literals->clear();
  for (const std::string& l : lits) literals->push_back(l.substr(1));
  return std::shared_ptr<const JsonMatcher>(std::move(m));
}

bool JsonMatches(const JsonMatcher& m, std::string_view message) {
  return WithDocument(message,
                      [&m](const JDocument& doc, bool ok) { return ok && Eval(m.root, doc); });
}

std::optional<std::string> JsonExtract(std::string_view message, std::string_view selector) {
  size_t pos = 0;
  int wildcards = 0;
  Result<std::vector<Step>> steps = ParseSelector(selector, &pos, &wildcards);
  if (!steps.ok() || pos != selector.size()) return std::nullopt;
  return WithDocument(message,
                      [&steps](const JDocument& doc, bool ok) -> std::optional<std::string> {
                        if (!ok) return std::nullopt;
                        std::optional<std::string> out;
                        const Step* b = steps->data();
                        AnyCandidate(doc, b, b + steps->size(), [&out](const JValue& v) {
                          if (v.IsString()) {
                            out = std::string(v.GetString(), v.GetStringLength());
                          } else if (v.IsBool()) {
                            out = v.IsTrue() ? "true" : "false";
                          } else if (v.IsInt64()) {
                            out = std::to_string(v.GetInt64());
                          } else if (v.IsUint64()) {
                            out = std::to_string(v.GetUint64());
                          } else if (v.IsNumber()) {
                            char buf[64];
                            auto r = std::to_chars(buf, buf + sizeof buf, v.GetDouble());
                            out = std::string(buf, r.ptr);
                          } else {
                            return false;
                          }
                          return true;
                        });
                        return out;
                      });
}

}  // namespace orgtrail::filter
