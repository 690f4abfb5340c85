// Trail delivery in process (spec/cloudtrail.md §1.6, §3, §4, §6, §8): what each trail's log
// files hold given its event selectors and IncludeGlobalServiceEvents, and the digest chains.
#include "services/cloudtrail/delivery.h"

#include <gtest/gtest.h>

#include <set>
#include <span>
#include <vector>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/json.h"
#include "services/cloudtrail/gzip.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

using services::cloudtrail::Delivery;
using services::cloudtrail::Gunzip;

class DeliveryTest : public InProcessTest {
 protected:
  void SetUp() override {
    InProcessTest::SetUp();
    ASSERT_EQ(S3("PUT", "/logs").status, 200);
    ASSERT_EQ(S3("PUT", "/logs?policy",
                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                 R"("Principal":{"Service":"cloudtrail.amazonaws.com"},)"
                 R"("Action":["s3:GetBucketAcl","s3:PutObject"],)"
                 R"("Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]})")
                  .status,
              204);
  }
  http::Response S3(std::string method, std::string target, std::string body = "") {
    http::Request req;
    req.method = std::move(method);
    req.SetTarget(std::move(target));
    req.headers = {{"Host", "127.0.0.1:4566"}};
    req.body = std::move(body);
    return Send(std::move(req), "s3");
  }
  int Ct(std::string_view op, std::string body) {
    http::Response r = Send(
        JsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + std::string(op),
                    std::move(body)),
        "cloudtrail");
    EXPECT_EQ(r.status, 200) << op << ": " << r.body;
    return r.status;
  }
  void Iam(std::string form) {
    http::Response r = Send(QueryRequest(form + "&Version=2010-05-08"), "iam");
    EXPECT_EQ(r.status, 200) << r.body;
  }
  void Logs(std::string op, std::string body) {
    http::Response r = Send(JsonRequest("Logs_20140328." + op, std::move(body)), "logs");
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // A role CloudTrail may assume to write to CloudWatch Logs.
  void CloudTrailLogsRole(const std::string& name) {
    const std::string trust =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
        R"("Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
    const std::string allow =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
        R"("Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})";
    Iam("Action=CreateRole&RoleName=" + name + "&AssumeRolePolicyDocument=" + UriEncode(trust));
    Iam("Action=PutRolePolicy&RoleName=" + name +
        "&PolicyName=p&PolicyDocument=" + UriEncode(allow));
  }
  void StartTrail(const std::string& body, const std::string& name) {
    Ct("CreateTrail", body);
    Ct("StartLogging", R"({"Name":")" + name + R"("})");
  }
  void FlushAll(bool digests = false) {
    Delivery delivery(env_, registry_, {});
    ASSERT_TRUE(delivery.Flush(digests).ok());
  }
  // Keys of the bucket under `prefix`.
  std::vector<std::string> Keys(const std::string& prefix) {
    http::Response r = S3("GET", "/logs?list-type=2&max-keys=1000&prefix=" + prefix);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> keys;
    for (size_t at = r.body.find("<Key>"); at != std::string::npos;
         at = r.body.find("<Key>", at + 1)) {
      size_t end = r.body.find("</Key>", at);
      keys.push_back(r.body.substr(at + 5, end - at - 5));
    }
    return keys;
  }
  Value Object(const std::string& key) {
    http::Response r = S3("GET", "/logs/" + key);
    EXPECT_EQ(r.status, 200) << key;
    auto text = Gunzip(r.body);
    EXPECT_TRUE(text.has_value()) << key;
    auto parsed = ParseJson(text.value_or("{}"));
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? std::move(parsed).value() : Value();
  }
  // eventName of every record in the log files under `prefix`.
  std::multiset<std::string> Delivered(const std::string& prefix) {
    std::multiset<std::string> names;
    for (const std::string& key : Keys(prefix)) {
      if (key.find("/CloudTrail/") == std::string::npos) continue;
      Value file = Object(key);
      for (const Value& r : file["Records"].AsList()) names.insert(r.GetString("eventName"));
    }
    return names;
  }
};

TEST_F(DeliveryTest, WriteOnlySelectorDeliversWritesOnly) {
  StartTrail(R"({"Name":"wonly","S3BucketName":"logs","S3KeyPrefix":"w"})", "wonly");
  Ct("PutEventSelectors", R"({"TrailName":"wonly","EventSelectors":[{"ReadWriteType":"WriteOnly",)"
                          R"("IncludeManagementEvents":true}]})");
  Iam("Action=CreateUser&UserName=alice");
  Iam("Action=ListUsers");
  Logs("CreateLogGroup", R"({"logGroupName":"g1"})");
  Logs("DescribeLogGroups", "{}");
  ASSERT_EQ(S3("PUT", "/logs/data/object", "body").status, 200);  // a data event
  FlushAll();
  std::multiset<std::string> got = Delivered("w/AWSLogs/000000000000/CloudTrail/us-east-1/");
  EXPECT_EQ(got.count("CreateUser"), 1u);
  EXPECT_EQ(got.count("CreateLogGroup"), 1u);
  EXPECT_EQ(got.count("PutEventSelectors"), 1u);
  EXPECT_EQ(got.count("ListUsers"), 0u);
  EXPECT_EQ(got.count("DescribeLogGroups"), 0u);
  EXPECT_EQ(got.count("PutObject"), 0u);
  EXPECT_EQ(got.count("ListObjects"), 0u);
}

TEST_F(DeliveryTest, DataEventSelectorsDeliverMatchingObjectsOnly) {
  StartTrail(R"({"Name":"data","S3BucketName":"logs","S3KeyPrefix":"d"})", "data");
  Ct("PutEventSelectors",
     R"({"TrailName":"data","EventSelectors":[{"ReadWriteType":"All",)"
     R"("IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object",)"
     R"("Values":["arn:aws:s3:::logs/data/"]}]}]})");
  ASSERT_EQ(S3("PUT", "/logs/data/a", "one").status, 200);
  ASSERT_EQ(S3("PUT", "/logs/other/b", "two").status, 200);
  ASSERT_EQ(S3("GET", "/logs/data/a").status, 200);
  Iam("Action=CreateUser&UserName=bob");
  FlushAll();
  std::multiset<std::string> got = Delivered("d/AWSLogs/000000000000/CloudTrail/us-east-1/");
  EXPECT_EQ(got, (std::multiset<std::string>{"GetObject", "PutObject"}));
  // The delivered PutObject is the one on data/a.
  for (const std::string& key : Keys("d/AWSLogs/000000000000/CloudTrail/")) {
    Value file = Object(key);
    for (const Value& r : file["Records"].AsList()) {
      EXPECT_EQ(r["requestParameters"].GetString("key"), "data/a") << r.ToJson();
      EXPECT_EQ(r.GetString("eventCategory"), "Data");
    }
  }
}

TEST_F(DeliveryTest, GlobalServiceEventsOnlyWithIncludeGlobalServiceEvents) {
  StartTrail(R"({"Name":"glob","S3BucketName":"logs","S3KeyPrefix":"g"})", "glob");
  StartTrail(
      R"({"Name":"noglob","S3BucketName":"logs","S3KeyPrefix":"n","IncludeGlobalServiceEvents":false})",
      "noglob");
  Iam("Action=CreateUser&UserName=carol");
  Logs("CreateLogGroup", R"({"logGroupName":"g2"})");
  FlushAll();
  std::multiset<std::string> with = Delivered("g/AWSLogs/000000000000/CloudTrail/us-east-1/");
  std::multiset<std::string> without = Delivered("n/AWSLogs/000000000000/CloudTrail/us-east-1/");
  EXPECT_EQ(with.count("CreateUser"), 1u);
  EXPECT_EQ(with.count("CreateLogGroup"), 1u);
  EXPECT_EQ(without.count("CreateUser"), 0u);
  EXPECT_EQ(without.count("CreateLogGroup"), 1u);
}

TEST_F(DeliveryTest, DigestChainsFromStartLoggingToAFinalDigestAtStopLogging) {
  constexpr int64_t kMinute = 60 * 1000;
  clock_.Advance(10 * kMinute);  // 00:10
  Ct("CreateTrail",
     R"({"Name":"valid","S3BucketName":"logs","S3KeyPrefix":"v","EnableLogFileValidation":true})");
  Ct("StartLogging", R"({"Name":"valid"})");
  Delivery delivery(env_, registry_, {});
  const std::string digests = "v/AWSLogs/000000000000/CloudTrail-Digest/us-east-1/";
  // An hour without log files still yields a digest, with "logFiles": [].
  clock_.Advance(60 * kMinute);  // 01:10
  delivery.DeliverDigests(false);
  std::vector<std::string> keys = Keys(digests);
  ASSERT_EQ(keys.size(), 1u);
  Value first = Object(keys[0]);
  EXPECT_EQ(first.GetString("digestStartTime"), "2026-01-01T00:10:00Z");
  EXPECT_EQ(first.GetString("digestEndTime"), "2026-01-01T01:00:00Z");
  EXPECT_TRUE(first["logFiles"].is_list());
  EXPECT_EQ(first["logFiles"].size(), 0u);
  EXPECT_TRUE(first["previousDigestSignature"].is_null());

  // A log file, then StopLogging: a final digest ending at the stop lists it, and the chain ends.
  Iam("Action=CreateUser&UserName=dave");
  ASSERT_TRUE(delivery.Flush(false).ok());
  clock_.Advance(5 * kMinute);  // 01:15
  Ct("StopLogging", R"({"Name":"valid"})");
  delivery.DeliverDigests(false);
  keys = Keys(digests);
  ASSERT_EQ(keys.size(), 2u);
  Value last = Object(keys[1]);
  EXPECT_EQ(last.GetString("digestStartTime"), "2026-01-01T01:00:00Z");
  EXPECT_EQ(last.GetString("digestEndTime"), "2026-01-01T01:15:00Z");
  EXPECT_EQ(last["logFiles"].size(), 1u);
  EXPECT_EQ(last.GetString("previousDigestS3Object"), keys[0]);
  clock_.Advance(120 * kMinute);
  delivery.DeliverDigests(false);
  EXPECT_EQ(Keys(digests).size(), 2u);

  // StartLogging begins a new chain; DeleteTrail ends it with a final digest.
  Ct("StartLogging", R"({"Name":"valid"})");  // 03:15
  clock_.Advance(10 * kMinute);
  Ct("DeleteTrail", R"({"Name":"valid"})");  // 03:25
  delivery.DeliverDigests(false);
  keys = Keys(digests);
  ASSERT_EQ(keys.size(), 3u);
  Value final_digest = Object(keys[2]);
  EXPECT_EQ(final_digest.GetString("digestStartTime"), "2026-01-01T03:15:00Z");
  EXPECT_EQ(final_digest.GetString("digestEndTime"), "2026-01-01T03:25:00Z");
  EXPECT_TRUE(final_digest["previousDigestS3Object"].is_null());
}

TEST_F(DeliveryTest, CloudWatchLogsBatchesStayWithinPutLogEventsLimits) {
  Logs("CreateLogGroup", R"({"logGroupName":"trail-group"})");
  CloudTrailLogsRole("ToLogs");
  StartTrail(
      R"({"Name":"tologs","S3BucketName":"logs","S3KeyPrefix":"c",)"
      R"("CloudWatchLogsLogGroupArn":"arn:aws:logs:us-east-1:000000000000:log-group:trail-group:*",)"
      R"("CloudWatchLogsRoleArn":"arn:aws:iam::000000000000:role/ToLogs"})",
      "tologs");
  // More than 1 MB of records in one pass: several PutLogEvents calls.
  constexpr int kCalls = 1500;
  for (int i = 0; i < kCalls; ++i)
    Send(QueryRequest("Action=GetUser&Version=2010-05-08&UserName=" + std::string(40, 'u') +
                      std::to_string(i)),
         "iam");  // NoSuchEntity, recorded
  FlushAll();
  size_t events = 0;
  std::string token;
  while (true) {
    std::string body =
        R"({"logGroupName":"trail-group","logStreamName":"000000000000_CloudTrail_us-east-1",)"
        R"("startFromHead":true)" +
        (token.empty() ? std::string() : R"(,"nextToken":")" + token + R"(")") + "}";
    http::Response r = Send(JsonRequest("Logs_20140328.GetLogEvents", body), "logs");
    ASSERT_EQ(r.status, 200) << r.body;
    auto page = ParseJson(r.body);
    ASSERT_TRUE(page.ok());
    events += (*page)["events"].size();
    if (page->GetString("nextForwardToken") == token || (*page)["events"].size() == 0) break;
    token = page->GetString("nextForwardToken");
  }
  EXPECT_GE(events, static_cast<size_t>(kCalls));
  http::Response status =
      Send(JsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus",
                       R"({"Name":"tologs"})"),
           "cloudtrail");
  EXPECT_EQ(status.body.find("LatestCloudWatchLogsDeliveryError"), std::string::npos)
      << status.body;
}

// One read pass feeds both deliveries: CloudWatch Logs at once, S3 files gathered until the S3
// pass. A restart in between (a new Delivery) reads the gathered records again for S3 only.
TEST_F(DeliveryTest, OnePassFeedsBothDeliveriesAndARestartDeliversEachRecordOnce) {
  Logs("CreateLogGroup", R"({"logGroupName":"both"})");
  CloudTrailLogsRole("Both");
  StartTrail(
      R"({"Name":"both","S3BucketName":"logs","S3KeyPrefix":"b",)"
      R"("CloudWatchLogsLogGroupArn":"arn:aws:logs:us-east-1:000000000000:log-group:both:*",)"
      R"("CloudWatchLogsRoleArn":"arn:aws:iam::000000000000:role/Both"})",
      "both");
  auto count_events = [&] {
    http::Response r = Send(
        JsonRequest("Logs_20140328.GetLogEvents",
                    R"({"logGroupName":"both","logStreamName":"000000000000_CloudTrail_us-east-1",)"
                    R"("startFromHead":true})"),
        "logs");
    auto page = ParseJson(r.body);
    size_t n = 0;
    if (page.ok())
      for (const Value& e : (*page)["events"].AsList())
        if (e.GetString("message").find("\"CreateUser\"") != std::string::npos) ++n;
    return n;
  };
  for (int i = 0; i < 3; ++i) Iam("Action=CreateUser&UserName=u" + std::to_string(i));
  {
    Delivery first(env_, registry_, {});
    ASSERT_TRUE(env_.journal->Flush().ok());
    first.DeliverPass(/*s3=*/false);  // CloudWatch Logs only; S3 files gathered, not put
    EXPECT_EQ(count_events(), 3u);
    EXPECT_EQ(Delivered("b/AWSLogs/000000000000/CloudTrail/us-east-1/").count("CreateUser"), 0u);
  }  // gone before its S3 pass, as in a crash
  for (int i = 3; i < 5; ++i) Iam("Action=CreateUser&UserName=u" + std::to_string(i));
  FlushAll();
  EXPECT_EQ(count_events(), 5u);
  EXPECT_EQ(Delivered("b/AWSLogs/000000000000/CloudTrail/us-east-1/").count("CreateUser"), 5u);
  FlushAll();
  EXPECT_EQ(count_events(), 5u);
  EXPECT_EQ(Delivered("b/AWSLogs/000000000000/CloudTrail/us-east-1/").count("CreateUser"), 5u);
}

// Log files are compressed in 64 KiB steps, each hashed first: empty, small, exactly one step,
// several steps and output larger than the first guess (random bytes do not compress) all come
// back whole, with the hash of the uncompressed bytes.
TEST(GzipTest, RoundTripsAndHashesInOnePass) {
  using services::cloudtrail::Gzip;
  using services::cloudtrail::GzipZlib;
  std::string records;
  while (records.size() < 300 * 1024)
    records += R"({"eventVersion":"1.11","eventName":"GetCallerIdentity"},)";
  std::string noise;
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 200 * 1024; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    noise.push_back(static_cast<char>(x));
  }
  for (const std::string& in :
       {std::string(), std::string("{}"), std::string(64 * 1024, 'a'), records, noise}) {
    std::string hash;
    std::string gz = Gzip(in, &hash);
    EXPECT_EQ(gz.substr(0, 2), "\x1f\x8b");
    EXPECT_EQ(Gunzip(gz), in);
    EXPECT_EQ(hash, HexEncode(Sha256(in)));
    EXPECT_EQ(Gzip(in), gz);
    // In pieces (a gathered log file): the same text and hash as the whole.
    std::vector<std::string> pieces;
    for (size_t at = 0, n = 1; at < in.size(); at += n, n = n * 7 + 1)
      pieces.emplace_back(in.substr(at, n));
    pieces.emplace_back();
    std::string piece_hash;
    EXPECT_EQ(Gunzip(Gzip(std::span<const std::string>(pieces), &piece_hash)), in);
    EXPECT_EQ(piece_hash, hash);
    // zlib, where ISA-L cannot be opened: the same text and hash, other bytes.
    std::vector<std::string_view> views(pieces.begin(), pieces.end());
    std::string zlib_hash;
    std::string by_zlib = GzipZlib(std::span<const std::string_view>(views), &zlib_hash);
    EXPECT_EQ(Gunzip(by_zlib), in);
    EXPECT_EQ(zlib_hash, hash);
    // ISA-L was opened (its deflate is not zlib's).
    if (in == records) {
      EXPECT_NE(by_zlib, gz);
    }
  }
}

}  // namespace
}  // namespace orgtrail::gateway
