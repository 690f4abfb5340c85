#include "core/ids.h"

#include <sodium.h>

#include "core/encoding.h"

namespace orgtrail {

IdSource IdSource::FromEntropy() {
  uint64_t seed = 0;
  if (sodium_init() >= 0) {
    randombytes_buf(&seed, sizeof(seed));  // getrandom(2)
  } else {
    seed = static_cast<uint64_t>(std::random_device{}()) << 32 ^ std::random_device{}();
  }
  return IdSource(seed);
}

uint64_t IdSource::NextU64() {
  std::lock_guard<std::mutex> lock(mu_);
  return rng_();
}

std::string IdSource::Chars(size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  std::lock_guard<std::mutex> lock(mu_);
  std::uniform_int_distribution<size_t> dist(0, alphabet.size() - 1);
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[dist(rng_)]);
  return out;
}

std::string IdSource::Uuid() {
  uint64_t hi = NextU64();
  uint64_t lo = NextU64();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  std::string h = HexEncode(std::string_view(reinterpret_cast<const char*>(&hi), 8)) +
                  HexEncode(std::string_view(reinterpret_cast<const char*>(&lo), 8));
  // Byte order of the raw integers does not matter for randomness; only the version and
  // variant nibbles must sit where RFC 4122 puts them.
  h[12] = '4';
  static constexpr char kVariant[] = "89ab";
  h[16] = kVariant[(lo >> 3) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::string IdSource::S3RequestId() { return Chars(16, "0123456789ABCDEF"); }

std::string IdSource::Base64Bytes(size_t n) {
  std::string raw;
  raw.reserve(n);
  while (raw.size() < n) {
    uint64_t r = NextU64();
    for (int i = 0; i < 8 && raw.size() < n; ++i) raw.push_back(static_cast<char>(r >> (8 * i)));
  }
  return Base64Encode(raw);
}

}  // namespace orgtrail
