// IdSource: every random identifier orgtrail mints (request ids, account ids, access keys,
// session tokens, receipt handles) comes from here (DESIGN.md §5). Production seeds it from the
// operating system once; tests seed it with a constant for reproducible ids.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace orgtrail {

class IdSource {
 public:
  explicit IdSource(uint64_t seed) : rng_(seed) {}
  static IdSource FromEntropy();  // seeded from OpenSSL's RAND_bytes

  uint64_t NextU64();
  // `n` characters drawn uniformly from `alphabet`.
  std::string Chars(size_t n, std::string_view alphabet);
  std::string Uuid();                 // RFC 4122 version 4, lower case
  std::string S3RequestId();          // 16 upper-case hex characters
  std::string Base64Bytes(size_t n);  // base64 of n random bytes (S3 x-amz-id-2, tokens)

  static constexpr std::string_view kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static constexpr std::string_view kLowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789";
  static constexpr std::string_view kSecret =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace orgtrail
