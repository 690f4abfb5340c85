// libFuzzer target for request authentication (src/auth). The input is read as
//   <flags byte><METHOD> <target>\n(<Name>: <value>\n)*\n<body>
// and run through PeekScope and Verify with a key lookup that knows every key, so that parsing,
// canonicalization, SigV2, presigned URLs and aws-chunked decoding are all reached. A second
// property: a request signed by SignRequest must always verify.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/verify.h"
#include "fuzz_input.h"
#include "http/message.h"

namespace {

using orgtrail::auth::KeySecret;

constexpr int64_t kNow = 1772359200000;  // 2026-03-01T10:00:00Z

std::optional<KeySecret> LookupAny(std::string_view id) {
  if (id.empty() || id == "UNKNOWN") return std::nullopt;
  KeySecret k;
  k.secret = "fuzz-secret";
  if (id.substr(0, 4) == "ASIA") k.session_token = "fuzz-token";
  k.expired = id.back() == 'X';
  return k;
}

orgtrail::http::Request Parse(std::string_view in) {
  orgtrail::http::Request req;
  std::string_view first = orgtrail::fuzz::NextLine(in);
  size_t sp = first.find(' ');
  req.method = std::string(first.substr(0, sp));
  req.SetTarget(sp == std::string_view::npos ? "/" : std::string(first.substr(sp + 1)));
  orgtrail::fuzz::ReadHeadersAndBody(in, req);
  return req;
}

// A printable path and query made from the input: what a client could put in a request line.
std::string SafeTarget(std::string_view in) {
  std::string out = "/";
  for (char c : in.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '#') out.push_back(c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool s3 = flags & 1;

  orgtrail::auth::VerifyOptions opts;
  opts.s3 = s3;
  opts.service = s3 ? "s3" : ((flags & 2) ? "sts" : "service");
  opts.wall_now_ms = kNow;
  opts.max_skew_ms = (flags & 4) ? 5 * 60 * 1000 : 15 * 60 * 1000;
  if (flags & 8) opts.s3_vhost_bucket = "bucket";

  orgtrail::http::Request req = Parse(in);
  (void)orgtrail::auth::PeekScope(req);
  (void)orgtrail::auth::CanonicalUri(req.path, s3);
  (void)orgtrail::auth::CanonicalQueryString(req.query, (flags & 16) != 0);
  (void)orgtrail::auth::DecodeAwsChunked(req.body, nullptr);
  orgtrail::auth::ChunkSigning signing{"key", "20260301T100000Z",
                                       "20260301/us-east-1/s3/aws4_request", "seed"};
  (void)orgtrail::auth::DecodeAwsChunked(req.body, &signing);
  (void)orgtrail::auth::Verify(req, opts, LookupAny);

  // Round trip: whatever the path, query and body, a freshly signed request verifies.
  orgtrail::http::Request signed_req;
  signed_req.method = "PUT";
  signed_req.SetTarget(SafeTarget(in));
  signed_req.headers.push_back({"Host", "127.0.0.1:4566"});
  signed_req.body = std::string(in);
  orgtrail::auth::SignRequest(signed_req, "AKIAFUZZ", "fuzz-secret", "eu-west-1", opts.service,
                              kNow);
  auto result = orgtrail::auth::Verify(signed_req, opts, LookupAny);
  if (!std::holds_alternative<orgtrail::auth::Verified>(result)) std::abort();
  return 0;
}
