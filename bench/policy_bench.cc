// Policy engine micro benchmarks: compiling a document, and one authorization decision for a
// typical request (a user with two policies of five statements each, a few condition keys).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "policy/document.h"
#include "policy/evaluate.h"

namespace orgtrail::policy {
namespace {

constexpr char kPolicyA[] = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111111111111:log-group:/app/*"},
  {"Sid":"Queue","Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111111111111:jobs-*"},
  {"Sid":"Home","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/home/${aws:username}/*"},
  {"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*"]}}},
  {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]})";

constexpr char kPolicyB[] = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"Tls","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
  {"Sid":"Net","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},
  {"Sid":"Region","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},
  {"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"]},
  {"Sid":"Trails","Effect":"Allow","Action":"cloudtrail:Describe*","Resource":"*"}]})";

Policy Must(const char* json) {
  Result<Policy> p = ParsePolicy(json, PolicyKind::kIdentity);
  if (!p.ok()) std::abort();
  return std::move(p).value();
}

Request TypicalRequest() {
  Request r;
  r.principal.type = PrincipalType::kIAMUser;
  r.principal.account = "111111111111";
  r.principal.arn = "arn:aws:iam::111111111111:user/alice";
  r.action = "s3:GetObject";
  r.resources = {"arn:aws:s3:::data/home/alice/report.csv"};
  r.context.Set("aws:username", "alice");
  r.context.Set("aws:userid", "AIDAALICE");
  r.context.Set("aws:PrincipalArn", r.principal.arn);
  r.context.Set("aws:PrincipalAccount", "111111111111");
  r.context.Set("aws:PrincipalType", "User");
  r.context.Set("aws:SecureTransport", "true");
  r.context.Set("aws:SourceIp", "10.1.2.3");
  r.context.Set("aws:RequestedRegion", "us-east-1");
  r.context.Set("aws:CurrentTime", "2026-01-01T00:00:00Z");
  return r;
}

void BM_PolicyParse(benchmark::State& state) {
  for (auto _ : state) {
    Result<Policy> p = ParsePolicy(kPolicyA, PolicyKind::kIdentity);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_PolicyParse);

void BM_PolicyEvaluateTypical(benchmark::State& state) {
  const Policy a = Must(kPolicyA);
  const Policy b = Must(kPolicyB);
  const Request req = TypicalRequest();
  Inputs in;
  in.identity = {&a, &b};
  for (auto _ : state) {
    Evaluation e = Evaluate(req, in);
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_PolicyEvaluateTypical);

void BM_PolicyEvaluateDenied(benchmark::State& state) {
  const Policy a = Must(kPolicyA);
  const Policy b = Must(kPolicyB);
  Request req = TypicalRequest();
  req.action = "sns:Publish";
  req.resources = {"arn:aws:sns:us-east-1:111111111111:alerts"};
  Inputs in;
  in.identity = {&a, &b};
  for (auto _ : state) {
    Evaluation e = Evaluate(req, in);
    std::string msg = DenialMessage(req, e);
    benchmark::DoNotOptimize(msg);
  }
}
BENCHMARK(BM_PolicyEvaluateDenied);

void BM_PolicyEvaluateWithScpAndBucketPolicy(benchmark::State& state) {
  const Policy a = Must(kPolicyA);
  const Policy b = Must(kPolicyB);
  const Policy full = Must(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  Result<Policy> bucket = ParsePolicy(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Tls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
         {"Sid":"Org","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]})",
      PolicyKind::kResource);
  if (!bucket.ok()) std::abort();
  const Request req = TypicalRequest();
  Inputs in;
  in.identity = {&a, &b};
  in.resource = &bucket.value();
  in.scp_levels = {{&full}, {&full}};
  for (auto _ : state) {
    Evaluation e = Evaluate(req, in);
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_PolicyEvaluateWithScpAndBucketPolicy);

}  // namespace
}  // namespace orgtrail::policy
