// The Bloom filter of an event block (block_bloom.h).
#include "services/logs/block_bloom.h"

#include <algorithm>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace orgtrail::services::logs {
namespace {

inline uint32_t TrigramBit(const unsigned char* p) {
  uint64_t h = ((uint64_t{p[0]} << 16) | (uint64_t{p[1]} << 8) | p[2]) * 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(h >> 47);
}

// Sets the bit of the trigram held in bits kShift..kShift+23 of `b` (TrigramBit's bit).
template <int kShift>
inline void SetTrigramBit(unsigned char* bits, uint64_t b) {
  uint64_t h = ((b >> kShift) & 0xFFFFFF) * 0x9E3779B97F4A7C15ull;
  uint32_t a = static_cast<uint32_t>(h >> 47);
  bits[a >> 3] |= static_cast<unsigned char>(1u << (a & 7));
}

// The first byte at or after `from` where a[] and b[] differ, `n` when they agree up to `n`:
// sixteen bytes at a time (SSE2, part of every x86-64), else eight.
size_t FirstDifference(const unsigned char* a, const unsigned char* b, size_t from, size_t n) {
  size_t i = from;
#ifdef __SSE2__
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    unsigned differ = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y))) ^ 0xFFFFu;
    if (differ != 0) return i + static_cast<size_t>(__builtin_ctz(differ));
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) {
      for (; a[i] == b[i]; ++i) {
      }
      return i;
    }
  }
  for (; i < n; ++i)
    if (a[i] != b[i]) return i;
  return n;
}

}  // namespace

void BloomAdd(std::string& bloom, std::string_view text, std::string_view prev) {
  if (bloom.size() != kBloomBits / 8) bloom.assign(kBloomBits / 8, '\0');
  auto* bits = reinterpret_cast<unsigned char*>(bloom.data());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t shared = std::min(text.size(), prev.size());
  size_t i = 0;
  // Six trigrams per 8-byte load, the same bits as TrigramBit: byte-swapped, the load has p[i]
  // in its top byte, and trigram k is the 24 bits below bit 64 - 8k.
  auto add6 = [bits](uint64_t w) {
    uint64_t b = __builtin_bswap64(w);
    SetTrigramBit<40>(bits, b);
    SetTrigramBit<32>(bits, b);
    SetTrigramBit<24>(bits, b);
    SetTrigramBit<16>(bits, b);
    SetTrigramBit<8>(bits, b);
    SetTrigramBit<0>(bits, b);
  };
  // The loads at i, i+6, ... within both texts: one that differs from prev's holds a differing
  // byte, so the equal ones are skipped by finding the next differing byte (sixteen bytes
  // compared at a time) and moving to the first load that holds it. The loads hashed are those
  // a load-by-load comparison would hash.
  const auto* q = reinterpret_cast<const unsigned char*>(prev.data());
  while (i + 8 <= shared) {
    const size_t d = FirstDifference(p, q, i, shared);
    if (d == shared) {
      i += (shared - 8 - i) / 6 * 6 + 6;  // every load left within both texts is equal
      break;
    }
    if (d >= i + 8) i += (d - i - 7 + 5) / 6 * 6;  // the first load at or after i holding d
    if (i + 8 > shared) break;
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    add6(w);
    i += 6;
  }
  for (; i + 8 <= text.size(); i += 6) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    add6(w);
  }
  for (; i + 3 <= text.size(); ++i) {
    uint32_t a = TrigramBit(p + i);
    bits[a >> 3] |= static_cast<unsigned char>(1u << (a & 7));
  }
}

bool BloomMayContain(std::string_view bloom, const std::vector<std::string>& literals) {
  if (bloom.size() != kBloomBits / 8) return true;
  const auto* bits = reinterpret_cast<const unsigned char*>(bloom.data());
  for (const std::string& lit : literals) {
    const auto* p = reinterpret_cast<const unsigned char*>(lit.data());
    for (size_t i = 0; i + 3 <= lit.size(); ++i) {
      uint32_t a = TrigramBit(p + i);
      if (!(bits[a >> 3] & (1u << (a & 7)))) return false;
    }
  }
  return true;
}

}  // namespace orgtrail::services::logs
