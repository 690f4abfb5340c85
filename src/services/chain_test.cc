// The request chain end to end, in process: signed requests through Gateway::Handle on the
// in-memory store and a fake clock.
#include <gtest/gtest.h>

#include "auth/verify.h"
#include "core/encoding.h"
#include "gateway/audit.h"
#include "gateway/gateway.h"
#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "services/register_all.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

class GatewayTest : public InProcessTest {
 protected:
  http::Request Query(std::string body, std::string_view key = "test",
                      std::string_view secret = "test", std::string_view token = "") {
    http::Request req = QueryRequest(std::move(body));
    auth::SignRequest(req, key, secret, "us-east-1", "sts", clock_.WallMillis(), token);
    return req;
  }

  http::Request Json(std::string target, std::string service, std::string body = "{}") {
    http::Request req = JsonRequest(std::move(target), std::move(body));
    auth::SignRequest(req, "test", "test", "us-east-1", service, clock_.WallMillis());
    return req;
  }

  // Sends an already signed request (tests may alter it after signing).
  http::Response Send(http::Request req) { return gateway_->Handle(req); }
};

// Subscribers get every call whole; the ring of recent calls (the admin API) keeps small
// request parameters and omits large ones (a PutLogEvents batch), so that it stays small.
TEST(AuditBus, RecentCallsOmitLargeRequestParameters) {
  AuditBus bus(2);
  size_t seen = 0;
  bus.Subscribe(
      [&seen](const ApiCall& c) { seen += c.request_parameters["logEvents"].AsString().size(); });
  ApiCall small;
  small.event_name = "CreateLogGroup";
  small.request_parameters = Value::MakeMap().Set("logGroupName", "g");
  bus.Publish(small);
  ApiCall large;
  large.event_name = "PutLogEvents";
  large.request_parameters = Value::MakeMap().Set("logEvents", std::string(100 * 1024, 'x'));
  bus.Publish(large);
  EXPECT_EQ(seen, 100u * 1024);
  auto recent = bus.Recent(10);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].request_parameters["logGroupName"].AsString(), "g");
  EXPECT_FALSE(recent[1].request_parameters.Has("logEvents"));
  EXPECT_TRUE(recent[1].request_parameters.Has("orgtrailOmitted"));
}

// The ring keeps the newest calls in publish order once it has wrapped around, and Clear
// empties it.
TEST(AuditBus, RecentCallsAreTheNewestInOrder) {
  AuditBus bus(3);
  auto names = [&bus](size_t limit) {
    std::string out;
    for (const ApiCall& c : bus.Recent(limit)) out += c.event_name + " ";
    return out;
  };
  for (int i = 1; i <= 2; ++i) {
    ApiCall c;
    c.event_name = "C" + std::to_string(i);
    bus.Publish(c);
  }
  EXPECT_EQ(names(10), "C1 C2 ");
  for (int i = 3; i <= 7; ++i) {
    ApiCall c;
    c.event_name = "C" + std::to_string(i);
    bus.Publish(c);
  }
  EXPECT_EQ(names(10), "C5 C6 C7 ");
  EXPECT_EQ(names(2), "C6 C7 ");
  EXPECT_EQ(names(0), "");
  bus.Clear();
  EXPECT_EQ(names(10), "");
  ApiCall c;
  c.event_name = "C8";
  bus.Publish(c);
  EXPECT_EQ(names(10), "C8 ");
}

TEST_F(GatewayTest, GetCallerIdentityAnswersTheAdminUser) {
  http::Response r = Send(Query("Action=GetCallerIdentity&Version=2011-06-15"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<Arn>arn:aws:iam::000000000000:user/orgtrail-admin</Arn>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<Account>000000000000</Account>"), std::string::npos);
  ASSERT_NE(r.FindHeader("x-amzn-RequestId"), nullptr);

  auto calls = audit_.Recent(10);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].event_name, "GetCallerIdentity");
  EXPECT_EQ(calls[0].event_source, "sts.amazonaws.com");
  EXPECT_EQ(calls[0].principal.arn, "arn:aws:iam::000000000000:user/orgtrail-admin");
  EXPECT_EQ(calls[0].request_id, *r.FindHeader("x-amzn-RequestId"));
  EXPECT_EQ(calls[0].response_elements.GetString("Account"), "000000000000");
}

TEST_F(GatewayTest, RootKeysAnswerTheRootArn) {
  http::Response r = Send(
      Query("Action=GetCallerIdentity&Version=2011-06-15", "AKIAROOTROOTROOTROOT", "rootsecret"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<Arn>arn:aws:iam::000000000000:root</Arn>"), std::string::npos);
}

TEST_F(GatewayTest, WrongSecretIsRefusedPerProtocolAndNotAudited) {
  http::Response sts = Send(Query("Action=GetCallerIdentity&Version=2011-06-15", "test", "bad"));
  EXPECT_EQ(sts.status, 403);
  EXPECT_NE(sts.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos) << sts.body;

  http::Request logs = Json("Logs_20140328.DescribeLogGroups", "logs");
  logs.body = R"({"limit":5})";  // body changed after signing: the payload hash no longer fits
  http::Response r = Send(std::move(logs));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("InvalidSignatureException"), std::string::npos) << r.body;
  EXPECT_TRUE(audit_.Recent(10).empty());
}

TEST_F(GatewayTest, UnknownKeyAndUnsignedRequests) {
  http::Response r =
      Send(Query("Action=GetCallerIdentity&Version=2011-06-15", "AKIANOTAKEYNOTAKEYNO", "x"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("<Code>InvalidClientTokenId</Code>"), std::string::npos) << r.body;

  http::Request unsigned_req;
  unsigned_req.method = "POST";
  unsigned_req.SetTarget("/");
  unsigned_req.headers = {{"Host", "127.0.0.1"},
                          {"Content-Type", "application/x-www-form-urlencoded"}};
  unsigned_req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  http::Response u = Send(unsigned_req);
  EXPECT_EQ(u.status, 403);
  EXPECT_NE(u.body.find("<Code>MissingAuthenticationToken</Code>"), std::string::npos) << u.body;
}

TEST_F(GatewayTest, SessionCredentialsSignAndExpireByTheOrgtrailClock) {
  http::Response r = Send(Query("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto between = [&](const std::string& open, const std::string& close) {
    size_t a = r.body.find(open) + open.size();
    return r.body.substr(a, r.body.find(close, a) - a);
  };
  std::string akid = between("<AccessKeyId>", "</AccessKeyId>");
  std::string secret = between("<SecretAccessKey>", "</SecretAccessKey>");
  std::string token = between("<SessionToken>", "</SessionToken>");
  ASSERT_EQ(akid.substr(0, 4), "ASIA");

  http::Response who =
      Send(Query("Action=GetCallerIdentity&Version=2011-06-15", akid, secret, token));
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_NE(who.body.find("user/orgtrail-admin"), std::string::npos);

  http::Response no_token =
      Send(Query("Action=GetCallerIdentity&Version=2011-06-15", akid, secret));
  EXPECT_NE(no_token.body.find("InvalidClientTokenId"), std::string::npos) << no_token.body;

  http::Response again =
      Send(Query("Action=GetSessionToken&Version=2011-06-15", akid, secret, token));
  EXPECT_EQ(again.status, 403);
  EXPECT_NE(again.body.find("Cannot call GetSessionToken with session credentials"),
            std::string::npos)
      << again.body;
  EXPECT_EQ(audit_.Recent(1)[0].error_code, "AccessDenied");

  clock_.Advance(901 * 1000);
  http::Response expired =
      Send(Query("Action=GetCallerIdentity&Version=2011-06-15", akid, secret, token));
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("<Code>ExpiredToken</Code>"), std::string::npos) << expired.body;
}

TEST_F(GatewayTest, ValidationUnknownAndUnimplementedOperations) {
  http::Response v = Send(Query("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=10"));
  EXPECT_EQ(v.status, 400);
  EXPECT_NE(v.body.find("<Code>ValidationError</Code>"), std::string::npos) << v.body;

  http::Response unknown = Send(Query("Action=NoSuchAction&Version=2011-06-15"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("<Code>InvalidAction</Code>"), std::string::npos) << unknown.body;

  http::Response json_unknown = Send(Json("Logs_20140328.NoSuchOperation", "logs"));
  EXPECT_EQ(json_unknown.status, 400);
  EXPECT_NE(json_unknown.body.find("UnknownOperationException"), std::string::npos);

  http::Request kms = Json("TrentService.ListKeys", "kms");
  http::Response ni = Send(std::move(kms));
  EXPECT_EQ(ni.status, 501);
  EXPECT_NE(ni.body.find("NotImplemented"), std::string::npos) << ni.body;
}

TEST_F(GatewayTest, AdminEndpointsAreServedFirst) {
  http::Request req;
  req.method = "GET";
  req.SetTarget("/_orgtrail/health");
  http::Response r = Send(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"sts\""), std::string::npos) << r.body;
}

// Internal calls by an AWS service principal pass the same authorize stage as a user's call
// when asked to: here a role's trust policy decides which service may assume it, and
// aws:SourceArn / aws:SourceAccount come from the calling service.
TEST_F(GatewayTest, InternalCallsAreAuthorizedByResourcePoliciesWhenAsked) {
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole",)"
      R"("Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:)"
      R"(000000000000:trail/t"}}}]})";
  http::Response created =
      InProcessTest::Send(QueryRequest("Action=CreateRole&Version=2010-05-08&RoleName=Delivery"
                                       "&AssumeRolePolicyDocument=" +
                                       UriEncode(trust)),
                          "iam");
  ASSERT_EQ(created.status, 200) << created.body;
  Value input = Value::MakeMap();
  input.Set("RoleArn", "arn:aws:iam::000000000000:role/Delivery").Set("RoleSessionName", "s");

  auth::Principal trail = auth::ServicePrincipal("cloudtrail.amazonaws.com", "000000000000");
  trail.source_arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/t";
  trail.source_account = "000000000000";
  EXPECT_TRUE(
      registry_.AuthorizeInternal(env_, trail, "sts", "AssumeRole", input, "us-east-1").ok());

  auth::Principal other_trail = trail;
  other_trail.source_arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/other";
  Status refused =
      registry_.AuthorizeInternal(env_, other_trail, "sts", "AssumeRole", input, "us-east-1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "AccessDenied");

  auth::Principal logs = auth::ServicePrincipal("logs.amazonaws.com", "000000000000");
  EXPECT_FALSE(
      registry_.AuthorizeInternal(env_, logs, "sts", "AssumeRole", input, "us-east-1").ok());
  // Asked without authorization, the service acts on its own authority; with it, it is refused.
  auto denied = registry_.CallInternal(env_, logs, "sts", "AssumeRole", input, "us-east-1", true);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "AccessDenied");
  // Internal calls are never audited.
  size_t before = audit_.Recent(100).size();
  (void)registry_.CallInternal(env_, trail, "sts", "AssumeRole", input, "us-east-1", true);
  EXPECT_EQ(audit_.Recent(100).size(), before);
}

}  // namespace
}  // namespace orgtrail::gateway
