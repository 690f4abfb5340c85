// S3 in process: the request chain with REST-XML requests signed like the CLI's, the blob store,
// and internal calls as cloudtrail.amazonaws.com through Registry::CallInternal, admitted or
// refused by the bucket policy's aws:SourceArn condition.
#include <gtest/gtest.h>

#include "auth/principal.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "services/s3/s3_testing.h"
#include "services/s3/state.h"

namespace orgtrail::gateway {
namespace {

class S3Test : public services::s3::testing::S3ChainTest {
 protected:
  static auth::Principal CloudTrail(const std::string& trail_arn) {
    auth::Principal p = auth::ServicePrincipal("cloudtrail.amazonaws.com", "000000000000");
    p.source_arn = trail_arn;
    p.source_account = "000000000000";
    return p;
  }
};

constexpr char kTrailArn[] = "arn:aws:cloudtrail:us-east-1:000000000000:trail/org";
constexpr char kPolicy[] = R"({"Version":"2012-10-17","Statement":[
 {"Sid":"AclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
  "Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::logs",
  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:000000000000:trail/org"}}},
 {"Sid":"Write","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
  "Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*",
  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:000000000000:trail/org",
                               "s3:x-amz-acl":"bucket-owner-full-control"}}}]})";

TEST_F(S3Test, ObjectRoundTripThroughTheChain) {
  EXPECT_EQ(S3("PUT", "/bk1").status, 200);
  http::Response put = S3("PUT", "/bk1/dir/k%20ey", "hello world\n",
                          {{"x-amz-meta-color", "blue"}, {"Content-Type", "text/plain"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(*put.FindHeader("ETag"), "\"6f5902ac237024bdd0c176cb93063dc4\"");
  http::Response get = S3("GET", "/bk1/dir/k%20ey");
  EXPECT_EQ(get.body, "hello world\n");
  EXPECT_EQ(*get.FindHeader("x-amz-meta-color"), "blue");
  http::Response range = S3("GET", "/bk1/dir/k%20ey", "", {{"Range", "bytes=0-4"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, "hello");
  http::Response list = S3("GET", "/bk1?list-type=2&prefix=dir%2F");
  EXPECT_NE(list.body.find("<Key>dir/k ey</Key>"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("<KeyCount>1</KeyCount>"), std::string::npos) << list.body;
  http::Response missing = S3("GET", "/bk1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("<Code>NoSuchKey</Code>"), std::string::npos);
  EXPECT_EQ(S3("DELETE", "/bk1").status, 409);
  EXPECT_EQ(S3("DELETE", "/bk1/dir/k%20ey").status, 204);
  EXPECT_EQ(S3("DELETE", "/bk1").status, 204);
  EXPECT_EQ(S3("HEAD", "/bk1").status, 404);
}

TEST_F(S3Test, OverwritesServeTheNewBodyWhateverTheSizes) {
  ASSERT_EQ(S3("PUT", "/owb").status, 200);
  // Small over small rewrites the body in place; large over small and small over large do not.
  const std::string small1(1024, 'a'), small2(700, 'b'), large(store::kInlineBlobMax + 1, 'c');
  for (const std::string* body : {&small1, &small2, &large, &small1, &large, &small2}) {
    http::Response put = S3("PUT", "/owb/k", *body);
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(*put.FindHeader("ETag"), "\"" + HexEncode(Md5(*body)) + "\"");
    http::Response get = S3("GET", "/owb/k");
    EXPECT_EQ(get.body, *body);
    EXPECT_EQ(*get.FindHeader("ETag"), *put.FindHeader("ETag"));
  }
  // A versioned bucket keeps every version's body.
  ASSERT_EQ(S3("PUT", "/owb?versioning",
               "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .status,
            200);
  std::string v1 = *S3("PUT", "/owb/k", small1).FindHeader("x-amz-version-id");
  std::string v2 = *S3("PUT", "/owb/k", small2).FindHeader("x-amz-version-id");
  EXPECT_EQ(S3("GET", "/owb/k?versionId=" + v1).body, small1);
  EXPECT_EQ(S3("GET", "/owb/k?versionId=" + v2).body, small2);
  EXPECT_EQ(S3("GET", "/owb/k?versionId=null").body, small2);  // the unversioned object's
}

TEST_F(S3Test, MultipartEtagIsMd5OfPartMd5s) {
  ASSERT_EQ(S3("PUT", "/mpu").status, 200);
  http::Response init = S3("POST", "/mpu/big?uploads");
  ASSERT_EQ(init.status, 200) << init.body;
  size_t a = init.body.find("<UploadId>") + 10;
  std::string id = init.body.substr(a, init.body.find("</UploadId>") - a);
  std::string p1(5 << 20, 'a'), p2 = "tail";
  http::Response r1 = S3("PUT", "/mpu/big?partNumber=1&uploadId=" + id, p1);
  http::Response r2 = S3("PUT", "/mpu/big?partNumber=2&uploadId=" + id, p2);
  ASSERT_EQ(r1.status, 200);
  ASSERT_EQ(r2.status, 200);
  std::string complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
                         *r1.FindHeader("ETag") +
                         "</ETag></Part><Part><PartNumber>2</PartNumber>"
                         "<ETag>" +
                         *r2.FindHeader("ETag") + "</ETag></Part></CompleteMultipartUpload>";
  http::Response done = S3("POST", "/mpu/big?uploadId=" + id, complete);
  ASSERT_EQ(done.status, 200) << done.body;
  std::string expected = "\"" + HexEncode(Md5(Md5(p1) + Md5(p2))) + "-2\"";
  EXPECT_NE(done.body.find(expected), std::string::npos) << done.body;
  EXPECT_EQ(S3("GET", "/mpu/big").body, p1 + p2);
  // A small first part is refused.
  init = S3("POST", "/mpu/small?uploads");
  a = init.body.find("<UploadId>") + 10;
  id = init.body.substr(a, init.body.find("</UploadId>") - a);
  r1 = S3("PUT", "/mpu/small?partNumber=1&uploadId=" + id, "x");
  r2 = S3("PUT", "/mpu/small?partNumber=2&uploadId=" + id, "y");
  complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" +
             *r1.FindHeader("ETag") + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" +
             *r2.FindHeader("ETag") + "</ETag></Part></CompleteMultipartUpload>";
  done = S3("POST", "/mpu/small?uploadId=" + id, complete);
  EXPECT_EQ(done.status, 400);
  EXPECT_NE(done.body.find("<Code>EntityTooSmall</Code>"), std::string::npos) << done.body;
}

TEST_F(S3Test, ServicePrincipalAdmittedOnlyForTheSourceArnOfThePolicy) {
  ASSERT_EQ(S3("PUT", "/logs").status, 200);
  ASSERT_EQ(S3("PUT", "/logs?policy", kPolicy).status, 204);
  Value put = Value::MakeMap()
                  .Set("Bucket", "logs")
                  .Set("Key", "AWSLogs/000000000000/CloudTrail/f.json.gz")
                  .Set("Body", std::string("\x1f\x8b payload", 10))
                  .Set("ContentType", "application/x-gzip")
                  .Set("ACL", "bucket-owner-full-control");
  auto ok = registry_.CallInternal(env_, CloudTrail(kTrailArn), "s3", "PutObject", put, "us-east-1",
                                   /*authorize=*/true);
  ASSERT_TRUE(ok.ok()) << ok.error().code << " " << ok.error().message;
  EXPECT_EQ(ok->GetString("ETag"),
            "\"" + HexEncode(Md5(std::string("\x1f\x8b payload", 10))) + "\"");
  http::Response get = S3("GET", "/logs/AWSLogs/000000000000/CloudTrail/f.json.gz");
  EXPECT_EQ(get.body, std::string("\x1f\x8b payload", 10));
  EXPECT_EQ(*get.FindHeader("Content-Type"), "application/x-gzip");

  auto acl = registry_.CallInternal(env_, CloudTrail(kTrailArn), "s3", "GetBucketAcl",
                                    Value::MakeMap().Set("Bucket", "logs"), "us-east-1", true);
  ASSERT_TRUE(acl.ok());
  EXPECT_EQ((*acl)["Grants"].size(), 1u);

  const std::string other = "arn:aws:cloudtrail:us-east-1:111111111111:trail/evil";
  auto denied =
      registry_.CallInternal(env_, CloudTrail(other), "s3", "PutObject", put, "us-east-1", true);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "AccessDenied");
  EXPECT_FALSE(registry_
                   .AuthorizeInternal(env_, CloudTrail(other), "s3", "GetBucketAcl",
                                      Value::MakeMap().Set("Bucket", "logs"), "us-east-1")
                   .ok());
  EXPECT_TRUE(
      registry_.AuthorizeInternal(env_, CloudTrail(kTrailArn), "s3", "PutObject", put, "us-east-1")
          .ok());
  // Outside AWSLogs/ the policy grants nothing.
  Value elsewhere = put;
  elsewhere.Set("Key", "other/f");
  EXPECT_FALSE(
      registry_
          .AuthorizeInternal(env_, CloudTrail(kTrailArn), "s3", "PutObject", elsewhere, "us-east-1")
          .ok());
}

TEST_F(S3Test, BlobStoreNamesNeverComeFromKeys) {
  ASSERT_EQ(S3("PUT", "/esc").status, 200);
  for (const std::string& key : std::vector<std::string>{
           "..%2F..%2Fetc%2Fpasswd", "a%2F..%2F..%2Fb", std::string(1024, 'k')}) {
    ASSERT_EQ(S3("PUT", "/esc/" + key, "body of " + key).status, 200) << key;
    EXPECT_EQ(S3("GET", "/esc/" + key).body, "body of " + key);
  }
  EXPECT_EQ(S3("PUT", "/esc/" + std::string(1025, 'k'), "x").status, 400);
}

TEST(S3HeaderTest, CopySourceRangeTakesOnlyDecimalOffsets) {
  using services::s3::ParseCopySourceRange;
  auto ok = ParseCopySourceRange(" bytes=2-4 ", 10);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, 2u);
  EXPECT_EQ(ok->last, 4u);
  for (const char* bad : {"bytes=0--0", "bytes=-1-3", "bytes=+1-3", "bytes= 1-3", "bytes=1-3x",
                          "bytes=1-", "bytes=-3", "bytes=4-2", "items=0-1", "bytes=0-1,2-3"}) {
    auto r = ParseCopySourceRange(bad, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "InvalidArgument") << bad;
  }
  EXPECT_EQ(ParseCopySourceRange("bytes=0-10", 10).error().code, "InvalidRequest");
}

TEST(S3HeaderTest, RangeStaysInsideTheObject) {
  using services::s3::ParseRange;
  EXPECT_EQ(ParseRange("bytes=-20", 10).value()->first, 0u);
  EXPECT_EQ(ParseRange("bytes=5-99", 10).value()->last, 9u);
  EXPECT_FALSE(ParseRange("bytes=a-b", 10).value().has_value());
  EXPECT_EQ(ParseRange("bytes=10-", 10).error().code, "InvalidRange");
  EXPECT_EQ(ParseRange("bytes=0-", 0).error().code, "InvalidRange");
}

}  // namespace
}  // namespace orgtrail::gateway
