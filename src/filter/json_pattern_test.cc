// JSON filter patterns: every operator, selectors, precedence, errors, and the CIS AWS
// Foundations Benchmark patterns (Security Hub CloudWatch.1-14) on CloudTrail-shaped events.
#include <gtest/gtest.h>

#include <string>

#include "filter/pattern.h"

namespace orgtrail::filter {
namespace {

bool M(std::string_view pattern, std::string_view message) {
  Result<Pattern> p = Pattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() && p->Matches(message);
}

std::string Err(std::string_view pattern) {
  Result<Pattern> p = Pattern::Compile(pattern);
  if (p.ok()) return "<compiled>";
  EXPECT_EQ(p.error().code, "InvalidParameterException");
  EXPECT_EQ(p.error().status, 400);
  return p.error().message;
}

// The AWS documentation's example event for JSON patterns.
constexpr char kDocEvent[] = R"({
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": ["value", "another value"],
  "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
  "SomeObject": null,
  "cluster.name": "c",
  "ThisFlag": true,
  "OtherFlag": false,
  "bandwidth": 80,
  "latency": 45.5,
  "refreshRate": 1000
})";

// The AWS documentation's user/users/actions example.
constexpr char kUsersEvent[] = R"({"user":{"id":1,"email":"John.Stiles@example.com"},
  "users":[{"id":2,"email":"John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],
  "actions":["GET","PUT","DELETE"],"coordinates":[[0,1],[2,3]]})";

TEST(FilterJson, StringEquality) {
  EXPECT_TRUE(M(R"({ $.eventType = "UpdateTrail" })", kDocEvent));
  EXPECT_TRUE(M("{ $.eventType = UpdateTrail }", kDocEvent));
  EXPECT_TRUE(M("{$.eventType=UpdateTrail}", kDocEvent));
  EXPECT_FALSE(M(R"({ $.eventType = "updatetrail" })", kDocEvent));  // case-sensitive
  EXPECT_FALSE(M(R"({ $.eventType = "Update" })", kDocEvent));       // whole value
  EXPECT_TRUE(M(R"({ $.eventType != "CreateTrail" })", kDocEvent));
  EXPECT_FALSE(M(R"({ $.eventType != "UpdateTrail" })", kDocEvent));
}

TEST(FilterJson, Wildcards) {
  EXPECT_TRUE(M(R"({ $.eventType = "Update*" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.eventType = "*Trail" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.eventType = "*dateTr*" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.eventType = "UpdateTrail*" })", kDocEvent));  // * = zero or more
  EXPECT_FALSE(M(R"({ $.eventType = "Create*" })", kDocEvent));
  EXPECT_FALSE(M(R"({ $.eventType = "Upd*Trail" })", kDocEvent));  // inner * is literal
  EXPECT_TRUE(M(R"({ $.k = "Ev*ent" })", R"({"k":"Ev*ent"})"));
  EXPECT_TRUE(M("{ $.sourceIPAddress != 123.123.* }", kDocEvent));
  EXPECT_FALSE(M("{ $.sourceIPAddress != 111.111.* }", kDocEvent));
  // = * : present with a string, number or boolean value.
  EXPECT_TRUE(M("{ $.eventType = * }", kDocEvent));
  EXPECT_TRUE(M(R"({ $.bandwidth = "*" })", kDocEvent));
  EXPECT_TRUE(M("{ $.ThisFlag = * }", kDocEvent));
  EXPECT_FALSE(M("{ $.SomeObject = * }", kDocEvent));
  EXPECT_FALSE(M("{ $.objectList = * }", kDocEvent));
  EXPECT_FALSE(M("{ $.missing = * }", kDocEvent));
}

TEST(FilterJson, Regex) {
  EXPECT_TRUE(M("{ $.eventType = %Trail% }", kDocEvent));
  EXPECT_TRUE(M("{ $.eventType = %^Update% }", kDocEvent));
  EXPECT_FALSE(M("{ $.eventType = %^Trail% }", kDocEvent));  // ^ anchors to the value
  EXPECT_TRUE(M("{ $.eventType = %Trail$% }", kDocEvent));
  EXPECT_TRUE(M("{ $.eventType != %Create% }", kDocEvent));
  EXPECT_FALSE(M("{ $.bandwidth = %80% }", kDocEvent));  // numbers are not strings
  EXPECT_TRUE(M(R"({ $.sourceIPAddress = %111\.111\.111\.[0-9]+% })", kDocEvent));
  EXPECT_EQ(Pattern::Compile("{ $.a = %x% || $.b = %y% }")->regex_count(), 2);
}

TEST(FilterJson, Numbers) {
  EXPECT_TRUE(M("{ $.bandwidth > 75 }", kDocEvent));
  EXPECT_FALSE(M("{ $.bandwidth < 75 }", kDocEvent));
  EXPECT_TRUE(M("{ $.bandwidth >= 80 }", kDocEvent));
  EXPECT_TRUE(M("{ $.bandwidth <= 80 }", kDocEvent));
  EXPECT_FALSE(M("{ $.bandwidth > 80 }", kDocEvent));
  EXPECT_TRUE(M("{ $.latency < 50 }", kDocEvent));
  EXPECT_TRUE(M("{ $.latency = 45.5 }", kDocEvent));
  EXPECT_TRUE(M("{ $.refreshRate = 1e3 }", kDocEvent));
  EXPECT_TRUE(M("{ $.refreshRate = 1E+3 }", kDocEvent));
  EXPECT_TRUE(M("{ $.refreshRate = 1000.0 }", kDocEvent));
  EXPECT_TRUE(M("{ $.refreshRate != 999 }", kDocEvent));
  EXPECT_TRUE(M("{ $.n = -2 }", R"({"n":-2})"));
  EXPECT_TRUE(M("{ $.n > -3.5 }", R"({"n":-2})"));
  // A number literal never equals a string, nor a string literal a number.
  EXPECT_FALSE(M("{ $.n = 5 }", R"({"n":"5"})"));
  EXPECT_FALSE(M("{ $.n != 5 }", R"({"n":"5"})"));
  EXPECT_FALSE(M(R"({ $.n = "5" })", R"({"n":5})"));
  EXPECT_FALSE(M("{ $.n > 1 }", R"({"n":"5"})"));
  // "4*" is the string 4*, not the number 4 then a star.
  EXPECT_TRUE(M("{ $.code = 4* }", R"({"code":"404"})"));
  EXPECT_FALSE(M("{ $.code = 4* }", R"({"code":404})"));
}

TEST(FilterJson, NullBooleansAndExistence) {
  EXPECT_TRUE(M("{ $.SomeObject IS NULL }", kDocEvent));
  EXPECT_FALSE(M("{ $.eventType IS NULL }", kDocEvent));
  EXPECT_FALSE(M("{ $.missing IS NULL }", kDocEvent));
  EXPECT_TRUE(M("{ $.SomeOtherObject NOT EXISTS }", kDocEvent));
  EXPECT_FALSE(M("{ $.SomeObject NOT EXISTS }", kDocEvent));  // null exists
  EXPECT_FALSE(M("{ $.eventType NOT EXISTS }", kDocEvent));
  EXPECT_TRUE(M("{ $.ThisFlag IS TRUE }", kDocEvent));
  EXPECT_FALSE(M("{ $.ThisFlag IS FALSE }", kDocEvent));
  EXPECT_TRUE(M("{ $.OtherFlag IS FALSE }", kDocEvent));
  EXPECT_FALSE(M("{ $.eventType IS TRUE }", kDocEvent));
  EXPECT_TRUE(M("{ $.ThisFlag is true && $.SomeObject Is Null && $.x not exists }", kDocEvent));
}

TEST(FilterJson, Selectors) {
  EXPECT_TRUE(M(R"({ $.arrayKey[0] = "value" })", kDocEvent));
  EXPECT_FALSE(M(R"({ $.arrayKey[1] = "value" })", kDocEvent));
  EXPECT_FALSE(M(R"({ $.arrayKey[5] = "value" })", kDocEvent));
  EXPECT_TRUE(M("{ $.objectList[1].id = 2 }", kDocEvent));
  EXPECT_FALSE(M("{ $.objectList[0].id = 2 }", kDocEvent));
  EXPECT_TRUE(M("{ $.objectList[*].id = 2 }", kDocEvent));
  EXPECT_TRUE(M(R"({ $.arrayKey[*] = "another value" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.objectList[1].* = "b" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.* = "UpdateTrail" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $.['cluster.name'] = "c" })", kDocEvent));
  EXPECT_TRUE(M(R"({ $['cluster.name'] = "c" })", kDocEvent));
  EXPECT_FALSE(M(R"({ $.cluster.name = "c" })", kDocEvent));
  EXPECT_TRUE(M("{ $.coordinates[1][0] = 2 }", kUsersEvent));
  EXPECT_TRUE(M("{ $.a-b.c_d.@e = 1 }", R"({"a-b":{"c_d":{"@e":1}}})"));
  // Paths through non-containers resolve to nothing.
  EXPECT_FALSE(M("{ $.eventType.x = 1 }", kDocEvent));
  EXPECT_TRUE(M("{ $.eventType.x NOT EXISTS }", kDocEvent));
  EXPECT_FALSE(M("{ $.arrayKey.x = 1 }", kDocEvent));
  // Duplicate keys: the last wins.
  EXPECT_TRUE(M(R"({ $.k = "b" })", R"({"k":"a","k":"b"})"));
  EXPECT_FALSE(M(R"({ $.k = "a" })", R"({"k":"a","k":"b"})"));
}

TEST(FilterJson, ContainersNeverCompare) {
  EXPECT_FALSE(M("{ $.users = 1 }", R"({"users":[1,2,3]})"));
  EXPECT_FALSE(M("{ $.users != 1 }", R"({"users":[1,2,3]})"));
  EXPECT_FALSE(M(R"({ $.user != "x" })", kUsersEvent));
}

TEST(FilterJson, AbsentPathMakesNotEqualFalse) {
  const char* p =
      R"({($.errorCode="AccessDenied") && ($.userIdentity.invokedBy != "cloudfront.amazonaws.com")})";
  EXPECT_FALSE(M(p, R"({"errorCode":"AccessDenied","userIdentity":{"accountId":"anonymous"}})"));
  EXPECT_TRUE(
      M(p, R"({"errorCode":"AccessDenied","userIdentity":{"invokedBy":"ec2.amazonaws.com"}})"));
  EXPECT_FALSE(
      M(p,
        R"({"errorCode":"AccessDenied","userIdentity":{"invokedBy":"cloudfront.amazonaws.com"}})"));
}

TEST(FilterJson, AndOrPrecedence) {
  EXPECT_TRUE(
      M(R"({ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") })", kUsersEvent));
  EXPECT_FALSE(M(R"({ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" })",
                 kUsersEvent));
  EXPECT_TRUE(
      M(R"({ $.user.id = 2 && $.users[0].email = "x" || $.actions[0] = "GET" })", kUsersEvent));
  // && binds tighter: a || b && c  is  a || (b && c).
  EXPECT_TRUE(M("{ $.user.id = 1 || $.user.id = 9 && $.actions[0] = PUT }", kUsersEvent));
  EXPECT_FALSE(M("{ ($.user.id = 1 || $.user.id = 9) && $.actions[0] = PUT }", kUsersEvent));
  EXPECT_TRUE(M("{ ((($.user.id = 1))) }", kUsersEvent));
}

TEST(FilterJson, NonJsonMessagesNeverMatch) {
  EXPECT_FALSE(M("{ $.a = 1 }", "a = 1"));
  EXPECT_FALSE(M("{ $.a NOT EXISTS }", "plain text"));
  EXPECT_FALSE(M("{ $.a NOT EXISTS }", R"({"b":1} trailing)"));
  EXPECT_TRUE(M("{ $.a NOT EXISTS }", "  {\"b\":1}\n"));
  EXPECT_FALSE(M("{ $[0] = 1 }", "[1,2]x"));
  EXPECT_TRUE(M("{ $[0] = 1 }", "[1,2]"));
}

TEST(FilterJson, EscapedMessagesStillMatch) {
  // The literal pre-check must not hide a match spelled with JSON escapes.
  Result<Pattern> p = Pattern::Compile(R"({ $.eventName = "CreateBucket" })");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->RequiredUnlessEscaped());
  EXPECT_EQ(p->RequiredLiterals(), std::vector<std::string>{"CreateBucket"});
  EXPECT_TRUE(p->Matches(R"({"eventName":"Create\u0042ucket"})"));
  EXPECT_FALSE(p->Matches(R"({"eventName":"CreateTrail"})"));
}

TEST(FilterJson, Extract) {
  Result<Pattern> p = Pattern::Compile(R"({ $.eventType = "UpdateTrail" })");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Extract(kDocEvent, "$.bandwidth"), "80");
  EXPECT_EQ(p->Extract(kDocEvent, "$.latency"), "45.5");
  EXPECT_EQ(p->Extract(kDocEvent, "$.eventType"), "UpdateTrail");
  EXPECT_EQ(p->Extract(kDocEvent, "$.objectList[1].name"), "b");
  EXPECT_EQ(p->Extract(kDocEvent, "$.ThisFlag"), "true");
  EXPECT_EQ(p->Extract(kDocEvent, "$.objectList"), std::nullopt);
  EXPECT_EQ(p->Extract(kDocEvent, "$.SomeObject"), std::nullopt);
  EXPECT_EQ(p->Extract(kDocEvent, "$.missing"), std::nullopt);
  EXPECT_EQ(p->Extract(R"({"eventType":"Other","bandwidth":1})", "$.bandwidth"), std::nullopt);
  EXPECT_TRUE(p->ExtractedValues(kDocEvent).empty());
}

TEST(FilterJson, Invalid) {
  const std::string kBraces = "If a filter pattern starts with '{' it must end with '}'";
  EXPECT_EQ(Err("{ $.a = 1"), kBraces);
  EXPECT_EQ(Err("{ $.a = 1 } x"), kBraces);
  EXPECT_EQ(Err("{"), kBraces);
  EXPECT_EQ(Err("{}"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a }"), "Invalid filter pattern");  // selector without operator
  EXPECT_EQ(Err("{ $.a && $.b = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ ($.a = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = 1) }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = 1 && }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = 1 || || $.b = 2 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = 1 & $.b = 2 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ a = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $ = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a. = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a[x] = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a > abc }"), "Invalid filter pattern");
  EXPECT_EQ(Err(R"({ $.a > "5" })"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a < %5% }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a IS }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a IS MAYBE }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a IS NULLX }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a NOT }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = 1 $.b = 2 }"), "Invalid filter pattern");
  EXPECT_EQ(Err(R"({ $.a = "x })"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a = caf\xC3\xA9 }"), "Invalid character(s) in term 'caf\xC3\xA9'");
  EXPECT_EQ(Err("{ $.a = %(x)% }"), "Invalid character(s) in term '%(x)%'");
  EXPECT_EQ(Err("{ $.a = %x }"), "Invalid character(s) in term '%x '");
  // Three regular expressions; two wildcards in a selector; four in a pattern.
  EXPECT_EQ(Err("{ $.a = %x% || $.b = %y% || $.c = %z% }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a[*].* = 1 }"), "Invalid filter pattern");
  EXPECT_EQ(Err("{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 || $.d.* = 1 }"),
            "Invalid filter pattern");
  EXPECT_TRUE(Pattern::Compile("{ $.a[*] = 1 || $.b[*] = 1 || $.c.* = 1 }").ok());
  std::string deep = "{ " + std::string(150, '(') + "$.a = 1" + std::string(150, ')') + " }";
  EXPECT_EQ(Err(deep), "Invalid filter pattern");
}

// ---- CIS AWS Foundations Benchmark / Security Hub CloudWatch.1-14 ----

std::string Event(std::string_view fields) {
  return std::string(
             R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111111111111:user/alice","accountId":"111111111111","userName":"alice"},"eventTime":"2024-01-01T00:00:00Z","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0",)") +
         std::string(fields) +
         R"(,"requestID":"4b1d5f2e","eventID":"c0ffee00","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111111111111"})";
}

std::string Call(std::string_view source, std::string_view name) {
  return Event(R"("eventSource":")" + std::string(source) + R"(","eventName":")" +
               std::string(name) + R"(","requestParameters":null,"responseElements":null)");
}

struct Cis {
  const char* id;
  const char* pattern;
  std::vector<std::string> match;
  std::vector<std::string> no_match;
};

TEST(FilterCis, CloudWatch1To14) {
  const std::string root_console =
      R"({"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111111111111","arn":"arn:aws:iam::111111111111:root","accountId":"111111111111"},"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","responseElements":{"ConsoleLogin":"Success"}})";
  const std::string root_by_service =
      R"({"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"},"eventType":"AwsApiCall","eventName":"DescribeCases"})";
  const std::string root_service_event =
      R"({"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent","eventName":"X"})";
  const std::string iam_console_no_mfa =
      R"({"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","userName":"alice"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com","MobileVersion":"No","MFAUsed":"No"},"responseElements":{"ConsoleLogin":"Success"},"eventType":"AwsConsoleSignIn"})";
  const std::string iam_console_mfa =
      R"({"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","userName":"alice"},"additionalEventData":{"MFAUsed":"Yes"},"responseElements":{"ConsoleLogin":"Success"}})";
  const std::string iam_console_failed =
      R"({"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","userName":"alice"},"additionalEventData":{"MFAUsed":"No"},"responseElements":{"ConsoleLogin":"Failure"},"errorMessage":"Failed authentication"})";
  const std::string access_denied = Event(
      R"("eventSource":"s3.amazonaws.com","eventName":"GetObject","errorCode":"AccessDenied","errorMessage":"Access Denied")");
  const std::string unauthorized_op = Event(
      R"("eventSource":"ec2.amazonaws.com","eventName":"RunInstances","errorCode":"Client.UnauthorizedOperation")");
  const std::string throttled = Event(
      R"("eventSource":"ec2.amazonaws.com","eventName":"RunInstances","errorCode":"Client.RequestLimitExceeded")");

  std::vector<Cis> cases = {
      {"CloudWatch.1",
       R"({$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"})",
       {root_console},
       {root_by_service, root_service_event, Call("s3.amazonaws.com", "ListBuckets")}},
      {"CloudWatch.2",
       R"({($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")})",
       {access_denied, unauthorized_op,
        Event(R"("eventName":"GetObject","errorCode":"AccessDeniedException")")},
       {throttled, Call("s3.amazonaws.com", "GetObject")}},
      {"CloudWatch.3",
       R"({($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") && ($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")})",
       {iam_console_no_mfa},
       {iam_console_mfa, iam_console_failed, root_console}},
      {"CloudWatch.4",
       "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || "
       "($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || "
       "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) "
       "|| ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || "
       "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || "
       "($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
       "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || "
       "($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}",
       {Call("iam.amazonaws.com", "PutRolePolicy"), Call("iam.amazonaws.com", "DetachGroupPolicy"),
        Call("iam.amazonaws.com", "CreatePolicyVersion")},
       {Call("iam.amazonaws.com", "CreateUser"), Call("s3.amazonaws.com", "PutBucketPolicy"),
        Call("sso.amazonaws.com", "PutRolePolicy")}},
      {"CloudWatch.5",
       "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || "
       "($.eventName=StartLogging) || ($.eventName=StopLogging)}",
       {Call("cloudtrail.amazonaws.com", "StopLogging"),
        Call("cloudtrail.amazonaws.com", "CreateTrail")},
       {Call("cloudtrail.amazonaws.com", "DescribeTrails"),
        Call("cloudtrail.amazonaws.com", "LookupEvents")}},
      {"CloudWatch.6",
       R"({($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")})",
       {iam_console_failed},
       {iam_console_no_mfa, access_denied}},
      {"CloudWatch.7",
       "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || "
       "($.eventName=ScheduleKeyDeletion))}",
       {Call("kms.amazonaws.com", "DisableKey"), Call("kms.amazonaws.com", "ScheduleKeyDeletion")},
       {Call("kms.amazonaws.com", "EnableKey"), Call("kms.amazonaws.com", "Decrypt")}},
      {"CloudWatch.8",
       "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || "
       "($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || "
       "($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || "
       "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || "
       "($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
       {Call("s3.amazonaws.com", "PutBucketPolicy"), Call("s3.amazonaws.com", "DeleteBucketCors")},
       {Call("s3.amazonaws.com", "GetBucketPolicy"), Call("s3.amazonaws.com", "PutObject"),
        Call("iam.amazonaws.com", "PutBucketPolicy")}},
      {"CloudWatch.9",
       "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || "
       "($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || "
       "($.eventName=PutConfigurationRecorder))}",
       {Call("config.amazonaws.com", "StopConfigurationRecorder"),
        Call("config.amazonaws.com", "PutDeliveryChannel")},
       {Call("config.amazonaws.com", "StartConfigurationRecorder"),
        Call("config.amazonaws.com", "DescribeDeliveryChannels")}},
      {"CloudWatch.10",
       "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) "
       "|| ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || "
       "($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
       {Call("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
        Call("ec2.amazonaws.com", "DeleteSecurityGroup")},
       {Call("ec2.amazonaws.com", "DescribeSecurityGroups")}},
      {"CloudWatch.11",
       "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || "
       "($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || "
       "($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
       {Call("ec2.amazonaws.com", "CreateNetworkAclEntry"),
        Call("ec2.amazonaws.com", "ReplaceNetworkAclAssociation")},
       {Call("ec2.amazonaws.com", "DescribeNetworkAcls")}},
      {"CloudWatch.12",
       "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || "
       "($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || "
       "($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
       {Call("ec2.amazonaws.com", "AttachInternetGateway"),
        Call("ec2.amazonaws.com", "DeleteCustomerGateway")},
       {Call("ec2.amazonaws.com", "DescribeInternetGateways"),
        Call("ec2.amazonaws.com", "CreateNatGateway")}},
      {"CloudWatch.13",
       "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || "
       "($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || "
       "($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
       "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
       {Call("ec2.amazonaws.com", "CreateRoute"),
        Call("ec2.amazonaws.com", "DisassociateRouteTable")},
       {Call("ec2.amazonaws.com", "DescribeRouteTables"),
        Call("ec2.amazonaws.com", "CreateRouteTableX")}},
      {"CloudWatch.14",
       "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || "
       "($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || "
       "($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || "
       "($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || "
       "($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
       {Call("ec2.amazonaws.com", "CreateVpc"), Call("ec2.amazonaws.com", "EnableVpcClassicLink")},
       {Call("ec2.amazonaws.com", "DescribeVpcs"), Call("ec2.amazonaws.com", "CreateVpcEndpoint")}},
  };
  for (const Cis& c : cases) {
    Result<Pattern> p = Pattern::Compile(c.pattern);
    ASSERT_TRUE(p.ok()) << c.id << ": " << p.error().message;
    EXPECT_EQ(p->kind(), PatternKind::kJson);
    for (const std::string& e : c.match) EXPECT_TRUE(p->Matches(e)) << c.id << " " << e;
    for (const std::string& e : c.no_match) EXPECT_FALSE(p->Matches(e)) << c.id << " " << e;
    // Non-JSON text mentioning the names never matches a JSON pattern.
    EXPECT_FALSE(p->Matches(std::string("ConsoleLogin Root ") + c.pattern)) << c.id;
  }
}

}  // namespace
}  // namespace orgtrail::filter
