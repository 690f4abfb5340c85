// What counts as a public bucket policy or ACL ("The meaning of public" in the S3 user guide),
// and Block Public Access enforced through the request chain.
#include <gtest/gtest.h>

#include "services/s3/s3_testing.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

std::string Policy(const std::string& statement) {
  return R"({"Version":"2012-10-17","Statement":[)" + statement + "]}";
}

TEST(PublicAccessTest, PublicPolicies) {
  // Anyone, a bad action, no pinning condition.
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})")));
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":["s3:List*"],"Resource":"*"})")));
  EXPECT_TRUE(IsPublicPolicy(
      Policy(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"})")));
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:PutObject","Resource":"*"})")));
  EXPECT_TRUE(IsPublicPolicy(
      Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:G*","Resource":"*"})")));
  // A wildcard in the pinning value, IfExists, or the whole internet as a CIDR: still public.
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:cloudtrail:*"}}})")));
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}})")));
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}})")));
  EXPECT_TRUE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"home/"}}})")));
}

TEST(PublicAccessTest, NotPublicPolicies) {
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"})")));
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"})")));
  EXPECT_FALSE(IsPublicPolicy(
      Policy(R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})")));
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}}})")));
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}})")));
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}})")));
  // No bad action (s3:Get*, s3:List*, s3:Put*, s3:Delete*, ...).
  EXPECT_FALSE(IsPublicPolicy(Policy(
      R"({"Effect":"Allow","Principal":"*","Action":"s3:ReplicateObject","Resource":"*"})")));
  EXPECT_FALSE(IsPublicPolicy("not json"));
}

TEST(PublicAccessTest, PublicCannedAcls) {
  for (const char* acl : {"public-read", "public-read-write", "authenticated-read"})
    EXPECT_TRUE(IsPublicCannedAcl(acl)) << acl;
  for (const char* acl : {"private", "bucket-owner-full-control", "bucket-owner-read",
                          "log-delivery-write", "aws-exec-read"})
    EXPECT_FALSE(IsPublicCannedAcl(acl)) << acl;
}

using PublicAccessChainTest = testing::S3ChainTest;

// The <Message> of an S3 error document.
std::string MessageOf(const http::Response& r) {
  size_t a = r.body.find("<Message>");
  size_t b = r.body.find("</Message>");
  if (a == std::string::npos || b == std::string::npos) return "<no message>";
  return r.body.substr(a + 9, b - a - 9);
}

constexpr char kAdmin[] = "arn:aws:iam::000000000000:user/orgtrail-admin";

constexpr char kBlockAll[] =
    "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
    "<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>"
    "<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>";

TEST_F(PublicAccessChainTest, BlockedWritesChangeNothing) {
  ASSERT_EQ(S3("PUT", "/pab").status, 200);
  ASSERT_EQ(S3("PUT", "/pab?ownershipControls",
               "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule>"
               "</OwnershipControls>")
                .status,
            200);
  ASSERT_EQ(S3("PUT", "/pab?publicAccessBlock", kBlockAll).status, 200);
  http::Response policy = S3(
      "PUT", "/pab?policy",
      Policy(
          R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pab/*"})"));
  EXPECT_EQ(policy.status, 403);
  EXPECT_NE(policy.body.find("<Code>AccessDenied</Code>"), std::string::npos) << policy.body;
  // AWS's words (as the AWS CLI shows them for a refused put-bucket-policy).
  EXPECT_EQ(MessageOf(policy),
            std::string("User: ") + kAdmin +
                " is not authorized to perform: s3:PutBucketPolicy on resource: "
                "\"arn:aws:s3:::pab\" because public policies are blocked by the "
                "BlockPublicPolicy block public access setting.");
  EXPECT_EQ(S3("GET", "/pab?policy").status, 404);
  http::Response put = S3("PUT", "/pab/k", "body", {{"x-amz-acl", "public-read"}});
  EXPECT_EQ(put.status, 403);
  // AWS's words for a public ACL refused by BlockPublicAcls.
  auto refused = [](const std::string& action, const std::string& resource) {
    return std::string("User: ") + kAdmin + " is not authorized to perform: " + action +
           " on resource: \"" + resource +
           "\" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block "
           "Public Access.";
  };
  EXPECT_EQ(MessageOf(put), refused("s3:PutObject", "arn:aws:s3:::pab/k"));
  EXPECT_EQ(S3("GET", "/pab/k").status, 404);
  http::Response bucket_acl = S3("PUT", "/pab?acl", "", {{"x-amz-acl", "authenticated-read"}});
  EXPECT_EQ(bucket_acl.status, 403);
  EXPECT_EQ(MessageOf(bucket_acl), refused("s3:PutBucketAcl", "arn:aws:s3:::pab"));
  EXPECT_EQ(S3("PUT", "/pab/k", "body", {{"x-amz-acl", "bucket-owner-full-control"}}).status, 200);
  http::Response object_acl = S3("PUT", "/pab/k?acl", "", {{"x-amz-acl", "public-read-write"}});
  EXPECT_EQ(object_acl.status, 403);
  EXPECT_EQ(MessageOf(object_acl), refused("s3:PutObjectAcl", "arn:aws:s3:::pab/k"));
  EXPECT_EQ(S3("PUT", "/pab/k?acl", "", {{"x-amz-acl", "private"}}).status, 200);
}

}  // namespace
}  // namespace orgtrail::services::s3
