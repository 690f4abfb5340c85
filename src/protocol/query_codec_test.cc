// Query codec (spec/wire.md §3.2, §4, §6.3, §7) on the embedded models.
#include <gtest/gtest.h>

#include "protocol/codec.h"

namespace orgtrail::protocol {
namespace {

const spec::Catalog& QueryCodecModels() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

http::Request QueryForm(std::string body) {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"Host", "localhost:4566"}};
  req.body = std::move(body);
  return req;
}

struct Call {
  http::Request req;
  Route route;
};

Call QueryCall(std::string body) {
  Call c{QueryForm(std::move(body)), {}};
  c.route = RouteRequest(c.req, QueryCodecModels(), "");
  return c;
}

Result<Value> ParseQueryCall(std::string body) {
  Call c = QueryCall(std::move(body));
  return ParseInput(c.req, c.route);
}

ResponseContext QueryCtx() { return ResponseContext{"req-1", "", false}; }

std::string QueryHeader(const http::Response& resp, std::string_view name) {
  const std::string* v = resp.FindHeader(name);
  return v ? *v : "<absent>";
}

TEST(QueryCodecTest, StsGetCallerIdentityResponse) {
  Call c = QueryCall("Action=GetCallerIdentity&Version=2011-06-15");
  Value out = Value::MakeMap();
  out.Set("Arn", "arn:aws:iam::111111111111:user/alice")
      .Set("UserId", "AIDAEXAMPLE")
      .Set("Account", "111111111111");
  http::Response resp = SerializeOutput(c.route, out, QueryCtx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(QueryHeader(resp, "Content-Type"), "text/xml");
  EXPECT_EQ(QueryHeader(resp, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(resp.body,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>111111111111</Account>"
            "<Arn>arn:aws:iam::111111111111:user/alice</Arn></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>");
}

TEST(QueryCodecTest, TimestampsInIsoMillis) {
  Call c = QueryCall("Action=AssumeRole&Version=2011-06-15");
  Value creds = Value::MakeMap();
  creds.Set("AccessKeyId", "ASIA1")
      .Set("SecretAccessKey", "s")
      .Set("SessionToken", "t<&>")
      .Set("Expiration", int64_t{1767225600});
  Value out = Value::MakeMap();
  out.Set("Credentials", creds).Set("PackedPolicySize", 6);
  http::Response resp = SerializeOutput(c.route, out, QueryCtx());
  EXPECT_EQ(resp.body,
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
            "<SecretAccessKey>s</SecretAccessKey><SessionToken>t&lt;&amp;&gt;</SessionToken>"
            "<Expiration>2026-01-01T00:00:00.000Z</Expiration></Credentials>"
            "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>");
}

TEST(QueryCodecTest, NoOutputMeansNoResultElement) {
  Call c = QueryCall("Action=DeleteTopic&Version=2010-03-31&TopicArn=t");
  http::Response resp = SerializeOutput(c.route, Value::MakeMap(), QueryCtx());
  EXPECT_EQ(resp.body,
            "<DeleteTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</DeleteTopicResponse>");
}

TEST(QueryCodecTest, ParsesNestedListsAndScalars) {
  auto v = ParseQueryCall(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"
      "&RoleSessionName=s1&DurationSeconds=900&Tags.member.2.Key=k2&Tags.member.2.Value=v2"
      "&Tags.member.1.Key=k1&Tags.member.1.Value=v1&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3A1%"
      "3Apolicy%2Fp");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->ToJson(),
            R"({"RoleArn":"arn:aws:iam::1:role/r","RoleSessionName":"s1",)"
            R"("PolicyArns":[{"arn":"arn:aws:iam::1:policy/p"}],"DurationSeconds":900,)"
            R"("Tags":[{"Key":"k1","Value":"v1"},{"Key":"k2","Value":"v2"}]})");
}

TEST(QueryCodecTest, ListIndicesSortNumerically) {
  std::string body = "Action=DescribeAlarms&Version=2010-08-01";
  for (int i = 1; i <= 11; ++i)
    body += "&AlarmNames.member." + std::to_string(i) + "=a" + std::to_string(i);
  auto v = ParseQueryCall(body);
  ASSERT_TRUE(v.ok()) << v.error().message;
  const Value& names = v.value()["AlarmNames"];
  ASSERT_EQ(names.size(), 11u);
  EXPECT_EQ(names.AsList()[1].AsString(), "a2");
  EXPECT_EQ(names.AsList()[10].AsString(), "a11");
}

TEST(QueryCodecTest, SqsFlattenedAttributesAndTags) {
  auto v = ParseQueryCall(
      "Action=CreateQueue&Version=2012-11-05&QueueName=q1"
      "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30"
      "&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5&Tag.1.Key=team&Tag.1.Value=audit");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->ToJson(),
            R"({"QueueName":"q1","Attributes":{"VisibilityTimeout":"30","DelaySeconds":"5"},)"
            R"("tags":{"team":"audit"}})");

  auto r = ParseQueryCall(
      "Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Fh%2F1%2Fq"
      "&AttributeName.1=All&MessageAttributeName.1=a&MessageAttributeName.2=b"
      "&MaxNumberOfMessages=5");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->ToJson(), R"({"QueueUrl":"http://h/1/q","AttributeNames":["All"],)"
                         R"("MessageAttributeNames":["a","b"],"MaxNumberOfMessages":5})");
}

TEST(QueryCodecTest, SqsQueryAndJsonGiveTheSameValue) {
  auto q = ParseQueryCall(
      "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=u"
      "&SendMessageBatchRequestEntry.1.Id=e1&SendMessageBatchRequestEntry.1.MessageBody=hello"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=color"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=red"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Name=raw"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.BinaryValue=AAEC"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType=Binary"
      "&SendMessageBatchRequestEntry.2.Id=e2&SendMessageBatchRequestEntry.2.MessageBody=bye"
      "&SendMessageBatchRequestEntry.2.DelaySeconds=3");
  ASSERT_TRUE(q.ok()) << q.error().message;

  http::Request json;
  json.method = "POST";
  json.SetTarget("/");
  json.headers = {{"X-Amz-Target", "AmazonSQS.SendMessageBatch"},
                  {"Content-Type", "application/x-amz-json-1.0"}};
  json.body = R"({"QueueUrl":"u","Entries":[{"Id":"e1","MessageBody":"hello","MessageAttributes":{)"
              R"("color":{"StringValue":"red","DataType":"String"},)"
              R"("raw":{"BinaryValue":"AAEC","DataType":"Binary"}}},)"
              R"({"Id":"e2","MessageBody":"bye","DelaySeconds":3}]})";
  auto j = ParseInput(json, RouteRequest(json, QueryCodecModels(), "sqs"));
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(q.value(), j.value()) << q->ToJson() << "\n" << j->ToJson();
}

TEST(QueryCodecTest, CloudWatchQueryAndJsonGiveTheSameValue) {
  auto q = ParseQueryCall(
      "Action=PutMetricData&Version=2010-08-01&Namespace=Audit"
      "&MetricData.member.1.MetricName=Denied&MetricData.member.1.Value=1.5"
      "&MetricData.member.1.Timestamp=2026-01-01T00%3A00%3A00Z"
      "&MetricData.member.1.Dimensions.member.1.Name=Trail"
      "&MetricData.member.1.Dimensions.member.1.Value=org&MetricData.member.1.Unit=Count");
  ASSERT_TRUE(q.ok()) << q.error().message;
  http::Request json;
  json.method = "POST";
  json.SetTarget("/");
  json.headers = {{"X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"}};
  json.body = R"({"Namespace":"Audit","MetricData":[{"MetricName":"Denied",)"
              R"("Dimensions":[{"Name":"Trail","Value":"org"}],"Timestamp":1767225600,"Value":1.5,)"
              R"("Unit":"Count"}]})";
  auto j = ParseInput(json, RouteRequest(json, QueryCodecModels(), "monitoring"));
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(q.value(), j.value()) << q->ToJson() << "\n" << j->ToJson();
}

TEST(QueryCodecTest, SnsNonFlattenedMaps) {
  auto v = ParseQueryCall(
      "Action=Publish&Version=2010-03-31&TopicArn=t&Message=hi"
      "&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.DataType=String"
      "&MessageAttributes.entry.1.Value.StringValue=v");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->ToJson(), R"({"TopicArn":"t","Message":"hi","MessageAttributes":)"
                         R"({"k":{"DataType":"String","StringValue":"v"}}})");

  auto t = ParseQueryCall(
      "Action=CreateTopic&Version=2010-03-31&Name=t"
      "&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Audit+alerts");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->ToJson(), R"({"Name":"t","Attributes":{"DisplayName":"Audit alerts"}})");
}

TEST(QueryCodecTest, BooleansAndEmptyLists) {
  auto v = ParseQueryCall(
      "Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&ActionsEnabled=false&AlarmActions=");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->ToJson(), R"({"AlarmName":"a","ActionsEnabled":false,"AlarmActions":[]})");
}

TEST(QueryCodecTest, MalformedScalars) {
  auto v = ParseQueryCall(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=a&RoleSessionName=s&DurationSeconds=x");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "MalformedQueryString");
  EXPECT_EQ(v.error().status, 400);
  EXPECT_EQ(v.error().message,
            "Value 'x' for parameter 'DurationSeconds' can not be converted to an Integer");
  auto b =
      ParseQueryCall("Action=PutMetricAlarm&Version=2010-08-01&AlarmName=a&ActionsEnabled=maybe");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "MalformedQueryString");
}

TEST(QueryCodecTest, ParseInputValidates) {
  auto v = ParseQueryCall("Action=GetRole&Version=2010-05-08");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "ValidationError");
  EXPECT_EQ(v.error().message,
            "1 validation error detected: Value null at 'roleName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(QueryCodecTest, SqsFlattenedOutput) {
  Call c = QueryCall("Action=ReceiveMessage&Version=2012-11-05");
  Value attrs = Value::MakeMap();
  attrs.Set("SenderId", "AID").Set("ApproximateReceiveCount", "1");
  Value mattr = Value::MakeMap();
  mattr.Set("StringValue", "red").Set("DataType", "String");
  Value mattrs = Value::MakeMap();
  mattrs.Set("color", mattr);
  Value msg = Value::MakeMap();
  msg.Set("MessageId", "m1")
      .Set("ReceiptHandle", "rh")
      .Set("Body", "hi")
      .Set("Attributes", attrs)
      .Set("MessageAttributes", mattrs);
  Value out = Value::MakeMap();
  out.Set("Messages", Value::List{msg});
  http::Response resp = SerializeOutput(c.route, out, QueryCtx());
  EXPECT_EQ(resp.body,
            "<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult><Message><MessageId>m1</MessageId>"
            "<ReceiptHandle>rh</ReceiptHandle><Body>hi</Body>"
            "<Attribute><Name>SenderId</Name><Value>AID</Value></Attribute>"
            "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"
            "<MessageAttribute><Name>color</Name><Value><StringValue>red</StringValue>"
            "<DataType>String</DataType></Value></MessageAttribute></Message>"
            "</ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</ReceiveMessageResponse>");

  Call l = QueryCall("Action=ListQueues&Version=2012-11-05");
  Value urls = Value::MakeMap();
  urls.Set("QueueUrls", Value::List{"http://h/1/a", "http://h/1/b"});
  EXPECT_EQ(SerializeOutput(l.route, urls, QueryCtx()).body,
            "<ListQueuesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ListQueuesResult><QueueUrl>http://h/1/a</QueueUrl><QueueUrl>http://h/1/b</QueueUrl>"
            "</ListQueuesResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</ListQueuesResponse>");
}

TEST(QueryCodecTest, MemberListsAndEntryMaps) {
  Call c = QueryCall("Action=ListTopics&Version=2010-03-31");
  Value t1 = Value::MakeMap();
  t1.Set("TopicArn", "arn:1");
  Value out = Value::MakeMap();
  out.Set("Topics", Value::List{t1}).Set("NextToken", Value());
  EXPECT_EQ(SerializeOutput(c.route, out, QueryCtx()).body,
            "<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            "<ListTopicsResult><Topics><member><TopicArn>arn:1</TopicArn></member></Topics>"
            "</ListTopicsResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</ListTopicsResponse>");

  Call g = QueryCall("Action=GetTopicAttributes&Version=2010-03-31");
  Value attrs = Value::MakeMap();
  attrs.Set("DisplayName", "a\"b'");
  Value ga = Value::MakeMap();
  ga.Set("Attributes", attrs);
  EXPECT_EQ(SerializeOutput(g.route, ga, QueryCtx()).body,
            "<GetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
            "<GetTopicAttributesResult><Attributes><entry><key>DisplayName</key>"
            "<value>a&quot;b&apos;</value></entry></Attributes></GetTopicAttributesResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</GetTopicAttributesResponse>");
}

TEST(QueryCodecTest, CloudWatchQueryOutput) {
  Call c = QueryCall("Action=DescribeAlarms&Version=2010-08-01");
  Value alarm = Value::MakeMap();
  alarm.Set("AlarmName", "a")
      .Set("ActionsEnabled", true)
      .Set("AlarmActions", Value::List{"arn:sns"})
      .Set("StateValue", "ALARM")
      .Set("StateUpdatedTimestamp", 1767225600.5)
      .Set("Threshold", 1.0);
  Value out = Value::MakeMap();
  out.Set("MetricAlarms", Value::List{alarm});
  std::string body = SerializeOutput(c.route, out, QueryCtx()).body;
  EXPECT_EQ(body,
            "<DescribeAlarmsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
            "<DescribeAlarmsResult><MetricAlarms><member><AlarmName>a</AlarmName>"
            "<ActionsEnabled>true</ActionsEnabled>"
            "<AlarmActions><member>arn:sns</member></AlarmActions>"
            "<StateValue>ALARM</StateValue>"
            "<StateUpdatedTimestamp>2026-01-01T00:00:00.500Z</StateUpdatedTimestamp>"
            "<Threshold>1</Threshold></member></MetricAlarms></DescribeAlarmsResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</DescribeAlarmsResponse>");
}

TEST(QueryCodecTest, IamErrorResponse) {
  Call c = QueryCall("Action=GetRole&Version=2010-05-08&RoleName=example-missing");
  http::Response resp = SerializeError(
      c.route,
      AwsError("NoSuchEntityException", "The role with name example-missing cannot be found."),
      QueryCtx());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(QueryHeader(resp, "Content-Type"), "text/xml");
  EXPECT_EQ(QueryHeader(resp, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(resp.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
            "<Message>The role with name example-missing cannot be found.</Message></Error>"
            "<RequestId>req-1</RequestId></ErrorResponse>");
}

TEST(QueryCodecTest, ErrorCodesFaultsAndDetail) {
  Call sns = QueryCall("Action=Publish&Version=2010-03-31");
  http::Response auth =
      SerializeError(sns.route, AwsError("AuthorizationErrorException", "no"), QueryCtx());
  EXPECT_EQ(auth.status, 403);
  EXPECT_NE(auth.body.find("<Code>AuthorizationError</Code>"), std::string::npos);
  // Handlers may also name the error by its Query code.
  http::Response inval = SerializeError(sns.route, AwsError("InvalidParameter", "bad"), QueryCtx());
  EXPECT_EQ(inval.status, 400);
  EXPECT_NE(inval.body.find("<Code>InvalidParameter</Code>"), std::string::npos);

  Call sqs = QueryCall("Action=GetQueueUrl&Version=2012-11-05&QueueName=nope");
  http::Response missing = SerializeError(
      sqs.route,
      AwsError("QueueDoesNotExist", "The specified queue does not exist for this wsdl version."),
      QueryCtx());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body,
            "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>"
            "<Message>The specified queue does not exist for this wsdl version.</Message>"
            "<Detail/></Error><RequestId>req-1</RequestId></ErrorResponse>");

  Call sts = QueryCall("Action=GetCallerIdentity&Version=2011-06-15");
  http::Response internal = SerializeError(sts.route, InternalFailure("boom"), QueryCtx());
  EXPECT_EQ(internal.status, 500);
  EXPECT_NE(internal.body.find("<Type>Receiver</Type><Code>InternalFailure</Code>"),
            std::string::npos);

  AwsError extra("AccessDenied", "x", 403);
  extra.With("Resource", "a<b");
  http::Response with = SerializeError(sts.route, extra, QueryCtx());
  EXPECT_NE(with.body.find("<Message>x</Message><Resource>a&lt;b</Resource></Error>"),
            std::string::npos);
}

TEST(QueryCodecTest, UnknownActionAndUnknownService) {
  Call c = QueryCall("Action=MakeCoffee&Version=2011-06-15");
  auto parsed = ParseInput(c.req, c.route);
  ASSERT_FALSE(parsed.ok());
  http::Response resp = SerializeError(c.route, parsed.error(), QueryCtx());
  EXPECT_EQ(resp.status, 400);
  EXPECT_EQ(resp.body,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<Error><Type>Sender</Type><Code>InvalidAction</Code>"
            "<Message>The action MakeCoffee is not valid for this web service.</Message></Error>"
            "<RequestId>req-1</RequestId></ErrorResponse>");

  Call none = QueryCall("Action=Foo&Version=1999-01-01");
  http::Response r2 = SerializeError(none.route, UnknownOperationError(none.route), QueryCtx());
  EXPECT_EQ(r2.body,
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
            "<Message>The action Foo is not valid for this web service.</Message></Error>"
            "<RequestId>req-1</RequestId></ErrorResponse>");

  Call ni = QueryCall("Action=GetSessionToken&Version=2011-06-15");
  http::Response r3 = SerializeError(
      ni.route, AwsError("NotImplemented", "orgtrail does not implement sts.GetSessionToken", 501),
      QueryCtx());
  EXPECT_EQ(r3.status, 501);
  EXPECT_NE(r3.body.find("<Code>NotImplemented</Code>"), std::string::npos);
}

}  // namespace
}  // namespace orgtrail::protocol
