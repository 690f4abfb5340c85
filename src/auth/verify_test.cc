// Verify(): method detection, every SigV4 failure kind with its AWS message (spec/wire.md §5.4,
// §5.8-§5.11), clock skew and session-token rules.
#include "auth/verify.h"

#include <gtest/gtest.h>

#include "auth/auth_testing.h"
#include "auth/sigv4_internal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/time_format.h"

namespace orgtrail::auth {
namespace {

using testing::AmzMs;
using testing::ErrorOf;
using testing::FieldOf;
using testing::Keys;
using testing::MakeRequest;
using testing::Options;
using testing::VerifiedOf;

constexpr int64_t kMinute = 60 * 1000;
const int64_t kVerifyNow = AmzMs("20260301T100000Z");

// A request for `service` signed at `at` by `key`.
http::Request Signed(std::string_view service, int64_t at, std::string_view key = "AKIDEXAMPLE",
                     std::string_view secret = testing::kSuiteSecret, std::string_view token = "") {
  http::Request req = MakeRequest("POST", "/", {{"Host", "localhost:4566"}}, "{}");
  SignRequest(req, key, secret, "us-west-2", service, at, token);
  return req;
}

std::string& HeaderRef(http::Request& req, std::string_view name) {
  for (http::Header& h : req.headers)
    if (IEquals(h.name, name)) return h.value;
  req.headers.push_back({std::string(name), ""});
  return req.headers.back().value;
}

TEST(Detect, UnsignedRequestsAreAnonymous) {
  Keys keys;
  for (bool s3 : {false, true}) {
    http::Request req = MakeRequest("GET", "/?Action=ConfirmSubscription&Token=t", {{"Host", "h"}});
    Verified v = VerifiedOf(Verify(req, Options(s3 ? "s3" : "sns", s3, kVerifyNow), keys.Lookup()));
    EXPECT_EQ(v.method, AuthMethod::kAnonymous);
    EXPECT_EQ(v.access_key_id, "");
    EXPECT_EQ(PeekScope(req).method, AuthMethod::kAnonymous);
  }
}

TEST(Detect, SigV4aIsNotImplemented) {
  Keys keys;
  http::Request header =
      MakeRequest("GET", "/",
                  {{"Host", "h"},
                   {"X-Amz-Date", "20260301T100000Z"},
                   {"Authorization",
                    "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20260301/s3/aws4_request, "
                    "SignedHeaders=host;x-amz-date, Signature=3045"}});
  EXPECT_EQ(ErrorOf(Verify(header, Options("s3", true, kVerifyNow), keys.Lookup())).kind,
            AuthErrorKind::kNotImplemented);
  EXPECT_EQ(PeekScope(header).method, AuthMethod::kSigV4Header);
  EXPECT_EQ(PeekScope(header).service, "s3");
  http::Request query = MakeRequest("GET", "/b/k?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256", {});
  EXPECT_EQ(ErrorOf(Verify(query, Options("s3", true, kVerifyNow), keys.Lookup())).kind,
            AuthErrorKind::kNotImplemented);
}

TEST(Malformed, MissingEqualSign) {
  Keys keys;
  const std::string auth =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/sts/aws4_request, "
      "SignedHeaders, Signature=abc";
  http::Request req = MakeRequest("POST", "/", {{"Host", "h"}, {"Authorization", auth}});
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMalformedAuthorization);
  EXPECT_EQ(e.message,
            "'SignedHeaders' not a valid key=value pair (missing equal-sign) in "
            "Authorization header: '" +
                auth + "'.");
}

TEST(Malformed, MissingPartsAreAllNamed) {
  Keys keys;
  http::Request req =
      MakeRequest("POST", "/", {{"Host", "h"}, {"Authorization", "AWS4-HMAC-SHA256 Foo=bar"}});
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMalformedAuthorization);
  EXPECT_EQ(e.message,
            "Authorization header requires 'Credential' parameter. Authorization header requires "
            "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            "header. Authorization=AWS4-HMAC-SHA256 Foo=bar");
  // S3 words it as AuthorizationHeaderMalformed.
  AuthError s3 = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(s3.kind, AuthErrorKind::kMalformedAuthorization);
  EXPECT_EQ(s3.message.rfind("The authorization header is malformed; Authorization header "
                             "requires 'Credential' parameter.",
                             0),
            0u)
      << s3.message;
}

TEST(Malformed, CredentialShape) {
  Keys keys;
  http::Request req = Signed("sts", kVerifyNow);
  std::string& auth = HeaderRef(req, "Authorization");
  const std::string good = auth;
  auth.replace(auth.find("/aws4_request"), 13, "/aws5_request");
  EXPECT_EQ(ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup())).message,
            "Credential should be scoped with a valid terminator: 'aws4_request', not "
            "'aws5_request'.");
  auth = good;
  auth.replace(auth.find("/us-west-2"), 10, "");
  EXPECT_EQ(ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup())).message,
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got 'AKIDEXAMPLE/20260301/sts/aws4_request'");
}

TEST(Malformed, HostMustBeSigned) {
  Keys keys;
  http::Request req =
      MakeRequest("POST", "/",
                  {{"Host", "h"},
                   {"X-Amz-Date", "20260301T100000Z"},
                   {"Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/sts/aws4_request, "
                    "SignedHeaders=x-amz-date, Signature=abc"}});
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMalformedAuthorization);
  EXPECT_EQ(e.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(MissingDate, QueryAndS3Wording) {
  Keys keys;
  const std::string auth =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/sts/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  http::Request req = MakeRequest("POST", "/",
                                  {{"Host", "h"},
                                   {"Authorization", auth},
                                   {"X-Amz-Content-SHA256", std::string(testing::kEmptySha256)}});
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMissingDate);
  EXPECT_EQ(e.message,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            "Authorization=" +
                auth);
  AuthError s3 = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(s3.kind, AuthErrorKind::kMissingDate);
  EXPECT_EQ(s3.message, "AWS authentication requires a valid Date or x-amz-date header");
}

TEST(DateHeader, AnRfc1123DateSignsInPlaceOfXAmzDate) {
  Keys keys;
  const int64_t at = AmzMs("20260301T095930Z");
  http::Request req =
      MakeRequest("GET", "/", {{"Host", "example.amazonaws.com"}, {"Date", FormatHttpDate(at)}});
  internal::CanonicalRequestParts cr = internal::BuildCanonicalRequest(
      req, {"date", "host"}, "date;host", false, false, Sha256Hex(""));
  const std::string scope = "20260301/us-east-1/service/aws4_request";
  const std::string sig =
      HexEncode(HmacSha256(SigningKey(testing::kSuiteSecret, "20260301", "us-east-1", "service"),
                           StringToSign("20260301T095930Z", scope, cr.text)));
  req.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope +
                                              ", SignedHeaders=date;host, Signature=" + sig});
  Verified v = VerifiedOf(Verify(req, Options("service", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(v.request_time_ms, at);
}

TEST(MissingContentSha256, S3HeaderAuthRequiresIt) {
  Keys keys;
  http::Request req = Signed("s3", kVerifyNow);
  std::erase_if(req.headers,
                [](const http::Header& h) { return IEquals(h.name, "X-Amz-Content-SHA256"); });
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kMissingContentSha256);
  EXPECT_EQ(e.message, "Missing required header for this request: x-amz-content-sha256");
}

TEST(Scope, ServiceMustMatchTheRoutedService) {
  Keys keys;
  http::Request req = Signed("sts", kVerifyNow);
  AuthError e = ErrorOf(Verify(req, Options("iam", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kWrongScope);
  EXPECT_EQ(e.message, "Credential should be scoped to correct service: 'iam'.");
}

TEST(Scope, DateMustMatchTheRequestDate) {
  Keys keys;
  http::Request req = Signed("sts", kVerifyNow);
  HeaderRef(req, "X-Amz-Date") = "20260302T000100Z";
  AuthError e =
      ErrorOf(Verify(req, Options("sts", false, AmzMs("20260302T000100Z")), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kWrongScope);
  EXPECT_EQ(e.message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20260301' != '20260302', from '20260302T000100Z'.");
}

TEST(Scope, AnyRegionIsAcceptedAndReported) {
  Keys keys;
  http::Request req = MakeRequest("POST", "/", {{"Host", "h"}}, "{}");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "ap-southeast-7", "logs", kVerifyNow);
  EXPECT_EQ(VerifiedOf(Verify(req, Options("logs", false, kVerifyNow), keys.Lookup())).region,
            "ap-southeast-7");
}

TEST(Skew, PastAndFutureForJsonAndQuery) {
  Keys keys;
  // The AWS example of spec/wire.md §5.10: 18 minutes late, 15-minute window.
  const int64_t now = AmzMs("20140325T145251Z");
  http::Request late = Signed("logs", AmzMs("20140325T143453Z"));
  AuthError e = ErrorOf(Verify(late, Options("logs", false, now), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kSkewed);
  EXPECT_EQ(e.message,
            "Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z "
            "(20140325T145251Z - 15 min.)");
  // Query services use a 5-minute window.
  VerifyOptions query = Options("sts", false, AmzMs("20131008T001612Z"));
  query.max_skew_ms = 5 * kMinute;
  http::Request q = Signed("sts", AmzMs("20131008T001036Z"));
  EXPECT_EQ(ErrorOf(Verify(q, query, keys.Lookup())).message,
            "Signature expired: 20131008T001036Z is now earlier than 20131008T001112Z "
            "(20131008T001612Z - 5 min.)");
  // Future.
  http::Request ahead = Signed("logs", now + 16 * kMinute);
  EXPECT_EQ(ErrorOf(Verify(ahead, Options("logs", false, now), keys.Lookup())).message,
            "Signature not yet current: 20140325T150851Z is still later than 20140325T150751Z "
            "(20140325T145251Z + 15 min.)");
  // Fractional windows print as decimals; the edge of the window is inside.
  VerifyOptions half = Options("logs", false, now);
  half.max_skew_ms = 30 * 1000;
  http::Request a = Signed("logs", now - 31 * 1000);
  EXPECT_EQ(ErrorOf(Verify(a, half, keys.Lookup())).message,
            "Signature expired: 20140325T145220Z is now earlier than 20140325T145221Z "
            "(20140325T145251Z - 0.5 min.)");
  http::Request edge = Signed("logs", now - 15 * kMinute);
  VerifiedOf(Verify(edge, Options("logs", false, now), keys.Lookup()));
}

TEST(Skew, S3ReportsTheTimesAndTheWindow) {
  Keys keys;
  http::Request req = Signed("s3", AmzMs("20250901T162148Z"));
  AuthError e = ErrorOf(Verify(req, Options("s3", true, AmzMs("20250903T162150Z")), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kSkewed);
  EXPECT_EQ(e.message,
            "The difference between the request time and the current time is too large.");
  EXPECT_EQ(FieldOf(e, "RequestTime"), "20250901T162148Z");
  EXPECT_EQ(FieldOf(e, "ServerTime"), "2025-09-03T16:21:50Z");
  EXPECT_EQ(FieldOf(e, "MaxAllowedSkewMilliseconds"), "900000");
}

TEST(Keys, UnknownKey) {
  Keys keys;
  http::Request req = Signed("sts", kVerifyNow, "AKIAUNKNOWN", "whatever");
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kUnknownKey);
  EXPECT_EQ(e.message, "The security token included in the request is invalid.");
  http::Request s3 = Signed("s3", kVerifyNow, "AKIAUNKNOWN", "whatever");
  AuthError s = ErrorOf(Verify(s3, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(s.kind, AuthErrorKind::kUnknownKey);
  EXPECT_EQ(s.message, "The AWS Access Key Id you provided does not exist in our records.");
  EXPECT_EQ(FieldOf(s, "AWSAccessKeyId"), "AKIAUNKNOWN");
}

TEST(Keys, SessionTokenRules) {
  Keys keys;
  keys.Add("ASIASESSION", "session-secret", "issued-token");
  keys.Add("ASIAOLD", "old-secret", "old-token", /*expired=*/true);
  auto kind = [&](std::string_view key, std::string_view secret, std::string_view token) {
    http::Request req = Signed("sts", kVerifyNow, key, secret, token);
    auto r = Verify(req, Options("sts", false, kVerifyNow), keys.Lookup());
    if (std::holds_alternative<Verified>(r)) {
      EXPECT_EQ(std::get<Verified>(r).session_token, token);
      return std::string("ok");
    }
    return std::get<AuthError>(r).message;
  };
  EXPECT_EQ(kind("ASIASESSION", "session-secret", "issued-token"), "ok");
  EXPECT_EQ(kind("ASIASESSION", "session-secret", ""),
            "The security token included in the request is invalid.");
  EXPECT_EQ(kind("ASIASESSION", "session-secret", "issued-token2"),
            "The security token included in the request is invalid.");
  EXPECT_EQ(kind("AKIDEXAMPLE", testing::kSuiteSecret, "issued-token"),
            "The security token included in the request is invalid.");
  EXPECT_EQ(kind("ASIAOLD", "old-secret", "old-token"),
            "The security token included in the request is expired");
  EXPECT_EQ(kind("ASIAOLD", "old-secret", "wrong"),
            "The security token included in the request is invalid.");
  http::Request s3 = Signed("s3", kVerifyNow, "ASIAOLD", "old-secret", "old-token");
  AuthError e = ErrorOf(Verify(s3, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kExpiredToken);
  EXPECT_EQ(e.message, "The provided token has expired.");
}

TEST(HeadersNotSigned, S3ListsTheUnsignedAmzHeaders) {
  Keys keys;
  http::Request req = Signed("s3", kVerifyNow);
  req.headers.push_back({"x-amz-meta-color", "blue"});
  req.headers.push_back({"X-Amz-Decoded-Content-Length", "2"});
  req.headers.push_back({"x-amz-meta-color", "red"});
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kHeadersNotSigned);
  EXPECT_EQ(e.message, "There were headers present in the request which were not signed");
  EXPECT_EQ(FieldOf(e, "HeadersNotSigned"), "x-amz-decoded-content-length, x-amz-meta-color");
  // Other services do not check (the signature still covers what was signed).
  http::Request json = Signed("logs", kVerifyNow);
  json.headers.push_back({"x-amz-meta-color", "blue"});
  VerifiedOf(Verify(json, Options("logs", false, kVerifyNow), keys.Lookup()));
}

TEST(SignatureMismatch, QueryAndJsonWording) {
  Keys keys;
  http::Request req = Signed("sts", kVerifyNow, "AKIDEXAMPLE", "not-the-secret");
  AuthError e = ErrorOf(Verify(req, Options("sts", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kSignatureMismatch);
  EXPECT_EQ(e.message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
  EXPECT_TRUE(e.fields.empty());
}

TEST(SignatureMismatch, S3ReportsTheCanonicalRequest) {
  Keys keys;
  http::Request req = MakeRequest("GET", "/b/k", {{"Host", "h"}});
  SignRequest(req, "AKIDEXAMPLE", "not-the-secret", "us-east-1", "s3", kVerifyNow);
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kSignatureMismatch);
  EXPECT_EQ(e.message,
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.");
  const std::string canonical =
      "GET\n/b/k\n\nhost:h\nx-amz-content-sha256:" + std::string(testing::kEmptySha256) +
      "\nx-amz-date:20260301T100000Z\n\nhost;x-amz-content-sha256;x-amz-date\n" +
      std::string(testing::kEmptySha256);
  const std::string sts =
      "AWS4-HMAC-SHA256\n20260301T100000Z\n"
      "20260301/us-east-1/s3/aws4_request\n" +
      Sha256Hex(canonical);
  EXPECT_EQ(FieldOf(e, "AWSAccessKeyId"), "AKIDEXAMPLE");
  EXPECT_EQ(FieldOf(e, "CanonicalRequest"), canonical);
  EXPECT_EQ(FieldOf(e, "StringToSign"), sts);
  EXPECT_EQ(FieldOf(e, "StringToSignBytes").substr(0, 23), "41 57 53 34 2d 48 4d 41");
  EXPECT_EQ(FieldOf(e, "CanonicalRequestBytes").substr(0, 17), "47 45 54 0a 2f 62");
  EXPECT_EQ(FieldOf(e, "StringToSignBytes").size(), sts.size() * 3 - 1);
  const std::string auth = testing::HeaderOf(req, "Authorization");
  EXPECT_EQ(FieldOf(e, "SignatureProvided"), auth.substr(auth.size() - 64));
  EXPECT_EQ(e.fields.size(), 6u);
}

TEST(SignatureMismatch, AbsentSignedHeader) {
  Keys keys;
  http::Request req = MakeRequest("POST", "/", {{"Host", "h"}, {"X-Extra", "1"}}, "{}");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "logs", kVerifyNow);
  VerifiedOf(Verify(req, Options("logs", false, kVerifyNow), keys.Lookup()));
  std::erase_if(req.headers, [](const http::Header& h) { return h.name == "X-Extra"; });
  EXPECT_EQ(ErrorOf(Verify(req, Options("logs", false, kVerifyNow), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
}

TEST(S3Payload, ContentSha256MustMatchTheBody) {
  Keys keys;
  http::Request req = MakeRequest("PUT", "/b/k", {{"Host", "h"}}, "hello");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kVerifyNow);
  req.body = "jello";
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kContentSha256Mismatch);
  EXPECT_EQ(e.message,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
  EXPECT_EQ(FieldOf(e, "ClientComputedContentSHA256"), Sha256Hex("hello"));
  EXPECT_EQ(FieldOf(e, "S3ComputedContentSHA256"), Sha256Hex("jello"));
}

TEST(S3Payload, UnsignedPayloadSkipsTheHash) {
  Keys keys;
  http::Request req = MakeRequest(
      "PUT", "/b/k", {{"Host", "h"}, {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}}, "anything");
  SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kVerifyNow);
  VerifiedOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
}

TEST(S3Payload, ContentMd5) {
  Keys keys;
  auto verify = [&](std::string md5) {
    http::Request req = MakeRequest(
        "PUT", "/b/k",
        {{"Host", "h"}, {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}, {"Content-MD5", md5}},
        "hello world\n");
    SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kVerifyNow);
    return Verify(req, Options("s3", true, kVerifyNow), keys.Lookup());
  };
  VerifiedOf(verify(Base64Encode(Md5("hello world\n"))));
  AuthError bad = ErrorOf(verify(Base64Encode(Md5("hello world"))));
  EXPECT_EQ(bad.kind, AuthErrorKind::kBadDigest);
  EXPECT_EQ(bad.message, "The Content-MD5 you specified did not match what we received.");
  for (const std::string& malformed : {std::string("not base64!"), Base64Encode("short")}) {
    AuthError inv = ErrorOf(verify(malformed));
    EXPECT_EQ(inv.kind, AuthErrorKind::kInvalidDigest);
    EXPECT_EQ(inv.message, "The Content-MD5 you specified was invalid.");
  }
}

TEST(S3Payload, ChecksumHeaders) {
  Keys keys;
  auto verify = [&](std::string name, std::string value, std::string target = "/b/k",
                    std::string method = "PUT") {
    http::Request req =
        MakeRequest(method, target, {{"Host", "h"}, {name, value}}, "hello world\n");
    SignRequest(req, "AKIDEXAMPLE", testing::kSuiteSecret, "us-east-1", "s3", kVerifyNow);
    return Verify(req, Options("s3", true, kVerifyNow), keys.Lookup());
  };
  VerifiedOf(verify("x-amz-checksum-crc32", "rwg7LQ=="));
  VerifiedOf(verify("x-amz-checksum-sha256", Base64Encode(Sha256("hello world\n"))));
  VerifiedOf(verify("x-amz-checksum-sha1", Base64Encode(Sha1("hello world\n"))));
  VerifiedOf(verify("x-amz-checksum-mode", "ENABLED"));
  AuthError crc = ErrorOf(verify("x-amz-checksum-crc32", "AAAAAA=="));
  EXPECT_EQ(crc.kind, AuthErrorKind::kBadDigest);
  EXPECT_EQ(crc.message, "The CRC32 you specified did not match the calculated checksum.");
  EXPECT_EQ(ErrorOf(verify("x-amz-checksum-crc32c", "AAAAAA==")).message,
            "The CRC32C you specified did not match the calculated checksum.");
  EXPECT_EQ(ErrorOf(verify("x-amz-checksum-sha256", "AAAAAA==")).message,
            "The SHA256 you specified did not match the calculated checksum.");
  EXPECT_EQ(ErrorOf(verify("x-amz-checksum-crc64nvme", "AAAAAAAAAAA=")).kind,
            AuthErrorKind::kNotImplemented);
  // CompleteMultipartUpload carries the whole object's checksum, not the body's.
  VerifiedOf(verify("x-amz-checksum-crc32", "AAAAAA==-3", "/b/k?uploadId=u1", "POST"));
}

TEST(Presigned, MissingParameters) {
  Keys keys;
  http::Request req = MakeRequest(
      "GET",
      "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260301%2Fus-east-1"
      "%2Fs3%2Faws4_request&X-Amz-Date=20260301T100000Z&X-Amz-SignedHeaders=host&X-Amz-"
      "Signature=00",
      {{"Host", "h"}});
  AuthError e = ErrorOf(Verify(req, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(e.kind, AuthErrorKind::kPresignParamsMissing);
  EXPECT_EQ(e.message,
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.");
}

// A SigV4 presigned URL for s3 signed at `at`, built with the library's own pure steps.
http::Request Presigned(int64_t at, std::string expires, std::string_view key = "AKIDEXAMPLE",
                        std::string_view secret = testing::kSuiteSecret,
                        std::string_view token = "") {
  const std::string amz = FormatAmzDate(at);
  const std::string scope = amz.substr(0, 8) + "/eu-central-1/s3/aws4_request";
  std::string target =
      "/b/a%20b.txt?response-content-type=text%2Fplain&X-Amz-Algorithm=AWS4-"
      "HMAC-SHA256&X-Amz-Credential=" +
      std::string(key) + "%2F" + UriEncode(scope) + "&X-Amz-Date=" + amz +
      "&X-Amz-Expires=" + expires + "&X-Amz-SignedHeaders=host";
  if (!token.empty()) target += "&X-Amz-Security-Token=" + UriEncode(token);
  http::Request req = MakeRequest("GET", target, {{"Host", "127.0.0.1:4566"}});
  internal::CanonicalRequestParts cr =
      internal::BuildCanonicalRequest(req, {"host"}, "host", true, true, "UNSIGNED-PAYLOAD");
  const std::string sig =
      HexEncode(HmacSha256(SigningKey(secret, amz.substr(0, 8), "eu-central-1", "s3"),
                           StringToSign(amz, scope, cr.text)));
  req.SetTarget(req.target + "&X-Amz-Signature=" + sig);
  return req;
}

TEST(Presigned, RoundTripExpiryAndLimits) {
  Keys keys;
  http::Request ok = Presigned(kVerifyNow, "3600");
  Verified v = VerifiedOf(Verify(ok, Options("s3", true, kVerifyNow + 3600 * 1000), keys.Lookup()));
  EXPECT_EQ(v.region, "eu-central-1");
  EXPECT_EQ(v.method, AuthMethod::kSigV4Query);

  AuthError expired =
      ErrorOf(Verify(ok, Options("s3", true, kVerifyNow + 3601 * 1000), keys.Lookup()));
  EXPECT_EQ(expired.kind, AuthErrorKind::kPresignExpired);
  EXPECT_EQ(expired.message, "Request has expired");
  EXPECT_EQ(FieldOf(expired, "X-Amz-Expires"), "3600");
  EXPECT_EQ(FieldOf(expired, "Expires"), "2026-03-01T11:00:00Z");
  EXPECT_EQ(FieldOf(expired, "ServerTime"), "2026-03-01T11:00:01Z");
  ASSERT_EQ(expired.fields.size(), 3u);
  EXPECT_EQ(expired.fields[0].first, "X-Amz-Expires");

  AuthError early =
      ErrorOf(Verify(ok, Options("s3", true, kVerifyNow - 16 * kMinute), keys.Lookup()));
  EXPECT_EQ(early.kind, AuthErrorKind::kPresignExpired);
  EXPECT_EQ(early.message, "Request is not valid yet");

  http::Request week = Presigned(kVerifyNow, "604801");
  AuthError too_large = ErrorOf(Verify(week, Options("s3", true, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(too_large.kind, AuthErrorKind::kPresignExpiresTooLarge);
  EXPECT_EQ(too_large.message,
            "X-Amz-Expires must be less than a week (in seconds); that is, the given "
            "X-Amz-Expires must be less than 604800 seconds");
  http::Request max_week = Presigned(kVerifyNow, "604800");
  VerifiedOf(Verify(max_week, Options("s3", true, kVerifyNow), keys.Lookup()));

  AuthError scope = ErrorOf(Verify(ok, Options("lambda", false, kVerifyNow), keys.Lookup()));
  EXPECT_EQ(scope.kind, AuthErrorKind::kWrongScope);

  http::Request tampered = ok;
  tampered.SetTarget(ok.target + "&extra=1");
  EXPECT_EQ(ErrorOf(Verify(tampered, Options("s3", true, kVerifyNow), keys.Lookup())).kind,
            AuthErrorKind::kSignatureMismatch);
}

TEST(Presigned, SessionTokenTravelsInTheQuery) {
  Keys keys;
  keys.Add("ASIAPRESIGN", "presign-secret", "tok/en+1");
  http::Request ok = Presigned(kVerifyNow, "60", "ASIAPRESIGN", "presign-secret", "tok/en+1");
  EXPECT_EQ(VerifiedOf(Verify(ok, Options("s3", true, kVerifyNow), keys.Lookup())).session_token,
            "tok/en+1");
  http::Request without = Presigned(kVerifyNow, "60", "ASIAPRESIGN", "presign-secret");
  EXPECT_EQ(ErrorOf(Verify(without, Options("s3", true, kVerifyNow), keys.Lookup())).kind,
            AuthErrorKind::kUnknownKey);
}

TEST(PeekScope, ReadsEveryMethod) {
  http::Request v2q = MakeRequest("GET", "/b/k?AWSAccessKeyId=AKID2&Signature=x&Expires=1", {});
  EXPECT_EQ(PeekScope(v2q).method, AuthMethod::kSigV2Query);
  EXPECT_EQ(PeekScope(v2q).access_key_id, "AKID2");
  http::Request v2h = MakeRequest("GET", "/b/k", {{"Authorization", "AWS AKID3:c2ln"}});
  EXPECT_EQ(PeekScope(v2h).method, AuthMethod::kSigV2Header);
  EXPECT_EQ(PeekScope(v2h).access_key_id, "AKID3");
  http::Request broken = MakeRequest("GET", "/", {{"Authorization", "AWS4-HMAC-SHA256 garbage"}});
  EXPECT_EQ(PeekScope(broken).method, AuthMethod::kSigV4Header);
  EXPECT_EQ(PeekScope(broken).service, "");
  http::Request monitoring = Signed("monitoring", kVerifyNow);
  Scope s = PeekScope(monitoring);
  EXPECT_EQ(s.service, "monitoring");
  EXPECT_EQ(s.region, "us-west-2");
  EXPECT_EQ(s.date, "20260301");
  EXPECT_EQ(s.access_key_id, "AKIDEXAMPLE");
}

TEST(SpoolDigests, FromTheHeadersAlone) {
  using testing::MakeRequest;
  auto digests = [](std::vector<http::Header> headers) {
    return SpoolDigests(MakeRequest("PUT", "/b/k", std::move(headers)));
  };
  using V = std::vector<std::string>;
  // A presigned PUT (UNSIGNED-PAYLOAD, or no header at all): the ETag's MD5 only.
  EXPECT_EQ(digests({{"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}}), V{"md5"});
  EXPECT_EQ(digests({}), V{"md5"});
  // A signed payload hash: SHA-256 too; checksum headers and the SDK's algorithm.
  EXPECT_EQ(digests({{"x-amz-content-sha256", std::string(testing::kEmptySha256)},
                     {"X-Amz-Checksum-CRC32", "AAAAAA=="},
                     {"x-amz-sdk-checksum-algorithm", "SHA1"}}),
            (V{"md5", "crc32", "sha1", "sha256"}));
  // Content-MD5 needs nothing more than md5.
  EXPECT_EQ(digests({{"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="}}), V{"md5"});
  // aws-chunked: the framed bytes are not the object's; the decoder hashes those.
  EXPECT_EQ(digests({{"X-Amz-Content-SHA256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                     {"X-Amz-Trailer", "x-amz-checksum-crc32"}}),
            V{});
  EXPECT_EQ(digests({{"X-Amz-Content-SHA256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}}), V{});
}

}  // namespace
}  // namespace orgtrail::auth
