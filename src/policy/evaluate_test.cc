// Table-driven tests of the authorization decision (spec/org-iam.md §5.4, §5.5). Each row names
// the rule it pins; policies are JSON text. A policy text starting with '[' is a statement list
// wrapped into a 2012-10-17 document; one starting with '{' is a whole document.
#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policy/document.h"

namespace orgtrail::policy {
namespace {

constexpr Decision kA = Decision::kAllow;
constexpr Decision kD = Decision::kDeny;
using R = Reason;

enum class Who { kUser, kUser2, kRoot, kSession, kService, kAnon, kSlr };

constexpr char kAcct[] = "111111111111";
constexpr char kOther[] = "222222222222";

struct Row {
  const char* rule;
  Who who = Who::kUser;
  const char* action = "s3:GetObject";
  const char* resource = "arn:aws:s3:::b/k";
  bool cross = false;  // the resource belongs to 222222222222
  std::vector<const char*> identity = {};
  const char* boundary = nullptr;
  std::vector<const char*> session = {};
  const char* resource_policy = nullptr;
  bool trust = false;
  std::vector<std::vector<const char*>> scps = {};
  // Context changes: a repeated key adds a value (multi-valued); nullptr value erases the key.
  std::vector<std::pair<const char*, const char*>> ctx = {};
  Decision want = kD;
  Reason reason = R::kNoIdentityPolicyAllows;
};

constexpr char kAllowAll[] = R"([{"Effect":"Allow","Action":"*","Resource":"*"}])";
constexpr char kDenyAll[] = R"([{"Effect":"Deny","Action":"*","Resource":"*"}])";
constexpr char kAllowGet[] = R"([{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}])";
constexpr char kAllowS3[] = R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"}])";

std::string Wrap(const char* text) {
  std::string t(text);
  if (!t.empty() && t.front() == '[') return R"({"Version":"2012-10-17","Statement":)" + t + "}";
  return t;
}

// A condition statement allowing s3:GetObject on everything when `cond` holds.
#define IF(cond) \
  R"([{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)" cond "}]"
// A resource policy statement allowing s3:GetObject for `principal`.
#define RP(principal) \
  R"([{"Effect":"Allow","Principal":)" principal R"(,"Action":"s3:GetObject","Resource":"*"}])"
#define RES(pattern) R"([{"Effect":"Allow","Action":"s3:*","Resource":)" pattern "}]"

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      // ---- §5.4.1 Action / NotAction ------------------------------------------------------
      {.rule = "§5.4.1 exact action",
       .identity = {kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 action is case-insensitive",
       .identity = {R"([{"Effect":"Allow","Action":"S3:getOBJECT","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 request action case-insensitive",
       .action = "S3:GETOBJECT",
       .identity = {kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 trailing * glob",
       .identity = {R"([{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 leading * glob",
       .identity = {R"([{"Effect":"Allow","Action":"s3:*Object","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 ? matches one character",
       .identity = {R"([{"Effect":"Allow","Action":"s3:GetObjec?","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 ? needs exactly one character",
       .identity = {R"([{"Effect":"Allow","Action":"s3:GetObject?","Resource":"*"}])"}},
      {.rule = "§5.4.1 other action does not match",
       .action = "s3:PutObject",
       .identity = {kAllowGet}},
      {.rule = "§5.4.1 \"*\" matches every action",
       .action = "iam:CreateUser",
       .resource = "*",
       .identity = {kAllowAll},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 service prefix must match",
       .identity = {R"([{"Effect":"Allow","Action":"s3x:*","Resource":"*"}])"}},
      {.rule = "§5.4.1 glob does not match a prefix only",
       .identity = {R"([{"Effect":"Allow","Action":"s3:Get","Resource":"*"}])"}},
      {.rule = "§5.4.1 middle glob",
       .action = "s3:GetObjectTagging",
       .identity = {R"([{"Effect":"Allow","Action":"s3:Get*Tagging","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 middle glob needs the suffix",
       .identity = {R"([{"Effect":"Allow","Action":"s3:Get*Tagging","Resource":"*"}])"}},
      {.rule = "§5.4.1 second action of a list",
       .identity =
           {R"([{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 NotAction excludes the listed action",
       .identity = {R"([{"Effect":"Allow","NotAction":"s3:GetObject","Resource":"*"}])"}},
      {.rule = "§5.4.1 NotAction applies to other actions",
       .action = "s3:PutObject",
       .identity = {R"([{"Effect":"Allow","NotAction":"s3:GetObject","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 NotAction glob excludes the service",
       .action = "sqs:SendMessage",
       .resource = "arn:aws:sqs:us-east-1:111111111111:q",
       .identity = {R"([{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.1 NotAction glob: excluded service",
       .action = "s3:ListBucket",
       .identity = {R"([{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}])"}},
      {.rule = "§5.4.1 Deny with NotAction denies everything else",
       .action = "s3:PutObject",
       .identity = {kAllowAll, R"([{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}])"},
       .reason = R::kExplicitDenyIdentity},
      {.rule = "§5.4.1 Deny with NotAction spares the listed action",
       .identity = {kAllowAll, R"([{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      // ---- §5.4.2 Resource / NotResource ----------------------------------------------------
      {.rule = "§5.4.2 exact ARN",
       .identity = {RES(R"("arn:aws:s3:::b/k")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 resource glob spans '/'",
       .resource = "arn:aws:s3:::b/a/b/c",
       .identity = {RES(R"("arn:aws:s3:::b/*")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 resource glob spans ':' (decision)",
       .action = "logs:PutLogEvents",
       .resource = "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:s",
       .identity = {R"([{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:*:*:*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 resource is case-sensitive", .identity = {RES(R"("arn:aws:s3:::B/*")")}},
      {.rule = "§5.4.2 ? matches one character",
       .identity = {RES(R"("arn:aws:s3:::b/?")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 ? does not match nothing", .identity = {RES(R"("arn:aws:s3:::b/k?")")}},
      {.rule = "§5.4.2 bucket ARN does not match an object",
       .identity = {RES(R"("arn:aws:s3:::b")")}},
      {.rule = "§5.4.2 b* spans into the key",
       .identity = {RES(R"("arn:aws:s3:::b*")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 other bucket", .identity = {RES(R"("arn:aws:s3:::c/*")")}},
      {.rule = "§5.4.2 second resource of a list",
       .identity = {RES(R"(["arn:aws:s3:::c/*","arn:aws:s3:::b/*"])")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 NotResource excludes the listed resource",
       .identity = {R"([{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}])"}},
      {.rule = "§5.4.2 NotResource applies to other resources",
       .resource = "arn:aws:s3:::c/k",
       .identity = {R"([{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.2 Deny with NotResource protects the rest",
       .resource = "arn:aws:s3:::c/k",
       .identity = {kAllowAll,
                    R"([{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/*"}])"},
       .reason = R::kExplicitDenyIdentity},
      {.rule = "§5.4.2 request resource * needs Resource *",
       .action = "s3:ListAllMyBuckets",
       .resource = "*",
       .identity = {RES(R"("arn:aws:s3:::*")")}},
      {.rule = "§5.4.2 Resource * matches resource *",
       .action = "s3:ListAllMyBuckets",
       .resource = "*",
       .identity = {kAllowS3},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.3 logs group resource matches the bare log-group ARN (decision)",
       .action = "logs:PutRetentionPolicy",
       .resource = "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:",
       .identity =
           {R"([{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:g"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.3 logs group resource matches log-group:g:*",
       .action = "logs:DeleteLogGroup",
       .resource = "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:",
       .identity =
           {R"([{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:g:*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.3 logs other group does not match",
       .action = "logs:DeleteLogGroup",
       .resource = "arn:aws:logs:us-east-1:111111111111:log-group:g2:log-stream:",
       .identity =
           {R"([{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:111111111111:log-group:g"}])"}},
      // ---- §5.4.3 Principal -----------------------------------------------------------------
      {.rule = "§5.4.3 Principal \"*\" names every principal",
       .resource_policy = RP(R"("*")"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 {\"AWS\":\"*\"} names every principal",
       .resource_policy = RP(R"({"AWS":"*"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 user ARN names that user",
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 user ARN does not name another user",
       .who = Who::kUser2,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})")},
      {.rule = "§5.4.3 user ARN in a list",
       .resource_policy = RP(
           R"({"AWS":["arn:aws:iam::111111111111:user/x","arn:aws:iam::111111111111:user/alice"]})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.5c account ID principal delegates to identity policies (none)",
       .resource_policy = RP(R"({"AWS":"111111111111"})")},
      {.rule = "§5.5.5c account ID principal + identity allow",
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5c :root ARN is an account principal",
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:root"})")},
      {.rule = "§5.4.3 role ARN names its sessions",
       .who = Who::kSession,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 session ARN names that session",
       .who = Who::kSession,
       .resource_policy = RP(R"({"AWS":"arn:aws:sts::111111111111:assumed-role/dev/s1"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 session ARN does not name another session",
       .who = Who::kSession,
       .resource_policy = RP(R"({"AWS":"arn:aws:sts::111111111111:assumed-role/dev/s2"})")},
      {.rule = "§5.4.3 another role does not match",
       .who = Who::kSession,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/ops"})")},
      {.rule = "§5.5.5b role-ARN grant is subject to the boundary",
       .who = Who::kSession,
       .boundary = R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])",
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .reason = R::kNoBoundaryAllows},
      {.rule = "§5.5.5b role-ARN grant is subject to session policies",
       .who = Who::kSession,
       .session = {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .reason = R::kNoSessionPolicyAllows},
      {.rule = "§5.5.5b role-ARN grant within boundary and session policy",
       .who = Who::kSession,
       .boundary = kAllowS3,
       .session = {kAllowS3},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.5b session-ARN grant is not limited by session policies",
       .who = Who::kSession,
       .session = {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"},
       .resource_policy = RP(R"({"AWS":"arn:aws:sts::111111111111:assumed-role/dev/s1"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.5b user-ARN grant is not limited by the boundary",
       .boundary = R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])",
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 Service principal",
       .who = Who::kService,
       .resource_policy = RP(R"({"Service":"cloudtrail.amazonaws.com"})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 Service principal list",
       .who = Who::kService,
       .resource_policy = RP(R"({"Service":["logs.amazonaws.com","cloudtrail.amazonaws.com"]})"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 other service does not match",
       .who = Who::kService,
       .resource_policy = RP(R"({"Service":"logs.amazonaws.com"})"),
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.4.3 \"*\" matches service principals",
       .who = Who::kService,
       .resource_policy = RP(R"("*")"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 account principal does not match a service",
       .who = Who::kService,
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.4.3 \"*\" matches anonymous",
       .who = Who::kAnon,
       .resource_policy = RP(R"("*")"),
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4.3 account principal does not match anonymous",
       .who = Who::kAnon,
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.4.3 NotPrincipal: the listed principal is spared",
       .identity = {kAllowGet},
       .resource_policy =
           R"([{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:*","Resource":"*"}])",
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.3 NotPrincipal: others are denied",
       .who = Who::kUser2,
       .identity = {kAllowGet},
       .resource_policy =
           R"([{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:*","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.4.3 Federated principals never match IAM callers",
       .resource_policy = RP(R"({"Federated":"cognito-identity.amazonaws.com"})")},
      {.rule = "§5.4.3 CanonicalUser principals never match",
       .resource_policy = RP(R"({"CanonicalUser":"79a59df900b949e55d96a1e698fbace"})")},
      // ---- §5.4.4 condition blocks -----------------------------------------------------------
      {.rule = "§5.4.4 all operators true",
       .identity = {IF(
           R"({"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:username":"alice"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.4 one operator false → no match",
       .identity = {IF(
           R"({"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:username":"alice"}})")}},
      {.rule = "§5.4.4 all keys within an operator (one false)",
       .identity = {IF(
           R"({"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"eu-west-1"}})")}},
      {.rule = "§5.4.4 any listed value (OR)",
       .identity = {IF(R"({"StringEquals":{"aws:username":["bob","alice"]}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.4 key names are case-insensitive",
       .identity = {IF(R"({"StringEquals":{"AWS:UserName":"alice"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.4 false condition disarms a Deny",
       .identity =
           {kAllowGet,
            R"([{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.4 true condition arms a Deny",
       .identity = {kAllowGet},
       .resource_policy =
           R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}])",
       .ctx = {{"aws:SecureTransport", "false"}},
       .reason = R::kExplicitDenyResource},
      // ---- §5.4.5 missing keys ---------------------------------------------------------------
      {.rule = "§5.4.5 positive operator, missing key → false",
       .identity = {IF(R"({"StringEquals":{"s3:prefix":"a"}})")}},
      {.rule = "§5.4.5 negated operator, missing key → true",
       .identity = {IF(R"({"StringNotEquals":{"s3:prefix":"a"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 IfExists, missing key → true",
       .identity = {IF(R"({"StringEqualsIfExists":{"s3:prefix":"a"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 IfExists, present key compared",
       .identity = {IF(R"({"StringEqualsIfExists":{"s3:prefix":"a"}})")},
       .ctx = {{"s3:prefix", "b"}}},
      {.rule = "§5.4.5 NumericLessThanIfExists missing → true",
       .identity = {IF(R"({"NumericLessThanIfExists":{"s3:max-keys":"10"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 NotIpAddress, missing key → true",
       .identity = {IF(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})")},
       .ctx = {{"aws:SourceIp", nullptr}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 IpAddress, missing key → false",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})")},
       .ctx = {{"aws:SourceIp", nullptr}}},
      {.rule = "§5.4.5 Null true: key absent",
       .identity = {IF(R"({"Null":{"s3:prefix":"true"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 Null true: key present → false",
       .identity = {IF(R"({"Null":{"aws:username":"true"}})")}},
      {.rule = "§5.4.5 Null false: key present",
       .identity = {IF(R"({"Null":{"aws:username":"false"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 Null with a JSON boolean",
       .identity = {IF(R"({"Null":{"s3:prefix":true}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 Null false: key absent → false",
       .identity = {IF(R"({"Null":{"s3:prefix":"false"}})")}},
      {.rule = "§5.4.5 ForAnyValue, missing key → false",
       .identity = {IF(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}})")}},
      {.rule = "§5.4.5 ForAllValues, missing key → true",
       .identity = {IF(R"({"ForAllValues:StringEquals":{"aws:TagKeys":"a"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.5 ForAnyValue...IfExists, missing key → true",
       .identity = {IF(R"({"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      // ---- §5.4 table: String operators --------------------------------------------------------
      {.rule = "§5.4 StringEquals is case-sensitive",
       .identity = {IF(R"({"StringEquals":{"aws:username":"Alice"}})")}},
      {.rule = "§5.4 StringEqualsIgnoreCase",
       .identity = {IF(R"({"StringEqualsIgnoreCase":{"aws:username":"ALICE"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 StringNotEqualsIgnoreCase equal ignoring case → false",
       .identity = {IF(R"({"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}})")}},
      {.rule = "§5.4 StringNotEquals: value listed → false",
       .identity = {IF(R"({"StringNotEquals":{"aws:username":["bob","alice"]}})")}},
      {.rule = "§5.4 StringNotEquals: value not listed → true",
       .identity = {IF(R"({"StringNotEquals":{"aws:username":["bob","carol"]}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 StringLike *",
       .identity = {IF(R"({"StringLike":{"s3:prefix":"home/*"}})")},
       .ctx = {{"s3:prefix", "home/alice/x"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 StringLike ?",
       .identity = {IF(R"({"StringLike":{"aws:username":"al?ce"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 StringLike no match",
       .identity = {IF(R"({"StringLike":{"s3:prefix":"home/*"}})")},
       .ctx = {{"s3:prefix", "tmp/x"}}},
      {.rule = "§5.4 StringNotLike matching → false",
       .identity = {IF(R"({"StringNotLike":{"s3:prefix":"home/*"}})")},
       .ctx = {{"s3:prefix", "home/x"}}},
      {.rule = "§5.4 StringEquals against a multi-valued key: one matches",
       .identity = {IF(R"({"StringEquals":{"aws:TagKeys":"b"}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 StringNotEquals against a multi-valued key: one matches → false",
       .identity = {IF(R"({"StringNotEquals":{"aws:TagKeys":"b"}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}}},
      // ---- Numeric -------------------------------------------------------------------------
      {.rule = "§5.4 NumericEquals compares numbers, not text",
       .identity = {IF(R"({"NumericEquals":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "10.0"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 NumericNotEquals equal → false",
       .identity = {IF(R"({"NumericNotEquals":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "10"}}},
      {.rule = "§5.4 NumericLessThan true",
       .identity = {IF(R"({"NumericLessThan":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "5"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 NumericLessThan equal → false",
       .identity = {IF(R"({"NumericLessThan":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "10"}}},
      {.rule = "§5.4 NumericLessThanEquals equal",
       .identity = {IF(R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "10"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 NumericGreaterThan",
       .identity = {IF(R"({"NumericGreaterThan":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "11"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 NumericGreaterThanEquals false",
       .identity = {IF(R"({"NumericGreaterThanEquals":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "9"}}},
      {.rule = "§5.4 Numeric value as a JSON number",
       .identity = {IF(R"({"NumericLessThanEquals":{"s3:max-keys":100}})")},
       .ctx = {{"s3:max-keys", "100"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 Numeric: non-numeric context value → false",
       .identity = {IF(R"({"NumericLessThan":{"s3:max-keys":"10"}})")},
       .ctx = {{"s3:max-keys", "ten"}}},
      {.rule = "§5.4 Numeric: negative and fractional values",
       .identity = {IF(R"({"NumericGreaterThan":{"s3:max-keys":"-1.5"}})")},
       .ctx = {{"s3:max-keys", "-1"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      // ---- Date ----------------------------------------------------------------------------
      {.rule = "§5.4 DateGreaterThan ISO 8601",
       .identity = {IF(R"({"DateGreaterThan":{"aws:CurrentTime":"2025-12-31T23:59:59Z"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 DateLessThan false when later",
       .identity = {IF(R"({"DateLessThan":{"aws:CurrentTime":"2025-12-31T23:59:59Z"}})")}},
      {.rule = "§5.4 DateEquals epoch seconds against ISO context",
       .identity = {IF(R"({"DateEquals":{"aws:CurrentTime":"1767225600"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 DateLessThanEquals equal instant, other offset",
       .identity = {IF(
           R"({"DateLessThanEquals":{"aws:CurrentTime":"2026-01-01T01:00:00+01:00"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 DateNotEquals equal → false",
       .identity = {IF(R"({"DateNotEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}})")}},
      {.rule = "§5.4 DateGreaterThanEquals with a date-only value",
       .identity = {IF(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 Date on an epoch context key",
       .identity = {IF(R"({"DateLessThan":{"aws:EpochTime":"2026-01-02T00:00:00Z"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 Date: unparsable context value → false",
       .identity = {IF(R"({"DateLessThan":{"aws:TokenIssueTime":"2026-01-02T00:00:00Z"}})")},
       .ctx = {{"aws:TokenIssueTime", "yesterday"}}},
      // ---- Bool / Binary ---------------------------------------------------------------------
      {.rule = "§5.4 Bool true",
       .identity = {IF(R"({"Bool":{"aws:SecureTransport":"true"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 Bool as JSON boolean, mismatch",
       .identity = {IF(R"({"Bool":{"aws:SecureTransport":false}})")}},
      {.rule = "§5.4 Bool is case-insensitive",
       .identity = {IF(R"({"Bool":{"aws:SecureTransport":"True"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 BinaryEquals base64, byte-wise",
       .identity = {IF(R"({"BinaryEquals":{"s3:x-bin":"aGVsbG8="}})")},
       .ctx = {{"s3:x-bin", "hello"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 BinaryEquals mismatch",
       .identity = {IF(R"({"BinaryEquals":{"s3:x-bin":"aGVsbG8="}})")},
       .ctx = {{"s3:x-bin", "Hello"}}},
      // ---- IpAddress -----------------------------------------------------------------------
      {.rule = "§5.4 IpAddress IPv4 CIDR contains",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/24"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 IpAddress IPv4 CIDR outside",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.0.1.0/24"}})")}},
      {.rule = "§5.4 IpAddress bare address = /32",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.0.0.5"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 IpAddress bare address, other host",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.0.0.6"}})")}},
      {.rule = "§5.4 IpAddress non-octet prefix /13",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"10.7.0.0/13"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 NotIpAddress inside → false",
       .identity = {IF(R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})")}},
      {.rule = "§5.4 NotIpAddress outside → true",
       .identity = {IF(R"({"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 IpAddress IPv6 CIDR",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})")},
       .ctx = {{"aws:SourceIp", "2001:db8:1::7"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 IpAddress IPv6 outside",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})")},
       .ctx = {{"aws:SourceIp", "2001:db9::1"}}},
      {.rule = "§5.4 IpAddress IPv4 client against an IPv6 network",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"::/0"}})")}},
      {.rule = "§5.4 IpAddress 0.0.0.0/0",
       .identity = {IF(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      // ---- Arn -----------------------------------------------------------------------------
      {.rule = "§5.4 ArnLike with globs per part",
       .who = Who::kService,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}}])",
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4 ArnEquals exact",
       .who = Who::kService,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}}}])",
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.4 ArnLike needs six parts in the pattern",
       .who = Who::kService,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*"}}}])",
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.4 ArnLike part glob does not cross parts",
       .who = Who::kService,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-*:222222222222:*"}}}])",
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.4 ArnNotLike matching → false",
       .identity = {IF(
           R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/*"}})")}},
      {.rule = "§5.4 ArnNotEquals other → true",
       .identity = {IF(
           R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/bob"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 ArnLike context value not an ARN → false",
       .identity = {IF(R"({"ArnLike":{"aws:username":"arn:*:*:*:*:*"}})")}},
      // ---- ForAnyValue / ForAllValues --------------------------------------------------------
      {.rule = "§5.4 ForAnyValue: one element matches",
       .identity = {IF(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["x","b"]}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 ForAnyValue: none matches",
       .identity = {IF(R"({"ForAnyValue:StringEquals":{"aws:TagKeys":["x","y"]}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}}},
      {.rule = "§5.4 ForAllValues: every element listed",
       .identity = {IF(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 ForAllValues: one element outside",
       .identity = {IF(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}}},
      {.rule = "§5.4 ForAllValues:StringLike",
       .identity = {IF(R"({"ForAllValues:StringLike":{"aws:TagKeys":"team-*"}})")},
       .ctx = {{"aws:TagKeys", "team-a"}, {"aws:TagKeys", "team-b"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 ForAnyValue:StringNotEquals: some element unlisted",
       .identity = {IF(R"({"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4 ForAllValues:StringNotEquals: one element listed → false",
       .identity = {IF(R"({"ForAllValues:StringNotEquals":{"aws:TagKeys":"a"}})")},
       .ctx = {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}}},
      // ---- §5.4.6 policy variables -----------------------------------------------------------
      {.rule = "§5.4.6 ${aws:username} in Resource",
       .resource = "arn:aws:s3:::b/home/alice/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${aws:username}/*")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 ${aws:username} other user's folder",
       .resource = "arn:aws:s3:::b/home/bob/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${aws:username}/*")")}},
      {.rule = "§5.4.6 variable names are case-insensitive",
       .resource = "arn:aws:s3:::b/home/alice/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${AWS:UserName}/*")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 2008-10-17: variables are literal text",
       .resource = "arn:aws:s3:::b/home/alice/f",
       .identity =
           {R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]})"}},
      {.rule = "§5.4.6 2008-10-17: literal ${...} text matches itself",
       .resource = "arn:aws:s3:::b/home/${aws:username}/f",
       .identity =
           {R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]})"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 unresolved variable → statement does not match (decision)",
       .who = Who::kSession,
       .resource = "arn:aws:s3:::b/home/alice/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${aws:username}/*")")}},
      {.rule = "§5.4.6 unresolved variable disarms a Deny (decision)",
       .who = Who::kSession,
       .identity =
           {kAllowAll,
            R"([{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}])"},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 default value when the key is absent",
       .who = Who::kSession,
       .resource = "arn:aws:s3:::b/home/nobody/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${aws:username, 'nobody'}/*")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 default value ignored when the key is present",
       .resource = "arn:aws:s3:::b/home/nobody/f",
       .identity = {RES(R"("arn:aws:s3:::b/home/${aws:username, 'nobody'}/*")")}},
      {.rule = "§5.4.6 ${*} is a literal star",
       .resource = "arn:aws:s3:::b/*",
       .identity = {RES(R"("arn:aws:s3:::b/${*}")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 ${*} does not act as a wildcard",
       .identity = {RES(R"("arn:aws:s3:::b/${*}")")}},
      {.rule = "§5.4.6 ${?} is a literal question mark",
       .resource = "arn:aws:s3:::b/?",
       .identity = {RES(R"("arn:aws:s3:::b/${?}")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 ${$} is a literal dollar",
       .resource = "arn:aws:s3:::b/$x",
       .identity = {RES(R"("arn:aws:s3:::b/${$}x")")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 a substituted value is literal, not a wildcard",
       .identity = {RES(R"("arn:aws:s3:::b/${aws:username}")")},
       .ctx = {{"aws:username", "*"}}},
      {.rule = "§5.4.6 multi-valued key does not resolve",
       .identity = {RES(R"("arn:aws:s3:::b/${aws:username}")")},
       .ctx = {{"aws:username", "k"}, {"aws:username", "j"}}},
      {.rule = "§5.4.2 variables only after the fifth colon",
       .action = "logs:CreateLogGroup",
       .resource = "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:",
       .identity =
           {R"([{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:${aws:RequestedRegion}:111111111111:*"}])"}},
      {.rule = "§5.4.6 variable in a StringLike condition value",
       .identity = {IF(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})")},
       .ctx = {{"s3:prefix", "home/alice/docs"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 variable in a StringLike condition, other user",
       .identity = {IF(R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"}})")},
       .ctx = {{"s3:prefix", "home/bob/docs"}}},
      {.rule = "§5.4.6 variable in a StringEquals condition value",
       .identity = {IF(R"({"StringEquals":{"aws:userid":"${aws:userid}"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 variable in an ArnLike condition value",
       .identity = {IF(
           R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}})")},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.4.6 unresolved variable in a negated condition → no match (decision)",
       .who = Who::kSession,
       .identity = {IF(R"({"StringNotEquals":{"s3:prefix":"${aws:username}"}})")},
       .ctx = {{"s3:prefix", "x"}}},
      // ---- §5.5.1 anonymous ----------------------------------------------------------------
      {.rule = "§5.5.1 anonymous without a resource policy",
       .who = Who::kAnon,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.1 anonymous: Deny for * wins",
       .who = Who::kAnon,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.1 anonymous: identity policies do not matter",
       .who = Who::kAnon,
       .identity = {kAllowAll},
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.1 anonymous: the statement's Resource must match",
       .who = Who::kAnon,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::c/*"}])",
       .reason = R::kNoResourcePolicyAllows},
      // ---- §5.5.2 service principals ------------------------------------------------------------
      {.rule = "§5.5.2 service, same account, no resource policy (decision)",
       .who = Who::kService,
       .want = kA,
       .reason = R::kServiceSameAccount},
      {.rule = "§5.5.2 service, other account, no resource policy",
       .who = Who::kService,
       .cross = true,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.2 service, resource policy without it (same account)",
       .who = Who::kService,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.2 service, Deny in the resource policy",
       .who = Who::kService,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.2 service principals ignore SCPs and identity policies",
       .who = Who::kService,
       .cross = true,
       .identity = {kDenyAll},
       .resource_policy = RP(R"({"Service":"cloudtrail.amazonaws.com"})"),
       .scps = {{kDenyAll}},
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      // ---- §5.5.3 explicit deny --------------------------------------------------------------
      {.rule = "§5.5.3 identity Deny beats identity Allow",
       .identity =
           {R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}])"},
       .reason = R::kExplicitDenyIdentity},
      {.rule = "§5.5.3 Deny in another identity policy beats Allow",
       .identity = {kAllowAll, kDenyAll},
       .reason = R::kExplicitDenyIdentity},
      {.rule = "§5.5.3 resource policy Deny beats identity Allow",
       .identity = {kAllowAll},
       .resource_policy =
           R"([{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.3 resource policy Deny applies to root",
       .who = Who::kRoot,
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.3 bucket owner's root may PutBucketPolicy despite a Deny",
       .who = Who::kRoot,
       .action = "s3:PutBucketPolicy",
       .resource = "arn:aws:s3:::b",
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.3 bucket owner's root may GetBucketPolicy despite a Deny",
       .who = Who::kRoot,
       .action = "s3:GetBucketPolicy",
       .resource = "arn:aws:s3:::b",
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.3 bucket owner's root may DeleteBucketPolicy despite a Deny",
       .who = Who::kRoot,
       .action = "s3:DeleteBucketPolicy",
       .resource = "arn:aws:s3:::b",
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.3 a user gets no bucket-policy exception",
       .action = "s3:PutBucketPolicy",
       .resource = "arn:aws:s3:::b",
       .identity = {kAllowAll},
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.3 SCPs can stop the root's bucket-policy exception",
       .who = Who::kRoot,
       .action = "s3:PutBucketPolicy",
       .resource = "arn:aws:s3:::b",
       .resource_policy = R"([{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}])",
       .scps = {{kAllowAll, R"([{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}])"}},
       .reason = R::kExplicitDenyScp},
      {.rule = "§5.5.3 explicit deny in SCP beats identity allow",
       .identity = {kAllowAll},
       .scps = {{kAllowAll, kDenyAll}},
       .reason = R::kExplicitDenyScp},
      {.rule = "§5.5.3 explicit deny in SCP applies to a member root",
       .who = Who::kRoot,
       .scps = {{kAllowAll}, {kDenyAll}},
       .reason = R::kExplicitDenyScp},
      {.rule = "§5.5.3 Deny in the permissions boundary",
       .identity = {kAllowAll},
       .boundary =
           R"([{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}])",
       .reason = R::kExplicitDenyBoundary},
      {.rule = "§5.5.3 Deny in a session policy",
       .who = Who::kSession,
       .identity = {kAllowAll},
       .session = {kAllowAll, kDenyAll},
       .reason = R::kExplicitDenySession},
      {.rule = "§5.5.3 Deny beats a resource policy naming P directly",
       .identity = {kDenyAll},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .reason = R::kExplicitDenyIdentity},
      {.rule = "§5.5.3 boundary Deny beats a direct resource-policy grant",
       .boundary = kDenyAll,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .reason = R::kExplicitDenyBoundary},
      {.rule = "§5.5.3 resource-policy Deny reaches a cross-account root",
       .who = Who::kRoot,
       .cross = true,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"*"}])",
       .reason = R::kExplicitDenyResource},
      // ---- §5.5.4 SCPs -----------------------------------------------------------------------
      {.rule = "§5.5.4 every level allows + identity allows",
       .identity = {kAllowGet},
       .scps = {{kAllowAll}, {kAllowAll}, {kAllowS3}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.4 a level without an Allow denies",
       .identity = {kAllowGet},
       .scps = {{kAllowAll}, {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"}},
       .reason = R::kNoScpAllows},
      {.rule = "§5.5.4 one Allow among a level's SCPs suffices",
       .identity = {kAllowGet},
       .scps = {{kAllowAll}, {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])", kAllowS3}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.4 SCPs do not grant", .scps = {{kAllowAll}}},
      {.rule = "§5.5.4 SCPs bind a member account's root",
       .who = Who::kRoot,
       .scps = {{kAllowAll}, {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"}},
       .reason = R::kNoScpAllows},
      {.rule = "§5.5.4 member root allowed within SCPs",
       .who = Who::kRoot,
       .scps = {{kAllowAll}, {kAllowS3}},
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.4 service-linked roles are not subject to SCPs",
       .who = Who::kSlr,
       .identity = {kAllowAll},
       .scps = {{kDenyAll}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.4 SCP with a condition that holds",
       .identity = {kAllowGet},
       .scps =
           {{R"([{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}])"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.4 SCP with a condition that fails",
       .identity = {kAllowGet},
       .scps =
           {{R"([{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}])"}},
       .reason = R::kNoScpAllows},
      {.rule = "§5.5.4 SCP Deny with NotAction (allow-list)",
       .action = "sqs:SendMessage",
       .resource = "arn:aws:sqs:us-east-1:111111111111:q",
       .identity = {kAllowAll},
       .scps = {{kAllowAll, R"([{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}])"}},
       .reason = R::kExplicitDenyScp},
      {.rule = "§5.5.4 no SCP levels: SCPs do not apply",
       .identity = {kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.4 SCPs of P's account apply to cross-account calls",
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .scps = {{R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"}},
       .reason = R::kNoScpAllows},
      // ---- §5.5.5 same account -----------------------------------------------------------------
      {.rule = "§5.5.5a root of the account, no policies",
       .who = Who::kRoot,
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.5e user without policies"},
      {.rule = "§5.5.5d identity Allow, no resource policy",
       .identity = {kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5d identity Allow, resource policy silent",
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/x"})"),
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5 resource \"*\" is same-account",
       .action = "s3:ListAllMyBuckets",
       .resource = "*",
       .cross = true,
       .identity = {kAllowS3},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5d boundary allows too",
       .identity = {kAllowGet},
       .boundary = kAllowS3,
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5d boundary does not allow",
       .identity = {kAllowGet},
       .boundary = R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])",
       .reason = R::kNoBoundaryAllows},
      {.rule = "§5.5.5d boundary alone grants nothing", .boundary = kAllowAll},
      {.rule = "§5.5.5d session policy allows too",
       .who = Who::kSession,
       .identity = {kAllowGet},
       .session = {kAllowS3},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5d session policy does not allow",
       .who = Who::kSession,
       .identity = {kAllowGet},
       .session = {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"},
       .reason = R::kNoSessionPolicyAllows},
      {.rule = "§5.5.5d any of several session policies allows",
       .who = Who::kSession,
       .identity = {kAllowGet},
       .session = {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])", kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5d session policy alone grants nothing",
       .who = Who::kSession,
       .session = {kAllowAll}},
      {.rule = "§5.5.5d role session with the role's policies",
       .who = Who::kSession,
       .identity = {kAllowGet},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      // ---- §5.5.5f trust policies -----------------------------------------------------------
      {.rule = "§5.5.5f trust names the user: no identity permission needed",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.5f trust names the account: identity must allow",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}])",
       .trust = true},
      {.rule = "§5.5.5f trust names the account + identity allows",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .identity =
           {R"([{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111111111111:role/*"}])"},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.5f identity Allow without the trust policy",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .identity = {kAllowAll},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.5f trust policy Deny",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .identity = {kAllowAll},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .reason = R::kExplicitDenyResource},
      {.rule = "§5.5.6 cross-account trust naming the user still needs identity permission",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::222222222222:role/target",
       .cross = true,
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}])",
       .trust = true},
      {.rule = "§5.5.6 cross-account trust + identity permission",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::222222222222:role/target",
       .cross = true,
       .identity = {R"([{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}])"},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.6 cross-account trust naming another account",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::222222222222:role/target",
       .cross = true,
       .identity = {kAllowAll},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.5f trust with sts:ExternalId that matches",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"xyz"}}}])",
       .trust = true,
       .ctx = {{"sts:ExternalId", "xyz"}},
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.5f trust with sts:ExternalId missing",
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"xyz"}}}])",
       .trust = true,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.5f role chaining: trust names the caller's role",
       .who = Who::kSession,
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/dev"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      {.rule = "§5.5.2 service principal assuming a role",
       .who = Who::kService,
       .action = "sts:AssumeRole",
       .resource = "arn:aws:iam::111111111111:role/target",
       .resource_policy =
           R"([{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}])",
       .trust = true,
       .want = kA,
       .reason = R::kResourcePolicyAllows},
      // ---- §5.5.6 cross account ----------------------------------------------------------------
      {.rule = "§5.5.6 account principal + identity Allow",
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.6 account principal without identity Allow",
       .cross = true,
       .resource_policy = RP(R"({"AWS":"111111111111"})")},
      {.rule = "§5.5.6 user principal without identity Allow (both sides needed)",
       .cross = true,
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})")},
      {.rule = "§5.5.6 user principal + identity Allow",
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:user/alice"})"),
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.6 no resource policy across accounts",
       .cross = true,
       .identity = {kAllowAll},
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.6 resource policy for another account",
       .cross = true,
       .identity = {kAllowAll},
       .resource_policy = RP(R"({"AWS":"333333333333"})"),
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.6 aws:PrincipalOrgID grant",
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}])",
       .ctx = {{"aws:PrincipalOrgID", "o-abcdefghij"}},
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
      {.rule = "§5.5.6 aws:PrincipalOrgID of another organization",
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy =
           R"([{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}])",
       .ctx = {{"aws:PrincipalOrgID", "o-zzzzzzzzzz"}},
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.6 the boundary limits cross-account calls",
       .cross = true,
       .identity = {kAllowGet},
       .boundary = R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])",
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .reason = R::kNoBoundaryAllows},
      {.rule = "§5.5.6 session policies limit cross-account calls",
       .who = Who::kSession,
       .cross = true,
       .identity = {kAllowGet},
       .session = {R"([{"Effect":"Allow","Action":"sqs:*","Resource":"*"}])"},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .reason = R::kNoSessionPolicyAllows},
      {.rule = "§5.5.6 cross-account root with an account grant",
       .who = Who::kRoot,
       .cross = true,
       .resource_policy = RP(R"({"AWS":"111111111111"})"),
       .want = kA,
       .reason = R::kRootOfAccount},
      {.rule = "§5.5.6 cross-account root without a grant",
       .who = Who::kRoot,
       .cross = true,
       .reason = R::kNoResourcePolicyAllows},
      {.rule = "§5.5.6 cross-account session via its role ARN",
       .who = Who::kSession,
       .cross = true,
       .identity = {kAllowGet},
       .resource_policy = RP(R"({"AWS":"arn:aws:iam::111111111111:role/dev"})"),
       .want = kA,
       .reason = R::kIdentityPolicyAllows},
  };
  return rows;
}

Request MakeRequest(Who who) {
  Request r;
  RequestPrincipal& p = r.principal;
  p.account = kAcct;
  Context& c = r.context;
  c.Set("aws:SecureTransport", "true");
  c.Set("aws:CurrentTime", "2026-01-01T00:00:00Z");
  c.Set("aws:EpochTime", "1767225600");
  c.Set("aws:RequestedRegion", "us-east-1");
  c.Set("aws:SourceIp", "10.0.0.5");
  c.Set("aws:PrincipalAccount", kAcct);
  switch (who) {
    case Who::kUser:
    case Who::kUser2: {
      const char* name = who == Who::kUser ? "alice" : "carol";
      p.type = PrincipalType::kIAMUser;
      p.arn = std::string("arn:aws:iam::111111111111:user/") + name;
      c.Set("aws:username", name);
      c.Set("aws:userid", std::string("AIDA") + name);
      c.Set("aws:PrincipalArn", p.arn);
      c.Set("aws:PrincipalType", "User");
      break;
    }
    case Who::kRoot:
      p.type = PrincipalType::kRoot;
      p.arn = "arn:aws:iam::111111111111:root";
      c.Set("aws:userid", kAcct);
      c.Set("aws:PrincipalArn", p.arn);
      c.Set("aws:PrincipalType", "Account");
      break;
    case Who::kSession:
    case Who::kSlr:
      p.type = PrincipalType::kAssumedRole;
      if (who == Who::kSession) {
        p.arn = "arn:aws:sts::111111111111:assumed-role/dev/s1";
        p.role_arn = "arn:aws:iam::111111111111:role/dev";
      } else {
        p.arn = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForX/x";
        p.role_arn =
            "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX";
        p.is_service_linked_role = true;
      }
      c.Set("aws:userid", "AROADEV:s1");
      c.Set("aws:PrincipalArn", p.role_arn);
      c.Set("aws:PrincipalType", "AssumedRole");
      break;
    case Who::kService:
      p.type = PrincipalType::kAWSService;
      p.service = "cloudtrail.amazonaws.com";
      c.Erase("aws:SourceIp");
      c.Erase("aws:PrincipalAccount");
      c.Set("aws:PrincipalIsAWSService", "true");
      c.Set("aws:PrincipalServiceName", p.service);
      c.Set("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:111111111111:trail/t");
      c.Set("aws:SourceAccount", kAcct);
      break;
    case Who::kAnon:
      p.type = PrincipalType::kAnonymous;
      p.account.clear();
      c.Erase("aws:PrincipalAccount");
      c.Set("aws:userid", "anonymous");
      c.Set("aws:PrincipalType", "Anonymous");
      break;
  }
  return r;
}

// Parses a row's policy text, failing the test if it is not a valid document of its kind.
const Policy* Compile(const char* text, PolicyKind kind,
                      std::vector<std::unique_ptr<Policy>>* keep) {
  Result<Policy> p = ParsePolicy(Wrap(text), kind);
  EXPECT_TRUE(p.ok()) << text << "\n" << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return nullptr;
  keep->push_back(std::make_unique<Policy>(std::move(p).value()));
  return keep->back().get();
}

class EvaluateTable : public ::testing::TestWithParam<size_t> {};

TEST_P(EvaluateTable, Decides) {
  const Row& row = Rows()[GetParam()];
  SCOPED_TRACE(row.rule);
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(row.who);
  req.action = row.action;
  req.resources = {row.resource};
  if (row.cross) req.resource_account = kOther;
  std::vector<std::string> seen;
  for (const auto& [k, v] : row.ctx) {
    if (v == nullptr) {
      req.context.Erase(k);
    } else if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      req.context.Add(k, v);
    } else {
      req.context.Set(k, v);
      seen.emplace_back(k);
    }
  }
  Inputs in;
  for (const char* t : row.identity)
    in.identity.push_back(Compile(t, PolicyKind::kIdentity, &keep));
  if (row.boundary) in.boundary = Compile(row.boundary, PolicyKind::kIdentity, &keep);
  for (const char* t : row.session) in.session.push_back(Compile(t, PolicyKind::kIdentity, &keep));
  if (row.resource_policy) {
    in.resource =
        Compile(row.resource_policy, row.trust ? PolicyKind::kTrust : PolicyKind::kResource, &keep);
    in.resource_is_trust_policy = row.trust;
  }
  for (const auto& level : row.scps) {
    in.scp_levels.emplace_back();
    for (const char* t : level) in.scp_levels.back().push_back(Compile(t, PolicyKind::kScp, &keep));
  }
  Evaluation e = Evaluate(req, in);
  EXPECT_EQ(e.decision, row.want) << row.rule << ": got " << ReasonName(e.reason);
  EXPECT_EQ(ReasonName(e.reason), ReasonName(row.reason)) << row.rule;
}

INSTANTIATE_TEST_SUITE_P(Spec5, EvaluateTable, ::testing::Range<size_t>(0, Rows().size()),
                         [](const ::testing::TestParamInfo<size_t>& param) {
                           return "row" + std::to_string(param.param);
                         });

TEST(EvaluateTableSize, AtLeast150Rows) { EXPECT_GE(Rows().size(), 150u); }

// ---- Several resources ----------------------------------------------------------------------

TEST(Evaluate, EveryResourceMustBeAllowed) {
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(Who::kUser);
  req.action = "s3:DeleteObject";
  req.resources = {"arn:aws:s3:::b/ok", "arn:aws:s3:::b/secret/x", "arn:aws:s3:::b/ok2"};
  Inputs in;
  in.identity.push_back(Compile(
      R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}])",
      PolicyKind::kIdentity, &keep));
  Evaluation e = Evaluate(req, in);
  EXPECT_EQ(e.decision, Decision::kDeny);
  EXPECT_EQ(e.reason, Reason::kExplicitDenyIdentity);
  EXPECT_EQ(e.resource_index, 1u);
  EXPECT_EQ(DenialMessage(req, e),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
            "s3:DeleteObject on resource: arn:aws:s3:::b/secret/x with an explicit deny in an "
            "identity-based policy");
  req.resources.erase(req.resources.begin() + 1);
  EXPECT_TRUE(Evaluate(req, in).allowed());
}

TEST(Evaluate, NoResourcesMeansStar) {
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(Who::kUser);
  req.action = "iam:ListUsers";
  Inputs in;
  in.identity.push_back(
      Compile(R"([{"Effect":"Allow","Action":"iam:List*","Resource":"arn:aws:iam::*:*"}])",
              PolicyKind::kIdentity, &keep));
  EXPECT_FALSE(Evaluate(req, in).allowed());
  in.identity.push_back(Compile(kAllowAll, PolicyKind::kIdentity, &keep));
  EXPECT_TRUE(Evaluate(req, in).allowed());
}

// ---- §5.6 denial messages ---------------------------------------------------------------------

struct MessageRow {
  Who who;
  Reason reason;
  const char* resource;
  const char* want;
};

TEST(DenialMessage, Forms) {
  const MessageRow rows[] = {
      {Who::kUser, Reason::kNoIdentityPolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject "
       "action"},
      {Who::kSession, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the "
       "s3:GetObject action"},
      {Who::kUser, Reason::kNoScpAllows, "*",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: * because no service control policy allows the s3:GetObject action"},
      {Who::kUser, Reason::kNoBoundaryAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k because no permissions boundary allows the s3:GetObject "
       "action"},
      {Who::kSession, Reason::kNoSessionPolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k because no session policy allows the "
       "s3:GetObject action"},
      {Who::kRoot, Reason::kExplicitDenyScp, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:root is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a service control policy"},
      {Who::kUser, Reason::kExplicitDenyResource, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a resource-based policy"},
      {Who::kUser, Reason::kExplicitDenyIdentity, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy"},
      {Who::kUser, Reason::kExplicitDenyBoundary, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a permissions boundary"},
      {Who::kSession, Reason::kExplicitDenySession, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a session policy"},
      {Who::kService, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: cloudtrail.amazonaws.com is not authorized to perform: s3:GetObject on resource: "
       "arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
      {Who::kAnon, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: anonymous is not authorized to perform: s3:GetObject on resource: "
       "arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
  };
  for (const MessageRow& m : rows) {
    Request req = MakeRequest(m.who);
    req.action = "s3:GetObject";
    req.resources = {m.resource};
    Evaluation e{Decision::kDeny, m.reason, 0};
    EXPECT_EQ(DenialMessage(req, e), m.want);
  }
}

TEST(DenialMessage, ServiceFormats) {
  Request req = MakeRequest(Who::kUser);
  req.action = "sns:Publish";
  req.resources = {"arn:aws:sns:us-east-1:111111111111:t"};
  Evaluation e{Decision::kDeny, Reason::kNoIdentityPolicyAllows, 0};
  EXPECT_EQ(DenialMessage(req, e, {.action = "SNS:Publish", .quote_resource = false}),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: SNS:Publish "
            "on resource: arn:aws:sns:us-east-1:111111111111:t because no identity-based policy "
            "allows the SNS:Publish action");
  req.action = "s3:GetObject";
  req.resources = {"arn:aws:s3:::b/k"};
  EXPECT_EQ(DenialMessage(req, e, {.action = {}, .quote_resource = true}),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject "
            "on resource: \"arn:aws:s3:::b/k\" because no identity-based policy allows the "
            "s3:GetObject action");
  req.resources.clear();
  EXPECT_EQ(DenialMessage(req, e),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject "
            "on resource: * because no identity-based policy allows the s3:GetObject action");
}

// ---- Context ----------------------------------------------------------------------------------

TEST(Context, CaseInsensitiveNamesMultiValues) {
  Context c;
  c.Set("aws:UserName", "alice");
  ASSERT_NE(c.Find("AWS:USERNAME"), nullptr);
  EXPECT_EQ(c.Find("aws:username")->front(), "alice");
  c.Add("AWS:TagKeys", "a");
  c.Add("aws:tagkeys", "b");
  EXPECT_EQ(c.Find("aws:TagKeys")->size(), 2u);
  c.SetAll("aws:TagKeys", {"z"});
  EXPECT_EQ(*c.FindLower("aws:tagkeys"), std::vector<std::string>{"z"});
  c.Erase("AWS:TAGKEYS");
  EXPECT_EQ(c.Find("aws:TagKeys"), nullptr);
  EXPECT_EQ(c.Find("aws:none"), nullptr);
}

}  // namespace
}  // namespace orgtrail::policy
