// S3 payload verification: X-Amz-Content-SHA256 modes, aws-chunked decoding (unsigned trailer
// and signed chunks), trailer and header checksums, Content-MD5 (spec/wire.md §5.5-§5.7;
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
#include <algorithm>

#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::auth {
namespace {

using internal::MakeError;

constexpr std::string_view kCrlf = "\r\n";

AuthError Incomplete() {
  return MakeError(AuthErrorKind::kIncompleteBody, "The request body terminated unexpectedly");
}

AuthError MalformedTrailer() {
  return MakeError(AuthErrorKind::kIncompleteBody,
                   "The request contained trailing data that was not well-formed or did not "
                   "conform to our published schema.");
}

AuthError ChunkMismatch() {
  return MakeError(AuthErrorKind::kSignatureMismatch,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.");
}

// 1-16 hex digits.
std::optional<uint64_t> ParseHexSize(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

// The value of `chunk-signature=` among the chunk extensions, if any.
std::optional<std::string_view> ChunkSignature(std::string_view extensions) {
  for (std::string_view ext : Split(extensions, ';')) {
    ext = Trim(ext);
    if (StartsWith(ext, "chunk-signature=")) return Trim(ext.substr(16));
  }
  return std::nullopt;
}

std::string Sign(const ChunkSigning& s, std::string_view kind, std::string_view previous,
                 std::string_view hashed) {
  std::string sts(kind);
  sts.push_back('\n');
  sts += s.amz_date;
  sts.push_back('\n');
  sts += s.scope;
  sts.push_back('\n');
  sts.append(previous);
  sts.push_back('\n');
  sts.append(hashed);
  return HexEncode(HmacSha256(s.signing_key, sts));
}

bool OnlyLineBreaks(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; });
}

// x-amz-checksum-<alg> against `data`. nullopt when it matches or the header is not a checksum.
std::optional<AuthError> VerifyChecksum(std::string_view lower_name, std::string_view value,
                                        std::string_view data) {
  if (!StartsWith(lower_name, "x-amz-checksum-")) return std::nullopt;
  std::string_view alg = lower_name.substr(15);
  std::string digest, label;
  auto big_endian = [](uint32_t v) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (24 - 8 * i));
    return out;
  };
  if (alg == "crc32") {
    digest = big_endian(Crc32(data));
    label = "CRC32";
  } else if (alg == "crc32c") {
    digest = big_endian(Crc32c(data));
    label = "CRC32C";
  } else if (alg == "sha1") {
    digest = Sha1(data);
    label = "SHA1";
  } else if (alg == "sha256") {
    digest = Sha256(data);
    label = "SHA256";
  } else if (alg == "crc64nvme" || alg == "sha512" || alg == "md5" || alg == "xxhash64" ||
             alg == "xxhash3" || alg == "xxhash128") {
    return MakeError(AuthErrorKind::kNotImplemented,
                     "orgtrail does not implement the " + ToLower(alg) + " checksum algorithm");
  } else {
    return std::nullopt;  // x-amz-checksum-mode, -algorithm, -type: not checksums
  }
  if (Trim(value) == Base64Encode(digest)) return std::nullopt;
  return MakeError(AuthErrorKind::kBadDigest,
                   "The " + label + " you specified did not match the calculated checksum.");
}

std::vector<std::string> AnnouncedTrailers(const http::Request& req) {
  std::vector<std::string> names;
  for (std::string_view v : internal::HeaderValues(req, "X-Amz-Trailer"))
    for (std::string_view n : Split(v, ',')) {
      n = Trim(n);
      if (!n.empty()) names.push_back(ToLower(n));
    }
  return names;
}

// Content-Encoding without its aws-chunked token; the header goes when nothing remains.
void DropAwsChunkedEncoding(http::Request& req) {
  for (auto it = req.headers.begin(); it != req.headers.end();) {
    if (!IEquals(it->name, "Content-Encoding")) {
      ++it;
      continue;
    }
    std::string kept;
    for (std::string_view token : Split(it->value, ',')) {
      token = Trim(token);
      if (token.empty() || IEquals(token, "aws-chunked")) continue;
      if (!kept.empty()) kept += ", ";
      kept.append(token);
    }
    if (kept.empty()) {
      it = req.headers.erase(it);
    } else {
      it->value = std::move(kept);
      ++it;
    }
  }
}

std::optional<AuthError> DecodeInPlace(http::Request& req, const ChunkSigning* signing) {
  auto decoded = DecodeAwsChunked(req.body, signing);
  if (auto* err = std::get_if<AuthError>(&decoded)) return std::move(*err);
  AwsChunkedBody& body = std::get<AwsChunkedBody>(decoded);

  // Trailers must be exactly the announced ones (§5.6 rule 2).
  std::vector<std::string> announced = AnnouncedTrailers(req);
  for (const auto& [name, value] : body.trailers)
    if (std::find(announced.begin(), announced.end(), name) == announced.end())
      return MalformedTrailer();
  for (const std::string& name : announced) {
    bool present = std::any_of(body.trailers.begin(), body.trailers.end(),
                               [&](const auto& t) { return t.first == name; });
    if (!present) return MalformedTrailer();
  }
  // Decoded length (§5.6 rule 3).
  if (const std::string* declared = req.FindHeader("X-Amz-Decoded-Content-Length")) {
    std::string_view d = Trim(*declared);
    if (d.empty() || d.size() > 19 ||
        !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoull(std::string(d)) != body.data.size())
      return Incomplete();
  }
  for (const auto& [name, value] : body.trailers)
    if (auto err = VerifyChecksum(name, value, body.data)) return err;

  req.body = std::move(body.data);
  DropAwsChunkedEncoding(req);
  for (http::Header& h : req.headers)
    if (IEquals(h.name, "Content-Length")) h.value = std::to_string(req.body.size());
  for (auto& [name, value] : body.trailers)
    if (!req.FindHeader(name)) req.headers.push_back({name, value});
  return std::nullopt;
}

}  // namespace

std::variant<AwsChunkedBody, AuthError> DecodeAwsChunked(std::string_view body,
                                                         const ChunkSigning* signing) {
  AwsChunkedBody out;
  std::string previous = signing ? signing->seed_signature : "";
  const std::string empty_hash = signing ? Sha256Hex("") : "";
  size_t pos = 0;
  while (true) {
    size_t eol = body.find(kCrlf, pos);
    if (eol == std::string_view::npos) return Incomplete();
    std::string_view line = body.substr(pos, eol - pos);
    pos = eol + 2;
    size_t semi = line.find(';');
    std::optional<uint64_t> size = ParseHexSize(Trim(line.substr(0, semi)));
    if (!size || *size > body.size() - pos) return Incomplete();
    std::string_view data = body.substr(pos, *size);
    if (signing) {
      std::optional<std::string_view> sig =
          semi == std::string_view::npos ? std::nullopt : ChunkSignature(line.substr(semi + 1));
      if (!sig) return ChunkMismatch();
      std::string expected =
          Sign(*signing, "AWS4-HMAC-SHA256-PAYLOAD", previous, empty_hash + "\n" + Sha256Hex(data));
      if (!SecureEquals(expected, *sig)) return ChunkMismatch();
      previous = std::move(expected);
    }
    if (*size == 0) break;
    out.data.append(data);
    pos += *size;
    if (body.substr(pos, 2) != kCrlf) return Incomplete();
    pos += 2;
  }

  // Trailer section: `name:value\r\n`... then an empty line. A blank line straight after the
  // final chunk is tolerated when trailers follow it (the layout of the AWS examples).
  std::string_view rest = body.substr(pos);
  if (OnlyLineBreaks(rest)) rest = {};
  if (StartsWith(rest, kCrlf)) rest.remove_prefix(2);
  std::string canonical;
  std::optional<std::string_view> trailer_signature;
  while (!rest.empty()) {
    size_t eol = rest.find(kCrlf);
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    if (line.empty()) {
      if (!OnlyLineBreaks(rest)) return MalformedTrailer();
      break;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return MalformedTrailer();
    std::string name = ToLower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name.empty()) return MalformedTrailer();
    if (name == "x-amz-trailer-signature") {
      trailer_signature = value;
      continue;
    }
    canonical += name + ":" + std::string(value) + "\n";
    out.trailers.emplace_back(std::move(name), std::string(value));
  }
  if (signing && (trailer_signature || !out.trailers.empty())) {
    if (!trailer_signature) return ChunkMismatch();
    std::string expected =
        Sign(*signing, "AWS4-HMAC-SHA256-TRAILER", previous, Sha256Hex(canonical));
    if (!SecureEquals(expected, *trailer_signature)) return ChunkMismatch();
  }
  return out;
}

namespace internal {

std::optional<AuthError> VerifyS3Payload(http::Request& req, std::string_view content_sha256,
                                         const ChunkSigning* signing) {
  // A copy: `content_sha256` may point into req.headers, which decoding rewrites.
  const std::string mode(Trim(content_sha256));
  if (mode.empty() || mode == kUnsignedPayload) {
    // Nothing to compare.
  } else if (mode.size() == 64 && IsLowerHex64(ToLower(mode))) {
    std::string computed = Sha256Hex(req.body);
    if (ToLower(mode) != computed)
      return MakeError(AuthErrorKind::kContentSha256Mismatch,
                       "The provided 'x-amz-content-sha256' header does not match what was "
                       "computed.",
                       {{"ClientComputedContentSHA256", std::string(mode)},
                        {"S3ComputedContentSHA256", std::move(computed)}});
  } else if (mode == kStreamingUnsignedTrailer) {
    if (auto err = DecodeInPlace(req, nullptr)) return err;
  } else if (mode == kStreamingSigned || mode == kStreamingSignedTrailer) {
    if (!signing)
      return MakeError(AuthErrorKind::kNotImplemented,
                       "Signed aws-chunked payloads are supported with Authorization header "
                       "signing only");
    if (auto err = DecodeInPlace(req, signing)) return err;
  } else if (StartsWith(mode, kStreamingV4aPrefix)) {
    return MakeError(AuthErrorKind::kNotImplemented,
                     "orgtrail does not implement Signature Version 4A payload signing");
  } else {
    return MakeError(AuthErrorKind::kContentSha256Mismatch,
                     "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                     "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                     "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                     "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, "
                     "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
                     {{"ClientComputedContentSHA256", std::string(mode)},
                      {"S3ComputedContentSHA256", Sha256Hex(req.body)}});
  }

  // x-amz-checksum-* headers describe the body, except on CompleteMultipartUpload
  // (POST ?uploadId) where they carry the whole object's checksum.
  const bool complete_upload =
      req.method == "POST" && FindParam(DecodedQuery(req.query), "uploadId") != nullptr;
  if (!complete_upload) {
    for (const http::Header& h : req.headers)
      if (auto err = VerifyChecksum(ToLower(Trim(h.name)), h.value, req.body)) return err;
  }
  if (const std::string* md5 = req.FindHeader("Content-MD5")) {
    std::optional<std::string> digest = Base64Decode(Trim(*md5));
    if (!digest || digest->size() != 16)
      return MakeError(AuthErrorKind::kInvalidDigest, "The Content-MD5 you specified was invalid.");
    if (*digest != Md5(req.body))
      return MakeError(AuthErrorKind::kBadDigest,
                       "The Content-MD5 you specified did not match what we received.");
  }
  return std::nullopt;
}

}  // namespace internal
}  // namespace orgtrail::auth
