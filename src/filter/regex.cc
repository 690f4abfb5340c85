// %regex%: validated against the grammar's subset (no groups, no backreferences, ASCII only)
// and translated to RE2, a linear-time automaton.
#include <string>

#include "filter/compiled.h"

namespace orgtrail::filter {
namespace {

// r-char: ALPHA | DIGIT | " " | "_" | "#" | "=" | "@" | "/" | ";" | "," | "-" | ":"
bool IsRChar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case ' ':
    case '_':
    case '#':
    case '=':
    case '@':
    case '/':
    case ';':
    case ',':
    case '-':
    case ':':
      return true;
    default:
      return false;
  }
}

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Characters the regex syntax uses at all; anything else is an invalid character.
bool IsRegexChar(char c) {
  if (IsRChar(c)) return true;
  switch (c) {
    case '.':
    case '\\':
    case '[':
    case ']':
    case '^':
    case '$':
    case '|':
    case '*':
    case '+':
    case '?':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

class Translator {
 public:
  Translator(std::string_view body, std::string_view as_written)
      : s_(body), as_written_(as_written) {}

  Result<std::string> Run() {
    for (char c : s_)
      if (!IsRegexChar(c) && c != '%') return InvalidCharacters(as_written_);
    std::string out;
    while (true) {
      ORGTRAIL_CHECK(Branch(out));
      if (i_ == s_.size()) break;
      if (s_[i_] != '|') return Stray();
      out.push_back('|');
      ++i_;
    }
    return out;
  }

 private:
  AwsError Stray() const {
    char c = s_[i_];
    if (c == '{' || c == '}' || c == ']' || c == '%') return InvalidCharacters(as_written_);
    return InvalidPattern();
  }

  Status Branch(std::string& out) {
    if (i_ < s_.size() && s_[i_] == '^') {
      out.push_back('^');
      ++i_;
    }
    while (i_ < s_.size() && s_[i_] != '|') {
      if (s_[i_] == '$') {
        ++i_;
        if (i_ < s_.size() && s_[i_] != '|') return InvalidPattern();
        out.push_back('$');
        break;
      }
      ORGTRAIL_CHECK(Piece(out));
    }
    return Ok();
  }

  Status Piece(std::string& out) {
    ORGTRAIL_CHECK(Atom(out));
    if (i_ >= s_.size()) return Ok();
    char c = s_[i_];
    if (c == '*' || c == '+' || c == '?') {
      out.push_back(c);
      ++i_;
    } else if (c == '{') {
      size_t j = i_ + 1;
      std::string lo, hi;
      while (j < s_.size() && IsDigit(s_[j])) lo.push_back(s_[j++]);
      bool comma = j < s_.size() && s_[j] == ',';
      if (comma) {
        ++j;
        while (j < s_.size() && IsDigit(s_[j])) hi.push_back(s_[j++]);
      }
      if (j >= s_.size() || s_[j] != '}') return InvalidCharacters(as_written_);
      i_ = j + 1;
      if (lo.size() > 4 || hi.size() > 4) return InvalidPattern();
      out += "{" + (lo.empty() ? std::string("0") : lo) + (comma ? "," + hi : "") + "}";
    }
    if (i_ < s_.size()) {
      char n = s_[i_];
      if (n == '*' || n == '+' || n == '?' || n == '{') return InvalidPattern();
    }
    return Ok();
  }

  // \d \D \s \S \w \W \xhh and escaped punctuation; `in_class` changes nothing but \s.
  Status Escape(std::string& out, bool in_class) {
    if (i_ + 1 >= s_.size()) return InvalidPattern();
    char e = s_[i_ + 1];
    i_ += 2;
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        out += '\\';
        out += e;
        return Ok();
      case 's':
        out += in_class ? "\\t\\n " : "[\\t\\n ]";
        return Ok();
      case 'S':
        out += in_class ? "\\S" : "[^\\t\\n ]";
        return Ok();
      case 'x':
        if (i_ + 1 >= s_.size() || !IsHex(s_[i_]) || !IsHex(s_[i_ + 1])) return InvalidPattern();
        out += "\\x";
        out += s_[i_];
        out += s_[i_ + 1];
        i_ += 2;
        return Ok();
      case '%':
        out += '%';
        return Ok();
      case '.':
      case '*':
      case '+':
      case '?':
      case '^':
      case '$':
      case '|':
      case '\\':
      case '[':
      case ']':
      case '{':
      case '}':
      case '-':
        out += '\\';
        out += e;
        return Ok();
      default:
        return InvalidPattern();
    }
  }

  Status Atom(std::string& out) {
    char c = s_[i_];
    if (IsRChar(c)) {
      out.push_back(c);
      ++i_;
      return Ok();
    }
    if (c == '.') {
      out.push_back('.');
      ++i_;
      return Ok();
    }
    if (c == '\\') return Escape(out, false);
    if (c == '[') return Class(out);
    return Stray();
  }

  Status Class(std::string& out) {
    ++i_;
    out.push_back('[');
    if (i_ < s_.size() && s_[i_] == '^') {
      out.push_back('^');
      ++i_;
    }
    size_t items = 0;
    while (i_ < s_.size() && s_[i_] != ']') {
      char c = s_[i_];
      if (c == '\\') {
        ORGTRAIL_CHECK(Escape(out, true));
      } else if (c == '.') {
        out += "\\.";
        ++i_;
      } else if (IsRChar(c)) {
        if (i_ + 2 < s_.size() && s_[i_ + 1] == '-' && IsRChar(s_[i_ + 2]) && s_[i_ + 2] != '-') {
          if (s_[i_ + 2] < c) return InvalidPattern();
          out += Lit(c) + "-" + Lit(s_[i_ + 2]);
          i_ += 3;
        } else {
          out += Lit(c);
          ++i_;
        }
      } else {
        return InvalidCharacters(as_written_);
      }
      ++items;
    }
    if (i_ >= s_.size() || items == 0) return InvalidPattern();
    ++i_;
    out.push_back(']');
    return Ok();
  }

  static std::string Lit(char c) { return c == '-' ? "\\-" : std::string(1, c); }

  std::string_view s_;
  std::string_view as_written_;
  size_t i_ = 0;
};

}  // namespace

Result<std::shared_ptr<const RE2>> CompileRegex(std::string_view body,
                                                std::string_view as_written) {
  ORGTRAIL_TRY(std::string translated, Translator(body, as_written).Run());
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(true);
  options.set_max_mem(1 << 22);
  auto re = std::make_shared<const RE2>(translated, options);
  if (!re->ok()) return InvalidPattern();
  return std::shared_ptr<const RE2>(std::move(re));
}

Result<Literal> ReadRegexLiteral(std::string_view text, size_t* pos) {
  size_t end = RegexEnd(text, *pos);
  if (end == std::string_view::npos) return InvalidCharacters(text.substr(*pos));
  std::string_view written = text.substr(*pos, end - *pos);
  Literal lit;
  ORGTRAIL_TRY(lit.regex, CompileRegex(written.substr(1, written.size() - 2), written));
  lit.kind = Literal::kRegex;
  *pos = end;
  return lit;
}

}  // namespace orgtrail::filter
