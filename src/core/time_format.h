// Timestamp formats of the AWS wire protocols (spec/wire.md §7). All times are milliseconds
// since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orgtrail {

std::string FormatIso8601Millis(int64_t ms);   // 2026-01-01T00:00:00.000Z
std::string FormatIso8601Seconds(int64_t ms);  // 2026-01-01T00:00:00Z
std::string FormatAmzDate(int64_t ms);         // 20260101T000000Z (SigV4 X-Amz-Date)
std::string FormatHttpDate(int64_t ms);        // Thu, 01 Jan 2026 00:00:00 GMT (RFC 7231)

// ISO 8601 date-time: YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM|±HHMM), also with a lower-case 't'.
std::optional<int64_t> ParseIso8601(std::string_view s);
// YYYYMMDDTHHMMSSZ
std::optional<int64_t> ParseAmzDate(std::string_view s);
// RFC 7231 IMF-fixdate ("Thu, 01 Jan 2026 00:00:00 GMT").
std::optional<int64_t> ParseHttpDate(std::string_view s);

// Days since the epoch for a civil date, and back (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace orgtrail
