#include "core/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <zlib.h>

#include <atomic>
#include <boost/crc.hpp>

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

// Short inputs (the canonical request and the HMAC of every SigV4 signature) go to libsodium
// while the process is young: OpenSSL 3's provider start-up makes ~2 MiB resident, which an idle
// server that answered a few signed calls should not carry (docs/performance.md, "Idle RSS").
// Once OpenSSL is loaded anyway (a hash of 1 KiB or more: a payload, an S3 body) or after
// kYoungShortHashes short hashes (the server is busy, not idle), they go to OpenSSL through
// per-thread contexts: its SHA-NI code is several times faster than libsodium's portable C
// (on the machine of docs/performance.md: SHA-256 of 560 bytes 4.1 / 0.64 us, HMAC-SHA256 of
// 150 bytes 3.2 / 1.1 us; 1 KiB 6.0 / 1.4 us with a context made per call).
constexpr size_t kSmallDigestInput = 1024;
constexpr uint32_t kYoungShortHashes = 1000;

std::atomic<bool> openssl_loaded{false};
std::atomic<uint32_t> short_hashes{0};

// Fetched once, like MD5 below: EVP_sha256() makes every EVP_Digest and EVP_DigestInit_ex look
// the algorithm up in the provider store again.
const EVP_MD* FetchedSha256() {
  static EVP_MD* const sha256 = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    openssl_loaded.store(true, std::memory_order_relaxed);
    return md;
  }();
  return sha256 ? sha256 : EVP_sha256();
}

// This thread's SHA-256 digest and HMAC-SHA256 contexts, made on first use and reset by each
// call (no allocation per hash).
struct ThreadContexts {
  EVP_MD_CTX* md = nullptr;
  EVP_MAC_CTX* hmac = nullptr;
  ThreadContexts() = default;
  ThreadContexts(const ThreadContexts&) = delete;
  ThreadContexts& operator=(const ThreadContexts&) = delete;
  ~ThreadContexts() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(hmac);
  }
};
thread_local ThreadContexts thread_contexts;

EVP_MAC_CTX* ThreadHmac() {
  ThreadContexts& t = thread_contexts;
  if (t.hmac != nullptr) return t.hmac;
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  t.hmac = ctx;
  return ctx;
}

std::string OpenSslSha256(std::string_view data) {
  ThreadContexts& t = thread_contexts;
  if (t.md == nullptr) t.md = EVP_MD_CTX_new();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (t.md == nullptr || EVP_DigestInit_ex2(t.md, FetchedSha256(), nullptr) != 1 ||
      EVP_DigestUpdate(t.md, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(t.md, out, &n) != 1) {
    return Digest(FetchedSha256(), data);
  }
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string OpenSslHmacSha256(std::string_view key, std::string_view data) {
  (void)FetchedSha256();  // marks OpenSSL as loaded
  // An empty key would make EVP_MAC_init keep the context's previous key: the one-shot HMAC.
  EVP_MAC_CTX* ctx = key.empty() ? nullptr : ThreadHmac();
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t n = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) !=
          1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &n, sizeof out) != 1) {
    return Hmac(FetchedSha256(), key, data);
  }
  return std::string(reinterpret_cast<char*>(out), n);
}

}  // namespace

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

namespace {

bool UseOpenSsl(size_t size) {
  if (size >= kSmallDigestInput || openssl_loaded.load(std::memory_order_relaxed)) return true;
  if (short_hashes.fetch_add(1, std::memory_order_relaxed) >= kYoungShortHashes) return true;
  return !SodiumReady();
}

}  // namespace

std::string Sha256(std::string_view data) {
  if (UseOpenSsl(data.size())) return OpenSslSha256(data);
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
  if (UseOpenSsl(data.size())) return OpenSslHmacSha256(key, data);
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
  // CRC-32C (Castagnoli, reflected; S3's x-amz-checksum-crc32c) from Boost.CRC: neither OpenSSL
  // nor zlib provides it. To continue from `crc`, the register starts at its complement (the
  // final value is the register's complement); Boost takes the initial register unreflected.
  uint32_t start = 0;
  for (uint32_t v = ~crc, i = 0; i < 32; ++i, v >>= 1) start = (start << 1) | (v & 1);
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> c(start);
  c.process_bytes(data.data(), data.size());
  return c.checksum();
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
