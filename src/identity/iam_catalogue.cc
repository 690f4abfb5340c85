// The AWS managed policy catalogue orgtrail ships (spec/org-iam.md §4.2, decision: documents are
// reduced to what the emulated services understand) and the service-linked roles it knows.
#include <array>

#include "core/crypto.h"
#include "identity/iam_internal.h"

namespace orgtrail::identity::iam_internal {
namespace {

struct CatalogueEntry {
  std::string_view path;
  std::string_view name;
  std::string_view description;
  std::string_view document;
};

// 2015-02-06T18:39:46Z, AdministratorAccess's creation date on AWS; used for every entry.
constexpr int64_t kCatalogueCreatedMs = 1423247986000;

constexpr std::array<CatalogueEntry, 10> kCatalogue = {{
    {"/", "AdministratorAccess", "Provides full access to AWS services and resources.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"/", "ReadOnlyAccess", "Provides read-only access to AWS services and resources.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Get*","*:List*",)"
     R"("*:Describe*","*:Lookup*","*:Filter*","*:Head*"],"Resource":"*"}]})"},
    {"/service-role/", "AWSLambdaBasicExecutionRole",
     "Provides write permissions to CloudWatch Logs.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup",)"
     R"("logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
    {"/", "AWSCloudTrail_FullAccess", "Provides full access to AWS CloudTrail.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:*"],)"
     R"("Resource":"*"},{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation",)"
     R"("s3:GetBucketPolicy","s3:PutBucketPolicy","s3:CreateBucket","sns:ListTopics",)"
     R"("sns:CreateTopic","sns:GetTopicAttributes","sns:SetTopicAttributes",)"
     R"("logs:CreateLogGroup","logs:DescribeLogGroups","iam:ListRoles","iam:GetRole",)"
     R"("iam:GetRolePolicy","iam:GetUser","organizations:DescribeOrganization",)"
     R"("organizations:ListAccounts","organizations:ListAWSServiceAccessForOrganization",)"
     R"("organizations:ListDelegatedAdministrators"],"Resource":"*"},{"Effect":"Allow",)"
     R"("Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":)"
     R"({"iam:PassedToService":"cloudtrail.amazonaws.com"}}}]})"},
    {"/", "CloudWatchLogsFullAccess", "Provides full access to CloudWatch Logs.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],)"
     R"("Resource":"*"}]})"},
    {"/", "AmazonS3FullAccess",
     "Provides full access to all buckets via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*",)"
     R"("s3-object-lambda:*"],"Resource":"*"}]})"},
    {"/", "AmazonSNSFullAccess",
     "Provides full access to Amazon SNS via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:*"],)"
     R"("Resource":"*"}]})"},
    {"/", "AmazonSQSFullAccess",
     "Provides full access to Amazon SQS via the AWS Management Console.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],)"
     R"("Resource":"*"}]})"},
    {"/", "AWSOrganizationsFullAccess", "Provides full access to AWS Organizations.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:*",)"
     R"("Resource":"*"},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole",)"
     R"("Resource":"*","Condition":{"StringEquals":)"
     R"({"iam:AWSServiceName":"organizations.amazonaws.com"}}}]})"},
    {"/aws-service-role/", "CloudTrailServiceRolePolicy",
     "Policy for the AWS CloudTrail service-linked role.",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:*"],)"
     R"("Resource":"arn:aws:cloudtrail:*:*:trail/aws-service-role/*"},{"Effect":"Allow",)"
     R"("Action":["iam:GetRole"],"Resource":"arn:aws:iam::*:role/aws-service-role/)"
     R"(cloudtrail.amazonaws.com/*"},{"Effect":"Allow","Action":[)"
     R"("organizations:DescribeAccount","organizations:DescribeOrganization",)"
     R"("organizations:ListAccounts","organizations:ListAWSServiceAccessForOrganization",)"
     R"("organizations:ListDelegatedAdministrators"],"Resource":"*"}]})"},
}};

constexpr std::array<ServiceLinkedRoleInfo, 10> kServiceLinkedRoles = {{
    {"cloudtrail.amazonaws.com", "AWSServiceRoleForCloudTrail",
     "arn:aws:iam::aws:policy/aws-service-role/CloudTrailServiceRolePolicy"},
    {"organizations.amazonaws.com", "AWSServiceRoleForOrganizations", ""},
    {"config.amazonaws.com", "AWSServiceRoleForConfig", ""},
    {"guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty", ""},
    {"securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub", ""},
    {"sso.amazonaws.com", "AWSServiceRoleForSSO", ""},
    {"autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", ""},
    {"elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing", ""},
    {"ecs.amazonaws.com", "AWSServiceRoleForECS", ""},
    {"rds.amazonaws.com", "AWSServiceRoleForRDS", ""},
}};

// Stable ids for the catalogue: ANPA + 17 characters derived from the name (decision; AWS's own
// ids are not reproduced).
std::string CatalogueId(std::string_view name) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = Sha256(name);
  std::string id = "ANPA";
  for (size_t i = 0; i < 17; ++i)
    id += kAlphabet[static_cast<unsigned char>(digest[i]) % kAlphabet.size()];
  return id;
}

}  // namespace

const std::vector<ManagedPolicy>& AwsManagedPolicies() {
  static const std::vector<ManagedPolicy> policies = [] {
    std::vector<ManagedPolicy> out;
    for (const CatalogueEntry& e : kCatalogue) {
      ManagedPolicy p;
      p.account_id = "aws";
      p.name = std::string(e.name);
      p.path = std::string(e.path);
      p.policy_id = CatalogueId(e.name);
      p.description = std::string(e.description);
      p.default_version = "v1";
      p.created_ms = kCatalogueCreatedMs;
      p.updated_ms = kCatalogueCreatedMs;
      out.push_back(std::move(p));
    }
    return out;
  }();
  return policies;
}

std::optional<ManagedPolicy> FindAwsManagedPolicy(std::string_view arn) {
  for (const ManagedPolicy& p : AwsManagedPolicies())
    if (p.Arn() == arn) return p;
  return std::nullopt;
}

std::string AwsManagedDocument(std::string_view arn) {
  for (const CatalogueEntry& e : kCatalogue) {
    if ("arn:aws:iam::aws:policy" + std::string(e.path) + std::string(e.name) == arn)
      return std::string(e.document);
  }
  return "";
}

std::optional<ServiceLinkedRoleInfo> FindServiceLinkedRole(std::string_view service) {
  for (const ServiceLinkedRoleInfo& info : kServiceLinkedRoles)
    if (info.service == service) return info;
  return std::nullopt;
}

}  // namespace orgtrail::identity::iam_internal
