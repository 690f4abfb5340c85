// Keys of the SQLite store's sequence tables and prefix ranges (sqlite_internal.h).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/sqlite_internal.h"

namespace orgtrail::store::sqlite_internal {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The smallest 16-hex-digit key (as a number) that sorts after `after` byte by byte; nullopt
// when there is none.
std::optional<uint64_t> FirstKeyAfter(std::string_view after) {
  size_t m = 0;
  uint64_t h = 0;
  while (m < after.size() && m < 16 && HexValue(after[m]) >= 0) {
    h = h * 16 + static_cast<uint64_t>(HexValue(after[m]));
    ++m;
  }
  const size_t rest = 16 - m;  // digits of a key after the common part
  if (m == 16) {
    // The key equal to the first 16 bytes is `after` or a prefix of it: not after it.
    if (h == UINT64_MAX) return std::nullopt;
    return h + 1;
  }
  if (m == after.size()) return rest == 16 ? 0 : h << (4 * rest);  // keys extending `after`
  // after[m] is not a key digit: the keys whose next digit sorts after it, or the next prefix.
  const auto c = static_cast<unsigned char>(after[m]);
  for (size_t d = 0; d < 16; ++d) {
    if (static_cast<unsigned char>(kHexDigits[d]) > c) return (h * 16 + d) << (4 * (rest - 1));
  }
  if (m == 0 || h == (uint64_t{1} << (4 * m)) - 1) return std::nullopt;
  return (h + 1) << (4 * rest);
}

}  // namespace

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

std::optional<int64_t> SeqOfKey(std::string_view key) {
  if (key.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : key) {
    int d = HexValue(c);
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string KeyOfSeq(int64_t seq) {
  std::string out(16, '0');
  uint64_t v = static_cast<uint64_t>(seq);
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kHexDigits[v & 15];
  return out;
}

std::optional<std::pair<int64_t, int64_t>> SeqRange(std::string_view prefix,
                                                    std::string_view after) {
  if (prefix.size() > 16) return std::nullopt;
  uint64_t p = 0;
  for (char c : prefix) {
    int d = HexValue(c);
    if (d < 0) return std::nullopt;
    p = p * 16 + static_cast<uint64_t>(d);
  }
  const size_t rest = 16 - prefix.size();
  uint64_t lo = rest == 16 ? 0 : p << (4 * rest);
  uint64_t hi = rest == 16 ? UINT64_MAX : lo | ((uint64_t{1} << (4 * rest)) - 1);
  if (!after.empty()) {
    std::optional<uint64_t> first = FirstKeyAfter(after);
    if (!first) return std::nullopt;
    lo = std::max(lo, *first);
  }
  hi = std::min<uint64_t>(hi, INT64_MAX);
  if (lo > hi) return std::nullopt;
  return std::make_pair(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
}
}  // namespace orgtrail::store::sqlite_internal
