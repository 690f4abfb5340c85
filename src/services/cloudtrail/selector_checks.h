// The checks PutEventSelectors applies to its EventSelectors and AdvancedEventSelectors lists
// (spec/cloudtrail.md §6): InvalidEventSelectorsException with AWS's message when refused.
#pragma once

#include "core/result.h"
#include "core/value.h"

namespace orgtrail::services::cloudtrail {

Status ValidateEventSelectors(const Value& selectors);
Status ValidateAdvancedEventSelectors(const Value& selectors);

}  // namespace orgtrail::services::cloudtrail
