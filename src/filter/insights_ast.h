// The compiled form of a Logs Insights query (internal to src/filter/insights_*.cc).
#pragma once

#include <string>
#include <vector>

#include "filter/insights.h"

namespace orgtrail::filter::insights {

struct Program {
  std::string text;
  bool aggregates = false;
  size_t limit = 0;
};

}  // namespace orgtrail::filter::insights
