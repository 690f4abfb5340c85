// Policy document validation (spec/org-iam.md §4.3) and the matching building blocks.
#include "policy/document.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/internal.h"

namespace orgtrail::policy {
namespace {

struct ParseRow {
  const char* rule;
  PolicyKind kind;
  const char* json;
  const char* error;  // nullptr: valid
};

constexpr char kSyntax[] = "Syntax errors in policy.";

const ParseRow kParseRows[] = {
    {"§4.3 minimal identity policy", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})",
     nullptr},
    {"§4.3 Version absent = 2008-10-17", PolicyKind::kIdentity,
     R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})", nullptr},
    {"§4.3 Version 2008-10-17", PolicyKind::kIdentity,
     R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
     nullptr},
    {"§4.3 other Version", PolicyKind::kIdentity,
     R"({"Version":"2013-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
     kSyntax},
    {"§4.3 not JSON", PolicyKind::kIdentity, "This is not a json document", kSyntax},
    {"§4.3 JSON array document", PolicyKind::kIdentity, "[]", kSyntax},
    {"§4.3 no Statement", PolicyKind::kIdentity, R"({"Version":"2012-10-17"})", kSyntax},
    {"§4.3 empty Statement list", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":[]})", kSyntax},
    {"§4.3 unknown top-level element", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"},"Extra":1})",
     kSyntax},
    {"§4.3 unknown statement element", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":"x"}})", kSyntax},
    {"§4.3 Id must be a string", PolicyKind::kIdentity,
     R"({"Id":{},"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})", kSyntax},
    {"§4.3 Sid must be a string", PolicyKind::kIdentity,
     R"({"Statement":{"Sid":[],"Effect":"Allow","Action":"s3:*","Resource":"*"}})", kSyntax},
    {"§4.3 duplicate Sid", PolicyKind::kIdentity,
     R"({"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
     "Statement IDs (SID) in a single policy must be unique."},
    {"§4.3 Effect must be Allow or Deny", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"invalid","Action":"s3:*","Resource":"*"}})", kSyntax},
    {"§4.3 Effect is case-sensitive", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}})", kSyntax},
    {"§4.3 Effect missing", PolicyKind::kIdentity,
     R"({"Statement":{"Action":"s3:*","Resource":"*"}})", kSyntax},
    {"§4.3 Action missing", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Resource":"*"}})",
     "Policy statement must contain actions."},
    {"§4.3 empty Action list", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}})",
     "Policy statement must contain actions."},
    {"§4.3 Action and NotAction together", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}})",
     kSyntax},
    {"§4.3 Action of the wrong type", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":{"a":1},"Resource":"*"}})", kSyntax},
    {"§4.3 Action without vendor", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"invalid","Resource":"*"}})",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {"§4.3 Action with two colons", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}})",
     "Actions/Condition can contain only one colon."},
    {"§4.3 Resource missing", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*"}})",
     "Policy statement must contain resources."},
    {"§4.3 empty Resource list", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":[]}})",
     "Policy statement must contain resources."},
    {"§4.3 Resource and NotResource together", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}})",
     kSyntax},
    {"§4.3 Resource not an ARN", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"invalid resource"}})",
     "Resource invalid resource must be in ARN format or \"*\"."},
    {"§4.3 Resource ARN without vendor", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}})",
     "Resource vendor must be fully qualified and cannot contain regexes."},
    {"§4.3 Resource ARN with a wildcard vendor", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:*:::x"}})",
     "Resource vendor must be fully qualified and cannot contain regexes."},
    {"§4.3 Resource ARN with too few parts", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::b"}})",
     "The policy failed legacy parsing"},
    {"§4.3 Resource of the wrong type", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":{"a":"arn:aws:s3:::b"}}})",
     kSyntax},
    {"§4.3 Principal in an identity policy", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}})",
     "Policy document should not specify a principal."},
    {"§4.3 NotPrincipal in an SCP", PolicyKind::kScp,
     R"({"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}})",
     "Policy document should not specify a principal."},
    {"§4.3 Principal missing in a resource policy", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})",
     "Missing required field Principal"},
    {"§4.3 Principal missing in a trust policy", PolicyKind::kTrust,
     R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}})",
     "Missing required field Principal"},
    {"§4.3 trust policy: Resource optional", PolicyKind::kTrust,
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})",
     nullptr},
    {"§4.3 resource policy: Resource required", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}})",
     "Policy statement must contain resources."},
    {"§4.3 Principal string other than *", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Principal":"alice","Action":"s3:*","Resource":"*"}})",
     kSyntax},
    {"§4.3 Principal with an unknown key", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Principal":{"User":"x"},"Action":"s3:*","Resource":"*"}})",
     kSyntax},
    {"§4.3 AWS principal that is not an account or ARN", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}})",
     "Invalid principal in policy: \"AWS\":\"alice\""},
    {"§4.3 AWS principal kinds", PolicyKind::kResource,
     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::111111111111:root","arn:aws:iam::111111111111:user/a","arn:aws:iam::111111111111:role/p/r","arn:aws:sts::111111111111:assumed-role/r/s"],"Service":"sns.amazonaws.com","Federated":"x","CanonicalUser":"y"},"Action":"s3:*","Resource":"*"}})",
     nullptr},
    {"§4.3 Condition must be an object", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":[]}})", kSyntax},
    {"§4.3 Condition operator block must be an object", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":"b"}}})",
     kSyntax},
    {"§4.3 unknown condition operator", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}})",
     kSyntax},
    {"§4.3 NullIfExists is not an operator", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}})",
     kSyntax},
    {"§4.3 condition value of the wrong type", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":{}}}}})",
     kSyntax},
    {"§4.3 condition key without vendor", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}})",
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {"§5.4 numeric value that does not parse", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}})",
     kSyntax},
    {"§5.4 date value that does not parse", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}})",
     kSyntax},
    {"§5.4 CIDR that does not parse", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}})",
     kSyntax},
    {"§5.4 Bool value other than true/false", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}})",
     kSyntax},
    {"§5.4 BinaryEquals value not base64", PolicyKind::kIdentity,
     R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"BinaryEquals":{"s3:x":"***"}}}})",
     kSyntax},
    {"§5.4 every operator and qualifier parses", PolicyKind::kIdentity,
     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
       "StringEquals":{"a:k":"v"},"StringNotEquals":{"a:k":"v"},"StringEqualsIgnoreCase":{"a:k":"v"},
       "StringNotEqualsIgnoreCase":{"a:k":"v"},"StringLike":{"a:k":"v*"},"StringNotLike":{"a:k":"v"},
       "NumericEquals":{"a:k":"1"},"NumericNotEquals":{"a:k":"1"},"NumericLessThan":{"a:k":"1"},
       "NumericLessThanEquals":{"a:k":"1"},"NumericGreaterThan":{"a:k":"1"},"NumericGreaterThanEquals":{"a:k":1.5},
       "DateEquals":{"a:k":"2020-01-01T00:00:00Z"},"DateNotEquals":{"a:k":"1577836800"},"DateLessThan":{"a:k":"2020-01-01"},
       "DateLessThanEquals":{"a:k":"2020-01-01T00:00:00Z"},"DateGreaterThan":{"a:k":"2020-01-01T00:00:00Z"},
       "DateGreaterThanEquals":{"a:k":"2020-01-01T00:00:00Z"},"Bool":{"a:k":true},"BinaryEquals":{"a:k":"QQ=="},
       "IpAddress":{"a:k":["10.0.0.0/8","::1"]},"NotIpAddress":{"a:k":"2001:db8::/32"},"ArnEquals":{"a:k":"arn:aws:s3:::b"},
       "ArnLike":{"a:k":"arn:aws:s3:::*"},"ArnNotEquals":{"a:k":"arn:aws:s3:::b"},"ArnNotLike":{"a:k":"arn:*:*:*:*:*"},
       "Null":{"a:k":"true"},"ForAnyValue:StringLike":{"a:k":"x"},"ForAllValues:StringEqualsIfExists":{"a:k":"x"},
       "NumericLessThanIfExists":{"a:k":"1"},"ForAnyValue:IpAddress":{"a:k":"10.0.0.1"}}}})",
     nullptr},
};

TEST(ParsePolicy, Validation) {
  for (const ParseRow& row : kParseRows) {
    SCOPED_TRACE(row.rule);
    Status st = ValidateDocument(row.json, row.kind);
    if (row.error == nullptr) {
      EXPECT_TRUE(st.ok()) << row.rule << ": " << (st.ok() ? "" : st.error().message);
    } else {
      ASSERT_FALSE(st.ok()) << row.rule;
      EXPECT_EQ(st.error().code, "MalformedPolicyDocument");
      EXPECT_EQ(st.error().message, row.error) << row.rule;
    }
  }
}

TEST(ParsePolicy, CompiledForm) {
  Result<Policy> p = ParsePolicy(
      R"({"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"S1","Effect":"Deny","NotAction":["S3:Get*"],
          "Resource":["*","arn:aws:s3:::b/${aws:username}","arn:${x}:s3:::c"],
          "Condition":{"ForAllValues:StringLikeIfExists":{"AWS:TagKeys":["a",1,true]}}}]})",
      PolicyKind::kIdentity);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->version, "2012-10-17");
  EXPECT_TRUE(p->variables_enabled);
  EXPECT_EQ(p->id, "x");
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.sid, "S1");
  EXPECT_EQ(s.effect, Effect::kDeny);
  EXPECT_TRUE(s.not_action);
  EXPECT_EQ(s.actions, std::vector<std::string>{"s3:get*"});
  ASSERT_EQ(s.resources.size(), 3u);
  EXPECT_TRUE(s.resources[0].any);
  EXPECT_TRUE(s.resources[1].has_variables);
  EXPECT_FALSE(s.resources[2].has_variables);  // before the fifth colon: literal
  ASSERT_EQ(s.conditions.size(), 1u);
  const Condition& c = s.conditions[0];
  EXPECT_EQ(c.key, "aws:tagkeys");
  EXPECT_EQ(c.base, ConditionOp::kStringLike);
  EXPECT_EQ(c.qualifier, SetQualifier::kForAllValues);
  EXPECT_TRUE(c.if_exists);
  ASSERT_EQ(c.values.size(), 3u);
  EXPECT_EQ(c.values[1].text, "1");
  EXPECT_EQ(c.values[2].text, "true");
}

TEST(ParsePolicy, PrincipalClassification) {
  Result<Policy> p = ParsePolicy(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:user/a","arn:aws:iam::111111111111:role/r","arn:aws:sts::111111111111:assumed-role/r/s"],"Service":"SNS.amazonaws.com"},"Action":"s3:*","Resource":"*"}})",
      PolicyKind::kResource);
  ASSERT_TRUE(p.ok()) << p.error().message;
  const PrincipalSet& ps = p->statements[0].principals;
  ASSERT_EQ(ps.aws.size(), 5u);
  EXPECT_EQ(ps.aws[0].kind, AwsPrincipal::Kind::kAccount);
  EXPECT_EQ(ps.aws[0].arn, "arn:aws:iam::111111111111:root");
  EXPECT_EQ(ps.aws[1].kind, AwsPrincipal::Kind::kAccount);
  EXPECT_EQ(ps.aws[1].account, "222222222222");
  EXPECT_EQ(ps.aws[2].kind, AwsPrincipal::Kind::kUser);
  EXPECT_EQ(ps.aws[3].kind, AwsPrincipal::Kind::kRole);
  EXPECT_EQ(ps.aws[4].kind, AwsPrincipal::Kind::kSession);
  EXPECT_EQ(ps.services, std::vector<std::string>{"sns.amazonaws.com"});
}

// ---- building blocks --------------------------------------------------------------------------

TEST(GlobMatch, Basics) {
  using internal::GlobMatch;
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything:at/all"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("**a", "ba"));
  EXPECT_FALSE(GlobMatch("abc", "ABC"));
  EXPECT_TRUE(GlobMatch("a\\*", "a\\xyz"));  // without escapes a backslash is literal
  EXPECT_TRUE(GlobMatch("a\\*", "a*", true));
  EXPECT_FALSE(GlobMatch("a\\*", "ab", true));
  EXPECT_TRUE(GlobMatch(std::string(200, '*') + "x", std::string(5000, 'a') + "x"));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*b", std::string(3000, 'a')));
}

TEST(ArnMatch, PartWise) {
  using internal::ArnMatch;
  EXPECT_TRUE(ArnMatch("arn:aws:sns:*:111111111111:*", "arn:aws:sns:us-east-1:111111111111:t"));
  EXPECT_FALSE(ArnMatch("arn:aws:sns:*:111111111111:*", "arn:aws:sns:us-east-1:2:t"));
  EXPECT_TRUE(ArnMatch("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:r:1:log-group:g:*"));
  EXPECT_FALSE(ArnMatch("arn:aws:*", "arn:aws:s3:::b"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::b", "not-an-arn"));
}

TEST(Substitute, Forms) {
  using internal::Substitute;
  Context c;
  c.Set("aws:username", "al*ce");
  c.Add("aws:TagKeys", "a");
  c.Add("aws:TagKeys", "b");
  EXPECT_EQ(Substitute("u/${aws:username}", c, false), "u/al*ce");
  EXPECT_EQ(Substitute("u/${aws:username}/*", c, true), "u/al\\*ce/*");
  EXPECT_EQ(Substitute("${ AWS:UserName }", c, false), "al*ce");
  EXPECT_EQ(Substitute("${*}${?}${$}", c, false), "*?$");
  EXPECT_EQ(Substitute("${*}", c, true), "\\*");
  EXPECT_EQ(Substitute("${aws:none, 'it''s'}", c, false), "it's");
  EXPECT_EQ(Substitute("${aws:none, 'a}b'}", c, false), "a}b");
  EXPECT_EQ(Substitute("${aws:none}", c, false), std::nullopt);
  EXPECT_EQ(Substitute("${aws:TagKeys}", c, false), std::nullopt);
  EXPECT_EQ(Substitute("${aws:none, bare}", c, false), std::nullopt);
  EXPECT_EQ(Substitute("${}", c, false), std::nullopt);
  EXPECT_EQ(Substitute("open ${aws:username", c, false), "open ${aws:username");
  EXPECT_EQ(Substitute("${aws:none, '${aws:username}'}", c, false), "${aws:username}");
}

TEST(TypedValues, Parsing) {
  double d = 0;
  EXPECT_TRUE(internal::ParseNumber("10", &d));
  EXPECT_TRUE(internal::ParseNumber("-1.5e2", &d));
  EXPECT_EQ(d, -150);
  EXPECT_FALSE(internal::ParseNumber("1x", &d));
  EXPECT_FALSE(internal::ParseNumber("", &d));
  int64_t ms = 0;
  EXPECT_TRUE(internal::ParseDate("1767225600", &ms));
  EXPECT_EQ(ms, 1767225600000);
  EXPECT_TRUE(internal::ParseDate("2026-01-01T00:00:00Z", &ms));
  EXPECT_EQ(ms, 1767225600000);
  EXPECT_TRUE(internal::ParseDate("2026-01-01", &ms));
  EXPECT_EQ(ms, 1767225600000);
  EXPECT_FALSE(internal::ParseDate("2026-13-01", &ms));
  IpNetwork a, n;
  ASSERT_TRUE(internal::ParseIpNetwork("192.168.1.77", &a));
  ASSERT_TRUE(internal::ParseIpNetwork("192.168.0.0/23", &n));
  EXPECT_TRUE(internal::IpInNetwork(a, n));
  ASSERT_TRUE(internal::ParseIpNetwork("192.168.2.0/23", &n));
  EXPECT_FALSE(internal::IpInNetwork(a, n));
  EXPECT_FALSE(internal::ParseIpNetwork("10.0.0.0/", &n));
  EXPECT_FALSE(internal::ParseIpNetwork("::1/129", &n));
  EXPECT_FALSE(internal::ParseIpNetwork("300.0.0.1", &n));
}

}  // namespace
}  // namespace orgtrail::policy
