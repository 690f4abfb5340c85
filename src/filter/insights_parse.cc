// Logs Insights query parser: the grammar at the top of insights.h.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
#include <cctype>
#include <charconv>
#include <set>

#include "core/encoding.h"
#include "filter/insights_ast.h"

namespace orgtrail::filter::insights {
namespace {

bool IdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '@';
}
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '.' ||
         c == '$';
}

const std::set<std::string, std::less<>> kFunctions = {
    "ispresent", "coalesce", "isempty", "isblank", "concat",  "ltrim",       "rtrim", "trim",
    "strlen",    "toupper",  "tolower", "substr",  "replace", "strcontains", "abs",   "ceil",
    "floor",     "greatest", "least",   "log",     "sqrt",    "bin"};
const std::set<std::string, std::less<>> kAggregates = {"count", "sum", "avg",
                                                        "min",   "max", "count_distinct"};

class Parser {
 public:
  explicit Parser(std::string_view text) : t_(text) {}

  Result<Program> Run() {
    Program p;
    for (bool first = true;; first = false) {
      Skip();
      if (AtEnd() && first) break;
      Command c;
      if (!ParseCommand(c)) return Error();
      if (c.kind == Command::kStats) p.aggregates = true;
      if (c.kind == Command::kSort) p.sorts = true;
      if (c.kind == Command::kLimit) p.limit = c.limit;
      p.commands.push_back(std::move(c));
      Skip();
      if (AtEnd()) break;
      if (Peek() != '|') return Error();
      ++pos_;
    }
    if (p.commands.empty()) return Error();
    return p;
  }

 private:
  // --- scanning ------------------------------------------------------------------------------
  bool AtEnd() const { return pos_ >= t_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < t_.size() ? t_[pos_ + ahead] : '\0'; }
  void Skip() {
    while (!AtEnd()) {
      char c = Peek();
      if (c == '#') {
        while (!AtEnd() && Peek() != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool Eat(std::string_view s) {
    Skip();
    if (t_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  // A keyword: a whole identifier, case-insensitive.
  bool EatWord(std::string_view w) {
    Skip();
    size_t end = pos_;
    while (end < t_.size() && IdentChar(t_[end])) ++end;
    if (!IEquals(t_.substr(pos_, end - pos_), w)) return false;
    pos_ = end;
    return true;
  }
  bool PeekWord(std::string_view w) {
    size_t save = pos_;
    bool ok = EatWord(w);
    pos_ = save;
    return ok;
  }
  std::optional<std::string> Ident() {
    Skip();
    if (Peek() == '`') {
      size_t end = t_.find('`', pos_ + 1);
      if (end == std::string_view::npos || end == pos_ + 1) return std::nullopt;
      std::string name(t_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return name;
    }
    if (!IdentStart(Peek())) return std::nullopt;
    size_t start = pos_;
    while (!AtEnd() && IdentChar(Peek())) ++pos_;
    return std::string(t_.substr(start, pos_ - start));
  }
  std::optional<std::string> String() {
    Skip();
    char q = Peek();
    if (q != '"' && q != '\'') return std::nullopt;
    std::string out;
    size_t i = pos_ + 1;
    for (; i < t_.size() && t_[i] != q; ++i) {
      if (t_[i] == '\\' && i + 1 < t_.size()) {
        char n = t_[++i];
        out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      } else {
        out += t_[i];
      }
    }
    if (i >= t_.size()) return std::nullopt;
    pos_ = i + 1;
    return out;
  }
  std::optional<std::string> Regex() {
    Skip();
    if (Peek() != '/') return std::nullopt;
    std::string out;
    size_t i = pos_ + 1;
    for (; i < t_.size() && t_[i] != '/'; ++i) {
      if (t_[i] == '\\' && i + 1 < t_.size() && t_[i + 1] == '/') {
        out += '/';
        ++i;
      } else {
        out += t_[i];
        if (t_[i] == '\\' && i + 1 < t_.size()) out += t_[++i];
      }
    }
    if (i >= t_.size()) return std::nullopt;
    pos_ = i + 1;
    return out;
  }
  std::shared_ptr<const RE2> Compile(const std::string& src) {
    RE2::Options o;
    o.set_log_errors(false);
    // Insights writes named groups as (?<name>...); RE2 spells them (?P<name>...).
    std::string re2_src;
    for (size_t i = 0; i < src.size(); ++i) {
      if (src[i] == '\\' && i + 1 < src.size()) {
        re2_src += src.substr(i, 2);
        ++i;
      } else if (src.compare(i, 3, "(?<") == 0 && i + 3 < src.size() && src[i + 3] != '=' &&
                 src[i + 3] != '!') {
        re2_src += "(?P<";
        i += 2;
      } else {
        re2_src += src[i];
      }
    }
    auto re = std::make_shared<RE2>(re2_src, o);
    if (!re->ok()) return nullptr;
    return re;
  }

  // --- commands ------------------------------------------------------------------------------
  bool ParseCommand(Command& c) {
    if (EatWord("fields")) return ProjectionList(c, Command::kFields, true);
    if (EatWord("display")) return ProjectionList(c, Command::kDisplay, false);
    if (EatWord("filter")) {
      c.kind = Command::kFilter;
      c.expr = ExprOr();
      return c.expr != nullptr;
    }
    if (EatWord("stats")) return Stats(c);
    if (EatWord("sort")) return Sort(c);
    if (EatWord("limit")) {
      c.kind = Command::kLimit;
      Skip();
      size_t start = pos_;
      while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
      auto [p, ec] = std::from_chars(t_.data() + start, t_.data() + pos_, c.limit);
      (void)p;
      return ec == std::errc() && c.limit >= 1 && c.limit <= 10000;
    }
    if (EatWord("parse")) return Parse(c);
    return false;
  }

  bool ProjectionList(Command& c, Command::Kind kind, bool allow_alias) {
    c.kind = kind;
    return Projections(c, allow_alias);
  }

  // Comma-separated expressions into c.projections, each named by its field or its text, or by
  // `as <alias>` where allowed.
  bool Projections(Command& c, bool allow_alias) {
    do {
      Skip();
      size_t start = pos_;
      Projection p;
      p.expr = ExprOr();
      if (!p.expr) return false;
      p.name = p.expr->kind == Expr::kField ? p.expr->name : Source(start);
      if (allow_alias && EatWord("as")) {
        auto alias = Ident();
        if (!alias) return false;
        p.name = *alias;
      }
      c.projections.push_back(std::move(p));
    } while (Eat(","));
    return true;
  }

  std::string Source(size_t start) const {
    std::string_view s = t_.substr(start, pos_ - start);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
  }

  bool Stats(Command& c) {
    c.kind = Command::kStats;
    do {
      Skip();
      size_t start = pos_;
      Aggregate a;
      auto fn = Ident();
      if (!fn) return false;
      a.func = *fn;
      for (char& ch : a.func) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!kAggregates.contains(a.func) || !Eat("(")) return false;
      if (!Eat("*")) {
        a.arg = ExprOr();
        if (!a.arg) return false;
      } else if (a.func != "count") {
        return false;
      }
      if (!Eat(")")) return false;
      a.name = Source(start);
      if (EatWord("as")) {
        auto alias = Ident();
        if (!alias) return false;
        a.name = *alias;
      }
      c.aggregates.push_back(std::move(a));
    } while (Eat(","));
    if (EatWord("by")) return Projections(c, /*allow_alias=*/true);
    return true;
  }

  bool Sort(Command& c) {
    c.kind = Command::kSort;
    do {
      SortKey k;
      k.expr = ExprOr();
      if (!k.expr) return false;
      if (EatWord("asc"))
        k.desc = false;
      else if (EatWord("desc"))
        k.desc = true;
      c.keys.push_back(std::move(k));
    } while (Eat(","));
    return true;
  }

  bool Parse(Command& c) {
    c.kind = Command::kParse;
    Skip();
    if (Peek() != '"' && Peek() != '\'' && Peek() != '/') {
      auto field = Ident();
      if (!field) return false;
      c.expr = Field(*field);
    } else {
      c.expr = Field("@message");
    }
    Skip();
    if (Peek() == '/') {
      auto src = Regex();
      if (!src) return false;
      c.re = Compile(*src);
      if (!c.re) return false;
      for (const auto& [name, index] : c.re->NamedCapturingGroups()) {
        (void)index;
        c.names.push_back(name);
      }
      if (c.names.empty()) return false;
      return true;
    }
    auto glob = String();
    if (!glob) return false;
    std::string piece;
    for (char ch : *glob) {
      if (ch == '*') {
        c.glob.push_back(piece);
        piece.clear();
      } else {
        piece += ch;
      }
    }
    c.glob.push_back(piece);
    if (!EatWord("as")) return false;
    do {
      auto name = Ident();
      if (!name) return false;
      c.names.push_back(*name);
    } while (Eat(","));
    return c.names.size() == c.glob.size() - 1;
  }

  // --- expressions ---------------------------------------------------------------------------
  static std::unique_ptr<Expr> Field(std::string name) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::kField;
    e->name = std::move(name);
    return e;
  }
  static std::unique_ptr<Expr> Binary(Expr::Kind k, std::string op, std::unique_ptr<Expr> a,
                                      std::unique_ptr<Expr> b) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->name = std::move(op);
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  // The prefix operator `k` applied to what `operand` parses, within the nesting limit.
  template <typename Parse>
  std::unique_ptr<Expr> Prefix(Expr::Kind k, Parse operand) {
    if (++depth_ > 200) return nullptr;
    auto inner = operand();
    --depth_;
    if (!inner) return nullptr;
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->args.push_back(std::move(inner));
    return e;
  }

  std::unique_ptr<Expr> ExprOr() {
    if (++depth_ > 200) return nullptr;
    auto left = ExprAnd();
    while (left && EatWord("or")) {
      auto right = ExprAnd();
      if (!right) return nullptr;
      left = Binary(Expr::kOr, "or", std::move(left), std::move(right));
    }
    --depth_;
    return left;
  }
  std::unique_ptr<Expr> ExprAnd() {
    auto left = ExprNot();
    while (left && EatWord("and")) {
      auto right = ExprNot();
      if (!right) return nullptr;
      left = Binary(Expr::kAnd, "and", std::move(left), std::move(right));
    }
    return left;
  }
  std::unique_ptr<Expr> ExprNot() {
    if (EatWord("not")) return Prefix(Expr::kNot, [this] { return ExprNot(); });
    return Compare();
  }
  std::unique_ptr<Expr> Compare() {
    auto left = Additive();
    if (!left) return nullptr;
    Skip();
    bool negated = false;
    size_t save = pos_;
    if (EatWord("not")) {
      if (PeekWord("like") || PeekWord("in"))
        negated = true;
      else
        pos_ = save;
    }
    if (EatWord("like") || (!negated && Eat("=~"))) {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::kLike;
      e->negated = negated;
      e->args.push_back(std::move(left));
      Skip();
      if (auto s = String()) {
        e->text = *s;
      } else if (auto r = Regex()) {
        e->re = Compile(*r);
        if (!e->re) return nullptr;
      } else {
        return nullptr;
      }
      return e;
    }
    if (EatWord("in")) {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::kIn;
      e->negated = negated;
      e->args.push_back(std::move(left));
      if (!Eat("[")) return nullptr;
      if (!Eat("]")) {
        do {
          auto item = Additive();
          if (!item) return nullptr;
          e->args.push_back(std::move(item));
        } while (Eat(","));
        if (!Eat("]")) return nullptr;
      }
      return e;
    }
    if (negated) return nullptr;
    for (std::string_view op : {"!=", "<=", ">=", "=", "<", ">"}) {
      if (Eat(op)) {
        auto right = Additive();
        if (!right) return nullptr;
        return Binary(Expr::kCompare, std::string(op), std::move(left), std::move(right));
      }
    }
    return left;
  }
  // A left-associative run of `operand`s joined by the arithmetic operators `is_op` accepts.
  template <typename Parse, typename IsOp>
  std::unique_ptr<Expr> ArithmeticRun(Parse operand, IsOp is_op) {
    auto left = operand();
    for (;;) {
      if (!left) return nullptr;
      Skip();
      char c = Peek();
      if (!is_op(c)) return left;
      ++pos_;
      auto right = operand();
      if (!right) return nullptr;
      left = Binary(Expr::kArith, std::string(1, c), std::move(left), std::move(right));
    }
  }
  std::unique_ptr<Expr> Additive() {
    return ArithmeticRun([this] { return Multiplicative(); },
                         [this](char c) { return (c == '+' || c == '-') && Peek(1) != '='; });
  }
  std::unique_ptr<Expr> Multiplicative() {
    return ArithmeticRun([this] { return Unary(); },
                         [](char c) { return c == '*' || c == '/' || c == '%'; });
  }
  std::unique_ptr<Expr> Unary() {
    Skip();
    if (Peek() == '-' && !std::isdigit(static_cast<unsigned char>(Peek(1)))) {
      ++pos_;
      return Prefix(Expr::kNeg, [this] { return Unary(); });
    }
    return Primary();
  }
  std::unique_ptr<Expr> Primary() {
    Skip();
    char c = Peek();
    if (c == '(') {
      ++pos_;
      auto e = ExprOr();
      if (!e || !Eat(")")) return nullptr;
      return e;
    }
    if (c == '"' || c == '\'') {
      auto s = String();
      if (!s) return nullptr;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::kString;
      e->text = *s;
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') return NumberOrDuration();
    if (c == '/') {
      auto r = Regex();
      if (!r) return nullptr;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::kRegex;
      e->text = *r;
      e->re = Compile(*r);
      if (!e->re) return nullptr;
      return e;
    }
    bool quoted = c == '`';
    auto name = Ident();
    if (!name) return nullptr;
    Skip();
    if (!quoted && Peek() == '(') {
      std::string fn = *name;
      for (char& ch : fn) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!kFunctions.contains(fn)) return nullptr;
      ++pos_;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::kCall;
      e->name = fn;
      if (!Eat(")")) {
        do {
          auto arg = ExprOr();
          if (!arg) return nullptr;
          e->args.push_back(std::move(arg));
        } while (Eat(","));
        if (!Eat(")")) return nullptr;
      }
      if (fn == "bin" && (e->args.size() != 1 || e->args[0]->kind != Expr::kNumber ||
                          e->args[0]->text != "duration" || e->args[0]->number <= 0))
        return nullptr;
      return e;
    }
    return Field(*name);
  }
  // A number, or a duration ("5m", "30s", "1h", "1d", "100ms") as bin() takes it.
  std::unique_ptr<Expr> NumberOrDuration() {
    size_t start = pos_;
    if (Peek() == '-') ++pos_;
    while (!AtEnd() && (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '.')) ++pos_;
    double v = 0;
    auto [p, ec] = std::from_chars(t_.data() + start, t_.data() + pos_, v);
    if (ec != std::errc() || p != t_.data() + pos_) return nullptr;
    auto e = std::make_unique<Expr>();
    e->kind = Expr::kNumber;
    e->number = v;
    size_t unit_start = pos_;
    while (!AtEnd() && std::isalpha(static_cast<unsigned char>(Peek()))) ++pos_;
    std::string_view unit = t_.substr(unit_start, pos_ - unit_start);
    if (!unit.empty()) {
      double ms = unit == "ms"  ? 1
                  : unit == "s" ? 1000
                  : unit == "m" ? 60000
                  : unit == "h" ? 3600000
                  : unit == "d" ? 86400000
                                : 0;
      if (ms == 0) return nullptr;
      e->number = v * ms;
      e->text = "duration";
    }
    return e;
  }

  // --- errors --------------------------------------------------------------------------------
  // Every syntax error has the same shape (spec/logs.md §6, decision): the message does not
  // locate the error.
  static AwsError Error() { return AwsError("MalformedQueryException", "Query syntax error"); }

  std::string_view t_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Query> Query::Parse(std::string_view text) {
  if (text.size() > kMaxQueryLength)
    return AwsError("MalformedQueryException",
                    "Query string is too long (maximum 10000 characters)");
  Result<Program> p = Parser(text).Run();
  if (!p.ok()) return std::move(p).error();
  return Query(std::make_shared<const Program>(std::move(p).value()));
}

bool Query::Aggregates() const { return program_->aggregates; }
size_t Query::Limit() const { return program_->limit; }

}  // namespace orgtrail::filter::insights
