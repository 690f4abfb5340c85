// Gateway::PlanBody: how much of a request body the HTTP server may take, decided from the
// header alone (route only; nothing is authenticated yet).
#include <charconv>
#include <optional>
#include <string>

#include "auth/verify.h"
#include "core/encoding.h"
#include "gateway/gateway.h"
#include "gateway/stages.h"
#include "protocol/codec.h"

namespace orgtrail::gateway {
namespace {

std::optional<uint64_t> HeaderNumber(const http::Request& req, std::string_view name) {
  const std::string* v = req.FindHeader(name);
  if (!v) return std::nullopt;
  std::string_view t = Trim(*v);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) return std::nullopt;
  return n;
}

}  // namespace

http::BodyPlan Gateway::PlanBody(const http::Request& head) {
  http::BodyPlan plan;
  plan.max_bytes = kMaxServiceBody;
  plan.too_large.status = 413;
  if (StartsWith(head.path, "/_orgtrail/")) return plan;

  Routed routed = ContextFor(head);
  const protocol::Route& route = routed.route;
  const protocol::ResponseContext& ctx = routed.ctx;
  if (!routed.s3) {
    plan.too_large = protocol::SerializeError(
        route, AwsError("RequestEntityTooLarge", "Request size exceeds the maximum allowed", 413),
        ctx);
    return plan;
  }
  // S3 limits the object, that is the decoded length of an aws-chunked body; its framing may
  // add a little to the bytes on the wire.
  std::optional<uint64_t> decoded = HeaderNumber(head, "X-Amz-Decoded-Content-Length");
  std::optional<uint64_t> length = HeaderNumber(head, "Content-Length");
  uint64_t proposed = decoded ? *decoded : length.value_or(0);
  plan.spool = true;
  plan.digests = auth::SpoolDigests(head);
  plan.max_bytes =
      decoded ? (*decoded > kMaxS3Body ? 0 : kMaxS3Body + kMaxS3Body / 64) : kMaxS3Body;
  AwsError too_large("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
                     400);
  if (proposed > 0) too_large.With("ProposedSize", std::to_string(proposed));
  too_large.With("MaxSizeAllowed", std::to_string(kMaxS3Body));
  plan.too_large = protocol::SerializeError(route, too_large, ctx);
  return plan;
}

}  // namespace orgtrail::gateway
