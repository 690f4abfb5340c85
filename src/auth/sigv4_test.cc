// SigV4 pure steps and published AWS vectors: the SigV4 test suite (AKIDEXAMPLE, 20150830),
// the S3 "Signature Calculations for the Authorization Header" and presigned URL examples.
#include <gtest/gtest.h>

#include "auth/auth_testing.h"
#include "auth/sigv4_internal.h"
#include "auth/verify.h"
#include "core/crypto.h"
#include "core/encoding.h"

namespace orgtrail::auth {
namespace {

using testing::AmzMs;
using testing::ErrorOf;
using testing::HeaderOf;
using testing::Keys;
using testing::MakeRequest;
using testing::Options;
using testing::VerifiedOf;

constexpr std::string_view kSuiteDate = "20150830T123600Z";
constexpr std::string_view kS3Date = "20130524T000000Z";

std::string SuiteAuth(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=" +
         std::string(signed_headers) + ", Signature=" + std::string(signature);
}

std::string S3Auth(std::string_view signed_headers, std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
         "SignedHeaders=" +
         std::string(signed_headers) + ",Signature=" + std::string(signature);
}

TEST(SigningKey, MatchesTheIamDocumentationExample) {
  // "Examples of how to derive a signing key for Signature Version 4".
  EXPECT_EQ(HexEncode(SigningKey(testing::kSuiteSecret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(StringToSign, HasTheFourLines) {
  EXPECT_EQ(StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", "x"),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
                Sha256Hex("x"));
}

TEST(CanonicalUri, NonS3RemovesDotSegmentsAndEncodesTwice) {
  EXPECT_EQ(CanonicalUri("", false), "/");
  EXPECT_EQ(CanonicalUri("/", false), "/");
  EXPECT_EQ(CanonicalUri("/./", false), "/");                              // get-slash-dot-slash
  EXPECT_EQ(CanonicalUri("/example1/example2/../..", false), "/");         // get-relative-relative
  EXPECT_EQ(CanonicalUri("/example/..", false), "/");                      // get-relative
  EXPECT_EQ(CanonicalUri("//example//", false), "/example/");              // get-slashes
  EXPECT_EQ(CanonicalUri("/\xE1\x88\xB4", false), "/%E1%88%B4");           // get-utf8
  EXPECT_EQ(CanonicalUri("/example space/", false), "/example%20space/");  // get-space
  EXPECT_EQ(CanonicalUri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1/invocations", false),
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1/invocations");
  EXPECT_EQ(CanonicalUri("/2015-03-31/functions/", false), "/2015-03-31/functions/");
}

TEST(CanonicalUri, S3KeepsThePathAsReceived) {
  EXPECT_EQ(CanonicalUri("/b/a%20b/c%2Bd", true), "/b/a%20b/c%2Bd");
  EXPECT_EQ(CanonicalUri("/b/./x//y/../z", true), "/b/./x//y/../z");
  EXPECT_EQ(CanonicalUri("", true), "/");
}

TEST(CanonicalQueryString, SortsAndReencodes) {
  EXPECT_EQ(CanonicalQueryString("", false), "");
  EXPECT_EQ(CanonicalQueryString("Param2=value2&Param1=value1", false),
            "Param1=value1&Param2=value2");
  // get-vanilla-query-order-encoded: sorted by the encoded key.
  EXPECT_EQ(CanonicalQueryString("Param-3=Value3&Param=Value2&%E1%88%B4=Value1", false),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  // Bare key, repeated key sorted by value, '+' literal, space, reserved characters.
  EXPECT_EQ(CanonicalQueryString("uploads&b=2&b=1&c=a+b&d=a%20b&e=%2F~%7e", false),
            "b=1&b=2&c=a%2Bb&d=a%20b&e=%2F~~&uploads=");
  EXPECT_EQ(CanonicalQueryString("a=1&&X-Amz-Signature=abc&x=2", true), "a=1&x=2");
  EXPECT_EQ(CanonicalQueryString("X-Amz-Signature=abc", false), "X-Amz-Signature=abc");
}

TEST(CanonicalRequest, GetHeaderKeyDuplicateAndTrimall) {
  // get-header-key-duplicate and get-header-value-multiline/trim of the test suite.
  http::Request req = MakeRequest("GET", "/",
                                  {{"Host", "example.amazonaws.com"},
                                   {"My-Header1", "value2"},
                                   {"My-Header1", "value2"},
                                   {"My-Header1", "value1"},
                                   {"My-Header2", "  a   b \t c  "},
                                   {"X-Amz-Date", std::string(kSuiteDate)}});
  internal::CanonicalRequestParts parts = internal::BuildCanonicalRequest(
      req, {"host", "my-header1", "my-header2", "x-amz-date"},
      "host;my-header1;my-header2;x-amz-date", false, false, testing::kEmptySha256);
  EXPECT_FALSE(parts.missing_signed_header);
  EXPECT_EQ(parts.text,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\n"
            "my-header2:a b c\nx-amz-date:20150830T123600Z\n\n"
            "host;my-header1;my-header2;x-amz-date\n" +
                std::string(testing::kEmptySha256));
  parts = internal::BuildCanonicalRequest(req, {"host", "x-absent"}, "host;x-absent", false, false,
                                          testing::kEmptySha256);
  EXPECT_TRUE(parts.missing_signed_header);
}

TEST(SigV4Suite, GetVanilla) {
  Keys keys;
  http::Request req = MakeRequest(
      "GET", "/",
      {{"Host", "example.amazonaws.com"},
       {"X-Amz-Date", std::string(kSuiteDate)},
       {"Authorization",
        SuiteAuth("host;x-amz-date",
                  "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")}});
  internal::CanonicalRequestParts cr = internal::BuildCanonicalRequest(
      req, {"host", "x-amz-date"}, "host;x-amz-date", false, false, Sha256Hex(""));
  EXPECT_EQ(cr.text,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign(kSuiteDate, "20150830/us-east-1/service/aws4_request", cr.text),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  Verified v = VerifiedOf(Verify(req, Options("service", false, AmzMs(kSuiteDate)), keys.Lookup()));
  EXPECT_EQ(v.method, AuthMethod::kSigV4Header);
  EXPECT_EQ(v.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(v.region, "us-east-1");
  EXPECT_EQ(v.request_time_ms, AmzMs(kSuiteDate));
  EXPECT_EQ(v.session_token, "");
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
  Keys keys;
  http::Request req = MakeRequest(
      "GET", "/?Param2=value2&Param1=value1",
      {{"Host", "example.amazonaws.com"},
       {"X-Amz-Date", std::string(kSuiteDate)},
       {"Authorization",
        SuiteAuth("host;x-amz-date",
                  "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")}});
  VerifiedOf(Verify(req, Options("service", false, AmzMs(kSuiteDate)), keys.Lookup()));
}

TEST(SigV4Suite, PostXWwwFormUrlencodedHashesTheBody) {
  Keys keys;
  auto make = [](std::string body) {
    return MakeRequest(
        "POST", "/",
        {{"Content-Type", "application/x-www-form-urlencoded"},
         {"Host", "example.amazonaws.com"},
         {"X-Amz-Date", std::string(kSuiteDate)},
         {"Authorization",
          SuiteAuth("content-type;host;x-amz-date",
                    "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")}},
        std::move(body));
  };
  http::Request req = make("Param1=value1");
  VerifiedOf(Verify(req, Options("service", false, AmzMs(kSuiteDate)), keys.Lookup()));
  http::Request tampered = make("Param1=value2");
  EXPECT_EQ(
      ErrorOf(Verify(tampered, Options("service", false, AmzMs(kSuiteDate)), keys.Lookup())).kind,
      AuthErrorKind::kSignatureMismatch);
}

TEST(SigV4Suite, AuthorizationPartsInAnyOrderWithAnyWhitespace) {
  Keys keys;
  const std::string sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  const std::string cred = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
  for (const std::string& auth :
       {"AWS4-HMAC-SHA256 Signature=" + sig + ",SignedHeaders=host;x-amz-date," + cred,
        "AWS4-HMAC-SHA256  " + cred + ",\tSignedHeaders=host;x-amz-date ,  Signature=" + sig,
        "AWS4-HMAC-SHA256 " + cred + ",\n SignedHeaders = host;x-amz-date, Signature=" + sig}) {
    http::Request req = MakeRequest("GET", "/",
                                    {{"Host", "example.amazonaws.com"},
                                     {"X-Amz-Date", std::string(kSuiteDate)},
                                     {"Authorization", auth}});
    VerifiedOf(Verify(req, Options("service", false, AmzMs(kSuiteDate)), keys.Lookup()));
    EXPECT_EQ(PeekScope(req).service, "service") << auth;
  }
}

TEST(S3Examples, GetObjectWithRange) {
  Keys keys;
  http::Request req =
      MakeRequest("GET", "/test.txt",
                  {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Authorization",
                    S3Auth("host;range;x-amz-content-sha256;x-amz-date",
                           "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")},
                   {"Range", "bytes=0-9"},
                   {"x-amz-content-sha256", std::string(testing::kEmptySha256)},
                   {"x-amz-date", std::string(kS3Date)}});
  Verified v = VerifiedOf(Verify(req, Options("s3", true, AmzMs(kS3Date)), keys.Lookup()));
  EXPECT_EQ(v.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  Scope scope = PeekScope(req);
  EXPECT_EQ(scope.method, AuthMethod::kSigV4Header);
  EXPECT_EQ(scope.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(scope.date, "20130524");
  EXPECT_EQ(scope.region, "us-east-1");
  EXPECT_EQ(scope.service, "s3");
}

TEST(S3Examples, PutObjectWithDateAndStorageClass) {
  Keys keys;
  http::Request req =
      MakeRequest("PUT", "/test%24file.text",
                  {{"Host", "examplebucket.s3.amazonaws.com"},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"Authorization",
                    S3Auth("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                           "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")},
                   {"x-amz-date", std::string(kS3Date)},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                   {"x-amz-content-sha256",
                    "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"}},
                  "Welcome to Amazon S3.");
  VerifiedOf(Verify(req, Options("s3", true, AmzMs(kS3Date)), keys.Lookup()));
}

TEST(S3Examples, GetBucketLifecycleAndListObjects) {
  Keys keys;
  struct Case {
    std::string target, signature;
  };
  for (const Case& c :
       {Case{"/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
        Case{"/?max-keys=2&prefix=J",
             "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"}}) {
    http::Request req =
        MakeRequest("GET", c.target,
                    {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Authorization", S3Auth("host;x-amz-content-sha256;x-amz-date", c.signature)},
                     {"x-amz-content-sha256", std::string(testing::kEmptySha256)},
                     {"x-amz-date", std::string(kS3Date)}});
    VerifiedOf(Verify(req, Options("s3", true, AmzMs(kS3Date)), keys.Lookup()));
  }
}

TEST(S3Examples, PresignedGetObject) {
  Keys keys;
  const std::string target =
      "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
      "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-"
      "SignedHeaders=host&X-Amz-Signature="
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  http::Request req = MakeRequest("GET", target, {{"Host", "examplebucket.s3.amazonaws.com"}});
  Scope scope = PeekScope(req);
  EXPECT_EQ(scope.method, AuthMethod::kSigV4Query);
  EXPECT_EQ(scope.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(scope.service, "s3");
  // Valid for a day after X-Amz-Date.
  Verified v =
      VerifiedOf(Verify(req, Options("s3", true, AmzMs(kS3Date) + 86400 * 1000LL), keys.Lookup()));
  EXPECT_EQ(v.method, AuthMethod::kSigV4Query);
  EXPECT_EQ(v.request_time_ms, AmzMs(kS3Date));
  AuthError late = ErrorOf(
      Verify(req, Options("s3", true, AmzMs(kS3Date) + 86400 * 1000LL + 1000), keys.Lookup()));
  EXPECT_EQ(late.kind, AuthErrorKind::kPresignExpired);
  http::Request tampered = MakeRequest("GET", target, {{"Host", "otherbucket.s3.amazonaws.com"}});
  EXPECT_EQ(ErrorOf(Verify(tampered, Options("s3", true, AmzMs(kS3Date)), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
}

TEST(SignRequest, RoundTripsForAQueryService) {
  Keys keys;
  const int64_t now = AmzMs("20260101T120000Z");
  http::Request req =
      MakeRequest("POST", "/",
                  {{"Host", "127.0.0.1:4566"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                   {"User-Agent", "aws-cli/2.9.19"}},
                  "Action=GetCallerIdentity&Version=2011-06-15");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "eu-west-3", "sts", now);
  EXPECT_EQ(HeaderOf(req, "X-Amz-Date"), "20260101T120000Z");
  EXPECT_EQ(HeaderOf(req, "X-Amz-Content-SHA256"), "<absent>");
  const std::string auth = HeaderOf(req, "Authorization");
  EXPECT_NE(auth.find("Credential=AKIDEXAMPLE/20260101/eu-west-3/sts/aws4_request, "
                      "SignedHeaders=content-type;host;x-amz-date, Signature="),
            std::string::npos)
      << auth;
  Verified v = VerifiedOf(Verify(req, Options("sts", false, now), keys.Lookup()));
  EXPECT_EQ(v.region, "eu-west-3");
  // The unsigned User-Agent may change; the signed body may not.
  req.headers[2].value = "boto3/1.43";
  VerifiedOf(Verify(req, Options("sts", false, now), keys.Lookup()));
  req.body += "&x=1";
  EXPECT_EQ(ErrorOf(Verify(req, Options("sts", false, now), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
}

TEST(SignRequest, RoundTripsForS3WithATokenAndAnEncodedKey) {
  Keys keys;
  keys.Add("ASIATEMPORARY", "temp-secret", "the-session-token");
  const int64_t now = AmzMs("20260101T120000Z");
  http::Request req =
      MakeRequest("PUT", "/b/a%20b/c%2Bd?tagging", {{"Host", "localhost:4566"}}, "object bytes");
  SignRequest(req, "ASIATEMPORARY", "temp-secret", "us-east-1", "s3", now, "the-session-token");
  EXPECT_EQ(HeaderOf(req, "X-Amz-Content-SHA256"), Sha256Hex("object bytes"));
  EXPECT_EQ(HeaderOf(req, "X-Amz-Security-Token"), "the-session-token");
  Verified v = VerifiedOf(Verify(req, Options("s3", true, now), keys.Lookup()));
  EXPECT_EQ(v.session_token, "the-session-token");
  EXPECT_EQ(v.access_key_id, "ASIATEMPORARY");
}

TEST(SignRequest, AddsHostWhenAbsentAndReplacesAnOldSignature) {
  Keys keys;
  const int64_t now = AmzMs("20260101T120000Z");
  http::Request req = MakeRequest("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Ax/",
                                  {{"Authorization", "stale"}, {"X-Amz-Date", "stale"}});
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "lambda", now);
  EXPECT_EQ(HeaderOf(req, "Host"), "localhost");
  int authorizations = 0;
  for (const http::Header& h : req.headers) authorizations += h.name == "Authorization";
  EXPECT_EQ(authorizations, 1);
  VerifiedOf(Verify(req, Options("lambda", false, now), keys.Lookup()));
}

}  // namespace
}  // namespace orgtrail::auth
