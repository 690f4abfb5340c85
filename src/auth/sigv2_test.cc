// S3 SigV2, query string and header (spec/wire.md §5.8), with the S3 documentation examples
// (bucket johnsmith, AKIAIOSFODNN7EXAMPLE).
#include <gtest/gtest.h>

#include "auth/auth_testing.h"
#include "auth/verify.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth {
namespace {

using testing::ErrorOf;
using testing::FieldOf;
using testing::Keys;
using testing::MakeRequest;
using testing::Options;
using testing::VerifiedOf;

VerifyOptions Vhost(int64_t now, std::string_view bucket) {
  VerifyOptions o = Options("s3", true, now);
  o.s3_vhost_bucket = bucket;
  return o;
}

TEST(SigV2Query, DocumentationExample) {
  Keys keys;
  http::Request req = MakeRequest(
      "GET",
      "/photos/"
      "puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8"
      "%3D&Expires=1175139620",
      {{"Host", "johnsmith.s3.amazonaws.com"}});
  Verified v = VerifiedOf(Verify(req, Vhost(1175139000000, "johnsmith"), keys.Lookup()));
  EXPECT_EQ(v.method, AuthMethod::kSigV2Query);
  EXPECT_EQ(v.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(v.region, "us-east-1");

  AuthError expired = ErrorOf(Verify(req, Vhost(1175139621000, "johnsmith"), keys.Lookup()));
  EXPECT_EQ(expired.kind, AuthErrorKind::kSigV2Expired);
  EXPECT_EQ(expired.message, "Request has expired");
  EXPECT_EQ(FieldOf(expired, "Expires"), "2007-03-29T03:40:20Z");
  EXPECT_EQ(FieldOf(expired, "ServerTime"), "2007-03-29T03:40:21Z");

  // Path style without the bucket: the canonical resource differs, so does the signature.
  AuthError e = ErrorOf(Verify(req, Options("s3", true, 1175139000000), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kSignatureMismatch);
  EXPECT_EQ(FieldOf(e, "StringToSign"), "GET\n\n\n1175139620\n/photos/puppy.jpg");
  EXPECT_EQ(FieldOf(e, "SignatureProvided"), "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
  EXPECT_EQ(FieldOf(e, "AWSAccessKeyId"), "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(FieldOf(e, "StringToSignBytes").substr(0, 11), "47 45 54 0a");
}

TEST(SigV2Query, MissingParameters) {
  Keys keys;
  for (const char* target : {"/b/k?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1",
                             "/b/k?Signature=abc&Expires=1", "/b/k?AWSAccessKeyId=A&Signature=x"}) {
    http::Request req = MakeRequest("GET", target, {{"Host", "h"}});
    AuthError e = ErrorOf(Verify(req, Options("s3", true, 0), keys.Lookup()));
    EXPECT_EQ(e.kind, AuthErrorKind::kSigV2ParamsMissing) << target;
    EXPECT_EQ(e.message,
              "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
              "parameters");
  }
}

TEST(SigV2Query, OnlyS3) {
  Keys keys;
  http::Request req = MakeRequest("GET", "/?AWSAccessKeyId=A&Signature=x&Expires=1", {});
  EXPECT_EQ(ErrorOf(Verify(req, Options("sns", false, 0), keys.Lookup())).kind,
            AuthErrorKind::kNotImplemented);
}

// What botocore's HmacV1QueryAuth produces: sub-resources in the resource, x-amz-* query
// parameters (the session token) signed as header lines.
TEST(SigV2Query, SubResourcesAndSessionToken) {
  Keys keys;
  keys.Add("ASIAV2", "v2-secret", "v2/token+x");
  const std::string sts =
      "GET\n\n\n1900000000\nx-amz-security-token:v2/token+x\n"
      "/bkt/dir/a%20b?response-content-type=text/plain&versionId=3";
  const std::string sig = Base64Encode(HmacSha1("v2-secret", sts));
  http::Request req = MakeRequest(
      "GET",
      "/bkt/dir/a%20b?versionId=3&response-content-type=text%2Fplain&list-type=2&AWSAccessKeyId="
      "ASIAV2&Signature=" +
          UriEncode(sig) + "&Expires=1900000000&x-amz-security-token=v2%2Ftoken%2Bx",
      {{"Host", "127.0.0.1"}});
  Verified v = VerifiedOf(Verify(req, Options("s3", true, 1800000000000), keys.Lookup()));
  EXPECT_EQ(v.session_token, "v2/token+x");
  EXPECT_EQ(v.access_key_id, "ASIAV2");

  keys.Add("ASIAV2", "v2-secret", "another-token");
  EXPECT_EQ(ErrorOf(Verify(req, Options("s3", true, 1800000000000), keys.Lookup())).kind,
            AuthErrorKind::kUnknownKey);
}

TEST(SigV2Header, DocumentationExample) {
  Keys keys;
  const int64_t date = ParseHttpDate("Tue, 27 Mar 2007 19:36:42 GMT").value();
  http::Request req =
      MakeRequest("GET", "/photos/puppy.jpg",
                  {{"Host", "johnsmith.s3.amazonaws.com"},
                   {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
                   {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="}});
  Verified v = VerifiedOf(Verify(req, Vhost(date + 60000, "johnsmith"), keys.Lookup()));
  EXPECT_EQ(v.method, AuthMethod::kSigV2Header);
  EXPECT_EQ(v.request_time_ms, date);
  EXPECT_EQ(v.region, "us-east-1");

  AuthError skewed = ErrorOf(Verify(req, Vhost(date + 16 * 60000, "johnsmith"), keys.Lookup()));
  EXPECT_EQ(skewed.kind, AuthErrorKind::kSkewed);
  EXPECT_EQ(FieldOf(skewed, "RequestTime"), "Tue, 27 Mar 2007 19:36:42 +0000");
  EXPECT_EQ(FieldOf(skewed, "ServerTime"), "2007-03-27T19:52:42Z");
}

TEST(SigV2Header, AmzHeadersAndXAmzDate) {
  Keys keys;
  const int64_t now = ParseHttpDate("Sun, 01 Mar 2026 10:00:00 GMT").value();
  const std::string md5 = Base64Encode(Md5("acl body"));
  // With x-amz-date the Date position of the string to sign is empty; repeated x-amz-* headers
  // join with ','; ?acl is a sub-resource.
  const std::string sts = "PUT\n" + md5 +
                          "\ntext/plain\n\nx-amz-date:Sun, 01 Mar 2026 10:00:00 GMT\n"
                          "x-amz-meta-a:1,2\n/b/k?acl";
  http::Request req = MakeRequest(
      "PUT", "/b/k?acl",
      {{"Host", "h"},
       {"Content-MD5", md5},
       {"Content-Type", "text/plain"},
       {"X-Amz-Date", "Sun, 01 Mar 2026 10:00:00 GMT"},
       {"X-Amz-Meta-A", "1"},
       {"x-amz-meta-a", " 2 "},
       {"Authorization", "AWS AKIDEXAMPLE:" + Base64Encode(HmacSha1(testing::kSuiteSecret, sts))}},
      "acl body");
  VerifiedOf(Verify(req, Options("s3", true, now), keys.Lookup()));

  req.body = "other body";  // Content-MD5 is checked on the payload stage
  EXPECT_EQ(ErrorOf(Verify(req, Options("s3", true, now), keys.Lookup())).kind,
            AuthErrorKind::kBadDigest);
}

TEST(SigV2Header, MissingDateAndMalformed) {
  Keys keys;
  http::Request req = MakeRequest("GET", "/b/k", {{"Authorization", "AWS AKIDEXAMPLE:abc="}});
  AuthError e = ErrorOf(Verify(req, Options("s3", true, 0), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMissingDate);
  EXPECT_EQ(e.message, "AWS authentication requires a valid Date or x-amz-date header");
  http::Request bad = MakeRequest("GET", "/b/k", {{"Authorization", "AWS AKIDEXAMPLE"}});
  EXPECT_EQ(ErrorOf(Verify(bad, Options("s3", true, 0), keys.Lookup())).kind,
            AuthErrorKind::kMalformedAuthorization);
}

}  // namespace
}  // namespace orgtrail::auth
