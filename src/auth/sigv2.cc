// S3 Signature Version 2, query string and Authorization header (spec/wire.md §5.8;
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html).
//
//   StringToSign = METHOD\nContent-MD5\nContent-Type\n<Date|Expires>\n[x-amz-* lines\n]Resource
//   Signature    = base64(HMAC-SHA1(secret, StringToSign))
#include <algorithm>
#include <array>
#include <map>

#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth::internal {
namespace {

// Sub-resources that belong to the canonical resource: the spec's list plus the ones botocore
// (HmacV1Auth.QSAOfInterest) also signs, so that every request it signs verifies.
constexpr std::array<std::string_view, 35> kSubResources = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

bool IsSubResource(std::string_view key) {
  return std::find(kSubResources.begin(), kSubResources.end(), key) != kSubResources.end();
}

std::string CanonicalResource(const http::Request& req, std::string_view vhost_bucket) {
  std::string out;
  if (!vhost_bucket.empty()) out = "/" + std::string(vhost_bucket);
  out += req.path.empty() ? std::string("/") : req.path;
  std::vector<std::pair<std::string, std::optional<std::string>>> subs;
  for (std::string_view item : Split(req.query, '&')) {
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    if (!IsSubResource(key)) continue;
    if (eq == std::string_view::npos) {
      subs.emplace_back(std::string(key), std::nullopt);
    } else {
      subs.emplace_back(std::string(key), UriDecode(item.substr(eq + 1)));
    }
  }
  std::stable_sort(subs.begin(), subs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < subs.size(); ++i) {
    out.push_back(i == 0 ? '?' : '&');
    out += subs[i].first;
    if (subs[i].second) out += "=" + *subs[i].second;
  }
  return out;
}

// Header value, else (query form) the parameter botocore moves into the URL.
std::string StandardField(const http::Request& req, const Params* q, std::string_view name) {
  if (const std::string* h = req.FindHeader(name)) return std::string(Trim(*h));
  if (q) {
    for (const auto& [k, v] : *q)
      if (IEquals(k, name)) return v;
  }
  return "";
}

std::string AmzLines(const http::Request& req, const Params* q) {
  std::map<std::string, std::vector<std::string>> amz;
  for (const http::Header& h : req.headers) {
    std::string name = ToLower(Trim(h.name));
    if (StartsWith(name, "x-amz-")) amz[name].push_back(std::string(Trim(h.value)));
  }
  if (q) {
    for (const auto& [k, v] : *q) {
      std::string name = ToLower(k);
      if (StartsWith(name, "x-amz-")) amz[name].push_back(v);
    }
  }
  std::string out;
  for (const auto& [name, values] : amz) {
    out += name;
    out.push_back(':');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out.push_back(',');
      out += values[i];
    }
    out.push_back('\n');
  }
  return out;
}

std::string BuildStringToSign(const http::Request& req, const Params* q, std::string_view date_line,
                              std::string_view vhost_bucket) {
  std::string s = req.method + "\n";
  s += StandardField(req, q, "Content-MD5") + "\n";
  s += StandardField(req, q, "Content-Type") + "\n";
  s.append(date_line);
  s.push_back('\n');
  s += AmzLines(req, q);
  s += CanonicalResource(req, vhost_bucket);
  return s;
}

// RFC 1123 date; the numeric zone "+0000" of the AWS SigV2 examples is read as GMT.
std::optional<int64_t> ParseSigV2Date(std::string_view text) {
  if (EndsWith(text, " +0000"))
    return ParseHttpDate(std::string(text.substr(0, text.size() - 5)) + "GMT");
  return ParseHttpDate(text);
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

VerifyResult VerifySigV2(http::Request& req, const VerifyOptions& opts, const KeyLookup& lookup,
                         bool query) {
  const int64_t now = opts.wall_now_ms;
  const Params q = DecodedQuery(req.query);
  std::string access_key_id, provided, token;
  int64_t request_ms = now;
  std::vector<std::string> date_lines;  // candidates for the Date position, first is canonical

  if (query) {
    const std::string* akid = FindParam(q, "AWSAccessKeyId");
    const std::string* sig = FindParam(q, "Signature");
    const std::string* expires = FindParam(q, "Expires");
    if (!akid || !sig || !expires)
      return MakeError(AuthErrorKind::kSigV2ParamsMissing,
                       "Query-string authentication requires the Signature, Expires and "
                       "AWSAccessKeyId parameters");
    if (!AllDigits(*expires) || expires->size() > 12)
      return MakeError(AuthErrorKind::kSigV2ParamsMissing,
                       "Invalid date (should be seconds since epoch): " + *expires);
    const int64_t expires_ms = std::stoll(*expires) * 1000;
    if (now > expires_ms)
      return MakeError(AuthErrorKind::kSigV2Expired, "Request has expired",
                       {{"Expires", FormatIso8601Seconds(expires_ms)},
                        {"ServerTime", FormatIso8601Seconds(now)}});
    access_key_id = *akid;
    provided = *sig;
    // A '+' left unencoded in the URL arrives here as-is; one decoded to ' ' by a proxy is
    // restored.
    std::replace(provided.begin(), provided.end(), ' ', '+');
    date_lines.push_back(*expires);
    for (const auto& [k, v] : q)
      if (IEquals(k, "x-amz-security-token")) token = v;
    if (token.empty()) token = std::string(Trim(req.HeaderOr("x-amz-security-token")));
  } else {
    const std::string auth = req.HeaderOr("Authorization");
    std::string_view rest = Trim(Trim(auth).substr(4));
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
      return Malformed(opts, "expected 'AWS <AWSAccessKeyId>:<Signature>'");
    access_key_id = std::string(Trim(rest.substr(0, colon)));
    provided = std::string(Trim(rest.substr(colon + 1)));
    const std::string* x_amz_date = req.FindHeader("x-amz-date");
    const std::string* date = req.FindHeader("Date");
    std::optional<int64_t> t;
    std::string date_text;
    if (x_amz_date) {
      date_text = std::string(Trim(*x_amz_date));
      t = ParseSigV2Date(date_text);
      if (!t) t = ParseAmzDate(date_text);
    } else if (date) {
      date_text = std::string(Trim(*date));
      t = ParseSigV2Date(date_text);
    }
    if (!t)
      return MakeError(AuthErrorKind::kMissingDate,
                       "AWS authentication requires a valid Date or x-amz-date header");
    request_ms = *t;
    if (auto err = CheckSkew(opts, request_ms, date_text)) return *err;
    // With x-amz-date the Date position is empty (AWS documentation); botocore never sends
    // x-amz-date for SigV2, but a client that sends both and signs Date is accepted too.
    date_lines.push_back(x_amz_date ? "" : date_text);
    if (x_amz_date && date) date_lines.push_back(std::string(Trim(*date)));
    token = std::string(Trim(req.HeaderOr("x-amz-security-token")));
  }

  KeySecret key;
  if (auto err = CheckCredentials(opts, lookup, access_key_id, token, &key)) return *err;
  const Params* qp = query ? &q : nullptr;
  std::string string_to_sign;
  bool match = false;
  for (size_t i = 0; i < date_lines.size() && !match; ++i) {
    std::string sts = BuildStringToSign(req, qp, date_lines[i], opts.s3_vhost_bucket);
    match = SecureEquals(Base64Encode(HmacSha1(key.secret, sts)), provided);
    if (i == 0) string_to_sign = std::move(sts);
  }
  if (!match)
    return SignatureMismatch(opts, {{"AWSAccessKeyId", access_key_id},
                                    {"StringToSign", string_to_sign},
                                    {"SignatureProvided", provided},
                                    {"StringToSignBytes", SpacedHex(string_to_sign)}});
  if (opts.s3) {
    std::string mode(Trim(req.HeaderOr("X-Amz-Content-SHA256")));
    if (auto err = VerifyS3Payload(req, mode, nullptr)) return *err;
  }
  Verified out;
  out.method = query ? AuthMethod::kSigV2Query : AuthMethod::kSigV2Header;
  out.access_key_id = access_key_id;
  out.region = "us-east-1";
  out.request_time_ms = request_ms;
  out.session_token = token;
  return out;
}

}  // namespace orgtrail::auth::internal
