#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <zlib.h>

#include "core/encoding.h"

namespace orgtrail {
namespace {
std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}
std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}
}  // namespace

// Above this size OpenSSL's SHA-NI/AVX code is worth its set-up cost. Measured on the 2-core
// machine of docs/performance.md (SHA-256 of n bytes, libsodium / OpenSSL EVP_Digest): 1 KiB
// 6.0 / 1.4 us, 4 KiB 19.4 / 4.0 us, 16 KiB 84.9 / 14.9 us; so only short inputs (the empty or
// small payloads of most signed calls, which keep OpenSSL out of an idle server) stay on
// libsodium.
constexpr size_t kSmallDigestInput = 1024;

// Fetched once, like MD5 below: EVP_sha256() makes every EVP_Digest and EVP_DigestInit_ex look
// the algorithm up in the provider store again. Fetched on first use, so an idle server that
// only hashed short inputs still has not loaded OpenSSL's providers.
namespace {
const EVP_MD* FetchedSha256() {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256 ? sha256 : EVP_sha256();
}
}  // namespace

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string Sha256(std::string_view data) {
  if (data.size() >= kSmallDigestInput || !SodiumReady()) return Digest(FetchedSha256(), data);
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}
std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }
std::string Sha1(std::string_view data) { return Digest(EVP_sha1(), data); }
// Fetched once: EVP_md5() makes every EVP_Digest look the algorithm up in the provider store again
// (locks and hash lookups that cost as much as hashing a 1 KiB S3 body).
std::string Md5(std::string_view data) {
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  return Digest(md5 ? md5 : EVP_md5(), data);
}
std::string HmacSha256(std::string_view key, std::string_view data) {
  if (data.size() >= kSmallDigestInput || !SodiumReady()) return Hmac(FetchedSha256(), key, data);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}
std::string HmacSha1(std::string_view key, std::string_view data) {
  return Hmac(EVP_sha1(), key, data);
}

uint32_t Crc32(std::string_view data, uint32_t crc) {
  uLong c = crc;
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  size_t left = data.size();
  while (left > 0) {
    uInt chunk = left > (1u << 30) ? (1u << 30) : static_cast<uInt>(left);
    c = crc32(c, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<uint32_t>(c);
}

uint32_t Crc32c(std::string_view data, uint32_t crc) {
  // Castagnoli polynomial, reflected (0x82F63B78), table-driven. Neither OpenSSL nor zlib
  // provides CRC32C; this is the checksum S3 accepts as x-amz-checksum-crc32c.
  static const auto kTable = [] {
    struct T {
      uint32_t v[256];
    } t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t.v[i] = c;
    }
    return t;
  }();
  uint32_t c = ~crc;
  for (unsigned char b : data) c = kTable.v[(c ^ b) & 0xFF] ^ (c >> 8);
  return ~c;
}

bool SecureEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), FetchedSha256(), nullptr);
}
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Stream::Update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}
std::string Sha256Stream::Final() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

struct MultiDigest::State {
  std::string name;
  EVP_MD_CTX* ctx = nullptr;  // md5, sha1, sha256
  uint32_t crc = 0;           // crc32, crc32c
};

MultiDigest::MultiDigest() = default;

MultiDigest::~MultiDigest() {
  for (State& s : states_) EVP_MD_CTX_free(s.ctx);
}

bool MultiDigest::Add(std::string_view name) {
  if (Has(name)) return true;
  const EVP_MD* md = name == "md5"      ? EVP_md5()
                     : name == "sha1"   ? EVP_sha1()
                     : name == "sha256" ? FetchedSha256()
                                        : nullptr;
  if (!md && name != "crc32" && name != "crc32c") return false;
  State s;
  s.name = std::string(name);
  if (md) {
    s.ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(s.ctx, md, nullptr);
  }
  states_.push_back(std::move(s));
  return true;
}

bool MultiDigest::Has(std::string_view name) const {
  for (const State& s : states_)
    if (s.name == name) return true;
  return false;
}

void MultiDigest::Update(std::string_view data) {
  for (State& s : states_) {
    if (s.ctx) {
      EVP_DigestUpdate(s.ctx, data.data(), data.size());
    } else if (s.name == "crc32") {
      s.crc = Crc32(data, s.crc);
    } else {
      s.crc = Crc32c(data, s.crc);
    }
  }
}

std::vector<std::pair<std::string, std::string>> MultiDigest::Final() {
  std::vector<std::pair<std::string, std::string>> out;
  for (State& s : states_) {
    std::string digest;
    if (s.ctx) {
      unsigned char buf[EVP_MAX_MD_SIZE];
      unsigned int n = 0;
      EVP_DigestFinal_ex(s.ctx, buf, &n);
      digest.assign(reinterpret_cast<char*>(buf), n);
    } else {
      for (int i = 0; i < 4; ++i) digest.push_back(static_cast<char>(s.crc >> (24 - 8 * i)));
    }
    out.emplace_back(s.name, std::move(digest));
  }
  return out;
}

}  // namespace orgtrail
