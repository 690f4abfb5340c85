// Request authentication: AWS Signature Version 4 (header and presigned query), S3's SigV2 query
// and header forms, S3 payload modes (spec/wire.md §5). Pure: no clock, no storage, no globals;
// the caller passes the wall time and a key lookup.
//
// Verification order (spec/wire.md §5.4): detect method, parse, scope, clock window, key lookup,
// session token, S3 unsigned x-amz-* headers, signature, payload.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/message.h"

namespace orgtrail::auth {

enum class AuthMethod { kAnonymous, kSigV4Header, kSigV4Query, kSigV2Query, kSigV2Header };

// Credential scope, readable before verification (routing uses its service name).
struct Scope {
  AuthMethod method = AuthMethod::kAnonymous;
  std::string access_key_id;
  std::string date;     // yyyymmdd (SigV4 only)
  std::string region;   // SigV4 only
  std::string service;  // SigV4 only: "s3", "sts", "monitoring", ...
};
// Detects the method and reads the scope without verifying anything. A malformed SigV4
// Authorization header still reports kSigV4Header (with whatever could be read).
Scope PeekScope(const http::Request& req);

// What the verifier needs to know about an access key.
struct KeySecret {
  std::string secret;
  std::string session_token;  // non-empty: temporary credentials; the request must carry it
  bool expired = false;       // temporary credentials past their expiry (orgtrail clock)
};
using KeyLookup = std::function<std::optional<KeySecret>(std::string_view access_key_id)>;

// Failure kinds. The gateway renders each per protocol (spec/wire.md §5.11); `message` holds
// the AWS text where the text does not depend on the protocol. Where S3 words a failure
// differently (malformed header, missing date, unknown key, expired token, skew, mismatch),
// the message follows VerifyOptions::s3.
enum class AuthErrorKind {
  kMissingAuthentication,   // no signature on a service that requires one
  kMalformedAuthorization,  // Authorization header cannot be parsed
  kMissingDate,             // neither X-Amz-Date nor Date
  kWrongScope,              // scope service/date does not fit the request
  kSkewed,                  // request time outside the window
  kUnknownKey,              // unknown access key, or session token missing/mismatched
  kExpiredToken,            // temporary credentials expired
  kSignatureMismatch,       // computed signature differs (also chunk signatures)
  kHeadersNotSigned,        // S3: x-amz-* headers present but not signed
  kPresignParamsMissing,    // SigV4 query: a required X-Amz-* parameter missing
  kPresignExpiresTooLarge,  // X-Amz-Expires > 604800
  kPresignExpired,          // presigned URL past its expiry
  kSigV2ParamsMissing,      // SigV2 query: Signature/Expires/AWSAccessKeyId missing
  kSigV2Expired,            // SigV2 query: Expires in the past
  kMissingContentSha256,    // S3 SigV4 header auth without x-amz-content-sha256
  kContentSha256Mismatch,   // S3 body hash differs from x-amz-content-sha256
  kIncompleteBody,          // aws-chunked decoded length differs
  kBadDigest,               // checksum (trailer / x-amz-checksum-* / Content-MD5) mismatch
  kInvalidDigest,           // malformed Content-MD5
  kNotImplemented,          // SigV4a and other unsupported modes
};

struct AuthError {
  AuthErrorKind kind;
  std::string message;
  // Extra members, e.g. S3 StringToSign, CanonicalRequest, RequestTime, ServerTime, ...
  std::vector<std::pair<std::string, std::string>> fields;
};

struct VerifyOptions {
  std::string_view service;  // signing name of the routed service: "s3", "sts", "monitoring"
  bool s3 = false;           // S3 rules: raw canonical URI, payload modes, SigV2, x-amz-* check
  int64_t wall_now_ms = 0;   // wall clock (never the orgtrail clock)
  int64_t max_skew_ms = 15 * 60 * 1000;
  // S3 virtual-host style: the bucket named by Host. SigV2 signs the canonical resource
  // /<bucket>/<key> whatever the addressing style (spec/wire.md §3.3); empty for path style.
  std::string_view s3_vhost_bucket;
};

struct Verified {
  AuthMethod method = AuthMethod::kAnonymous;
  std::string access_key_id;
  std::string region;  // scope region; "us-east-1" for SigV2
  int64_t request_time_ms = 0;
  std::string session_token;  // as presented, "" if none
};

// Verifies `req`. Anonymous requests (no signature at all) come back as Verified with
// method kAnonymous; the caller decides whether the service accepts them. For aws-chunked
// payloads the body is decoded in place (req.body becomes the object bytes), Content-Encoding
// loses its aws-chunked token, Content-Length (when present) becomes the decoded length, and
// each trailer (e.g. x-amz-checksum-crc32) is added as a request header unless already present,
// so that later stages see one shape whatever the transfer mode.
std::variant<Verified, AuthError> Verify(http::Request& req, const VerifyOptions& opts,
                                         const KeyLookup& lookup);

// --- Pure SigV4 steps (exposed for tests, fuzzing and the signing client in tests/bench) ---

std::string CanonicalUri(std::string_view raw_path, bool s3);
std::string CanonicalQueryString(std::string_view raw_query, bool exclude_signature);
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);  // raw bytes
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// aws-chunked bodies (spec/wire.md §5.6, §5.7). With `signing`, every chunk signature is
// checked (chain seeded by the request signature) and, when trailers are present, the
// x-amz-trailer-signature too; without it chunk extensions are ignored.
struct ChunkSigning {
  std::string signing_key;     // raw bytes, SigningKey(...)
  std::string amz_date;        // YYYYMMDDTHHMMSSZ
  std::string scope;           // yyyymmdd/region/service/aws4_request
  std::string seed_signature;  // hex signature of the request headers
};
struct AwsChunkedBody {
  std::string data;  // the decoded object bytes
  // Trailer lines in arrival order (lower-cased names, trimmed values), without
  // x-amz-trailer-signature.
  std::vector<std::pair<std::string, std::string>> trailers;
};
// Malformed framing → kIncompleteBody; chunk or trailer signature mismatch → kSignatureMismatch.
std::variant<AwsChunkedBody, AuthError> DecodeAwsChunked(std::string_view body,
                                                         const ChunkSigning* signing);

// The digests (MultiDigest names) the S3 payload check of a request with this header will need
// of its body as it arrives: md5 (ETag, Content-MD5), the checksums its headers name, sha256
// when X-Amz-Content-SHA256 is a hash; none for an aws-chunked body (STREAMING-*), whose object
// bytes are hashed as they are decoded. A spooled body's digests computed in advance
// (http::SpooledBody::digests) spare that check a pass over the file.
std::vector<std::string> SpoolDigests(const http::Request& head);

// Signs a request with SigV4 header auth (adds X-Amz-Date, X-Amz-Content-SHA256 for s3,
// X-Amz-Security-Token if a token is given, and Authorization). For tests and benchmarks.
// Signs every header except Authorization, Expect, User-Agent and X-Amzn-Trace-Id (as botocore
// does); adds `Host: localhost` when the request has no Host. An X-Amz-Content-SHA256 already
// present (UNSIGNED-PAYLOAD, a streaming mode) is kept and signed as is.
void SignRequest(http::Request& req, std::string_view access_key, std::string_view secret,
                 std::string_view region, std::string_view service, int64_t now_ms,
                 std::string_view session_token = "");

}  // namespace orgtrail::auth
