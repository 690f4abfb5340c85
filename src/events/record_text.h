// The text writer of the record builder (record.cc): a record's fixed part (names, identity,
// times, ids) is appended to one string, field names as literals and values escaped exactly as
// RapidJSON's writer (WriteJson) escapes them, which costs a fraction of a writer call per
// field. Values of the request and response go through the writer (record.cc, Converted).
// Header-only: every piece is small and called for every field of every record.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/time_format.h"

namespace orgtrail::events::record_text {

// A record's text is appended through a cursor into room made ahead (the string resized a
// KiB at a time, then cut to what was written): each piece is a bounds check and a copy, most
// of them of a constant size, instead of a call into the string library per piece.
class RecordOut {
 public:
  // Room to the string's capacity (the record's reserve), or a step.
  explicit RecordOut(std::string& s) : s_(s), at_(s.size()) {
    s_.resize(std::max(s_.capacity(), at_ + kStep / 4));
  }
  ~RecordOut() { s_.resize(at_); }
  RecordOut(const RecordOut&) = delete;
  RecordOut& operator=(const RecordOut&) = delete;

  size_t size() const { return at_; }
  void append(const char* p, size_t n) {
    std::memcpy(Room(n), p, n);
    at_ += n;
  }
  void append(std::string_view v) { append(v.data(), v.size()); }
  void push_back(char c) {
    *Room(1) = c;
    ++at_;
  }
  void resize(size_t n) { at_ = std::min(at_, n); }  // cuts only

 private:
  static constexpr size_t kStep = 1024;
  char* Room(size_t n) {
    if (s_.size() - at_ < n) s_.resize(std::max(s_.size() * 2, at_ + n + kStep));
    return s_.data() + at_;
  }
  std::string& s_;
  size_t at_;  // the end of what was written
};

// Whether the 8 bytes at `p` are all plain (printable ASCII but for the quote and the
// backslash): no byte below 0x20 or from 0x80, none equal to '"' or '\\'.
inline bool PlainWord(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  const uint64_t quote = x ^ (kOnes * '"');
  const uint64_t backslash = x ^ (kOnes * '\\');
  // A byte below n (n <= 0x80) sets its high bit in (x - n) & ~x; exact for "any byte".
  const uint64_t special = ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) |
                           ((backslash - kOnes) & ~backslash) | x;
  return (special & kHigh) == 0;
}

// Whether every byte of `s` is plain, eight at a time (the last few padded with plain bytes).
inline bool Plain(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if (!PlainWord(s.data() + i)) return false;
  }
  if (i == s.size()) return true;
  char tail[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
  std::memcpy(tail, s.data() + i, s.size() - i);
  return PlainWord(tail);
}

// Appends `s` as a JSON string, byte for byte what WriteJson(Value(s)) writes.
inline void AppendString(RecordOut& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const size_t start = out.size();
  out.push_back('"');
  if (Plain(s)) {  // most of a record's values: copied as they are
    out.append(s);
    out.push_back('"');
    return;
  }
  size_t run = 0;  // start of the bytes not yet copied
  // Bytes copied as they are: printable ASCII but for the quote and the backslash.
  static constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
    return plain;
  }();
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight plain bytes at a time (most of a record's text), then byte by byte.
    while (i + 8 <= s.size() && PlainWord(s.data() + i)) i += 8;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) continue;
    if (c >= 0x80) {  // UTF-8 to check (invalid bytes become U+FFFD): the writer's way
      out.resize(start);
      out.append(WriteJson(Value(s)));
      return;
    }
    out.append(s.substr(run, i - run));
    run = i + 1;
    out.push_back('\\');
    switch (c) {
      case '"':
      case '\\':
        out.push_back(static_cast<char>(c));
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\t':
        out.push_back('t');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\r':
        out.push_back('r');
        break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

// `,"name":`, a member's name as one constant (without the comma for a first member).
template <size_t N>
struct MemberName {
  static constexpr size_t kSize = N + 3;  // the comma, quotes and colon; N counts the NUL
  char text[kSize] = {};
  constexpr MemberName(const char (&name)[N]) {  // NOLINT(google-explicit-constructor)
    text[0] = ',';
    text[1] = '"';
    for (size_t i = 0; i + 1 < N; ++i) text[2 + i] = name[i];
    text[N + 1] = '"';
    text[N + 2] = ':';
  }
};

// Appends `,"name":<string>` (`first`: without the comma).
template <MemberName kName>
void Member(RecordOut& out, std::string_view value, bool first = false) {
  out.append(kName.text + first, kName.kSize - first);
  AppendString(out, value);
}

// Appends `,"name":"<time>"` in ISO 8601 to the second (FormatIso8601Seconds's text, written in
// place: the times of a record need no escaping).
template <MemberName kName>
void MemberTime(RecordOut& out, int64_t ms, bool first = false) {
  using namespace std::chrono;
  const sys_seconds t{seconds(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    Member<kName>(out, FormatIso8601Seconds(ms), first);
    return;
  }
  char buf[] = "\"0000-00-00T00:00:00Z\"";
  auto two = [&buf](size_t at, unsigned v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(1, static_cast<unsigned>(y) / 100);
  two(3, static_cast<unsigned>(y) % 100);
  two(6, static_cast<unsigned>(ymd.month()));
  two(9, static_cast<unsigned>(ymd.day()));
  two(12, static_cast<unsigned>(hms.hours().count()));
  two(15, static_cast<unsigned>(hms.minutes().count()));
  two(18, static_cast<unsigned>(hms.seconds().count()));
  out.append(kName.text + first, kName.kSize - first);
  out.append(buf, sizeof buf - 1);
}

}  // namespace orgtrail::events::record_text
