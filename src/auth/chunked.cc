// S3 payload verification: X-Amz-Content-SHA256 modes, aws-chunked decoding (unsigned trailer
// and signed chunks), trailer and header checksums, Content-MD5 (spec/wire.md §5.5-§5.7;
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
#include <algorithm>
#include <memory>
#include <utility>

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

// The digest of the body named `alg` ("md5", "sha1", "sha256", "crc32", "crc32c"), raw bytes
// (CRCs big-endian). A spooled body's digests come from the pass that decoded or hashed it.
std::string BodyDigest(const http::Request& req, std::string_view alg);

// x-amz-checksum-<alg> against the body. nullopt when it matches or the header is not a checksum.
std::optional<AuthError> VerifyChecksum(std::string_view lower_name, std::string_view value,
                                        const http::Request& req) {
  if (!StartsWith(lower_name, "x-amz-checksum-")) return std::nullopt;
  std::string_view alg = lower_name.substr(15);
  std::string label;
  if (alg == "crc32") {
    label = "CRC32";
  } else if (alg == "crc32c") {
    label = "CRC32C";
  } else if (alg == "sha1") {
    label = "SHA1";
  } else if (alg == "sha256") {
    label = "SHA256";
  } else if (alg == "crc64nvme" || alg == "sha512" || alg == "md5" || alg == "xxhash64" ||
             alg == "xxhash3" || alg == "xxhash128") {
    return MakeError(AuthErrorKind::kNotImplemented,
                     "orgtrail does not implement the " + ToLower(alg) + " checksum algorithm");
  } else {
    return std::nullopt;  // x-amz-checksum-mode, -algorithm, -type: not checksums
  }
  if (Trim(value) == Base64Encode(BodyDigest(req, alg))) return std::nullopt;
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

// What every decoded body must satisfy: exactly the announced trailers (§5.6 rule 2), the
// declared decoded length (rule 3), trailer checksums. Then the request takes the shape of a
// plain upload: no aws-chunked in Content-Encoding, Content-Length the decoded length, trailers
// as headers.
std::optional<AuthError> FinishDecoded(http::Request& req,
                                       std::vector<std::pair<std::string, std::string>> trailers,
                                       uint64_t decoded_size) {
  std::vector<std::string> announced = AnnouncedTrailers(req);
  for (const auto& [name, value] : trailers)
    if (std::find(announced.begin(), announced.end(), name) == announced.end())
      return MalformedTrailer();
  for (const std::string& name : announced) {
    bool present = std::any_of(trailers.begin(), trailers.end(),
                               [&](const auto& t) { return t.first == name; });
    if (!present) return MalformedTrailer();
  }
  if (const std::string* declared = req.FindHeader("X-Amz-Decoded-Content-Length")) {
    std::string_view d = Trim(*declared);
    if (d.empty() || d.size() > 19 ||
        !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoull(std::string(d)) != decoded_size)
      return Incomplete();
  }
  for (const auto& [name, value] : trailers)
    if (auto err = VerifyChecksum(name, value, req)) return err;

  DropAwsChunkedEncoding(req);
  for (http::Header& h : req.headers)
    if (IEquals(h.name, "Content-Length")) h.value = std::to_string(decoded_size);
  for (auto& [name, value] : trailers)
    if (!req.FindHeader(name)) req.headers.push_back({name, value});
  return std::nullopt;
}

std::optional<AuthError> DecodeInPlace(http::Request& req, const ChunkSigning* signing) {
  auto decoded = DecodeAwsChunked(req.body, signing);
  if (auto* err = std::get_if<AuthError>(&decoded)) return std::move(*err);
  AwsChunkedBody& body = std::get<AwsChunkedBody>(decoded);
  std::string original = std::exchange(req.body, std::move(body.data));
  if (auto err = FinishDecoded(req, std::move(body.trailers), req.body.size())) {
    req.body = std::move(original);
    return err;
  }
  return std::nullopt;
}

// The checksum algorithms (MultiDigest names) a request names in its headers and announced
// trailers, plus md5 (Content-MD5 and the ETag).
std::vector<std::string> WantedDigests(const http::Request& req) {
  std::vector<std::string> names = {"md5"};
  auto add = [&](std::string_view lower_name) {
    if (StartsWith(lower_name, "x-amz-checksum-")) names.emplace_back(lower_name.substr(15));
  };
  for (const http::Header& h : req.headers) {
    std::string name = ToLower(Trim(h.name));
    add(name);
    if (name == "x-amz-sdk-checksum-algorithm" || name == "x-amz-checksum-algorithm")
      names.push_back(ToLower(Trim(h.value)));
  }
  for (const std::string& name : AnnouncedTrailers(req)) add(name);
  return names;
}

void AddWantedDigests(const http::Request& req, MultiDigest& digests) {
  for (const std::string& name : WantedDigests(req)) digests.Add(name);
}

constexpr size_t kReadPiece = 1 << 20;

// Reads a spooled body once, in pieces, feeding `consume`; false on a read error.
template <typename Consume>
bool ReadSpooled(const http::SpooledBody& in, Consume consume) {
  std::string buf(static_cast<size_t>(std::min<uint64_t>(kReadPiece, in.size)), '\0');
  for (uint64_t offset = 0; offset < in.size;) {
    long long n = in.ReadAt(offset, buf.data(), std::min<uint64_t>(buf.size(), in.size - offset));
    if (n <= 0) return false;
    if (!consume(std::string_view(buf.data(), static_cast<size_t>(n)))) return false;
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

// One pass over a spooled body computing md5, the request's checksums and (when asked) sha256.
std::optional<AuthError> HashSpooled(http::Request& req, bool with_sha256) {
  http::SpooledBody& in = *req.spooled;
  if (in.Digest("md5") && (!with_sha256 || in.Digest("sha256"))) return std::nullopt;
  MultiDigest digests;
  AddWantedDigests(req, digests);
  if (with_sha256) digests.Add("sha256");
  if (!ReadSpooled(in, [&](std::string_view piece) {
        digests.Update(piece);
        return true;
      }))
    return Incomplete();
  in.digests = digests.Final();
  return std::nullopt;
}

// aws-chunked from one spooled file to another, hashing the decoded bytes on the way; the
// request's body becomes the decoded file (the framed one goes with its last reference).
std::optional<AuthError> DecodeSpooled(http::Request& req, const ChunkSigning* signing) {
  const http::SpooledBody& in = *req.spooled;
  std::string dir = in.path.substr(0, in.path.rfind('/'));
  std::shared_ptr<http::SpooledBody> out = http::SpooledBody::Create(dir);
  if (!out) return Incomplete();
  MultiDigest digests;
  AddWantedDigests(req, digests);
  internal::AwsChunkedDecoder decoder(signing, [&](std::string_view data) {
    digests.Update(data);
    return out->Append(data);
  });
  std::optional<AuthError> failure;
  if (!ReadSpooled(in, [&](std::string_view piece) {
        failure = decoder.Feed(piece);
        return !failure;
      }))
    return failure ? std::move(*failure) : Incomplete();
  auto trailers = decoder.Finish();
  if (auto* err = std::get_if<AuthError>(&trailers)) return std::move(*err);
  out->digests = digests.Final();
  std::shared_ptr<http::SpooledBody> framed = std::exchange(req.spooled, out);
  const uint64_t size = out->size;
  using Trailers = std::vector<std::pair<std::string, std::string>>;
  if (auto err = FinishDecoded(req, std::move(std::get<Trailers>(trailers)), size)) {
    req.spooled = std::move(framed);
    return err;
  }
  return std::nullopt;
}

std::string BodyDigest(const http::Request& req, std::string_view alg) {
  if (req.spooled) {
    if (const std::string* d = req.spooled->Digest(alg)) return *d;
    MultiDigest one;  // not named by the request: hashed now
    one.Add(alg);
    ReadSpooled(*req.spooled, [&](std::string_view piece) {
      one.Update(piece);
      return true;
    });
    auto out = one.Final();
    return out.empty() ? std::string() : out[0].second;
  }
  MultiDigest one;
  one.Add(alg);
  one.Update(req.body);
  auto out = one.Final();
  return out.empty() ? std::string() : out[0].second;
}

}  // namespace

namespace internal {

struct AwsChunkedDecoder::State {
  enum class Phase { kSizeLine, kData, kDataEnd, kTrailers };
  // A framing line (size and extensions) longer than this is not aws-chunked.
  static constexpr size_t kMaxLine = 4096;
  // The trailer section: a few checksum lines and a signature.
  static constexpr size_t kMaxTrailers = 64 * 1024;

  const ChunkSigning* signing;
  Sink sink;
  Phase phase = Phase::kSizeLine;
  std::string line;        // the framing line so far, or the trailer section
  uint64_t remaining = 0;  // bytes left in the current chunk
  int crlf_seen = 0;       // of the CRLF after a chunk's data
  std::string previous;    // the signature chain
  std::string empty_hash;
  std::optional<std::string> chunk_signature;  // of the current chunk, when signing
  std::optional<Sha256Stream> chunk_hash;

  // Checks the current chunk's signature, its data now complete.
  std::optional<AuthError> EndChunk() {
    if (!signing) return std::nullopt;
    if (!chunk_signature) return ChunkMismatch();
    std::string hashed = empty_hash + "\n" + HexEncode(chunk_hash->Final());
    std::string expected = Sign(*signing, "AWS4-HMAC-SHA256-PAYLOAD", previous, hashed);
    if (!SecureEquals(expected, *chunk_signature)) return ChunkMismatch();
    previous = std::move(expected);
    return std::nullopt;
  }

  std::optional<AuthError> SizeLine() {
    std::string_view text(line.data(), line.size() - 2);
    size_t semi = text.find(';');
    std::optional<uint64_t> size = ParseHexSize(Trim(text.substr(0, semi)));
    if (!size) return Incomplete();
    if (signing) {
      std::optional<std::string_view> sig =
          semi == std::string_view::npos ? std::nullopt : ChunkSignature(text.substr(semi + 1));
      chunk_signature = sig ? std::optional<std::string>(std::string(*sig)) : std::nullopt;
      chunk_hash.emplace();
    }
    line.clear();
    remaining = *size;
    if (*size > 0) {
      phase = Phase::kData;
      return std::nullopt;
    }
    phase = Phase::kTrailers;
    return EndChunk();
  }
};

AwsChunkedDecoder::AwsChunkedDecoder(const ChunkSigning* signing, Sink sink)
    : s_(std::make_unique<State>()) {
  s_->signing = signing;
  s_->sink = std::move(sink);
  if (signing) {
    s_->previous = signing->seed_signature;
    s_->empty_hash = Sha256Hex("");
  }
}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

std::optional<AuthError> AwsChunkedDecoder::Feed(std::string_view bytes) {
  State& s = *s_;
  while (!bytes.empty()) {
    switch (s.phase) {
      case State::Phase::kSizeLine: {
        size_t nl = bytes.find('\n');
        size_t take = nl == std::string_view::npos ? bytes.size() : nl + 1;
        s.line.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (s.line.size() > State::kMaxLine) return Incomplete();
        if (nl == std::string_view::npos || s.line.size() < 2 || s.line[s.line.size() - 2] != '\r')
          break;
        if (auto err = s.SizeLine()) return err;
        break;
      }
      case State::Phase::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(s.remaining, bytes.size()));
        std::string_view data = bytes.substr(0, take);
        bytes.remove_prefix(take);
        if (s.chunk_hash) s.chunk_hash->Update(data);
        if (!s.sink(data)) return Incomplete();
        s.remaining -= take;
        if (s.remaining == 0) {
          if (auto err = s.EndChunk()) return err;
          s.phase = State::Phase::kDataEnd;
          s.crlf_seen = 0;
        }
        break;
      }
      case State::Phase::kDataEnd:
        if (bytes.front() != kCrlf[static_cast<size_t>(s.crlf_seen)]) return Incomplete();
        bytes.remove_prefix(1);
        if (++s.crlf_seen == 2) s.phase = State::Phase::kSizeLine;
        break;
      case State::Phase::kTrailers:
        if (s.line.size() + bytes.size() > State::kMaxTrailers) return MalformedTrailer();
        s.line.append(bytes);
        bytes = {};
        break;
    }
  }
  return std::nullopt;
}

std::variant<std::vector<std::pair<std::string, std::string>>, AuthError>
AwsChunkedDecoder::Finish() {
  State& s = *s_;
  if (s.phase != State::Phase::kTrailers) return Incomplete();
  std::vector<std::pair<std::string, std::string>> trailers;
  // Trailer section: `name:value\r\n`... then an empty line. A blank line straight after the
  // final chunk is tolerated when trailers follow it (the layout of the AWS examples).
  std::string_view rest = s.line;
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
    trailers.emplace_back(std::move(name), std::string(value));
  }
  if (s.signing && (trailer_signature || !trailers.empty())) {
    if (!trailer_signature) return ChunkMismatch();
    std::string expected =
        Sign(*s.signing, "AWS4-HMAC-SHA256-TRAILER", s.previous, Sha256Hex(canonical));
    if (!SecureEquals(expected, *trailer_signature)) return ChunkMismatch();
  }
  return trailers;
}

}  // namespace internal

std::variant<AwsChunkedBody, AuthError> DecodeAwsChunked(std::string_view body,
                                                         const ChunkSigning* signing) {
  AwsChunkedBody out;
  internal::AwsChunkedDecoder decoder(signing, [&out](std::string_view data) {
    out.data.append(data);
    return true;
  });
  if (auto err = decoder.Feed(body)) return std::move(*err);
  auto trailers = decoder.Finish();
  if (auto* err = std::get_if<AuthError>(&trailers)) return std::move(*err);
  out.trailers = std::move(std::get<0>(trailers));
  return out;
}

std::vector<std::string> SpoolDigests(const http::Request& head) {
  std::string mode(Trim(head.HeaderOr("X-Amz-Content-SHA256")));
  if (StartsWith(mode, "STREAMING-")) return {};  // framed: the decoder hashes the object bytes
  std::vector<std::string> names = WantedDigests(head);
  if (mode.size() == 64 && internal::IsLowerHex64(ToLower(mode))) names.emplace_back("sha256");
  return names;
}

namespace internal {

std::optional<AuthError> VerifyS3Payload(http::Request& req, std::string_view content_sha256,
                                         const ChunkSigning* signing) {
  // A copy: `content_sha256` may point into req.headers, which decoding rewrites.
  const std::string mode(Trim(content_sha256));
  const bool hex_hash = mode.size() == 64 && IsLowerHex64(ToLower(mode));
  auto decode = [&](const ChunkSigning* s) {
    return req.spooled ? DecodeSpooled(req, s) : DecodeInPlace(req, s);
  };
  auto body_sha256_hex = [&] { return HexEncode(BodyDigest(req, "sha256")); };
  if (req.spooled && !StartsWith(mode, "STREAMING-")) {
    // One pass over the file for every digest this request needs.
    if (auto err = HashSpooled(req, /*with_sha256=*/!mode.empty() && mode != kUnsignedPayload))
      return err;
  }
  if (mode.empty() || mode == kUnsignedPayload) {
    // Nothing to compare.
  } else if (hex_hash) {
    std::string computed = body_sha256_hex();
    if (ToLower(mode) != computed)
      return MakeError(AuthErrorKind::kContentSha256Mismatch,
                       "The provided 'x-amz-content-sha256' header does not match what was "
                       "computed.",
                       {{"ClientComputedContentSHA256", std::string(mode)},
                        {"S3ComputedContentSHA256", std::move(computed)}});
  } else if (mode == kStreamingUnsignedTrailer) {
    if (auto err = decode(nullptr)) return err;
  } else if (mode == kStreamingSigned || mode == kStreamingSignedTrailer) {
    if (!signing)
      return MakeError(AuthErrorKind::kNotImplemented,
                       "Signed aws-chunked payloads are supported with Authorization header "
                       "signing only");
    if (auto err = decode(signing)) return err;
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
                      {"S3ComputedContentSHA256", body_sha256_hex()}});
  }
  // A spooled STREAMING-* body that is not aws-chunked after all still gets its digests.
  if (req.spooled)
    if (auto err = HashSpooled(req, /*with_sha256=*/false)) return err;

  // x-amz-checksum-* headers describe the body, except on CompleteMultipartUpload
  // (POST ?uploadId) where they carry the whole object's checksum.
  const bool complete_upload =
      req.method == "POST" && FindParam(DecodedQuery(req.query), "uploadId") != nullptr;
  if (!complete_upload) {
    for (const http::Header& h : req.headers)
      if (auto err = VerifyChecksum(ToLower(Trim(h.name)), h.value, req)) return err;
  }
  if (const std::string* md5 = req.FindHeader("Content-MD5")) {
    std::optional<std::string> digest = Base64Decode(Trim(*md5));
    if (!digest || digest->size() != 16)
      return MakeError(AuthErrorKind::kInvalidDigest, "The Content-MD5 you specified was invalid.");
    if (*digest != BodyDigest(req, "md5"))
      return MakeError(AuthErrorKind::kBadDigest,
                       "The Content-MD5 you specified did not match what we received.");
  }
  return std::nullopt;
}

}  // namespace internal
}  // namespace orgtrail::auth
