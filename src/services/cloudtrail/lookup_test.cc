// LookupEvents through the whole request chain: calls made through the gateway are recorded
// and found in event history (spec/cloudtrail.md §7).
#include <gtest/gtest.h>

#include "core/json.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

class LookupEventsTest : public InProcessTest {
 protected:
  http::Response Lookup(std::string body) {
    return Send(JsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
                            std::move(body)),
                "cloudtrail");
  }
  Value LookupOk(std::string body) {
    http::Response r = Lookup(std::move(body));
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = ParseJson(r.body);
    EXPECT_TRUE(v.ok()) << r.body;
    return v.ok() ? *v : Value();
  }
  void Iam(std::string body) {
    (void)Send(QueryRequest(std::move(body) + "&Version=2010-05-08"), "iam");
  }
};

TEST_F(LookupEventsTest, RecordsSuccessfulFailedAndReadOnlyCalls) {
  Iam("Action=CreateUser&UserName=alice");
  clock_.Advance(1000);
  Iam("Action=CreateUser&UserName=alice");  // EntityAlreadyExists
  clock_.Advance(1000);
  (void)Send(QueryRequest("Action=GetCallerIdentity&Version=2011-06-15"), "sts");
  clock_.Advance(1000);

  Value out = LookupOk("{}");
  const Value::List& events = out["Events"].AsList();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].GetString("EventName"), "GetCallerIdentity");
  EXPECT_EQ(events[0].GetString("ReadOnly"), "true");
  EXPECT_EQ(events[1].GetString("EventName"), "CreateUser");
  auto failed = ParseJson(events[1].GetString("CloudTrailEvent"));
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->GetString("errorCode"), "EntityAlreadyExists");
  auto created = ParseJson(events[2].GetString("CloudTrailEvent"));
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->Has("errorCode"));
  EXPECT_EQ(created->GetString("eventSource"), "iam.amazonaws.com");
  EXPECT_EQ(created->GetString("recipientAccountId"), "000000000000");
  EXPECT_EQ(created->operator[]("userIdentity").GetString("userName"), "orgtrail-admin");
  EXPECT_EQ(events[2].GetString("Username"), "orgtrail-admin");
  EXPECT_EQ(events[2].GetString("AccessKeyId"), "test");

  Value by_name = LookupOk(
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateUser"}]})");
  EXPECT_EQ(by_name["Events"].size(), 2u);
  Value by_resource = LookupOk(
      R"({"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":"arn:aws:iam::000000000000:user/alice"}]})");
  EXPECT_GE(by_resource["Events"].size(), 1u);
}

TEST_F(LookupEventsTest, PagesWithNextToken) {
  for (int i = 0; i < 5; ++i) {
    Iam("Action=CreateUser&UserName=u" + std::to_string(i));
    clock_.Advance(1000);
  }
  std::string filter =
      R"("LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateUser"}])";
  Value p1 = LookupOk("{" + filter + R"(,"MaxResults":2})");
  ASSERT_EQ(p1["Events"].size(), 2u);
  std::string token = p1.GetString("NextToken");
  ASSERT_FALSE(token.empty());
  Value p2 = LookupOk("{" + filter + R"(,"MaxResults":2,"NextToken":")" + token + "\"}");
  ASSERT_EQ(p2["Events"].size(), 2u);
  EXPECT_NE(p1["Events"].AsList()[0].GetString("EventId"),
            p2["Events"].AsList()[0].GetString("EventId"));
  // A token replayed with other parameters is refused.
  http::Response bad = Lookup(R"({"MaxResults":2,"NextToken":")" + token + "\"}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("InvalidNextTokenException"), std::string::npos) << bad.body;
}

TEST_F(LookupEventsTest, ValidationErrors) {
  http::Response two = Lookup(
      R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"A"},{"AttributeKey":"EventName","AttributeValue":"B"}]})");
  EXPECT_EQ(two.status, 400);
  EXPECT_NE(two.body.find("InvalidLookupAttributesException"), std::string::npos) << two.body;
  double now = static_cast<double>(clock_.NowMillis()) / 1000.0;
  http::Response range = Lookup(R"({"StartTime":)" + std::to_string(now) + R"(,"EndTime":)" +
                                std::to_string(now - 100) + "}");
  EXPECT_EQ(range.status, 400);
  EXPECT_NE(range.body.find("InvalidTimeRangeException"), std::string::npos) << range.body;
  http::Response old = Lookup(R"({"StartTime":)" + std::to_string(now - 91 * 86400.0) + "}");
  EXPECT_NE(old.body.find("InvalidTimeRangeException"), std::string::npos) << old.body;
  http::Response token = Lookup(R"({"NextToken":"garbage"})");
  EXPECT_NE(token.body.find("InvalidNextTokenException"), std::string::npos) << token.body;
}

}  // namespace
}  // namespace orgtrail::gateway
