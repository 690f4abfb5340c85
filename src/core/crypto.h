// Digests and MACs, on OpenSSL 3, libsodium and zlib. Every function returns raw bytes unless
// named *Hex. SHA-256 and HMAC-SHA256 of small inputs (SigV4's key derivation, canonical
// requests, string to sign) use libsodium: direct calls that spare the OpenSSL 3 provider
// machinery about 2 MiB of resident memory on the request path (docs/performance.md); large
// inputs use OpenSSL's SHA extensions. Both compute the same standard digests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgtrail {

std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::string Sha1(std::string_view data);
std::string Md5(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);
uint32_t Crc32(std::string_view data, uint32_t crc = 0);
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// Constant-time comparison of two byte strings.
bool SecureEquals(std::string_view a, std::string_view b);

// Incremental SHA-256 for streamed bodies.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  std::string Final();  // raw 32 bytes

 private:
  void* ctx_;
};

// Several digests of one stream in a single pass: any of "md5", "sha1", "sha256" (OpenSSL EVP),
// "crc32" (zlib) and "crc32c". Final() gives each as raw bytes (CRCs as 4 big-endian bytes).
class MultiDigest {
 public:
  MultiDigest();
  ~MultiDigest();
  MultiDigest(const MultiDigest&) = delete;
  MultiDigest& operator=(const MultiDigest&) = delete;
  // Adds an algorithm (before the first Update); false if the name is not one of the above.
  bool Add(std::string_view name);
  bool Has(std::string_view name) const;
  void Update(std::string_view data);
  std::vector<std::pair<std::string, std::string>> Final();

 private:
  struct State;
  std::vector<State> states_;
};

}  // namespace orgtrail
