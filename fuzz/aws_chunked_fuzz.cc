// libFuzzer target for the incremental aws-chunked decoder (src/auth/chunked.cc). The first byte
// chooses a piece size; the rest is the body. Property: feeding the body in pieces gives exactly
// what feeding it whole gives (same bytes, same trailers, same error kind), with and without
// chunk signatures.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "auth/sigv4_internal.h"
#include "auth/verify.h"

namespace {

using orgtrail::auth::AuthError;
using orgtrail::auth::ChunkSigning;
using orgtrail::auth::internal::AwsChunkedDecoder;

struct Outcome {
  std::string data;
  std::string trailers;
  int error = -1;
};

Outcome Decode(std::string_view body, size_t piece, const ChunkSigning* signing) {
  Outcome out;
  AwsChunkedDecoder decoder(signing, [&out](std::string_view d) {
    out.data.append(d);
    return true;
  });
  while (!body.empty()) {
    std::string_view part = body.substr(0, piece);
    body.remove_prefix(part.size());
    if (auto err = decoder.Feed(part)) {
      out.error = static_cast<int>(err->kind);
      return out;
    }
  }
  auto done = decoder.Finish();
  if (auto* err = std::get_if<AuthError>(&done)) {
    out.error = static_cast<int>(err->kind);
    return out;
  }
  for (const auto& [k, v] : std::get<0>(done)) out.trailers += k + ":" + v + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const ChunkSigning signing{
      orgtrail::auth::SigningKey("fuzz-secret", "20260301", "us-east-1", "s3"), "20260301T100000Z",
      "20260301/us-east-1/s3/aws4_request", std::string(64, '0')};
  for (const ChunkSigning* s : {static_cast<const ChunkSigning*>(nullptr), &signing}) {
    Outcome whole = Decode(body, body.size() + 1, s);
    Outcome pieces = Decode(body, piece, s);
    // An error may surface earlier in pieces (data before a bad signature), never differ.
    if (whole.error != pieces.error) std::abort();
    if (whole.error < 0 && (whole.data != pieces.data || whole.trailers != pieces.trailers))
      std::abort();
  }
  return 0;
}
