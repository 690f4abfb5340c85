// JSON text <-> Value, on RapidJSON. Used by the JSON protocols, the model loader, the admin API
// and persistence rows.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"

namespace orgtrail {

// Parses a JSON document. Integers that fit int64 become kInt, other numbers kDouble.
// Errors come back as AwsError{"SerializationException", <what and where>}.
Result<Value> ParseJson(std::string_view text);

// Compact JSON. Non-finite doubles are written as null.
std::string WriteJson(const Value& v);

// `s` as valid UTF-8: every byte that is not part of a valid sequence becomes U+FFFD, as
// WriteJson writes strings (for writers that produce JSON text without a Value).
std::string ValidUtf8(std::string_view s);

}  // namespace orgtrail
