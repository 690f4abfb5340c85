// The authenticate stage: spec/wire.md §5 (verification in src/auth) and org-iam.md §1 (keys).
#include "core/encoding.h"
#include "gateway/stages.h"
#include "identity/directory.h"

namespace orgtrail::gateway {
namespace {

// Anonymous S3 requests are authorized later by bucket policy; the public SNS endpoints
// (spec/wire.md §3.1 rule 2) need no signature at all.
bool AllowsAnonymous(const protocol::Route& route) {
  if (route.unauthenticated) return true;
  return route.service && route.service->name == "s3";
}

int64_t SkewWindowMillis(const Config& config, const protocol::Route& route) {
  if (config.max_clock_skew_seconds > 0)
    return static_cast<int64_t>(config.max_clock_skew_seconds * 1000);
  // Query services: 5 minutes (decision, spec/wire.md §5.10); JSON, REST and S3: 15 minutes.
  return route.protocol == spec::Protocol::kQuery ? 5 * 60 * 1000 : 15 * 60 * 1000;
}

}  // namespace

Result<Authenticated> Authenticate(Env& env, http::Request& req, const protocol::Route& route) {
  const bool s3 = route.service && route.service->name == "s3";
  auth::VerifyOptions opts;
  opts.service = route.service ? std::string_view(route.service->signing_name) : "";
  opts.s3 = s3;
  opts.wall_now_ms = env.clock.WallMillis();
  opts.max_skew_ms = SkewWindowMillis(env.config, route);
  if (route.virtual_host) opts.s3_vhost_bucket = route.bucket;
  const int64_t now = env.clock.NowMillis();
  // The verifier looks the key up once; the same record then yields the principal.
  std::optional<identity::AccessKey> key;
  auth::KeyLookup lookup = [&](std::string_view akid) -> std::optional<auth::KeySecret> {
    key = env.identity.FindKey(akid);
    if (!key || key->status != "Active") return std::nullopt;
    auth::KeySecret secret;
    secret.secret = key->secret;
    secret.session_token = key->session_token;
    secret.expired = key->kind == identity::KeyKind::kSession && now >= key->expires_ms;
    return secret;
  };
  auto verified = auth::Verify(req, opts, lookup);
  if (auto* failure = std::get_if<auth::AuthError>(&verified))
    return AuthErrorToAws(*failure, route);
  const auth::Verified& ok = std::get<auth::Verified>(verified);
  Authenticated out;
  out.region = ok.region.empty() ? env.config.default_region : ok.region;
  if (ok.method == auth::AuthMethod::kAnonymous) {
    if (!AllowsAnonymous(route))
      return AuthErrorToAws({auth::AuthErrorKind::kMissingAuthentication, "", {}}, route);
    out.principal = auth::AnonymousPrincipal();
    return out;
  }
  if (!key || key->access_key_id != ok.access_key_id)
    return AuthErrorToAws({auth::AuthErrorKind::kUnknownKey, "", {}}, route);
  auto principal = env.identity.PrincipalFor(*key);
  if (!principal.ok()) return AuthErrorToAws({auth::AuthErrorKind::kUnknownKey, "", {}}, route);
  out.principal = std::move(principal).value();
  return out;
}

}  // namespace orgtrail::gateway
