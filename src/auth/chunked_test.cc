// aws-chunked payloads: the unsigned-trailer bytes of spec/wire.md §5.6 and the signed-chunk
// examples of the S3 documentation (sigv4-streaming, sigv4-streaming-trailers).
#include <gtest/gtest.h>

#include "auth/auth_testing.h"
#include "auth/verify.h"
#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::auth {
namespace {

using testing::AmzMs;
using testing::ChecksumBase64;
using testing::ErrorOf;
using testing::FieldOf;
using testing::HeaderOf;
using testing::kChunk1;
using testing::kChunk2;
using testing::Keys;
using testing::kFinal;
using testing::kSeed;
using testing::MakeRequest;
using testing::Options;
using testing::SignedBody;
using testing::StreamingExample;
using testing::UnsignedTrailerRequest;
using testing::VerifiedOf;

const int64_t kNow = AmzMs("20260301T100000Z");

// The 53 bytes CLI v1 sends for `hello world\n` once HTTP chunking is removed (§5.6).
constexpr std::string_view kHelloChunked =
    "c\r\nhello world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";

// An unsigned-trailer request at kNow (auth_testing.h).
http::Request UnsignedTrailer(std::string body, std::string trailer = "x-amz-checksum-crc32",
                              std::string decoded_length = "12",
                              std::string encoding = "aws-chunked") {
  return UnsignedTrailerRequest(std::move(body), kNow, std::move(trailer),
                                std::move(decoded_length), std::move(encoding));
}

TEST(UnsignedTrailer, DecodesTheCliBytes) {
  ASSERT_EQ(kHelloChunked.size(), 0x35u);
  Keys keys;
  http::Request req = UnsignedTrailer(std::string(kHelloChunked));
  VerifiedOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
  EXPECT_EQ(req.body, "hello world\n");
  EXPECT_EQ(HeaderOf(req, "Content-Encoding"), "<absent>");
  EXPECT_EQ(HeaderOf(req, "x-amz-checksum-crc32"), "rwg7LQ==");
}

TEST(UnsignedTrailer, KeepsOtherContentEncodingsAndFixesContentLength) {
  Keys keys;
  http::Request req = UnsignedTrailer(std::string(kHelloChunked), "x-amz-checksum-crc32", "12",
                                      "gzip, aws-chunked");
  req.headers.insert(req.headers.begin(), {"Content-Length", "53"});
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kNow);
  VerifiedOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
  EXPECT_EQ(HeaderOf(req, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(req, "Content-Length"), "12");
}

TEST(UnsignedTrailer, EveryChecksumAlgorithm) {
  Keys keys;
  const std::string data = "The quick brown fox jumps over the lazy dog";
  struct Case {
    std::string name, value;
  };
  for (const Case& c : {Case{"x-amz-checksum-crc32", ChecksumBase64(Crc32(data))},
                        Case{"x-amz-checksum-crc32c", ChecksumBase64(Crc32c(data))},
                        Case{"x-amz-checksum-sha1", Base64Encode(Sha1(data))},
                        Case{"x-amz-checksum-sha256", Base64Encode(Sha256(data))}}) {
    // Two chunks, and a trailer value after "name: " with a space.
    std::string body = "10\r\n" + data.substr(0, 16) + "\r\n1b\r\n" + data.substr(16) +
                       "\r\n0\r\n" + c.name + ": " + c.value + "\r\n\r\n";
    http::Request req = UnsignedTrailer(body, c.name, std::to_string(data.size()));
    VerifiedOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
    EXPECT_EQ(req.body, data) << c.name;
    EXPECT_EQ(HeaderOf(req, c.name), c.value);

    std::string wrong = "10\r\n" + data.substr(0, 16) + "\r\n1b\r\n" + data.substr(16) +
                        "\r\n0\r\n" + c.name + ":" + Base64Encode(Sha256("x")) + "\r\n\r\n";
    http::Request bad = UnsignedTrailer(wrong, c.name, std::to_string(data.size()));
    AuthError e = ErrorOf(Verify(bad, Options("s3", true, kNow), keys.Lookup()));
    EXPECT_EQ(e.kind, AuthErrorKind::kBadDigest) << c.name;
  }
}

TEST(UnsignedTrailer, Crc32MismatchMessage) {
  Keys keys;
  http::Request req =
      UnsignedTrailer("c\r\nhello world!\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n");
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kBadDigest);
  EXPECT_EQ(e.message, "The CRC32 you specified did not match the calculated checksum.");
  EXPECT_EQ(req.body.size(), 53u);  // untouched on failure
}

TEST(UnsignedTrailer, DecodedLengthMustMatch) {
  Keys keys;
  http::Request req = UnsignedTrailer(std::string(kHelloChunked), "x-amz-checksum-crc32", "13");
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kIncompleteBody);
  EXPECT_EQ(e.message, "The request body terminated unexpectedly");
}

TEST(UnsignedTrailer, TrailersMustBeTheAnnouncedOnes) {
  Keys keys;
  http::Request other = UnsignedTrailer(std::string(kHelloChunked), "x-amz-checksum-crc32c");
  EXPECT_EQ(ErrorOf(Verify(other, Options("s3", true, kNow), keys.Lookup())).kind,
            AuthErrorKind::kIncompleteBody);
  http::Request missing = UnsignedTrailer("c\r\nhello world\n\r\n0\r\n\r\n");
  EXPECT_EQ(ErrorOf(Verify(missing, Options("s3", true, kNow), keys.Lookup())).kind,
            AuthErrorKind::kIncompleteBody);
}

TEST(UnsignedTrailer, MalformedFraming) {
  Keys keys;
  for (std::string body :
       {std::string("c\r\nhello world\n"),                           // truncated
        std::string("c\r\nhello world\nXX0\r\n\r\n"),                // no CRLF after data
        std::string("zz\r\nhello\r\n0\r\n\r\n"),                     // bad size
        std::string("ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),       // size beyond the body
        std::string("c\r\nhello world\n\r\n0\r\nno-colon\r\n\r\n"),  // bad trailer line
        std::string("")}) {
    http::Request req = UnsignedTrailer(body);
    EXPECT_EQ(ErrorOf(Verify(req, Options("s3", true, kNow), keys.Lookup())).kind,
              AuthErrorKind::kIncompleteBody)
        << body;
  }
}

TEST(UnsignedTrailer, Crc64NvmeIsNotImplemented) {
  Keys keys;
  http::Request req =
      UnsignedTrailer("c\r\nhello world\n\r\n0\r\nx-amz-checksum-crc64nvme:AAAAAAAAAAA=\r\n\r\n",
                      "x-amz-checksum-crc64nvme");
  EXPECT_EQ(ErrorOf(Verify(req, Options("s3", true, kNow), keys.Lookup())).kind,
            AuthErrorKind::kNotImplemented);
}

TEST(UnsignedTrailer, AnonymousRequestsDecodeToo) {
  Keys keys;
  http::Request req = MakeRequest("PUT", "/public/hello.txt",
                                  {{"Content-Encoding", "aws-chunked"},
                                   {"X-Amz-Trailer", "x-amz-checksum-crc32"},
                                   {"X-Amz-Content-SHA256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}},
                                  std::string(kHelloChunked));
  EXPECT_EQ(VerifiedOf(Verify(req, Options("s3", true, kNow), keys.Lookup())).method,
            AuthMethod::kAnonymous);
  EXPECT_EQ(req.body, "hello world\n");
}

// --- Signed chunks: the S3 documentation example (PUT 66560 bytes of 'a', 64 KiB chunks). ---

TEST(SignedChunks, DocumentationExampleVerifies) {
  Keys keys;
  http::Request req = StreamingExample(SignedBody(kChunk1, kChunk2, kFinal));
  ASSERT_EQ(req.body.size(), 66824u);
  Verified v =
      VerifiedOf(Verify(req, Options("s3", true, AmzMs("20130524T000000Z")), keys.Lookup()));
  EXPECT_EQ(v.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(req.body, std::string(66560, 'a'));
  EXPECT_EQ(HeaderOf(req, "Content-Length"), "66560");
  EXPECT_EQ(HeaderOf(req, "Content-Encoding"), "<absent>");
}

TEST(SignedChunks, AnyTamperingIsASignatureMismatch) {
  Keys keys;
  const int64_t at = AmzMs("20130524T000000Z");
  std::string data_changed = SignedBody(kChunk1, kChunk2, kFinal);
  data_changed[200] = 'b';
  std::string swapped = SignedBody(kChunk2, kChunk1, kFinal);
  std::string last_wrong = SignedBody(kChunk1, kChunk2, kChunk1);
  std::string unsigned_chunk = SignedBody(kChunk1, kChunk2, kFinal);
  unsigned_chunk.replace(0, 5 + 17 + 64, "10000");
  for (const std::string& body : {data_changed, swapped, last_wrong, unsigned_chunk}) {
    http::Request req = StreamingExample(body);
    AuthError e = ErrorOf(Verify(req, Options("s3", true, at), keys.Lookup()));
    EXPECT_EQ(e.kind, AuthErrorKind::kSignatureMismatch);
    EXPECT_EQ(e.message,
              "The request signature we calculated does not match the signature you provided. "
              "Check your key and signing method.");
  }
}

TEST(SignedChunks, DecodeWithTheChainDirectly) {
  ChunkSigning signing{SigningKey(testing::kS3Secret, "20130524", "us-east-1", "s3"),
                       "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
                       std::string(kSeed)};
  auto ok = DecodeAwsChunked(SignedBody(kChunk1, kChunk2, kFinal), &signing);
  ASSERT_TRUE(std::holds_alternative<AwsChunkedBody>(ok));
  EXPECT_EQ(std::get<AwsChunkedBody>(ok).data.size(), 66560u);
  EXPECT_TRUE(std::get<AwsChunkedBody>(ok).trailers.empty());
  signing.seed_signature[0] = '5';
  auto bad = DecodeAwsChunked(SignedBody(kChunk1, kChunk2, kFinal), &signing);
  ASSERT_TRUE(std::holds_alternative<AuthError>(bad));
  EXPECT_EQ(std::get<AuthError>(bad).kind, AuthErrorKind::kSignatureMismatch);
  // Without a signing context the chunk signatures are ignored.
  auto plain = DecodeAwsChunked(SignedBody(kChunk1, kChunk2, kFinal), nullptr);
  ASSERT_TRUE(std::holds_alternative<AwsChunkedBody>(plain));
}

// The trailer variant (sigv4-streaming-trailers): seed 106e2a8a..., CRC32C trailer.
constexpr std::string_view kTrailerSeed =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

std::string TrailerBody(std::string_view trailer_value, std::string_view between = "") {
  return SignedBody("b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
                    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
                    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
                    std::string(between) + "x-amz-checksum-crc32c:" + std::string(trailer_value) +
                        "\r\nx-amz-trailer-signature:"
                        "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
}

http::Request TrailerExample(std::string body) {
  return StreamingExample(std::move(body), testing::kTrailerSignedHeaders, kTrailerSeed);
}

TEST(SignedChunks, TrailerExampleVerifies) {
  Keys keys;
  const int64_t at = AmzMs("20130524T000000Z");
  // With and without the blank line the documentation shows after the final chunk.
  for (std::string_view between : {"", "\r\n"}) {
    http::Request req = TrailerExample(TrailerBody("sOO8/Q==", between));
    VerifiedOf(Verify(req, Options("s3", true, at), keys.Lookup()));
    EXPECT_EQ(req.body, std::string(66560, 'a'));
    EXPECT_EQ(HeaderOf(req, "x-amz-checksum-crc32c"), "sOO8/Q==");
  }
  // A changed trailer breaks the trailer signature before its checksum is even looked at.
  http::Request req = TrailerExample(TrailerBody("AAAAAA=="));
  EXPECT_EQ(ErrorOf(Verify(req, Options("s3", true, at), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
  // The trailer signature is required once trailers are present.
  std::string body = TrailerBody("sOO8/Q==");
  body.erase(body.find("x-amz-trailer-signature"));
  body += "\r\n";
  http::Request unsigned_trailer = TrailerExample(body);
  EXPECT_EQ(ErrorOf(Verify(unsigned_trailer, Options("s3", true, at), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
}

TEST(SignedChunks, RequireHeaderAuthentication) {
  Keys keys;
  http::Request anon =
      MakeRequest("PUT", "/b/k", {{"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}},
                  SignedBody(kChunk1, kChunk2, kFinal));
  EXPECT_EQ(ErrorOf(Verify(anon, Options("s3", true, kNow), keys.Lookup())).kind,
            AuthErrorKind::kMissingAuthentication);
  http::Request v4a = MakeRequest(
      "PUT", "/b/k",
      {{"Host", "h"}, {"X-Amz-Content-SHA256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"}}, "");
  SignRequest(v4a, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kNow);
  EXPECT_EQ(ErrorOf(Verify(v4a, Options("s3", true, kNow), keys.Lookup())).kind,
            AuthErrorKind::kNotImplemented);
}

TEST(S3Payload, UnknownContentSha256Mode) {
  Keys keys;
  http::Request req =
      MakeRequest("PUT", "/b/k", {{"Host", "h"}, {"X-Amz-Content-SHA256", "NOT-A-MODE"}}, "x");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kNow);
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kContentSha256Mismatch);
  EXPECT_EQ(FieldOf(e, "ClientComputedContentSHA256"), "NOT-A-MODE");
}

}  // namespace
}  // namespace orgtrail::auth
