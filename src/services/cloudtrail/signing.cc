#include "services/cloudtrail/signing.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json.h"

namespace orgtrail::services::cloudtrail {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::mutex& KeyMutex() {
  static std::mutex mu;
  return mu;
}

Value KeyRow(const SigningKey& k) {
  return Value::MakeMap()
      .Set("private_pem", k.private_pem)
      .Set("public_der_b64", Base64Encode(k.public_der))
      .Set("fingerprint", k.fingerprint)
      .Set("created_ms", k.created_ms);
}

Result<SigningKey> Generate(std::string_view region, int64_t now_ms) {
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) <= 0 ||
      EVP_PKEY_generate(ctx.get(), &raw) <= 0)
    return InternalFailure("cannot generate the digest signing key");
  Pkey key(raw);
  SigningKey out;
  out.region = std::string(region);
  out.created_ms = now_ms;
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
    return InternalFailure("cannot encode the digest signing key");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  out.private_pem.assign(data, static_cast<size_t>(len));
  // DER PKCS#1 RSAPublicKey ("type-specific" encoding of the public key).
  unsigned char* der = nullptr;
  int der_len = i2d_PublicKey(key.get(), &der);
  if (der_len <= 0) return InternalFailure("cannot encode the digest public key");
  out.public_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  out.fingerprint = HexEncode(Md5(out.public_der));
  return out;
}

}  // namespace

std::optional<SigningKey> ExistingKey(store::Store& store, std::string_view region) {
  auto text = store.Get(kKeysTable, region);
  if (!text) return std::nullopt;
  auto row = ParseJson(*text);
  if (!row.ok()) return std::nullopt;
  SigningKey k;
  k.region = std::string(region);
  k.private_pem = row->GetString("private_pem");
  k.public_der = Base64Decode(row->GetString("public_der_b64")).value_or("");
  k.fingerprint = row->GetString("fingerprint");
  k.created_ms = (*row)["created_ms"].AsInt();
  return k;
}

Result<SigningKey> KeyForRegion(store::Store& store, std::string_view region, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(KeyMutex());
  if (auto k = ExistingKey(store, region)) return *k;
  ORGTRAIL_TRY(SigningKey k, Generate(region, now_ms));
  ORGTRAIL_CHECK(store.Put(kKeysTable, region, KeyRow(k).ToJson()));
  return k;
}

Result<std::string> SignSha256Rsa(const SigningKey& key, std::string_view data) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(key.private_pem.data(), static_cast<int>(key.private_pem.size())));
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return InternalFailure("cannot read the digest signing key");
  std::unique_ptr<EVP_MD_CTX, MdFree> md(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) <= 0 ||
      EVP_DigestSignUpdate(md.get(), data.data(), data.size()) <= 0 ||
      EVP_DigestSignFinal(md.get(), nullptr, &sig_len) <= 0)
    return InternalFailure("cannot sign the digest");
  std::string sig(sig_len, '\0');
  if (EVP_DigestSignFinal(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len) <= 0)
    return InternalFailure("cannot sign the digest");
  sig.resize(sig_len);
  return HexEncode(sig);
}

}  // namespace orgtrail::services::cloudtrail
