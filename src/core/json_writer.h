// The RapidJSON writer every JSON text of orgtrail is written with (core/json.cc's WriteJson,
// the CloudTrail record builder).
//
// RapidJSON 1.1.0 (Debian 12) specializes Writer<StringBuffer>'s scan of unescaped string bytes
// for SSE2/SSE4.2, and that code compares against 0x19 where it means 0x1F: from the 16th byte of
// a string on, a U+001F control character is written raw, which is not JSON. The writer below
// writes into JsonOutBuffer, a type of its own, so that specialization never applies (whatever a
// translation unit defines) and every byte below 0x20 is escaped.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>

namespace orgtrail {

struct JsonOutBuffer : rapidjson::StringBuffer {};

// The writer's reserve-then-append calls, as for StringBuffer (found by argument-dependent
// lookup; without them each byte would be a checked Put).
inline void PutReserve(JsonOutBuffer& out, size_t count) { out.Reserve(count); }
inline void PutUnsafe(JsonOutBuffer& out, char c) { out.PutUnsafe(c); }

using JsonWriter = rapidjson::Writer<JsonOutBuffer>;

}  // namespace orgtrail
