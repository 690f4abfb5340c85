// Unstructured term patterns: substrings (bare or quoted phrases), "-" exclusion, "?" any-of.
#include <string>

#include "filter/compiled.h"

namespace orgtrail::filter {

Result<TermMatcher> CompileTerms(std::string_view text) {
  TermMatcher m;
  size_t i = 0, n = text.size();
  while (true) {
    while (i < n && IsBlank(text[i])) ++i;
    if (i >= n) break;
    size_t start = i;
    char prefix = 0;
    if (text[i] == '?' || text[i] == '-') prefix = text[i++];
    std::string value;
    if (i < n && text[i] == '"') {
      size_t pos = i;
      std::optional<std::string> q = ReadQuoted(text, &pos);
      if (!q) return InvalidPattern();
      if (pos < n && !IsBlank(text[pos])) {
        size_t end = pos;
        while (end < n && !IsBlank(text[end])) ++end;
        return InvalidCharacters(text.substr(start, end - start));
      }
      if (q->empty()) return InvalidCharacters(text.substr(start, pos - start));
      value = std::move(*q);
      i = pos;
    } else {
      size_t end = i;
      while (end < n && !IsBlank(text[end])) ++end;
      std::string_view bare = text.substr(i, end - i);
      if (bare.empty()) return InvalidPattern();  // "?" or "-" alone
      for (char c : bare)
        if (!IsTermChar(c)) return InvalidCharacters(text.substr(start, end - start));
      value = std::string(bare);
      i = end;
    }
    std::vector<Finder>& list = prefix == '?' ? m.any : prefix == '-' ? m.exclude : m.include;
    list.emplace_back(std::move(value));
  }
  if (!m.include.empty() || !m.exclude.empty()) m.any.clear();  // AWS: ? terms are ignored
  return m;
}

bool TermMatcher::Matches(std::string_view message) const {
  if (include.empty() && exclude.empty()) {
    for (const Finder& f : any)
      if (f.In(message)) return true;
    return false;
  }
  for (const Finder& f : include)
    if (!f.In(message)) return false;
  for (const Finder& f : exclude)
    if (f.In(message)) return false;
  return true;
}

}  // namespace orgtrail::filter
