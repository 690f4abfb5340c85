// The Bloom filter of an event block (block_bloom.h).
#include "services/logs/block_bloom.h"

#include <algorithm>
#include <cstring>

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
  for (; i + 8 <= shared; i += 6) {
    uint64_t w, before;
    std::memcpy(&w, p + i, 8);
    std::memcpy(&before, prev.data() + i, 8);
    if (w != before) add6(w);
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
