// Routing table cases (spec/wire.md §3.1, §3.2) against the embedded models.
#include <gtest/gtest.h>

#include "protocol/codec.h"

namespace orgtrail::protocol {
namespace {

const spec::Catalog& Models() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

http::Request Make(std::string method, std::string target, std::vector<http::Header> headers = {},
                   std::string body = "") {
  http::Request req;
  req.method = std::move(method);
  req.SetTarget(std::move(target));
  req.headers = std::move(headers);
  req.body = std::move(body);
  return req;
}

http::Request Form(std::string body, std::vector<http::Header> extra = {}) {
  extra.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  return Make("POST", "/", std::move(extra), std::move(body));
}

std::string Param(const Route& r, std::string_view name) {
  for (const auto& [k, v] : r.query_params)
    if (k == name) return v;
  return "<absent>";
}

TEST(RouterTest, JsonTargetPicksServiceAndOperation) {
  auto req = Make("POST", "/",
                  {{"X-Amz-Target", "Logs_20140328.CreateLogGroup"},
                   {"Content-Type", "application/x-amz-json-1.1"}},
                  "{}");
  for (std::string_view scope : {"logs", ""}) {
    Route r = RouteRequest(req, Models(), scope);
    ASSERT_NE(r.service, nullptr);
    EXPECT_EQ(r.service->id, "logs");
    EXPECT_EQ(r.protocol, spec::Protocol::kJson);
    ASSERT_NE(r.operation, nullptr);
    EXPECT_EQ(r.operation->name, "CreateLogGroup");
    EXPECT_EQ(r.operation_name, "CreateLogGroup");
    EXPECT_EQ(r.query_model, nullptr);
  }
}

TEST(RouterTest, DottedTargetPrefix) {
  auto req = Make(
      "POST", "/",
      {{"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails"}});
  Route r = RouteRequest(req, Models(), "cloudtrail");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "cloudtrail");
  ASSERT_NE(r.operation, nullptr);
  EXPECT_EQ(r.operation->name, "DescribeTrails");
}

TEST(RouterTest, UnknownJsonOperationKeepsService) {
  auto req = Make("POST", "/", {{"X-Amz-Target", "Logs_20140328.MakeCoffee"}});
  Route r = RouteRequest(req, Models(), "logs");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "logs");
  EXPECT_EQ(r.operation, nullptr);
  EXPECT_EQ(r.operation_name, "MakeCoffee");
}

TEST(RouterTest, UnknownTargetPrefixHasNoService) {
  auto req = Make("POST", "/", {{"X-Amz-Target", "NoSuchService_20200101.Op"}});
  Route r = RouteRequest(req, Models(), "");
  EXPECT_EQ(r.service, nullptr);
  EXPECT_EQ(r.protocol, spec::Protocol::kJson);
  EXPECT_EQ(r.operation_name, "Op");
}

TEST(RouterTest, QueryByVersion) {
  Route r = RouteRequest(Form("Action=GetCallerIdentity&Version=2011-06-15"), Models(), "");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "sts");
  EXPECT_EQ(r.protocol, spec::Protocol::kQuery);
  ASSERT_NE(r.operation, nullptr);
  EXPECT_EQ(r.operation->name, "GetCallerIdentity");
  EXPECT_EQ(Param(r, "Version"), "2011-06-15");
}

TEST(RouterTest, QueryByScope) {
  Route r = RouteRequest(Form("Action=ListRoles&Version=2010-05-08"), Models(), "iam");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "iam");
  ASSERT_NE(r.operation, nullptr);
  EXPECT_EQ(r.operation->name, "ListRoles");
}

TEST(RouterTest, UnknownVersionHasNoService) {
  Route r = RouteRequest(Form("Action=Foo&Version=1999-01-01"), Models(), "");
  EXPECT_EQ(r.service, nullptr);
  EXPECT_EQ(r.protocol, spec::Protocol::kQuery);
  EXPECT_EQ(r.operation_name, "Foo");
}

TEST(RouterTest, VersionMismatchWithScopeHasNoService) {
  Route r = RouteRequest(Form("Action=GetCallerIdentity&Version=2010-05-08"), Models(), "sts");
  EXPECT_EQ(r.service, nullptr);
  EXPECT_EQ(r.protocol, spec::Protocol::kQuery);
}

TEST(RouterTest, UnknownQueryAction) {
  Route r = RouteRequest(Form("Action=MakeCoffee&Version=2011-06-15"), Models(), "sts");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "sts");
  EXPECT_EQ(r.operation, nullptr);
  EXPECT_EQ(r.operation_name, "MakeCoffee");
}

TEST(RouterTest, SqsJsonWithTargetQueryWithout) {
  auto json = Make("POST", "/",
                   {{"X-Amz-Target", "AmazonSQS.SendMessage"},
                    {"Content-Type", "application/x-amz-json-1.0"},
                    {"x-amzn-query-mode", "true"}},
                   "{}");
  Route r = RouteRequest(json, Models(), "sqs");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "sqs");
  EXPECT_EQ(r.protocol, spec::Protocol::kJson);
  ASSERT_NE(r.query_model, nullptr);
  EXPECT_EQ(r.query_model->id, "sqs-query");

  Route q =
      RouteRequest(Form("Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Fh%2F1%2Fq"),
                   Models(), "sqs");
  ASSERT_NE(q.service, nullptr);
  EXPECT_EQ(q.service->id, "sqs-query");
  EXPECT_EQ(q.service->name, "sqs");
  EXPECT_EQ(q.protocol, spec::Protocol::kQuery);
  ASSERT_NE(q.operation, nullptr);
  EXPECT_EQ(q.operation->name, "ReceiveMessage");
  EXPECT_EQ(Param(q, "QueueUrl"), "http://h/1/q");
}

TEST(RouterTest, CloudWatchJsonAndQuery) {
  auto json = Make("POST", "/", {{"X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics"}});
  Route r = RouteRequest(json, Models(), "monitoring");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "cloudwatch");
  EXPECT_EQ(r.protocol, spec::Protocol::kJson);
  EXPECT_EQ(r.query_model, r.service);

  Route q = RouteRequest(Form("Action=ListMetrics&Version=2010-08-01"), Models(), "monitoring");
  ASSERT_NE(q.service, nullptr);
  EXPECT_EQ(q.service->id, "cloudwatch");
  EXPECT_EQ(q.protocol, spec::Protocol::kQuery);
  ASSERT_NE(q.operation, nullptr);
  EXPECT_EQ(q.operation->name, "ListMetrics");
}

TEST(RouterTest, JsonServiceWithoutTargetHasNoOperation) {
  Route r = RouteRequest(Make("POST", "/", {}, "{}"), Models(), "logs");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "logs");
  EXPECT_EQ(r.protocol, spec::Protocol::kJson);
  EXPECT_EQ(r.operation, nullptr);
  EXPECT_EQ(r.operation_name, "");
}

TEST(RouterTest, FormBodyAndQueryStringMergedAndDecoded) {
  auto req = Form("Action=CreateTopic&Name=a+b%2Fc&Attributes.entry.1.key=DisplayName", {});
  req.SetTarget("/?Version=2010-03-31");
  Route r = RouteRequest(req, Models(), "sns");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "sns");
  ASSERT_NE(r.operation, nullptr);
  EXPECT_EQ(r.operation->name, "CreateTopic");
  EXPECT_EQ(Param(r, "Name"), "a b/c");
  EXPECT_EQ(Param(r, "Version"), "2010-03-31");
  EXPECT_EQ(Param(r, "Attributes.entry.1.key"), "DisplayName");
}

TEST(RouterTest, QueryOverGet) {
  Route r =
      RouteRequest(Make("GET", "/?Action=GetCallerIdentity&Version=2011-06-15"), Models(), "");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "sts");
  ASSERT_NE(r.operation, nullptr);
}

TEST(RouterTest, LegacySqsQueuePathBecomesQueueUrl) {
  auto req =
      Form("Action=SendMessage&Version=2012-11-05&MessageBody=x", {{"Host", "localhost:4566"}});
  req.SetTarget("/111111111111/q1");
  Route r = RouteRequest(req, Models(), "sqs");
  ASSERT_NE(r.operation, nullptr);
  EXPECT_EQ(Param(r, "QueueUrl"), "http://localhost:4566/111111111111/q1");
}

TEST(RouterTest, S3Fallback) {
  Route r = RouteRequest(Make("GET", "/bucket/key.txt"), Models(), "");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "s3");
  EXPECT_EQ(r.protocol, spec::Protocol::kRestXml);

  Route root = RouteRequest(Make("GET", "/"), Models(), "");
  ASSERT_NE(root.service, nullptr);
  EXPECT_EQ(root.service->id, "s3");
}

TEST(RouterTest, S3SigV2) {
  Route q = RouteRequest(
      Make("GET", "/b/k?AWSAccessKeyId=AKID&Signature=abc%3D&Expires=1700000000"), Models(), "");
  ASSERT_NE(q.service, nullptr);
  EXPECT_EQ(q.service->id, "s3");
  Route h = RouteRequest(Make("PUT", "/b/k", {{"Authorization", "AWS AKID:c2ln"}}), Models(), "");
  ASSERT_NE(h.service, nullptr);
  EXPECT_EQ(h.service->id, "s3");
}

TEST(RouterTest, ScopeS3WinsOverShape) {
  Route r = RouteRequest(Make("GET", "/b?Action=ListRoles&Version=2010-05-08"), Models(), "s3");
  ASSERT_NE(r.service, nullptr);
  EXPECT_EQ(r.service->id, "s3");
}

TEST(RouterTest, LambdaPath) {
  for (const char* path :
       {"/2015-03-31/functions", "/2015-03-31/functions/", "/2015-03-31/functions/f/invocations"}) {
    Route r = RouteRequest(Make("GET", path), Models(), "");
    ASSERT_NE(r.service, nullptr) << path;
    EXPECT_EQ(r.service->id, "lambda") << path;
    EXPECT_EQ(r.protocol, spec::Protocol::kRestJson);
  }
  Route s3 = RouteRequest(Make("GET", "/2015-03-31/function"), Models(), "");
  ASSERT_NE(s3.service, nullptr);
  EXPECT_EQ(s3.service->id, "s3");
}

TEST(RouterTest, RealAwsHostNames) {
  Route org =
      RouteRequest(Make("POST", "/",
                        {{"Host", "organizations.us-east-1.amazonaws.com"},
                         {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"}}),
                   Models(), "");
  ASSERT_NE(org.service, nullptr);
  EXPECT_EQ(org.service->id, "organizations");

  Route vhost = RouteRequest(
      Make("GET", "/?list-type=2", {{"Host", "trail-bucket.s3.us-east-1.amazonaws.com"}}), Models(),
      "");
  ASSERT_NE(vhost.service, nullptr);
  EXPECT_EQ(vhost.service->id, "s3");

  Route legacy = RouteRequest(
      Make("GET", "/b?location", {{"Host", "s3-us-west-2.amazonaws.com:443"}}), Models(), "");
  ASSERT_NE(legacy.service, nullptr);
  EXPECT_EQ(legacy.service->id, "s3");

  Route cw = RouteRequest(Form("Action=ListMetrics&Version=2010-08-01",
                               {{"Host", "monitoring.eu-west-1.amazonaws.com"}}),
                          Models(), "");
  ASSERT_NE(cw.service, nullptr);
  EXPECT_EQ(cw.service->id, "cloudwatch");
  EXPECT_EQ(cw.protocol, spec::Protocol::kQuery);

  Route queue =
      RouteRequest(Form("Action=ListQueues&Version=2012-11-05", {{"Host", "queue.amazonaws.com"}}),
                   Models(), "");
  ASSERT_NE(queue.service, nullptr);
  EXPECT_EQ(queue.service->id, "sqs-query");

  Route live = RouteRequest(Make("POST", "/",
                                 {{"Host", "stream-logs.us-east-1.amazonaws.com"},
                                  {"X-Amz-Target", "Logs_20140328.StartLiveTail"}}),
                            Models(), "");
  ASSERT_NE(live.service, nullptr);
  EXPECT_EQ(live.service->id, "logs");
}

TEST(RouterTest, SnsPublicEndpoints) {
  Route confirm = RouteRequest(
      Make("GET",
           "/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Token=ab"),
      Models(), "");
  ASSERT_NE(confirm.service, nullptr);
  EXPECT_EQ(confirm.service->id, "sns");
  EXPECT_TRUE(confirm.unauthenticated);
  ASSERT_NE(confirm.operation, nullptr);
  EXPECT_EQ(confirm.operation->name, "ConfirmSubscription");
  EXPECT_EQ(Param(confirm, "TopicArn"), "arn:aws:sns:us-east-1:1:t");

  Route page =
      RouteRequest(Make("GET", "/unsubscribe.html?SubscriptionArn=x&Endpoint=e"), Models(), "");
  ASSERT_NE(page.service, nullptr);
  EXPECT_EQ(page.service->id, "sns");
  EXPECT_TRUE(page.unauthenticated);
  EXPECT_EQ(page.operation, nullptr);
  EXPECT_EQ(page.operation_name, "unsubscribe.html");
  EXPECT_EQ(Param(page, "SubscriptionArn"), "x");

  Route pem = RouteRequest(Make("GET", "/SimpleNotificationService-0123abcd.pem"), Models(), "");
  ASSERT_NE(pem.service, nullptr);
  EXPECT_EQ(pem.operation_name, "SimpleNotificationService-0123abcd.pem");

  // The signed API form of ConfirmSubscription is an ordinary Query call.
  Route api = RouteRequest(Form("Action=ConfirmSubscription&Version=2010-03-31&TopicArn=t&Token=x"),
                           Models(), "sns");
  EXPECT_FALSE(api.unauthenticated);
  ASSERT_NE(api.operation, nullptr);
}

}  // namespace
}  // namespace orgtrail::protocol
