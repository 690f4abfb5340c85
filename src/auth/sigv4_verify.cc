// SigV4 verification: Authorization header and presigned query (spec/wire.md §5.4, §5.8;
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
#include <algorithm>

#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth::internal {
namespace {

constexpr std::string_view kPresignMissing =
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
    "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
constexpr std::string_view kHostNotSigned =
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

struct Credential {
  std::string access_key_id, date, region, service;
  std::string Scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

// "AKID/yyyymmdd/region/service/aws4_request". Returns the problem, or "" when well formed.
std::string ParseCredential(std::string_view text, Credential* out) {
  std::vector<std::string_view> parts = Split(text, '/');
  if (parts.size() != 5)
    return "Credential must have exactly 5 slash-delimited elements, e.g. "
           "keyid/date/region/service/term, got '" +
           std::string(text) + "'";
  if (parts[4] != "aws4_request")
    return "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
           std::string(parts[4]) + "'.";
  out->access_key_id = std::string(parts[0]);
  out->date = std::string(parts[1]);
  out->region = std::string(parts[2]);
  out->service = std::string(parts[3]);
  return "";
}

// Scope service and date (spec/wire.md §5.4 step 3).
std::optional<AuthError> CheckScope(const VerifyOptions& opts, const Credential& cred,
                                    std::string_view amz_date) {
  if (cred.service != opts.service)
    return MakeError(
        AuthErrorKind::kWrongScope,
        "Credential should be scoped to correct service: '" + std::string(opts.service) + "'.");
  if (cred.date != amz_date.substr(0, 8))
    return MakeError(AuthErrorKind::kWrongScope,
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                     "date from HTTP: '" +
                         cred.date + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" +
                         std::string(amz_date) + "'.");
  return std::nullopt;
}

bool HasHost(const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), "host") != names.end();
}

// HashedPayload for non-S3 services (§5.2 step 6).
std::string NonS3Payload(const http::Request& req) {
  const std::string* header = req.FindHeader("X-Amz-Content-SHA256");
  return header ? std::string(Trim(*header)) : Sha256Hex(req.body);
}

struct Computed {
  std::string canonical_request, string_to_sign, signing_key, signature;
  bool missing_header = false;
};

Computed Compute(const http::Request& req, const std::vector<std::string>& names,
                 std::string_view names_text, bool s3, bool presigned,
                 std::string_view hashed_payload, std::string_view amz_date, const Credential& cred,
                 std::string_view secret) {
  Computed c;
  CanonicalRequestParts parts =
      BuildCanonicalRequest(req, names, names_text, s3, presigned, hashed_payload);
  c.canonical_request = std::move(parts.text);
  c.missing_header = parts.missing_signed_header;
  c.string_to_sign = StringToSign(amz_date, cred.Scope(), c.canonical_request);
  c.signing_key = SigningKey(secret, cred.date, cred.region, cred.service);
  c.signature = HexEncode(HmacSha256(c.signing_key, c.string_to_sign));
  return c;
}

std::optional<AuthError> CompareSignature(const VerifyOptions& opts, const Computed& c,
                                          std::string_view provided,
                                          std::string_view access_key_id) {
  if (!c.missing_header && SecureEquals(c.signature, provided)) return std::nullopt;
  if (!opts.s3) return SignatureMismatch(opts);
  return SignatureMismatch(opts, {{"AWSAccessKeyId", std::string(access_key_id)},
                                  {"StringToSign", c.string_to_sign},
                                  {"SignatureProvided", std::string(provided)},
                                  {"StringToSignBytes", SpacedHex(c.string_to_sign)},
                                  {"CanonicalRequest", c.canonical_request},
                                  {"CanonicalRequestBytes", SpacedHex(c.canonical_request)}});
}

bool DigitsOnly(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

VerifyResult VerifySigV4Header(http::Request& req, const VerifyOptions& opts,
                               const KeyLookup& lookup) {
  const std::string auth(Trim(req.HeaderOr("Authorization")));
  AuthHeaderParts parts = ParseAuthorization(auth);
  if (parts.algorithm == kAlgorithmV4a)
    return MakeError(AuthErrorKind::kNotImplemented,
                     "orgtrail does not implement Signature Version 4A (AWS4-ECDSA-P256-SHA256)");
  if (parts.algorithm != kAlgorithm)
    return Malformed(opts, "Unsupported AWS 'algorithm': '" + parts.algorithm + "'.");
  if (!parts.bad_part.empty())
    return Malformed(opts, "'" + parts.bad_part +
                               "' not a valid key=value pair (missing equal-sign) in "
                               "Authorization header: '" +
                               auth + "'.");

  // Step 2: required parts and a date header.
  const std::string* x_amz_date = req.FindHeader("X-Amz-Date");
  const std::string* date_header = req.FindHeader("Date");
  constexpr std::string_view kNeedDate =
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (!parts.credential || !parts.signature || !parts.signed_headers) {
    std::string msg;
    if (!parts.credential) msg += "Authorization header requires 'Credential' parameter. ";
    if (!parts.signature) msg += "Authorization header requires 'Signature' parameter. ";
    if (!parts.signed_headers) msg += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!x_amz_date && !date_header) msg += kNeedDate;
    return Malformed(opts, msg + "Authorization=" + auth);
  }
  Credential cred;
  if (std::string problem = ParseCredential(*parts.credential, &cred); !problem.empty())
    return Malformed(opts, problem);
  const std::vector<std::string> names = SplitSignedHeaders(*parts.signed_headers);
  if (!HasHost(names)) return Malformed(opts, std::string(kHostNotSigned));
  const std::string* content_sha = req.FindHeader("X-Amz-Content-SHA256");
  if (opts.s3 && !content_sha)
    return MakeError(AuthErrorKind::kMissingContentSha256,
                     "Missing required header for this request: x-amz-content-sha256");

  std::string amz_date;
  int64_t request_ms = 0;
  if (x_amz_date) {
    amz_date = std::string(Trim(*x_amz_date));
    std::optional<int64_t> t = ParseAmzDate(amz_date);
    if (!t)
      return Malformed(opts, "Date must be in ISO-8601 'basic format'. Got '" + amz_date +
                                 "'. See http://en.wikipedia.org/wiki/ISO_8601");
    request_ms = *t;
  } else if (std::optional<int64_t> t =
                 date_header ? ParseHttpDate(Trim(*date_header)) : std::nullopt) {
    request_ms = *t;
    amz_date = FormatAmzDate(request_ms);
  } else {
    return MakeError(AuthErrorKind::kMissingDate,
                     opts.s3 ? "AWS authentication requires a valid Date or x-amz-date header"
                             : std::string(kNeedDate) + "Authorization=" + auth);
  }

  if (auto err = CheckScope(opts, cred, amz_date)) return *err;       // step 3
  if (auto err = CheckSkew(opts, request_ms, amz_date)) return *err;  // step 4
  const std::string token(Trim(req.HeaderOr("X-Amz-Security-Token")));
  KeySecret key;
  if (auto err = CheckCredentials(opts, lookup, cred.access_key_id, token, &key))  // 5, 6
    return *err;
  if (opts.s3) {
    if (auto err = CheckHeadersSigned(req, names)) return *err;  // step 7
  }
  const std::string hashed = opts.s3 ? *content_sha : NonS3Payload(req);
  Computed c = Compute(req, names, *parts.signed_headers, opts.s3, false, hashed, amz_date, cred,
                       key.secret);
  if (auto err = CompareSignature(opts, c, *parts.signature, cred.access_key_id))  // step 8
    return *err;
  if (opts.s3) {  // step 9
    ChunkSigning signing{c.signing_key, amz_date, cred.Scope(), c.signature};
    if (auto err = VerifyS3Payload(req, Trim(*content_sha), &signing)) return *err;
  }
  Verified out;
  out.method = AuthMethod::kSigV4Header;
  out.access_key_id = cred.access_key_id;
  out.region = cred.region;
  out.request_time_ms = request_ms;
  out.session_token = token;
  return out;
}

VerifyResult VerifySigV4Query(http::Request& req, const VerifyOptions& opts,
                              const KeyLookup& lookup) {
  const Params q = DecodedQuery(req.query);
  const std::string* algorithm = FindParam(q, "X-Amz-Algorithm");
  if (algorithm && *algorithm == kAlgorithmV4a)
    return MakeError(AuthErrorKind::kNotImplemented,
                     "orgtrail does not implement Signature Version 4A (AWS4-ECDSA-P256-SHA256)");
  const std::string* credential = FindParam(q, "X-Amz-Credential");
  const std::string* signature = FindParam(q, "X-Amz-Signature");
  const std::string* date = FindParam(q, "X-Amz-Date");
  const std::string* signed_headers = FindParam(q, "X-Amz-SignedHeaders");
  const std::string* expires = FindParam(q, "X-Amz-Expires");
  auto params_error = [](std::string_view msg) {
    return MakeError(AuthErrorKind::kPresignParamsMissing, std::string(msg));
  };
  if (!algorithm || !credential || !signature || !date || !signed_headers || !expires)
    return params_error(kPresignMissing);
  if (*algorithm != kAlgorithm)
    return params_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  if (!DigitsOnly(*expires) || expires->size() > 12)
    return params_error("X-Amz-Expires should be a number");
  const int64_t expires_s = std::stoll(*expires);
  if (expires_s > kMaxPresignExpiresSeconds)
    return MakeError(AuthErrorKind::kPresignExpiresTooLarge,
                     "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                     "X-Amz-Expires must be less than 604800 seconds");
  std::optional<int64_t> request_ms = ParseAmzDate(*date);
  if (!request_ms)
    return params_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  Credential cred;
  if (!ParseCredential(*credential, &cred).empty())
    return params_error(
        "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  const std::vector<std::string> names = SplitSignedHeaders(*signed_headers);
  if (!HasHost(names)) return Malformed(opts, std::string(kHostNotSigned));

  if (auto err = CheckScope(opts, cred, *date)) return *err;
  const int64_t now = opts.wall_now_ms;
  const int64_t expires_at = *request_ms + expires_s * 1000;
  if (now > expires_at)
    return MakeError(AuthErrorKind::kPresignExpired, "Request has expired",
                     {{"X-Amz-Expires", *expires},
                      {"Expires", FormatIso8601Seconds(expires_at)},
                      {"ServerTime", FormatIso8601Seconds(now)}});
  if (*request_ms > now + opts.max_skew_ms)
    return MakeError(AuthErrorKind::kPresignExpired, "Request is not valid yet");

  const std::string* query_token = FindParam(q, "X-Amz-Security-Token");
  const std::string token =
      query_token ? *query_token : std::string(Trim(req.HeaderOr("X-Amz-Security-Token")));
  KeySecret key;
  if (auto err = CheckCredentials(opts, lookup, cred.access_key_id, token, &key)) return *err;
  if (opts.s3) {
    if (auto err = CheckHeadersSigned(req, names)) return *err;
  }
  const std::string hashed = opts.s3 ? std::string(kUnsignedPayload) : NonS3Payload(req);
  Computed c = Compute(req, names, *signed_headers, opts.s3, true, hashed, *date, cred, key.secret);
  if (auto err = CompareSignature(opts, c, *signature, cred.access_key_id)) return *err;
  if (opts.s3) {
    const std::string* mode = req.FindHeader("X-Amz-Content-SHA256");
    if (auto err = VerifyS3Payload(req, mode ? Trim(*mode) : kUnsignedPayload, nullptr))
      return *err;
  }
  Verified out;
  out.method = AuthMethod::kSigV4Query;
  out.access_key_id = cred.access_key_id;
  out.region = cred.region;
  out.request_time_ms = *request_ms;
  out.session_token = token;
  return out;
}

}  // namespace orgtrail::auth::internal
