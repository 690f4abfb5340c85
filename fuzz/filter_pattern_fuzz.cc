// libFuzzer target for the filter-pattern language (src/filter). The input is read as
//   <pattern>\0<message>\n<message>\n...
// The pattern is compiled; if it compiles, every message is matched, its values extracted and
// the required literals checked against the match. Nothing may crash, hang or read out of bounds.
#include <cstdint>
#include <string>
#include <string_view>

#include "filter/pattern.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view text = in.substr(0, nul);
  std::string_view rest = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);

  orgtrail::Result<orgtrail::filter::Pattern> p = orgtrail::filter::Pattern::Compile(text);
  if (!p.ok()) {
    if (p.error().code != "InvalidParameterException" || p.error().message.empty())
      __builtin_trap();
    return 0;
  }
  const orgtrail::filter::Pattern& pattern = p.value();
  if (pattern.text() != text) __builtin_trap();
  std::string messages[] = {"", "{}", "plain text message"};
  auto check = [&pattern](std::string_view message) {
    bool matched = pattern.Matches(message);
    if (pattern.MatchesAll() && !matched) __builtin_trap();
    if (matched &&
        !(pattern.RequiredUnlessEscaped() && message.find('\\') != std::string_view::npos)) {
      for (const std::string& lit : pattern.RequiredLiterals())
        if (message.find(lit) == std::string_view::npos) __builtin_trap();
    }
    for (const auto& [name, value] : pattern.ExtractedValues(message)) {
      if (!pattern.Extract(message, name)) __builtin_trap();
    }
    (void)pattern.Extract(message, "$.a");
    (void)pattern.Extract(message, "$1");
  };
  for (const std::string& m : messages) check(m);
  while (!rest.empty()) check(orgtrail::fuzz::NextLine(rest));
  return 0;
}
