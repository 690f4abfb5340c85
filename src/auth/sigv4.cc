// SigV4 pure steps: canonical URI, query string, headers, string to sign, signing key
// (spec/wire.md §5.2, §5.3; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html),
// the Authorization header parser and the test/benchmark signer.
#include <algorithm>
#include <string>
#include <vector>

#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// RFC 3986 §5.2.4 remove-dot-segments as botocore applies it (utils.remove_dot_segments):
// empty segments collapse too, a trailing '/' survives when something is left.
std::string RemoveDotSegments(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  for (std::string_view seg : Split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result.push_back('/');
    result.append(out[i]);
  }
  if (path.back() == '/' && !out.empty()) result.push_back('/');
  return result;
}

// Trimall: leading/trailing whitespace removed, inner runs collapsed to one space.
void AppendTrimmed(std::string_view value, std::string* out) {
  bool pending_space = false, any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    any = true;
    out->push_back(c);
  }
}

bool Blacklisted(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "expect" || lower_name == "user-agent" ||
         lower_name == "x-amzn-trace-id";
}

void ReplaceHeader(http::Request& req, std::string_view name, std::string value) {
  std::erase_if(req.headers, [&](const http::Header& h) { return IEquals(h.name, name); });
  req.headers.push_back({std::string(name), std::move(value)});
}

}  // namespace

std::string CanonicalUri(std::string_view raw_path, bool s3) {
  if (s3) return raw_path.empty() ? std::string("/") : std::string(raw_path);
  return UriEncode(RemoveDotSegments(raw_path), /*keep_slash=*/true);
}

std::string CanonicalQueryString(std::string_view raw_query, bool exclude_signature) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::string_view item : Split(raw_query, '&')) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key = UriDecode(item.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : UriDecode(item.substr(eq + 1));
    if (exclude_signature && key == "X-Amz-Signature") continue;
    pairs.emplace_back(UriEncode(key), UriEncode(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  // The key of a (secret, day, region, service) is the same for every request of that day: the
  // last ones derived on this thread are kept (four HMACs saved per request). Bounded: emptied
  // when full.
  struct Cached {
    std::string scope, key;
  };
  constexpr size_t kMaxCached = 64;
  thread_local std::vector<Cached> cache;
  std::string scope;
  scope.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
  for (std::string_view part : {secret, date, region, service}) {
    scope.append(part);
    scope.push_back('\0');
  }
  for (const Cached& c : cache)
    if (c.scope == scope) return c.key;
  std::string k_date = HmacSha256("AWS4" + std::string(secret), date);
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  std::string key = HmacSha256(k_service, "aws4_request");
  if (cache.size() >= kMaxCached) cache.clear();
  cache.push_back({std::move(scope), key});
  return key;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(internal::kAlgorithm);
  out.push_back('\n');
  out.append(amz_date);
  out.push_back('\n');
  out.append(scope);
  out.push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

namespace internal {

std::vector<std::string> SplitSignedHeaders(std::string_view text) {
  std::vector<std::string> names;
  for (std::string_view name : Split(text, ';')) {
    name = Trim(name);
    if (!name.empty()) names.push_back(ToLower(name));
  }
  return names;
}

CanonicalRequestParts BuildCanonicalRequest(const http::Request& req,
                                            const std::vector<std::string>& signed_headers,
                                            std::string_view signed_headers_text, bool s3,
                                            bool presigned, std::string_view hashed_payload) {
  CanonicalRequestParts parts;
  std::string& t = parts.text;
  t.reserve(256 + req.path.size() + req.query.size());
  t += req.method;
  t.push_back('\n');
  t += CanonicalUri(req.path, s3);
  t.push_back('\n');
  t += CanonicalQueryString(req.query, presigned);
  t.push_back('\n');
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    t += name;
    t.push_back(':');
    bool first = true;
    for (const http::Header& h : req.headers) {
      if (!IEquals(h.name, name)) continue;
      if (!first) t.push_back(',');
      first = false;
      AppendTrimmed(h.value, &t);
    }
    if (first) parts.missing_signed_header = true;
    t.push_back('\n');
  }
  t.push_back('\n');
  t.append(signed_headers_text);
  t.push_back('\n');
  t.append(hashed_payload);
  return parts;
}

AuthHeaderParts ParseAuthorization(std::string_view header) {
  AuthHeaderParts out;
  header = Trim(header);
  size_t sp = 0;
  while (sp < header.size() && !IsSpace(header[sp])) ++sp;
  out.algorithm = std::string(header.substr(0, sp));
  for (std::string_view part : Split(header.substr(sp), ',')) {
    part = Trim(part);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      if (out.bad_part.empty()) out.bad_part = std::string(part);
      continue;
    }
    std::string_view key = Trim(part.substr(0, eq));
    std::string value(Trim(part.substr(eq + 1)));
    if (key == "Credential") {
      out.credential = std::move(value);
    } else if (key == "SignedHeaders") {
      out.signed_headers = std::move(value);
    } else if (key == "Signature") {
      out.signature = std::move(value);
    }
  }
  return out;
}

}  // namespace internal

void SignRequest(http::Request& req, std::string_view access_key, std::string_view secret,
                 std::string_view region, std::string_view service, int64_t now_ms,
                 std::string_view session_token) {
  const bool s3 = service == "s3";
  const std::string amz_date = FormatAmzDate(now_ms);
  const std::string date = amz_date.substr(0, 8);
  std::erase_if(req.headers,
                [](const http::Header& h) { return IEquals(h.name, "Authorization"); });
  ReplaceHeader(req, "X-Amz-Date", amz_date);
  if (s3 && !req.FindHeader("X-Amz-Content-SHA256"))
    ReplaceHeader(req, "X-Amz-Content-SHA256", Sha256Hex(req.body));
  if (!session_token.empty())
    ReplaceHeader(req, "X-Amz-Security-Token", std::string(session_token));
  if (!req.FindHeader("Host")) req.headers.push_back({"Host", "localhost"});

  std::vector<std::string> names;
  for (const http::Header& h : req.headers) {
    std::string name = ToLower(h.name);
    if (!Blacklisted(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_text;
  for (const std::string& n : names) {
    if (!signed_text.empty()) signed_text.push_back(';');
    signed_text += n;
  }
  const std::string* content_sha = req.FindHeader("X-Amz-Content-SHA256");
  const std::string hashed = content_sha ? *content_sha : Sha256Hex(req.body);
  internal::CanonicalRequestParts canonical =
      internal::BuildCanonicalRequest(req, names, signed_text, s3, false, hashed);
  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string signature = HexEncode(HmacSha256(
      SigningKey(secret, date, region, service), StringToSign(amz_date, scope, canonical.text)));
  req.headers.push_back({"Authorization", std::string(internal::kAlgorithm) +
                                              " Credential=" + std::string(access_key) + "/" +
                                              scope + ", SignedHeaders=" + signed_text +
                                              ", Signature=" + signature});
}

}  // namespace orgtrail::auth
