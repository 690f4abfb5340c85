// Verify(): method detection and the checks every signing method shares (spec/wire.md §5.1,
// §5.4, §5.9, §5.10). The method-specific steps live in sigv4.cc, sigv2.cc and chunked.cc.
#include <algorithm>
#include <cstdio>

#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth {
namespace internal {

AuthError Malformed(const VerifyOptions& opts, std::string detail) {
  if (opts.s3) detail = "The authorization header is malformed; " + detail;
  return MakeError(AuthErrorKind::kMalformedAuthorization, std::move(detail));
}

AuthError SignatureMismatch(const VerifyOptions& opts,
                            std::vector<std::pair<std::string, std::string>> fields) {
  if (opts.s3)
    return MakeError(AuthErrorKind::kSignatureMismatch,
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method.",
                     std::move(fields));
  return MakeError(AuthErrorKind::kSignatureMismatch,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your AWS Secret Access Key and signing method. Consult the "
                   "service documentation for details.");
}

std::string SpacedHex(std::string_view bytes) {
  std::string hex = HexEncode(bytes);
  std::string out;
  out.reserve(hex.size() * 3 / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i) out.push_back(' ');
    out.append(hex, i, 2);
  }
  return out;
}

std::string FormatMinutes(int64_t ms) {
  if (ms % 60000 == 0) return std::to_string(ms / 60000);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ms) / 60000.0);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Params DecodedQuery(std::string_view raw_query) { return ParseQueryString(raw_query, false); }

const std::string* FindParam(const Params& params, std::string_view key) {
  for (const auto& [k, v] : params)
    if (k == key) return &v;
  return nullptr;
}

std::vector<std::string_view> HeaderValues(const http::Request& req, std::string_view name) {
  std::vector<std::string_view> out;
  for (const http::Header& h : req.headers)
    if (IEquals(h.name, name)) out.push_back(h.value);
  return out;
}

std::optional<AuthError> CheckSkew(const VerifyOptions& opts, int64_t request_ms,
                                   std::string_view request_time_text) {
  const int64_t now = opts.wall_now_ms;
  const int64_t window = opts.max_skew_ms;
  const bool past = request_ms < now - window;
  const bool future = request_ms > now + window;
  if (!past && !future) return std::nullopt;
  if (opts.s3) {
    return MakeError(AuthErrorKind::kSkewed,
                     "The difference between the request time and the current time is too large.",
                     {{"RequestTime", std::string(request_time_text)},
                      {"ServerTime", FormatIso8601Seconds(now)},
                      {"MaxAllowedSkewMilliseconds", std::to_string(window)}});
  }
  // Wording of AWS's JSON and Query services (spec/wire.md §5.10).
  if (past) {
    return MakeError(AuthErrorKind::kSkewed,
                     "Signature expired: " + FormatAmzDate(request_ms) + " is now earlier than " +
                         FormatAmzDate(now - window) + " (" + FormatAmzDate(now) + " - " +
                         FormatMinutes(window) + " min.)");
  }
  return MakeError(AuthErrorKind::kSkewed,
                   "Signature not yet current: " + FormatAmzDate(request_ms) +
                       " is still later than " + FormatAmzDate(now + window) + " (" +
                       FormatAmzDate(now) + " + " + FormatMinutes(window) + " min.)");
}

std::optional<AuthError> CheckCredentials(const VerifyOptions& opts, const KeyLookup& lookup,
                                          std::string_view access_key_id,
                                          std::string_view presented_token, KeySecret* out) {
  auto unknown = [&] {
    if (opts.s3)
      return MakeError(AuthErrorKind::kUnknownKey,
                       "The AWS Access Key Id you provided does not exist in our records.",
                       {{"AWSAccessKeyId", std::string(access_key_id)}});
    return MakeError(AuthErrorKind::kUnknownKey,
                     "The security token included in the request is invalid.");
  };
  std::optional<KeySecret> key = lookup ? lookup(access_key_id) : std::nullopt;
  if (!key) return unknown();
  // A temporary key requires its own token; a long-term key accepts none (§5.4 step 6).
  if (key->session_token.empty()) {
    if (!presented_token.empty()) return unknown();
  } else if (presented_token.empty() || !SecureEquals(presented_token, key->session_token)) {
    return unknown();
  }
  if (key->expired) {
    return MakeError(AuthErrorKind::kExpiredToken,
                     opts.s3 ? "The provided token has expired."
                             : "The security token included in the request is expired");
  }
  *out = std::move(*key);
  return std::nullopt;
}

std::optional<AuthError> CheckHeadersSigned(const http::Request& req,
                                            const std::vector<std::string>& signed_headers) {
  std::vector<std::string> unsigned_names;
  for (const http::Header& h : req.headers) {
    std::string name = ToLower(Trim(h.name));
    if (!StartsWith(name, "x-amz-")) continue;
    if (std::find(signed_headers.begin(), signed_headers.end(), name) != signed_headers.end())
      continue;
    if (std::find(unsigned_names.begin(), unsigned_names.end(), name) == unsigned_names.end())
      unsigned_names.push_back(std::move(name));
  }
  if (unsigned_names.empty()) return std::nullopt;
  std::sort(unsigned_names.begin(), unsigned_names.end());
  std::string list;
  for (const std::string& n : unsigned_names) {
    if (!list.empty()) list += ", ";
    list += n;
  }
  return MakeError(AuthErrorKind::kHeadersNotSigned,
                   "There were headers present in the request which were not signed",
                   {{"HeadersNotSigned", std::move(list)}});
}

}  // namespace internal

namespace {

using internal::DecodedQuery;
using internal::FindParam;

std::string_view AuthorizationValue(const http::Request& req) {
  const std::string* auth = req.FindHeader("Authorization");
  return auth ? Trim(*auth) : std::string_view();
}

bool IsSigV2Header(std::string_view auth) { return StartsWith(auth, "AWS "); }

bool HasSigV4Query(const Params& q) {
  return FindParam(q, "X-Amz-Algorithm") || FindParam(q, "X-Amz-Credential") ||
         FindParam(q, "X-Amz-Signature");
}

bool HasSigV2Query(const Params& q) {
  return FindParam(q, "AWSAccessKeyId") || FindParam(q, "Signature");
}

// Fills scope fields from "AKID/yyyymmdd/region/service/aws4_request" (SigV4a credentials
// have no region: "AKID/yyyymmdd/service/aws4_request").
void ReadCredential(std::string_view credential, Scope* scope) {
  std::vector<std::string_view> parts = Split(credential, '/');
  scope->access_key_id = std::string(parts[0]);
  if (parts.size() == 5) {
    scope->date = std::string(parts[1]);
    scope->region = std::string(parts[2]);
    scope->service = std::string(parts[3]);
  } else if (parts.size() == 4) {
    scope->date = std::string(parts[1]);
    scope->service = std::string(parts[2]);
  }
}

}  // namespace

Scope PeekScope(const http::Request& req) {
  Scope scope;
  std::string_view auth = AuthorizationValue(req);
  if (!auth.empty()) {
    if (IsSigV2Header(auth)) {
      scope.method = AuthMethod::kSigV2Header;
      std::string_view rest = Trim(auth.substr(4));
      scope.access_key_id = std::string(rest.substr(0, rest.find(':')));
      return scope;
    }
    scope.method = AuthMethod::kSigV4Header;
    internal::AuthHeaderParts parts = internal::ParseAuthorization(auth);
    if (parts.credential) ReadCredential(*parts.credential, &scope);
    return scope;
  }
  if (req.query.empty()) return scope;
  Params q = DecodedQuery(req.query);
  if (HasSigV4Query(q)) {
    scope.method = AuthMethod::kSigV4Query;
    if (const std::string* cred = FindParam(q, "X-Amz-Credential")) ReadCredential(*cred, &scope);
  } else if (HasSigV2Query(q)) {
    scope.method = AuthMethod::kSigV2Query;
    if (const std::string* akid = FindParam(q, "AWSAccessKeyId")) scope.access_key_id = *akid;
  }
  return scope;
}

std::variant<Verified, AuthError> Verify(http::Request& req, const VerifyOptions& opts,
                                         const KeyLookup& lookup) {
  auto sigv2_unsupported = [] {
    return internal::MakeError(AuthErrorKind::kNotImplemented,
                               "Signature Version 2 is supported for Amazon S3 only");
  };
  std::string_view auth = AuthorizationValue(req);
  if (!auth.empty()) {
    if (IsSigV2Header(auth)) {
      if (!opts.s3) return sigv2_unsupported();
      return internal::VerifySigV2(req, opts, lookup, /*query=*/false);
    }
    return internal::VerifySigV4Header(req, opts, lookup);
  }
  if (!req.query.empty()) {
    Params q = DecodedQuery(req.query);
    if (HasSigV4Query(q)) return internal::VerifySigV4Query(req, opts, lookup);
    if (HasSigV2Query(q)) {
      if (!opts.s3) return sigv2_unsupported();
      return internal::VerifySigV2(req, opts, lookup, /*query=*/true);
    }
  }
  // Anonymous. S3 still checks what the body claims about itself.
  if (opts.s3) {
    std::string mode = req.HeaderOr("X-Amz-Content-SHA256");
    if (StartsWith(mode, internal::kStreamingSigned) ||
        StartsWith(mode, internal::kStreamingV4aPrefix))
      return internal::MakeError(AuthErrorKind::kMissingAuthentication,
                                 "Signed aws-chunked payloads require a signed request");
    if (auto err = internal::VerifyS3Payload(req, mode, nullptr)) return *err;
  }
  Verified anonymous;
  anonymous.method = AuthMethod::kAnonymous;
  anonymous.request_time_ms = opts.wall_now_ms;
  return anonymous;
}

}  // namespace orgtrail::auth
