#include "core/time_format.h"

#include <cctype>
#include <cstdio>

namespace orgtrail {
namespace {

struct Civil {
  int64_t y;
  unsigned m, d, hh, mm, ss, ms;
};

Civil ToCivil(int64_t ms) {
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  unsigned millis = static_cast<unsigned>(ms - secs * 1000);
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  return {y,
          m,
          d,
          static_cast<unsigned>(rem / 3600),
          static_cast<unsigned>(rem % 3600 / 60),
          static_cast<unsigned>(rem % 60),
          millis};
}

bool Digits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<int64_t> Compose(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                               unsigned sec, int64_t millis) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t days = DaysFromCivil(y, mo, d);
  return ((days * 86400) + h * 3600 + mi * 60 + sec) * 1000 + millis;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// YYYY-MM-DDTHH:MM:SS[.mmm]Z by hand: these run several times per request, and snprintf costs
// more than the rest of the conversion. Years outside 0..9999 take snprintf's path.
std::string FormatIso8601(int64_t ms, bool millis) {
  Civil c = ToCivil(ms);
  if (c.y < 0 || c.y > 9999) {
    char buf[48];
    if (millis) {
      std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                    static_cast<long long>(c.y), c.m, c.d, c.hh, c.mm, c.ss, c.ms);
    } else {
      std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                    static_cast<long long>(c.y), c.m, c.d, c.hh, c.mm, c.ss);
    }
    return buf;
  }
  char buf[24] = "0000-00-00T00:00:00.000";
  auto two = [&buf](size_t at, unsigned v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  auto y = static_cast<unsigned>(c.y);
  two(0, y / 100);
  two(2, y % 100);
  two(5, c.m);
  two(8, c.d);
  two(11, c.hh);
  two(14, c.mm);
  two(17, c.ss);
  if (!millis) {
    buf[19] = 'Z';
    return std::string(buf, 20);
  }
  buf[20] = static_cast<char>('0' + c.ms / 100);
  two(21, c.ms % 100);
  return std::string(buf, 23) + "Z";
}

}  // namespace

std::string FormatIso8601Millis(int64_t ms) { return FormatIso8601(ms, true); }

std::string FormatIso8601Seconds(int64_t ms) { return FormatIso8601(ms, false); }

std::string FormatAmzDate(int64_t ms) {
  Civil c = ToCivil(ms);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(c.y), c.m,
                c.d, c.hh, c.mm, c.ss);
  return buf;
}

std::string FormatHttpDate(int64_t ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = ToCivil(ms);
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t wd = ((days % 7) + 7) % 7;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02u %s %04lld %02u:%02u:%02u GMT", kDays[wd], c.d,
                kMonths[c.m - 1], static_cast<long long>(c.y), c.hh, c.mm, c.ss);
  return buf;
}

std::optional<int64_t> ParseIso8601(std::string_view s) {
  unsigned y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d))
    return std::nullopt;
  size_t pos = 10;
  int64_t millis = 0;
  int64_t offset_min = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
    if (!Digits(s, pos + 1, 2, &h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &mi))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &sec)) return std::nullopt;
      pos += 3;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100;
      size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        millis += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
    }
    if (pos >= s.size()) return std::nullopt;  // zone designator required
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      unsigned oh, om;
      if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
      size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (!Digits(s, p, 2, &om)) return std::nullopt;
      offset_min = sign * static_cast<int64_t>(oh * 60 + om);
      pos = p + 2;
    } else {
      return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
  }
  auto t = Compose(y, mo, d, h, mi, sec, millis);
  if (!t) return std::nullopt;
  return *t - offset_min * 60000;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  unsigned y, mo, d, h, mi, sec;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 4, 2, &mo) || !Digits(s, 6, 2, &d) || !Digits(s, 9, 2, &h) ||
      !Digits(s, 11, 2, &mi) || !Digits(s, 13, 2, &sec))
    return std::nullopt;
  return Compose(y, mo, d, h, mi, sec, 0);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  // "Thu, 01 Jan 2026 00:00:00 GMT"
  if (s.size() != 29 || s[3] != ',' || s.substr(26) != "GMT") return std::nullopt;
  unsigned d, y, h, mi, sec;
  if (!Digits(s, 5, 2, &d) || !Digits(s, 12, 4, &y) || !Digits(s, 17, 2, &h) ||
      !Digits(s, 20, 2, &mi) || !Digits(s, 23, 2, &sec))
    return std::nullopt;
  size_t mpos = kMonths.find(s.substr(8, 3));
  if (mpos == std::string_view::npos || mpos % 3) return std::nullopt;
  return Compose(y, static_cast<unsigned>(mpos / 3 + 1), d, h, mi, sec, 0);
}

}  // namespace orgtrail
