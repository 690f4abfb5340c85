// IAM through the whole request chain, in process: Query requests signed like the AWS CLI's,
// on the in-memory store and a fake clock.
#include <gtest/gtest.h>

#include "auth/verify.h"
#include "core/encoding.h"
#include "gateway/audit.h"
#include "gateway/gateway.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "services/register_all.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})";
constexpr char kAllowS3[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

// The text of the first <tag>…</tag> in `body` ("" if absent).
std::string Between(const std::string& body, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t a = body.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  return body.substr(a, body.find(close, a) - a);
}

class IamOpsTest : public InProcessTest {
 protected:
  // One IAM Query call; `params` is the form body after Action/Version (already encoded).
  http::Response Call(const std::string& action, const std::string& params = "",
                      std::string_view key = "test", std::string_view secret = "test",
                      std::string_view service = "iam") {
    return Send(
        QueryRequest("Action=" + action + "&Version=" +
                     (service == "iam" ? std::string("2010-05-08") : std::string("2011-06-15")) +
                     (params.empty() ? "" : "&" + params)),
        service, key, secret);
  }

  static std::string Doc(std::string_view json) { return UriEncode(json); }
};

TEST_F(IamOpsTest, NewUsersKeySignsAsThatUser) {
  http::Response created = Call("CreateUser", "UserName=alice&Path=%2Fteam%2F");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Between(created.body, "Arn"), "arn:aws:iam::000000000000:user/team/alice");
  EXPECT_NE(created.body.find("<CreateUserResult>"), std::string::npos) << created.body;

  http::Response key = Call("CreateAccessKey", "UserName=alice");
  ASSERT_EQ(key.status, 200) << key.body;
  std::string id = Between(key.body, "AccessKeyId");
  std::string secret = Between(key.body, "SecretAccessKey");
  ASSERT_EQ(id.substr(0, 4), "AKIA");
  ASSERT_EQ(secret.size(), 40u);

  http::Response who = Call("GetCallerIdentity", "", id, secret, "sts");
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(Between(who.body, "Arn"), "arn:aws:iam::000000000000:user/team/alice");

  http::Response list = Call("ListAccessKeys", "UserName=alice");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Between(list.body, "AccessKeyId"), id);
  EXPECT_EQ(Between(list.body, "Status"), "Active");

  ASSERT_EQ(Call("UpdateAccessKey", "UserName=alice&AccessKeyId=" + id + "&Status=Inactive").status,
            200);
  EXPECT_EQ(Call("GetCallerIdentity", "", id, secret, "sts").status, 403);
  ASSERT_EQ(Call("DeleteAccessKey", "UserName=alice&AccessKeyId=" + id).status, 200);
  http::Response missing = Call("DeleteAccessKey", "UserName=alice&AccessKeyId=" + id);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Between(missing.body, "Code"), "NoSuchEntity");
  EXPECT_EQ(Between(missing.body, "Message"), "The Access Key with id " + id + " cannot be found.");
}

TEST_F(IamOpsTest, GetUserWithoutNameIsTheCaller) {
  http::Response r = Call("GetUser");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Between(r.body, "UserName"), "orgtrail-admin");
  http::Response nobody = Call("GetUser", "UserName=nobody");
  EXPECT_EQ(nobody.status, 404);
  EXPECT_EQ(Between(nobody.body, "Message"), "The user with name nobody cannot be found.");
}

TEST_F(IamOpsTest, RoleDocumentsLeaveUrlEncoded) {
  http::Response created = Call(
      "CreateRole", "RoleName=app&AssumeRolePolicyDocument=" + Doc(kTrust) +
                        "&MaxSessionDuration=7200&Tags.member.1.Key=team&Tags.member.1.Value=x");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Between(created.body, "AssumeRolePolicyDocument"), UriEncode(kTrust));
  EXPECT_EQ(Between(created.body, "MaxSessionDuration"), "7200");

  http::Response got = Call("GetRole", "RoleName=app");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Between(got.body, "AssumeRolePolicyDocument"), UriEncode(kTrust));
  EXPECT_EQ(Between(got.body, "Key"), "team");

  ASSERT_EQ(
      Call("PutRolePolicy", "RoleName=app&PolicyName=s3&PolicyDocument=" + Doc(kAllowS3)).status,
      200);
  http::Response inline_policy = Call("GetRolePolicy", "RoleName=app&PolicyName=s3");
  ASSERT_EQ(inline_policy.status, 200) << inline_policy.body;
  EXPECT_EQ(Between(inline_policy.body, "PolicyDocument"), UriEncode(kAllowS3));
  http::Response names = Call("ListRolePolicies", "RoleName=app");
  EXPECT_NE(names.body.find("<member>s3</member>"), std::string::npos) << names.body;

  http::Response conflict = Call("DeleteRole", "RoleName=app");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(Between(conflict.body, "Code"), "DeleteConflict");
  ASSERT_EQ(Call("DeleteRolePolicy", "RoleName=app&PolicyName=s3").status, 200);
  http::Response no_policy = Call("GetRolePolicy", "RoleName=app&PolicyName=s3");
  EXPECT_EQ(Between(no_policy.body, "Message"), "The role policy with name s3 cannot be found.");
  ASSERT_EQ(Call("DeleteRole", "RoleName=app").status, 200);
  EXPECT_EQ(Call("GetRole", "RoleName=app").status, 404);
}

TEST_F(IamOpsTest, MalformedDocumentsAreRefused) {
  http::Response r = Call("CreateRole", "RoleName=bad&AssumeRolePolicyDocument=" + Doc("{nope"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Between(r.body, "Code"), "MalformedPolicyDocument") << r.body;
  http::Response p = Call(
      "CreatePolicy",
      "PolicyName=p&PolicyDocument=" +
          Doc(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})"));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(Between(p.body, "Message"), "Policy document should not specify a principal.");
}

TEST_F(IamOpsTest, ManagedPoliciesVersionsAndAttachments) {
  http::Response created = Call("CreatePolicy", "PolicyName=s3&PolicyDocument=" + Doc(kAllowS3));
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string arn = Between(created.body, "Arn");
  EXPECT_EQ(arn, "arn:aws:iam::000000000000:policy/s3");
  http::Response dup = Call("CreatePolicy", "PolicyName=s3&PolicyDocument=" + Doc(kAllowS3));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(Between(dup.body, "Message"),
            "A policy called s3 already exists. Duplicate names are not allowed.");

  http::Response v2 =
      Call("CreatePolicyVersion", "PolicyArn=" + UriEncode(arn) +
                                      "&PolicyDocument=" + Doc(kAllowS3) + "&SetAsDefault=true");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(Between(v2.body, "VersionId"), "v2");
  http::Response got = Call("GetPolicyVersion", "PolicyArn=" + UriEncode(arn) + "&VersionId=v2");
  EXPECT_EQ(Between(got.body, "Document"), UriEncode(kAllowS3));
  EXPECT_EQ(Between(got.body, "IsDefaultVersion"), "true");

  ASSERT_EQ(Call("CreateGroup", "GroupName=devs").status, 200);
  ASSERT_EQ(Call("AddUserToGroup", "GroupName=devs&UserName=orgtrail-admin").status, 200);
  ASSERT_EQ(Call("AttachGroupPolicy", "GroupName=devs&PolicyArn=" + UriEncode(arn)).status, 200);
  http::Response attached = Call("ListAttachedGroupPolicies", "GroupName=devs");
  EXPECT_EQ(Between(attached.body, "PolicyArn"), arn) << attached.body;
  http::Response policy = Call("GetPolicy", "PolicyArn=" + UriEncode(arn));
  EXPECT_EQ(Between(policy.body, "AttachmentCount"), "1");
  http::Response only = Call("ListPolicies", "Scope=Local&OnlyAttached=true");
  EXPECT_EQ(Between(only.body, "PolicyName"), "s3") << only.body;
  http::Response group = Call("GetGroup", "GroupName=devs");
  EXPECT_EQ(Between(group.body, "UserName"), "orgtrail-admin") << group.body;
  http::Response groups = Call("ListGroupsForUser", "UserName=orgtrail-admin");
  EXPECT_EQ(Between(groups.body, "GroupName"), "devs");

  http::Response in_use = Call("DeletePolicy", "PolicyArn=" + UriEncode(arn));
  EXPECT_EQ(in_use.status, 409);
  ASSERT_EQ(Call("DetachGroupPolicy", "GroupName=devs&PolicyArn=" + UriEncode(arn)).status, 200);
  ASSERT_EQ(Call("DeletePolicyVersion", "PolicyArn=" + UriEncode(arn) + "&VersionId=v1").status,
            200);
  ASSERT_EQ(Call("DeletePolicy", "PolicyArn=" + UriEncode(arn)).status, 200);
  http::Response gone = Call("GetPolicy", "PolicyArn=" + UriEncode(arn));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(Between(gone.body, "Message"), "Policy " + arn + " was not found.");
}

TEST_F(IamOpsTest, UnknownBoundaryCreatesNoUser) {
  http::Response r = Call("CreateUser", "UserName=b&PermissionsBoundary=" +
                                            UriEncode("arn:aws:iam::000000000000:policy/none"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Between(r.body, "Message"),
            "Policy arn:aws:iam::000000000000:policy/none does not exist or is not attachable.");
  EXPECT_EQ(Call("GetUser", "UserName=b").status, 404);
}

TEST_F(IamOpsTest, PagingWithMarkerAndMaxItems) {
  for (const char* name : {"u1", "u2", "u3"})
    ASSERT_EQ(Call("CreateUser", std::string("UserName=") + name).status, 200);
  http::Response first = Call("ListUsers", "MaxItems=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Between(first.body, "IsTruncated"), "true");
  std::string marker = Between(first.body, "Marker");
  ASSERT_FALSE(marker.empty());
  http::Response second = Call("ListUsers", "MaxItems=2&Marker=" + marker);
  EXPECT_EQ(Between(second.body, "IsTruncated"), "false");
  // orgtrail-admin, u1 | u2, u3
  EXPECT_EQ(Between(second.body, "UserName"), "u2") << second.body;
  EXPECT_NE(second.body.find("<UserName>u3</UserName>"), std::string::npos);
}

TEST_F(IamOpsTest, ServiceLinkedRoleIsProtected) {
  http::Response slr = Call("CreateServiceLinkedRole", "AWSServiceName=cloudtrail.amazonaws.com");
  ASSERT_EQ(slr.status, 200) << slr.body;
  EXPECT_EQ(Between(slr.body, "RoleName"), "AWSServiceRoleForCloudTrail");
  EXPECT_EQ(Between(slr.body, "Path"), "/aws-service-role/cloudtrail.amazonaws.com/");
  http::Response del = Call("DeleteRole", "RoleName=AWSServiceRoleForCloudTrail");
  EXPECT_EQ(del.status, 400);
  EXPECT_EQ(Between(del.body, "Code"), "UnmodifiableEntity");
  EXPECT_EQ(Between(del.body, "Message"),
            "Cannot perform the operation on the protected role "
            "&apos;AWSServiceRoleForCloudTrail&apos; - this role is only modifiable by AWS");
}

}  // namespace
}  // namespace orgtrail::gateway
