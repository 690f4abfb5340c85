// Internal: the compiled form of a filter pattern (see pattern.h for the language).
#pragma once

#include <string>
#include <vector>

#include "filter/pattern.h"

namespace orgtrail::filter {

struct Compiled {
  PatternKind kind = PatternKind::kAll;
  std::vector<std::string> required;
  int regex_count = 0;
};

}  // namespace orgtrail::filter
