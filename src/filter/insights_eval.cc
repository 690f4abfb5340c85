// Logs Insights expressions: comparisons, like/regex, in, arithmetic and the functions of
// spec/logs.md §6.2.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html
#include <algorithm>
#include <charconv>
#include <cmath>

#include "filter/insights_ast.h"

namespace orgtrail::filter::insights {
namespace {

std::optional<double> ParseNumber(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string Text(const Val& v) { return v.kind == Val::kStr ? v.s : v.Render(); }

bool Equal(const Val& a, const Val& b) {
  auto x = a.Number();
  auto y = b.Number();
  if (x && y) return *x == *y;
  return Text(a) == Text(b);
}

Val Bool(bool b) { return Val::Num(b ? 1 : 0); }

std::string Trim(std::string s, bool left, bool right) {
  size_t b = 0;
  size_t e = s.size();
  if (left)
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  if (right)
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Val Call(const Expr& e, const Row& row) {
  const std::string& f = e.name;
  std::vector<Val> a;
  a.reserve(e.args.size());
  for (const auto& arg : e.args) a.push_back(Eval(*arg, row));
  auto num = [&a](size_t i) { return i < a.size() ? a[i].Number() : std::nullopt; };
  auto str = [&a](size_t i) { return i < a.size() && a[i].present() ? Text(a[i]) : std::string(); };
  if (f == "ispresent") return Bool(!a.empty() && a[0].present());
  if (f == "coalesce") {
    for (Val& v : a)
      if (v.present()) return v;
    return {};
  }
  if (f == "isempty") return Bool(a.empty() || !a[0].present() || Text(a[0]).empty());
  if (f == "isblank")
    return Bool(a.empty() || !a[0].present() || Trim(Text(a[0]), true, true).empty());
  if (f == "concat") {
    std::string out;
    for (const Val& v : a)
      if (v.present()) out += Text(v);
    return Val::Str(out);
  }
  if (a.empty() || !a[0].present()) return {};
  if (f == "bin") {
    double period = e.args[0]->number;
    const Val* ts = row.Find("@timestamp");
    if (!ts || !ts->present()) return {};
    return Val::Time(std::floor(ts->n / period) * period);
  }
  if (f == "ltrim") return Val::Str(Trim(str(0), true, false));
  if (f == "rtrim") return Val::Str(Trim(str(0), false, true));
  if (f == "trim") return Val::Str(Trim(str(0), true, true));
  if (f == "strlen") return Val::Num(static_cast<double>(str(0).size()));
  if (f == "toupper" || f == "tolower") {
    std::string s = str(0);
    for (char& c : s)
      c = static_cast<char>(f == "toupper" ? std::toupper(static_cast<unsigned char>(c))
                                           : std::tolower(static_cast<unsigned char>(c)));
    return Val::Str(s);
  }
  if (f == "substr") {
    std::string s = str(0);
    auto start = num(1);
    if (!start) return {};
    auto from = static_cast<size_t>(std::clamp<double>(*start, 0, static_cast<double>(s.size())));
    size_t len = std::string::npos;
    if (auto l = num(2)) len = static_cast<size_t>(std::max(0.0, *l));
    return Val::Str(s.substr(from, len));
  }
  if (f == "replace") {
    std::string s = str(0);
    std::string from = str(1);
    std::string to = str(2);
    if (from.empty()) return Val::Str(s);
    std::string out;
    for (size_t i = 0;;) {
      size_t j = s.find(from, i);
      if (j == std::string::npos) {
        out += s.substr(i);
        break;
      }
      out += s.substr(i, j - i) + to;
      i = j + from.size();
    }
    return Val::Str(out);
  }
  if (f == "strcontains") return Bool(str(0).find(str(1)) != std::string::npos);
  if (f == "greatest" || f == "least") {
    std::optional<double> best;
    for (size_t i = 0; i < a.size(); ++i)
      if (auto v = num(i))
        best = !best ? *v : f == "greatest" ? std::max(*best, *v) : std::min(*best, *v);
    if (!best) return {};
    return Val::Num(*best);
  }
  auto x = num(0);
  if (!x) return {};
  if (f == "abs") return Val::Num(std::fabs(*x));
  if (f == "ceil") return Val::Num(std::ceil(*x));
  if (f == "floor") return Val::Num(std::floor(*x));
  if (f == "log") return *x > 0 ? Val::Num(std::log(*x)) : Val{};
  if (f == "sqrt") return *x >= 0 ? Val::Num(std::sqrt(*x)) : Val{};
  return {};
}

}  // namespace

std::optional<double> Val::Number() const {
  if (kind == kNum || kind == kTime) return n;
  if (kind == kStr) return ParseNumber(s);
  return std::nullopt;
}

std::string Val::Render() const {
  switch (kind) {
    case kNone:
      return "";
    case kStr:
      return s;
    case kTime:
      return FormatTimestamp(static_cast<int64_t>(n));
    case kNum: {
      if (std::isnan(n)) return "NaN";
      if (n == std::floor(n) && std::fabs(n) < 1e15)
        return std::to_string(static_cast<long long>(n));
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, n);
      return ec == std::errc() ? std::string(buf, p) : "NaN";
    }
  }
  return "";
}

const Val* Row::Find(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

void Row::Set(const std::string& name, Val v) {
  for (auto& [k, old] : fields)
    if (k == name) {
      old = std::move(v);
      return;
    }
  fields.emplace_back(name, std::move(v));
}

bool Truthy(const Val& v) {
  switch (v.kind) {
    case Val::kNone:
      return false;
    case Val::kNum:
    case Val::kTime:
      return v.n != 0;
    case Val::kStr:
      return !v.s.empty() && v.s != "false";
  }
  return false;
}

int CompareForSort(const Val& a, const Val& b) {
  if (!a.present() || !b.present()) return a.present() ? -1 : b.present() ? 1 : 0;
  auto x = a.Number();
  auto y = b.Number();
  if (x && y) return *x < *y ? -1 : *x > *y ? 1 : 0;
  int c = Text(a).compare(Text(b));
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

Val Eval(const Expr& e, const Row& row) {
  switch (e.kind) {
    case Expr::kField: {
      const Val* v = row.Find(e.name);
      return v ? *v : Val{};
    }
    case Expr::kNumber:
      return Val::Num(e.number);
    case Expr::kString:
    case Expr::kRegex:
      return Val::Str(e.text);
    case Expr::kCall:
      return Call(e, row);
    case Expr::kNeg: {
      auto x = Eval(*e.args[0], row).Number();
      return x ? Val::Num(-*x) : Val{};
    }
    case Expr::kNot:
      return Bool(!Truthy(Eval(*e.args[0], row)));
    case Expr::kAnd:
      return Bool(Truthy(Eval(*e.args[0], row)) && Truthy(Eval(*e.args[1], row)));
    case Expr::kOr:
      return Bool(Truthy(Eval(*e.args[0], row)) || Truthy(Eval(*e.args[1], row)));
    case Expr::kCompare: {
      Val a = Eval(*e.args[0], row);
      Val b = Eval(*e.args[1], row);
      if (!a.present() || !b.present()) return Bool(false);
      const std::string& op = e.name;
      if (op == "=") return Bool(Equal(a, b));
      if (op == "!=") return Bool(!Equal(a, b));
      auto x = a.Number();
      auto y = b.Number();
      int c = x && y ? (*x < *y ? -1 : *x > *y ? 1 : 0) : Text(a).compare(Text(b));
      if (op == "<") return Bool(c < 0);
      if (op == "<=") return Bool(c <= 0);
      if (op == ">") return Bool(c > 0);
      return Bool(c >= 0);
    }
    case Expr::kArith: {
      auto x = Eval(*e.args[0], row).Number();
      auto y = Eval(*e.args[1], row).Number();
      if (!x || !y) return {};
      switch (e.name[0]) {
        case '+':
          return Val::Num(*x + *y);
        case '-':
          return Val::Num(*x - *y);
        case '*':
          return Val::Num(*x * *y);
        case '/':
          return *y == 0 ? Val{} : Val::Num(*x / *y);
        default:
          return *y == 0 ? Val{} : Val::Num(std::fmod(*x, *y));
      }
    }
    case Expr::kLike: {
      Val a = Eval(*e.args[0], row);
      if (!a.present()) return Bool(false);
      std::string s = Text(a);
      bool m = e.re ? RE2::PartialMatch(s, *e.re) : s.find(e.text) != std::string::npos;
      return Bool(m != e.negated);
    }
    case Expr::kIn: {
      Val a = Eval(*e.args[0], row);
      if (!a.present()) return Bool(false);
      bool found = false;
      for (size_t i = 1; i < e.args.size() && !found; ++i) found = Equal(a, Eval(*e.args[i], row));
      return Bool(found != e.negated);
    }
  }
  return {};
}

}  // namespace orgtrail::filter::insights
