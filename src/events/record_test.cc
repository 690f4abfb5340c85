// The record builder against AWS's documented records (CloudTrail User Guide: "CloudTrail
// userIdentity element", "CloudTrail record contents", "CloudTrail log file examples"), field by
// field, and the format of docs/cloudtrail-record.md.
#include "events/record.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "core/time_format.h"

namespace orgtrail::events {
namespace {

// 2014-12-11T18:32:57Z
constexpr int64_t kTime = 1418322777000;

gateway::ApiCall IamUserCall() {
  // AWS's DeleteDeliveryChannel example: IAM user JohnDoe in 222222222222, us-west-2.
  gateway::ApiCall c;
  c.event_id = "5dcff7a9-e414-411a-a43e-88d122a0ad4a";
  c.event_time_ms = kTime;
  c.service = "config";
  c.event_source = "config.amazonaws.com";
  c.event_name = "DeleteDeliveryChannel";
  c.aws_region = "us-west-2";
  c.source_ip = "10.24.34.0";
  c.user_agent = "aws-internal/3";
  c.principal.type = auth::PrincipalType::kIAMUser;
  c.principal.account_id = "222222222222";
  c.principal.arn = "arn:aws:iam::222222222222:user/JohnDoe";
  c.principal.user_id = "AIDACKCEVSQ6C2EXAMPLE";
  c.principal.user_name = "JohnDoe";
  c.principal.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.recipient_account_id = "222222222222";
  c.request_parameters = Value::MakeMap().Set("DeliveryChannelName", "default");
  c.response_elements = Value::MakeMap();
  c.request_id = "207d695a-8164-11e4-ab4f-657c7ab282ab";
  c.read_only = false;
  return c;
}

std::vector<std::string> Keys(const Value& v) {
  std::vector<std::string> out;
  for (const auto& [k, unused] : v.AsMap()) out.push_back(k);
  return out;
}

TEST(RecordTest, IamUserRecordMatchesAwsExampleFieldByField) {
  const gateway::ApiCall call = IamUserCall();
  auto records = BuildRecords(call, {});
  ASSERT_EQ(records.size(), 1u);
  const Value& r = records[0].record;
  // AWS's documented record, as published (eventVersion 1.02 then; orgtrail writes the current
  // version and the fields added since: readOnly, managementEvent, eventCategory).
  auto aws = ParseJson(R"({"eventVersion":"1.02","userIdentity":{"type":"IAMUser",
    "principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::222222222222:user/JohnDoe",
    "accountId":"222222222222","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"JohnDoe"},
    "eventTime":"2014-12-11T18:32:57Z","eventSource":"config.amazonaws.com",
    "eventName":"DeleteDeliveryChannel","awsRegion":"us-west-2","sourceIPAddress":"10.24.34.0",
    "userAgent":"aws-internal/3","requestParameters":{"deliveryChannelName":"default"},
    "responseElements":null,"requestID":"207d695a-8164-11e4-ab4f-657c7ab282ab",
    "eventID":"5dcff7a9-e414-411a-a43e-88d122a0ad4a","eventType":"AwsApiCall",
    "recipientAccountId":"222222222222"})");
  ASSERT_TRUE(aws.ok());
  for (const auto& [key, expected] : aws->AsMap()) {
    if (key == "eventVersion") continue;
    ASSERT_TRUE(r.Has(key)) << key;
    EXPECT_EQ(r[key], expected) << key << ": " << r[key].ToJson();
  }
  EXPECT_EQ(r.GetString("eventVersion"), "1.11");
  EXPECT_EQ(r["readOnly"], Value(false));
  EXPECT_EQ(r["managementEvent"], Value(true));
  EXPECT_EQ(r.GetString("eventCategory"), "Management");
  // The order of spec/cloudtrail.md §5.1 (the order of AWS's records).
  EXPECT_EQ(Keys(r), (std::vector<std::string>{
                         "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
                         "awsRegion", "sourceIPAddress", "userAgent", "requestParameters",
                         "responseElements", "requestID", "eventID", "readOnly", "eventType",
                         "managementEvent", "recipientAccountId", "eventCategory"}));
  EXPECT_EQ(records[0].json, WriteJson(r));
  EXPECT_EQ(records[0].username, "JohnDoe");
}

TEST(RecordTest, UserIdentityOfEachPrincipalType) {
  // The examples of the userIdentity page (spec/cloudtrail.md §5.2).
  auth::Principal root;
  root.type = auth::PrincipalType::kRoot;
  root.account_id = "111122223333";
  root.arn = "arn:aws:iam::111122223333:root";
  root.user_id = "111122223333";
  root.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  EXPECT_EQ(BuildUserIdentity(root).ToJson(),
            R"({"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root",)"
            R"("accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE"})");

  auth::Principal user;
  user.type = auth::PrincipalType::kIAMUser;
  user.account_id = "123456789012";
  user.arn = "arn:aws:iam::123456789012:user/Alice";
  user.user_id = "AIDAJ45Q7YFFAREXAMPLE";
  user.user_name = "Alice";
  user.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  EXPECT_EQ(BuildUserIdentity(user).ToJson(),
            R"({"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE",)"
            R"("arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012",)"
            R"("accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Alice"})");

  auth::Principal role;
  role.type = auth::PrincipalType::kAssumedRole;
  role.account_id = "123456789012";
  role.arn = "arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName";
  role.user_id = "AROAIDPPEZS35WEXAMPLE:MySessionName";
  role.access_key_id = "ASIAIOSFODNN7EXAMPLE";
  role.temporary = true;
  role.role_arn = "arn:aws:iam::123456789012:role/RoleToBeAssumed";
  role.role_id = "AROAIDPPEZS35WEXAMPLE";
  role.role_name = "RoleToBeAssumed";
  role.session_name = "MySessionName";
  role.session_issued_ms = 1721423517000;  // 2024-07-19T21:11:57Z
  Value id = BuildUserIdentity(role);
  EXPECT_EQ(id.GetString("type"), "AssumedRole");
  EXPECT_EQ(id.GetString("principalId"), "AROAIDPPEZS35WEXAMPLE:MySessionName");
  EXPECT_EQ(id.GetString("arn"),
            "arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName");
  EXPECT_EQ(id.GetString("accountId"), "123456789012");
  EXPECT_EQ(id.GetString("accessKeyId"), "ASIAIOSFODNN7EXAMPLE");
  const Value& issuer = id["sessionContext"]["sessionIssuer"];
  EXPECT_EQ(issuer.ToJson(), R"({"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE",)"
                             R"("arn":"arn:aws:iam::123456789012:role/RoleToBeAssumed",)"
                             R"("accountId":"123456789012","userName":"RoleToBeAssumed"})");
  EXPECT_EQ(id["sessionContext"]["attributes"].ToJson(),
            R"({"creationDate":"2024-07-19T21:11:57Z","mfaAuthenticated":"false"})");

  EXPECT_EQ(BuildUserIdentity(auth::ServicePrincipal("cloudtrail.amazonaws.com")).ToJson(),
            R"({"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"})");
  EXPECT_EQ(BuildUserIdentity(auth::AnonymousPrincipal()).ToJson(),
            R"({"type":"AWSAccount","principalId":"","accountId":"anonymous"})");
}

TEST(RecordTest, FailedCallCarriesErrorAndNoResponse) {
  gateway::ApiCall c = IamUserCall();
  c.error_code = "AccessDenied";
  c.error_message = "User: x is not authorized";
  auto r = BuildRecords(c, {})[0].record;
  EXPECT_EQ(r.GetString("errorCode"), "AccessDenied");
  EXPECT_EQ(r.GetString("errorMessage"), "User: x is not authorized");
  EXPECT_TRUE(r["responseElements"].is_null());
  std::vector<std::string> keys = Keys(r);
  EXPECT_EQ(keys[8], "errorCode");  // after userAgent, before requestParameters
  EXPECT_EQ(keys[9], "errorMessage");
}

TEST(RecordTest, AssumeRoleRedactsTheSecretAndFormatsTimes) {
  gateway::ApiCall c = IamUserCall();
  c.service = "sts";
  c.event_source = "sts.amazonaws.com";
  c.event_name = "AssumeRole";
  c.request_parameters = Value::MakeMap()
                             .Set("RoleArn", "arn:aws:iam::222222222222:role/R")
                             .Set("RoleSessionName", "s");
  c.response_elements = Value::MakeMap().Set(
      "Credentials", Value::MakeMap()
                         .Set("AccessKeyId", "ASIAEXAMPLE")
                         .Set("SecretAccessKey", "secret")
                         .Set("SessionToken", "token")
                         .Set("Expiration", 1721430717.0));  // 2024-07-19T23:11:57Z
  c.resources = {"arn:aws:iam::222222222222:role/R"};
  auto r = BuildRecords(c, {})[0].record;
  EXPECT_EQ(r["requestParameters"].ToJson(),
            R"({"roleArn":"arn:aws:iam::222222222222:role/R","roleSessionName":"s"})");
  EXPECT_EQ(r["responseElements"].ToJson(),
            R"({"credentials":{"accessKeyId":"ASIAEXAMPLE","sessionToken":"token",)"
            R"("expiration":"Jul 19, 2024, 11:11:57 PM"}})");
  EXPECT_EQ(r["resources"].ToJson(), R"([{"accountId":"222222222222","type":"AWS::IAM::Role",)"
                                     R"("ARN":"arn:aws:iam::222222222222:role/R"}])");
}

TEST(RecordTest, CrossAccountCallIsRecordedInBothAccounts) {
  gateway::ApiCall c = IamUserCall();
  c.service = "sts";
  c.event_source = "sts.amazonaws.com";
  c.event_name = "AssumeRole";
  c.resources = {"arn:aws:iam::333333333333:role/OrganizationAccountAccessRole"};
  c.resource_account_id = "333333333333";
  const CrossAccountIds ids{"second-id", "shared-id"};
  auto records = BuildRecords(c, ids);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].record.GetString("recipientAccountId"), "222222222222");
  EXPECT_EQ(records[1].record.GetString("recipientAccountId"), "333333333333");
  EXPECT_EQ(records[1].account_id, "333333333333");
  EXPECT_EQ(records[0].record.GetString("sharedEventID"), "shared-id");
  EXPECT_EQ(records[1].record.GetString("sharedEventID"), "shared-id");
  EXPECT_EQ(records[0].record.GetString("eventID"), "5dcff7a9-e414-411a-a43e-88d122a0ad4a");
  EXPECT_EQ(records[1].record.GetString("eventID"), "second-id");
  // Same account: one record, no sharedEventID.
  c.resource_account_id = "222222222222";
  auto one = BuildRecords(c, ids);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_FALSE(one[0].record.Has("sharedEventID"));
}

TEST(RecordTest, ClassificationOfManagementDataAndUnrecordedEvents) {
  EXPECT_TRUE(Classify("s3", "CreateBucket").management_event);
  Classification get = Classify("s3", "GetObject");
  EXPECT_FALSE(get.management_event);
  EXPECT_EQ(get.event_category, "Data");
  EXPECT_TRUE(get.read_only);
  EXPECT_EQ(Classify("lambda", "Invoke").event_category, "Data");
  EXPECT_FALSE(Classify("logs", "PutLogEvents").recorded);
  EXPECT_TRUE(Classify("logs", "CreateLogGroup").recorded);
  EXPECT_FALSE(Classify("monitoring", "PutMetricData").recorded);
  EXPECT_TRUE(Classify("sts", "GetCallerIdentity").read_only);
  EXPECT_FALSE(Classify("sts", "AssumeRole").read_only);
  EXPECT_TRUE(Classify("cloudtrail", "LookupEvents").read_only);
}

TEST(RecordTest, GlobalServicesAreFiledInUsEast1) {
  EXPECT_EQ(RecordRegion("iam", "eu-west-1"), "us-east-1");
  EXPECT_EQ(RecordRegion("organizations", "eu-west-1"), "us-east-1");
  EXPECT_EQ(RecordRegion("sts", "eu-west-1"), "eu-west-1");
}

TEST(RecordTest, ResourceTypes) {
  EXPECT_EQ(ResourceTypeOfArn("arn:aws:s3:::bucket"), "AWS::S3::Bucket");
  EXPECT_EQ(ResourceTypeOfArn("arn:aws:s3:::bucket/key/x"), "AWS::S3::Object");
  EXPECT_EQ(ResourceTypeOfArn("arn:aws:iam::1:role/a/b"), "AWS::IAM::Role");
  EXPECT_EQ(ResourceTypeOfArn("*"), "");
}

TEST(RecordTest, TlsAndServiceCallers) {
  gateway::ApiCall c = IamUserCall();
  c.tls = true;
  c.host = "example.com";
  c.principal = auth::ServicePrincipal("cloudtrail.amazonaws.com");
  auto r = BuildRecords(c, {})[0].record;
  EXPECT_EQ(r.GetString("sourceIPAddress"), "cloudtrail.amazonaws.com");
  EXPECT_EQ(r.GetString("userAgent"), "cloudtrail.amazonaws.com");
  EXPECT_EQ(r["tlsDetails"].GetString("clientProvidedHostHeader"), "example.com");
}

TEST(RecordTest, TextIsWhatWriteJsonWritesForEveryKindOfString) {
  // The record text is written without a Value: it must escape exactly as WriteJson does.
  gateway::ApiCall c = IamUserCall();
  c.user_agent = std::string("ua\x01\x1f\b\t\f\r\n\\/\x7f\"\0z", 15);
  c.host = "h\xc3\xa9\xff";  // valid then invalid UTF-8
  c.tls = true;
  c.principal.user_name = "J\xe2\x82\xac";
  c.request_parameters =
      Value::MakeMap()
          .Set("Name", "x\ty")
          .Set("name", 2.5)  // collides with Name once lower-cased
          .Set("Tags", Value::MakeList().Append(Value::MakeMap().Set("Key", "\x02")))
          .Set("StartTime", std::nan(""))
          .Set("K\xff\xc3", "v\xe2\x82");  // invalid UTF-8 in a key and a value
  c.error_code = "E";
  c.error_message = "m\"\\";
  for (const BuiltRecord& b : BuildRecords(c, {})) {
    EXPECT_EQ(b.json, WriteJson(b.record));
  }
  auto r = BuildRecords(c, {})[0].record;
  EXPECT_EQ(r["requestParameters"].ToJson(),
            "{\"name\":2.5,\"tags\":[{\"key\":\"\\u0002\"}],\"startTime\":null,"
            "\"k\xEF\xBF\xBD\xEF\xBF\xBD\":\"v\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  EXPECT_EQ(r.GetString("userAgent"), c.user_agent);
}

// Plain text is copied eight bytes at a time: a byte to escape is found at every offset, and
// escaped as byte by byte (RapidJSON's escapes; text with non-ASCII bytes exactly as WriteJson).
TEST(RecordTest, EscapesAtEveryOffsetOfALongString) {
  auto expected = [](const std::string& s) {
    for (unsigned char c : s)
      if (c >= 0x80) return WriteJson(Value(s));
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  const std::string specials[] = {"\"", "\\",   std::string("\0", 1), "\x1f", "\n",
                                  " ",  "\x7f", "\xc3\xa9",           "\xff", "\x80"};
  for (const std::string& special : specials) {
    for (size_t at = 0; at < 19; ++at) {
      gateway::ApiCall c = IamUserCall();
      c.user_agent = std::string(at, 'a') + special + std::string(at % 9, 'b');
      for (const BuiltRecord& b : BuildRecordsText(c, {})) {
        EXPECT_NE(b.json.find("\"userAgent\":" + expected(c.user_agent) + ","), std::string::npos)
            << at << " " << special << " " << b.json;
      }
    }
  }
}

// The record's times are written in place: the same text as FormatIso8601Seconds.
// A thread's scratch gives the text written without it, whatever the order of callers: the
// userIdentity of the previous caller is used again only when every field it shows is the same.
TEST(RecordTest, ScratchGivesTheSameTextAsNone) {
  std::vector<gateway::ApiCall> calls;
  gateway::ApiCall user = IamUserCall();
  calls.push_back(user);
  calls.push_back(user);
  gateway::ApiCall other_key = user;
  other_key.principal.access_key_id = "AKIAI44QH8DHBEXAMPLE";
  calls.push_back(other_key);
  gateway::ApiCall root = user;
  root.principal.type = auth::PrincipalType::kRoot;
  root.principal.arn = "arn:aws:iam::222222222222:root";
  root.principal.user_name.clear();
  calls.push_back(root);
  gateway::ApiCall session = user;
  session.principal.type = auth::PrincipalType::kAssumedRole;
  session.principal.temporary = true;
  session.principal.session_issued_ms = kTime - 60000;
  session.principal.role_arn = "arn:aws:iam::222222222222:role/Admin";
  session.principal.role_id = "AROAEXAMPLE";
  session.principal.role_name = "Admin";
  calls.push_back(session);
  gateway::ApiCall later = session;
  later.principal.session_issued_ms += 1000;
  calls.push_back(later);
  gateway::ApiCall mfa = later;
  mfa.principal.mfa_authenticated = true;
  calls.push_back(mfa);
  calls.push_back(user);
  RecordScratch scratch;
  for (const gateway::ApiCall& call : calls) {
    auto plain = BuildRecordsText(call, {});
    auto kept = BuildRecordsText(call, {}, nullptr, &scratch);
    ASSERT_EQ(plain.size(), 1u);
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].json, plain[0].json);
  }
}

TEST(RecordTest, EventTimeIsIso8601ToTheSecond) {
  for (int64_t ms : {int64_t{0}, int64_t{-1}, int64_t{-86400001}, int64_t{951782400999},
                     int64_t{1721427117123}, int64_t{253402300799999}, int64_t{253402300800000}}) {
    gateway::ApiCall c = IamUserCall();
    c.event_time_ms = ms;
    for (const BuiltRecord& b : BuildRecords(c, {})) {
      EXPECT_EQ(b.record.GetString("eventTime"), FormatIso8601Seconds(ms)) << ms;
      EXPECT_EQ(b.json, WriteJson(b.record)) << ms;
    }
  }
}

}  // namespace
}  // namespace orgtrail::events
