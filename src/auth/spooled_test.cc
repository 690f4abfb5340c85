// S3 payloads spooled to a file (http::SpooledBody): the same checks as in-memory bodies, done
// in one streaming pass over the file; aws-chunked decoded file to file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/auth_testing.h"
#include "auth/sigv4_internal.h"
#include "auth/verify.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "testing/temp_dir.h"

namespace orgtrail::auth {
namespace {

namespace fs = std::filesystem;
using testing::AmzMs;
using testing::ChecksumBase64;
using testing::ErrorOf;
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

const int64_t kSpoolNow = AmzMs("20260301T100000Z");

// A private directory for spooled bodies.
struct SpoolDir : TempDir {
  SpoolDir() : TempDir("orgtrail-spool-test") {}
};

// Moves the request's body to a file, as the server does for a large body.
void Spool(http::Request& req, const SpoolDir& dir) {
  req.spooled = http::SpooledBody::Create(dir.path());
  ASSERT_TRUE(req.spooled);
  ASSERT_TRUE(req.spooled->Append(req.body));
  req.body.clear();
}

std::string FileBytes(const http::SpooledBody& f) {
  std::ifstream in(f.path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SpooledPayload, SignedChunksDecodeFileToFile) {
  SpoolDir dir;
  Keys keys;
  {
    http::Request req = StreamingExample(SignedBody());
    Spool(req, dir);
    const std::string framed_path = req.spooled->path;
    VerifiedOf(Verify(req, Options("s3", true, AmzMs("20130524T000000Z")), keys.Lookup()));
    ASSERT_TRUE(req.spooled);
    EXPECT_TRUE(req.body.empty());
    EXPECT_NE(req.spooled->path, framed_path);
    EXPECT_FALSE(fs::exists(framed_path));  // the framed bytes went with their last reference
    EXPECT_EQ(req.spooled->size, 66560u);
    EXPECT_EQ(FileBytes(*req.spooled), std::string(66560, 'a'));
    ASSERT_TRUE(req.spooled->Digest("md5"));
    EXPECT_EQ(*req.spooled->Digest("md5"), Md5(std::string(66560, 'a')));
    EXPECT_EQ(HeaderOf(req, "Content-Length"), "66560");
    EXPECT_EQ(HeaderOf(req, "Content-Encoding"), "<absent>");
    EXPECT_EQ(dir.Files(), 1u);
  }
  EXPECT_EQ(dir.Files(), 0u);  // the decoded file too, when nobody adopted it
}

TEST(SpooledPayload, BadSignatureInTheMiddleLeavesNoDecodedFile) {
  SpoolDir dir;
  Keys keys;
  std::string body = SignedBody();
  body[body.find("400;") + 100] = 'b';  // inside the second chunk's data
  {
    http::Request req = StreamingExample(body);
    Spool(req, dir);
    AuthError e =
        ErrorOf(Verify(req, Options("s3", true, AmzMs("20130524T000000Z")), keys.Lookup()));
    EXPECT_EQ(e.kind, AuthErrorKind::kSignatureMismatch);
    EXPECT_EQ(dir.Files(), 1u);  // only the request's own spooled body, until it goes
  }
  EXPECT_EQ(dir.Files(), 0u);
}

http::Request Crc32TrailerRequest(std::string body, std::string_view crc32) {
  std::string decoded = std::to_string(body.size());
  std::string framed = HexEncode(std::string(1, static_cast<char>(body.size() >> 8))) +
                       HexEncode(std::string(1, static_cast<char>(body.size() & 0xff))) + "\r\n" +
                       body + "\r\n0\r\nx-amz-checksum-crc32:" + std::string(crc32) + "\r\n\r\n";
  return UnsignedTrailerRequest(std::move(framed), kSpoolNow, "x-amz-checksum-crc32", decoded);
}

std::string Crc32Base64(std::string_view data) { return ChecksumBase64(Crc32(data)); }

TEST(SpooledPayload, UnsignedTrailerChecksumVerifiedFromTheStream) {
  SpoolDir dir;
  Keys keys;
  const std::string data(3000, 'z');
  http::Request ok = Crc32TrailerRequest(data, Crc32Base64(data));
  Spool(ok, dir);
  VerifiedOf(Verify(ok, Options("s3", true, kSpoolNow), keys.Lookup()));
  EXPECT_EQ(FileBytes(*ok.spooled), data);
  EXPECT_EQ(HeaderOf(ok, "x-amz-checksum-crc32"), Crc32Base64(data));
  ASSERT_TRUE(ok.spooled->Digest("crc32"));

  http::Request bad = Crc32TrailerRequest(data, Crc32Base64("other"));
  Spool(bad, dir);
  AuthError e = ErrorOf(Verify(bad, Options("s3", true, kSpoolNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kBadDigest);
  EXPECT_EQ(e.message, "The CRC32 you specified did not match the calculated checksum.");
}

TEST(SpooledPayload, HexPayloadHashAndContentMd5) {
  SpoolDir dir;
  Keys keys;
  const std::string data(100000, 'q');
  http::Request req = MakeRequest("PUT", "/b/k",
                                  {{"Host", "h"},
                                   {"Content-MD5", Base64Encode(Md5(data))},
                                   {"x-amz-checksum-sha256", Base64Encode(Sha256(data))}},
                                  data);
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kSpoolNow);
  ASSERT_EQ(HeaderOf(req, "X-Amz-Content-SHA256"), Sha256Hex(data));
  Spool(req, dir);
  VerifiedOf(Verify(req, Options("s3", true, kSpoolNow), keys.Lookup()));
  EXPECT_EQ(*req.spooled->Digest("md5"), Md5(data));
  EXPECT_EQ(*req.spooled->Digest("sha256"), Sha256(data));

  // One byte changed on disk: the payload hash no longer matches.
  http::Request changed = MakeRequest("PUT", "/b/k", {{"Host", "h"}}, data);
  SignRequest(changed, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kSpoolNow);
  changed.body[5000] = 'r';
  Spool(changed, dir);
  EXPECT_EQ(ErrorOf(Verify(changed, Options("s3", true, kSpoolNow), keys.Lookup())).kind,
            AuthErrorKind::kContentSha256Mismatch);

  http::Request md5 = MakeRequest("PUT", "/b/k",
                                  {{"Host", "h"},
                                   {"Content-MD5", Base64Encode(Md5("x"))},
                                   {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}},
                                  data);
  SignRequest(md5, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kSpoolNow);
  Spool(md5, dir);
  EXPECT_EQ(ErrorOf(Verify(md5, Options("s3", true, kSpoolNow), keys.Lookup())).kind,
            AuthErrorKind::kBadDigest);
}

// The decoder takes its input in pieces of any size, down to single bytes.
TEST(AwsChunkedDecoder, ByteByByteEqualsWhole) {
  ChunkSigning signing{SigningKey(testing::kS3Secret, "20130524", "us-east-1", "s3"),
                       "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
                       std::string(kSeed)};
  const std::string body = SignedBody();
  std::string out;
  internal::AwsChunkedDecoder decoder(&signing, [&](std::string_view d) {
    out.append(d);
    return true;
  });
  for (char c : body) ASSERT_FALSE(decoder.Feed(std::string_view(&c, 1)).has_value());
  auto trailers = decoder.Finish();
  ASSERT_FALSE(std::holds_alternative<AuthError>(trailers));
  EXPECT_EQ(out, std::string(66560, 'a'));

  // Cut anywhere before the final chunk: incomplete.
  internal::AwsChunkedDecoder cut(&signing, [](std::string_view) { return true; });
  ASSERT_FALSE(cut.Feed(std::string_view(body).substr(0, 66000)).has_value());
  auto r = cut.Finish();
  ASSERT_TRUE(std::holds_alternative<AuthError>(r));
  EXPECT_EQ(std::get<AuthError>(r).kind, AuthErrorKind::kIncompleteBody);
}

}  // namespace
}  // namespace orgtrail::auth
