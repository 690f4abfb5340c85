// Digest signing keys (spec/cloudtrail.md §8.3): one RSA-2048 key pair per region, generated at
// first use and persisted; SHA256withRSA signatures; ListPublicKeys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace orgtrail::services::cloudtrail {

inline constexpr std::string_view kKeysTable = "cloudtrail_keys";
// Keys are valid for this long from their creation (orgtrail never rotates them).
inline constexpr int64_t kKeyValidityMs = int64_t{10} * 366 * 24 * 3600 * 1000;

struct SigningKey {
  std::string region;
  std::string private_pem;  // PKCS#8 PEM
  std::string public_der;   // DER PKCS#1 RSAPublicKey
  std::string fingerprint;  // hex MD5 of public_der
  int64_t created_ms = 0;
};

// The region's key, created (and persisted) on first use.
Result<SigningKey> KeyForRegion(store::Store& store, std::string_view region, int64_t now_ms);
// The region's key if it exists.
std::optional<SigningKey> ExistingKey(store::Store& store, std::string_view region);
// Lowercase hex RSA PKCS#1 v1.5 SHA-256 signature of `data`.
Result<std::string> SignSha256Rsa(const SigningKey& key, std::string_view data);

}  // namespace orgtrail::services::cloudtrail
