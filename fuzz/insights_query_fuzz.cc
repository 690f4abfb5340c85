// libFuzzer target for the Logs Insights engine (src/filter/insights.h). The input is read as
//   <query>\0<event message>\n<event message>\n...
// The query is parsed; when it parses, every message is fed as an event (timestamps one second
// apart) and the results are rendered. Nothing may crash, hang or read out of bounds.
#include <cstdint>
#include <string>
#include <string_view>

#include "filter/insights.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view text = in.substr(0, nul);
  std::string_view rest = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  orgtrail::Result<orgtrail::filter::insights::Query> q =
      orgtrail::filter::insights::Query::Parse(text);
  if (!q.ok()) {
    if (q.error().code != "MalformedQueryException") __builtin_trap();
    return 0;
  }
  orgtrail::filter::insights::Execution ex(*q, 50);
  int64_t ts = 1767225600000;
  int n = 0;
  while (!rest.empty() && n++ < 200) {
    std::string_view line = orgtrail::fuzz::NextLine(rest);
    ex.Add({ts, ts + 1, line, "stream", "000000000000:group", {}});
    ts += 1000;
  }
  for (const auto& row : ex.Results())
    for (const auto& [field, value] : row)
      if (field.empty()) __builtin_trap();  // every column has a name
  (void)ex.GetStats();
  return 0;
}
