// Helpers shared by the verifier's translation units (sigv4.cc, sigv2.cc, chunked.cc,
// verify.cc). Not part of the auth interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "auth/verify.h"
#include "core/encoding.h"
#include "http/message.h"

namespace orgtrail::auth::internal {

using VerifyResult = std::variant<Verified, AuthError>;

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kAlgorithmV4a = "AWS4-ECDSA-P256-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingV4aPrefix = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";
inline constexpr int64_t kMaxPresignExpiresSeconds = 604800;

inline AuthError MakeError(AuthErrorKind kind, std::string message,
                           std::vector<std::pair<std::string, std::string>> fields = {}) {
  return AuthError{kind, std::move(message), std::move(fields)};
}

// kMalformedAuthorization; S3 words it "The authorization header is malformed; <detail>".
AuthError Malformed(const VerifyOptions& opts, std::string detail);
// kSignatureMismatch with the per-protocol message (S3 adds the diagnostic fields when given).
AuthError SignatureMismatch(const VerifyOptions& opts,
                            std::vector<std::pair<std::string, std::string>> fields = {});

// "41 57 53" (lower-case hex bytes separated by one space), as S3 renders *Bytes fields.
std::string SpacedHex(std::string_view bytes);
// A window in minutes as AWS prints it: "15", "5", "0.5".
std::string FormatMinutes(int64_t ms);
bool IsLowerHex64(std::string_view s);

// Decoded query parameters ('+' stays literal), in arrival order.
Params DecodedQuery(std::string_view raw_query);
const std::string* FindParam(const Params& params, std::string_view key);

// Every value of a header (ASCII case-insensitive), in arrival order.
std::vector<std::string_view> HeaderValues(const http::Request& req, std::string_view name);

// Clock window (spec/wire.md §5.10). `request_time_text` is what S3 reports as RequestTime.
std::optional<AuthError> CheckSkew(const VerifyOptions& opts, int64_t request_ms,
                                   std::string_view request_time_text);
// Key lookup and session-token binding (spec/wire.md §5.4 steps 5-6, §5.9).
std::optional<AuthError> CheckCredentials(const VerifyOptions& opts, const KeyLookup& lookup,
                                          std::string_view access_key_id,
                                          std::string_view presented_token, KeySecret* out);
// S3: every x-amz-* request header must be signed (spec/wire.md §5.4 step 7).
std::optional<AuthError> CheckHeadersSigned(const http::Request& req,
                                            const std::vector<std::string>& signed_headers);

// `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`, parsed
// tolerantly: any whitespace after the commas, parts in any order (spec/wire.md §5.1).
struct AuthHeaderParts {
  std::string algorithm;
  std::optional<std::string> credential, signed_headers, signature;
  std::string bad_part;  // first part without '=', if any
};
AuthHeaderParts ParseAuthorization(std::string_view header);

// The pieces of a SigV4 canonical request (spec/wire.md §5.2).
struct CanonicalRequestParts {
  std::string text;
  bool missing_signed_header = false;  // a header named in SignedHeaders is absent
};
CanonicalRequestParts BuildCanonicalRequest(const http::Request& req,
                                            const std::vector<std::string>& signed_headers,
                                            std::string_view signed_headers_text, bool s3,
                                            bool presigned, std::string_view hashed_payload);
// Lower-cased, ';'-separated names; empty names dropped.
std::vector<std::string> SplitSignedHeaders(std::string_view text);

// SigV4 header / presigned query and SigV2 (query or header) verification.
VerifyResult VerifySigV4Header(http::Request& req, const VerifyOptions& opts,
                               const KeyLookup& lookup);
VerifyResult VerifySigV4Query(http::Request& req, const VerifyOptions& opts,
                              const KeyLookup& lookup);
VerifyResult VerifySigV2(http::Request& req, const VerifyOptions& opts, const KeyLookup& lookup,
                         bool query);

// S3 payload stage (spec/wire.md §5.4 step 9, §5.5, §5.6): body hash, aws-chunked decoding
// (signed when `signing` is given), trailer checksums, x-amz-checksum-* and Content-MD5.
// `content_sha256` is the X-Amz-Content-SHA256 mode ("" when absent).
std::optional<AuthError> VerifyS3Payload(http::Request& req, std::string_view content_sha256,
                                         const ChunkSigning* signing);

// Incremental aws-chunked decoding (spec/wire.md §5.6, §5.7): bytes go in as they come, in
// pieces of any size; decoded object bytes go to `sink` (false from the sink stops decoding with
// kIncompleteBody). Chunk signatures are checked as each chunk ends, the trailer signature at
// Finish(). Memory stays bounded by one framing line and the trailer section.
class AwsChunkedDecoder {
 public:
  using Sink = std::function<bool(std::string_view)>;
  AwsChunkedDecoder(const ChunkSigning* signing, Sink sink);
  ~AwsChunkedDecoder();
  AwsChunkedDecoder(const AwsChunkedDecoder&) = delete;
  AwsChunkedDecoder& operator=(const AwsChunkedDecoder&) = delete;
  std::optional<AuthError> Feed(std::string_view bytes);
  // The end of the body: trailers in arrival order (without x-amz-trailer-signature).
  std::variant<std::vector<std::pair<std::string, std::string>>, AuthError> Finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace orgtrail::auth::internal
