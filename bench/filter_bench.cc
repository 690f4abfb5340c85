// Filter-pattern micro benchmarks: the hot loop of FilterLogEvents and metric filters. A block
// of CloudTrail-shaped JSON events (about 1 KB each) is matched by a term pattern (full scan,
// no match: bytes/s), a selective term, JSON patterns (events/s; with and without the literal
// pre-check ruling events out), a %regex% and a space-delimited pattern; and compiling.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "filter/pattern.h"

namespace orgtrail::filter {
namespace {

const char* const kNames[] = {"GetObject",      "PutObject",    "ListBuckets",       "AssumeRole",
                              "DescribeTrails", "GetBucketAcl", "HeadObject",        "Decrypt",
                              "RunInstances",   "DescribeVpcs", "GetCallerIdentity", "ListUsers"};

std::string Event(size_t i) {
  // One event in 1,000 is a CreateBucket; the rest cycle through common read calls.
  std::string name = i % 1000 == 999 ? "CreateBucket" : kNames[i % 12];
  std::string n = std::to_string(i);
  return R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:session-)" +
         n +
         R"(","arn":"arn:aws:sts::111111111111:assumed-role/app/session","accountId":"111111111111","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111111111111:role/app","accountId":"111111111111","userName":"app"},"attributes":{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":")" +
         name + R"(","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.)" +
         std::to_string(i % 250) +
         R"(","userAgent":"aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64","requestParameters":{"bucketName":"data-)" +
         n +
         R"(","Host":"data.s3.us-east-1.amazonaws.com","key":"logs/2024/01/01/object.json"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"abc","bytesTransferredOut":1534},"requestID":"REQ)" +
         n + R"(","eventID":"c0ffee00-)" + n +
         R"(","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111111111111","eventCategory":"Data"})";
}

const std::vector<std::string>& Events() {
  static const std::vector<std::string>* events = [] {
    auto* v = new std::vector<std::string>();
    for (size_t i = 0; i < 10000; ++i) v->push_back(Event(i));
    return v;
  }();
  return *events;
}

const std::vector<std::string>& AccessLog() {
  static const std::vector<std::string>* lines = [] {
    auto* v = new std::vector<std::string>();
    for (size_t i = 0; i < 10000; ++i)
      v->push_back("127.0.0." + std::to_string(i % 250) + " Prod user" + std::to_string(i) +
                   " [10/Oct/2000:13:25:15 -0700] \"GET /index" + std::to_string(i % 7) +
                   ".html HTTP/1.0\" " + (i % 10 == 0 ? "404" : "200") + " " +
                   std::to_string(500 + i % 2000));
    return v;
  }();
  return *lines;
}

Pattern Must(std::string_view text) {
  Result<Pattern> p = Pattern::Compile(text);
  if (!p.ok()) std::abort();
  return std::move(p).value();
}

void Scan(benchmark::State& state, std::string_view text, const std::vector<std::string>& events) {
  Pattern p = Must(text);
  size_t bytes = 0;
  for (const std::string& e : events) bytes += e.size();
  size_t matched = 0;
  for (auto _ : state) {
    for (const std::string& e : events) matched += p.Matches(e) ? 1 : 0;
  }
  benchmark::DoNotOptimize(matched);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.counters["matched/pass"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
}

// Full scan: the term is in no event, every byte is looked at.
void BM_FilterTermFullScan(benchmark::State& state) { Scan(state, "NoSuchTermAnywhere", Events()); }
BENCHMARK(BM_FilterTermFullScan);

void BM_FilterTermSelective(benchmark::State& state) { Scan(state, "CreateBucket", Events()); }
BENCHMARK(BM_FilterTermSelective);

void BM_FilterTermsMixed(benchmark::State& state) {
  Scan(state, "AwsApiCall -Decrypt \"s3.amazonaws.com\"", Events());
}
BENCHMARK(BM_FilterTermsMixed);

// The literal pre-check rules out 999 events in 1,000 without parsing them.
void BM_FilterJsonSelective(benchmark::State& state) {
  Scan(state, R"({ $.eventName = "CreateBucket" })", Events());
}
BENCHMARK(BM_FilterJsonSelective);

// Every event is parsed and evaluated (the literals are in every event).
void BM_FilterJsonParseEvery(benchmark::State& state) {
  Scan(
      state,
      R"({ $.eventType = "AwsApiCall" && $.userIdentity.type = "AssumedRole" && $.additionalEventData.bytesTransferredOut > 1000 })",
      Events());
}
BENCHMARK(BM_FilterJsonParseEvery);

void BM_FilterJsonCis1(benchmark::State& state) {
  Scan(
      state,
      R"({$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"})",
      Events());
}
BENCHMARK(BM_FilterJsonCis1);

void BM_FilterJsonCis4Or(benchmark::State& state) {
  Scan(state,
       "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || "
       "($.eventName=PutRolePolicy) || ($.eventName=AttachRolePolicy))}",
       Events());
}
BENCHMARK(BM_FilterJsonCis4Or);

void BM_FilterRegex(benchmark::State& state) {
  Scan(state, R"(%bucketName\W+data-1[0-9]{3}\W%)", Events());
}
BENCHMARK(BM_FilterRegex);

void BM_FilterSpaceDelimited(benchmark::State& state) {
  Scan(state, "[ip, user, username, timestamp, request = *index3*, status_code = 4*, bytes > 1000]",
       AccessLog());
}
BENCHMARK(BM_FilterSpaceDelimited);

void BM_FilterCompileCis4(benchmark::State& state) {
  const char* text =
      "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || "
      "($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || "
      "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || "
      "($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy))}";
  for (auto _ : state) benchmark::DoNotOptimize(Pattern::Compile(text).ok());
}
BENCHMARK(BM_FilterCompileCis4);

}  // namespace
}  // namespace orgtrail::filter
