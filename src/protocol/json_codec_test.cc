// JSON 1.0/1.1 codec (spec/wire.md §6.1, §6.2, §7) on the embedded models.
#include <gtest/gtest.h>

#include "core/json.h"
#include "protocol/codec.h"

namespace orgtrail::protocol {
namespace {

const spec::Catalog& JsonCodecModels() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

http::Request JsonCall(std::string target, std::string body) {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"X-Amz-Target", std::move(target)},
                 {"Content-Type", "application/x-amz-json-1.1"}};
  req.body = std::move(body);
  return req;
}

Route RouteFor(const http::Request& req) { return RouteRequest(req, JsonCodecModels(), ""); }

Result<Value> ParseJsonCall(const std::string& target, const std::string& body) {
  auto req = JsonCall(target, body);
  return ParseInput(req, RouteFor(req));
}

std::string JsonHeader(const http::Response& resp, std::string_view name) {
  const std::string* v = resp.FindHeader(name);
  return v ? *v : "<absent>";
}

ResponseContext JsonCtx() { return ResponseContext{"req-1", "", false}; }

TEST(JsonCodecTest, ParsesMembersAndIgnoresUnknown) {
  auto v = ParseJsonCall("Logs_20140328.PutLogEvents",
                         R"({"logGroupName":"g","logStreamName":"s","bogus":1,)"
                         R"("logEvents":[{"timestamp":1700000000000,"message":"hello"}]})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->ToJson(), R"({"logGroupName":"g","logStreamName":"s",)"
                         R"("logEvents":[{"timestamp":1700000000000,"message":"hello"}]})");
}

TEST(JsonCodecTest, EmptyBodyIsEmptyObject) {
  for (const char* body : {"", "  ", "{}"}) {
    auto v = ParseJsonCall("Logs_20140328.DescribeLogGroups", body);
    ASSERT_TRUE(v.ok()) << body;
    EXPECT_EQ(v->ToJson(), "{}");
  }
}

TEST(JsonCodecTest, TypeMismatchesAreSerializationExceptions) {
  struct Case {
    std::string target, body, message;
  } cases[] = {
      {"Logs_20140328.GetLogEvents", R"({"logStreamName":"s","startTime":"abc"})",
       "STRING_VALUE can not be converted to a Long"},
      {"Logs_20140328.CreateLogGroup", R"({"logGroupName":5})",
       "NUMBER_VALUE can not be converted to a String"},
      {"Logs_20140328.DescribeLogGroups", R"({"limit":1.5})",
       "NUMBER_VALUE can not be converted to an Integer"},
      {"Logs_20140328.DescribeLogGroups", R"({"limit":"5"})",
       "STRING_VALUE can not be converted to an Integer"},
      {"Logs_20140328.DescribeLogGroups", R"({"limit":4294967296})",
       "NUMBER_VALUE can not be converted to an Integer"},
      {"Logs_20140328.GetLogEvents", R"({"logStreamName":"s","startFromHead":"yes"})",
       "STRING_VALUE can not be converted to a Boolean"},
      {"Logs_20140328.CreateLogGroup", R"({"logGroupName":"g","tags":[]})",
       "START_ARRAY can not be converted to a Map"},
      {"Logs_20140328.PutLogEvents", R"({"logGroupName":"g","logStreamName":"s","logEvents":{}})",
       "START_OBJECT can not be converted to a List"},
      {"Logs_20140328.DescribeLogGroups", R"([])",
       "START_ARRAY can not be converted to a Structure"},
  };
  for (const Case& c : cases) {
    auto v = ParseJsonCall(c.target, c.body);
    ASSERT_FALSE(v.ok()) << c.body;
    EXPECT_EQ(v.error().code, "SerializationException") << c.body;
    EXPECT_EQ(v.error().status, 400);
    EXPECT_EQ(v.error().message, c.message) << c.body;
  }
}

TEST(JsonCodecTest, IntegralDoublesAreIntegers) {
  auto v = ParseJsonCall("Logs_20140328.DescribeLogGroups", R"({"limit":5.0})");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.value()["limit"].is_int());
  EXPECT_EQ(v.value()["limit"].AsInt(), 5);
}

TEST(JsonCodecTest, MalformedJson) {
  auto v = ParseJsonCall("Logs_20140328.DescribeLogGroups", "{\"limit\":");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "SerializationException");
  EXPECT_EQ(v.error().status, 400);
}

TEST(JsonCodecTest, TimestampsAndBlobs) {
  auto req = JsonCall("GraniteServiceVersion20100801.PutMetricData",
                      R"({"Namespace":"N","MetricData":[)"
                      R"({"MetricName":"a","Timestamp":1767225600,"Value":1.5},)"
                      R"({"MetricName":"b","Timestamp":"2026-01-01T00:00:00.250Z","Value":2}]})");
  auto v = ParseInput(req, RouteFor(req));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(
      v->ToJson(),
      R"({"Namespace":"N","MetricData":[{"MetricName":"a","Timestamp":1767225600,"Value":1.5},)"
      R"({"MetricName":"b","Timestamp":1767225600.25,"Value":2}]})");

  auto sqs =
      JsonCall("AmazonSQS.SendMessage", R"({"QueueUrl":"u","MessageBody":"b","MessageAttributes":)"
                                        R"({"bin":{"DataType":"Binary","BinaryValue":"AAEC"}}})");
  auto s = ParseInput(sqs, RouteFor(sqs));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s.value()["MessageAttributes"]["bin"]["BinaryValue"].AsString(),
            std::string("\x00\x01\x02", 3));

  auto bad =
      JsonCall("AmazonSQS.SendMessage", R"({"QueueUrl":"u","MessageBody":"b","MessageAttributes":)"
                                        R"({"bin":{"DataType":"Binary","BinaryValue":"!!"}}})");
  auto b = ParseInput(bad, RouteFor(bad));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "SerializationException");
}

TEST(JsonCodecTest, ParseInputValidates) {
  auto v = ParseJsonCall("Logs_20140328.CreateLogGroup", "{}");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "InvalidParameterException");
  EXPECT_EQ(v.error().message,
            "1 validation error detected: Value null at 'logGroupName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(JsonCodecTest, SerializesOutputWithTimestampsAndSkipsNulls) {
  auto req =
      JsonCall("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus", "{}");
  Route route = RouteFor(req);
  Value out = Value::MakeMap();
  out.Set("IsLogging", true)
      .Set("LatestDeliveryTime", 1441139757.4971)
      .Set("StartLoggingTime", int64_t{1441139000})
      .Set("LatestDeliveryError", Value())
      .Set("NotInModel", "x");
  http::Response resp = SerializeOutput(route, out, JsonCtx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(JsonHeader(resp, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(JsonHeader(resp, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(
      resp.body,
      R"({"IsLogging":true,"LatestDeliveryTime":1441139757.497,"StartLoggingTime":1441139000})");
}

TEST(JsonCodecTest, SerializesBlobsAsBase64AndJson10ContentType) {
  auto req = JsonCall("AmazonSQS.ReceiveMessage", "{}");
  Route route = RouteFor(req);
  Value attr = Value::MakeMap();
  attr.Set("DataType", "Binary").Set("BinaryValue", std::string("\x00\x01\x02", 3));
  Value attrs = Value::MakeMap();
  attrs.Set("bin", attr);
  Value msg = Value::MakeMap();
  msg.Set("MessageId", "m1").Set("MessageAttributes", attrs);
  Value out = Value::MakeMap();
  out.Set("Messages", Value::List{msg});
  http::Response resp = SerializeOutput(route, out, JsonCtx());
  EXPECT_EQ(JsonHeader(resp, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(resp.body, R"({"Messages":[{"MessageId":"m1","MessageAttributes":)"
                       R"({"bin":{"DataType":"Binary","BinaryValue":"AAEC"}}}]})");
}

TEST(JsonCodecTest, NoOutputShapeIsEmptyObject) {
  auto req = JsonCall("Logs_20140328.CreateLogGroup", "{}");
  http::Response resp = SerializeOutput(RouteFor(req), Value::MakeMap(), JsonCtx());
  EXPECT_EQ(resp.body, "{}");
}

TEST(JsonCodecTest, ModelledErrorUsesShapeAndDefaultMessage) {
  auto req = JsonCall("Logs_20140328.DeleteLogGroup", "{}");
  Route route = RouteFor(req);
  http::Response resp = SerializeError(
      route, AwsError("ResourceNotFoundException", "The specified log group does not exist."),
      JsonCtx());
  EXPECT_EQ(resp.status, 400);
  EXPECT_EQ(JsonHeader(resp, "X-Amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(JsonHeader(resp, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(JsonHeader(resp, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(JsonHeader(resp, "x-amzn-query-error"), "<absent>");
  EXPECT_EQ(
      resp.body,
      R"({"__type":"ResourceNotFoundException","message":"The specified log group does not exist."})");

  auto ct = JsonCall("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrailStatus", "{}");
  http::Response dflt =
      SerializeError(RouteFor(ct), AwsError("TrailNotFoundException", ""), JsonCtx());
  Value body = ParseJson(dflt.body).value();
  EXPECT_EQ(body["__type"].AsString(), "TrailNotFoundException");
  EXPECT_FALSE(body["message"].AsString().empty());  // the model's first documentation sentence
}

TEST(JsonCodecTest, ExtraFieldsAndMessageCasing) {
  auto req = JsonCall("AWSOrganizationsV20161128.CreateAccount", "{}");
  AwsError err("InvalidInputException", "bad");
  err.With("Reason", "INVALID_ENUM");
  http::Response resp = SerializeError(RouteFor(req), err, JsonCtx());
  EXPECT_EQ(resp.body,
            R"({"__type":"InvalidInputException","Message":"bad","Reason":"INVALID_ENUM"})");
}

TEST(JsonCodecTest, QueryCompatibleCloudWatchErrors) {
  auto req = JsonCall("GraniteServiceVersion20100801.DescribeAlarms", "{}");
  Route route = RouteFor(req);
  struct Case {
    std::string code;
    int status;
    std::string header;
  } cases[] = {
      {"ResourceNotFound", 404, "ResourceNotFound;Sender"},
      {"InvalidParameterValueException", 400, "InvalidParameterValue;Sender"},
      {"MissingRequiredParameterException", 400, "MissingParameter;Sender"},
      {"LimitExceededFault", 400, "LimitExceeded;Sender"},
      {"InvalidNextToken", 400, "InvalidNextToken;Sender"},
      {"InternalServiceFault", 500, "InternalServiceError;Receiver"},
      {"ValidationError", 400, "ValidationError;Sender"},
  };
  for (const Case& c : cases) {
    http::Response resp = SerializeError(route, AwsError(c.code, "m"), JsonCtx());
    EXPECT_EQ(resp.status, c.status) << c.code;
    EXPECT_EQ(JsonHeader(resp, "x-amzn-query-error"), c.header) << c.code;
    EXPECT_EQ(JsonHeader(resp, "X-Amzn-ErrorType"), c.code);
    EXPECT_EQ(JsonHeader(resp, "Content-Type"), "application/x-amz-json-1.0");
  }
  http::Response fault = SerializeError(route, AwsError("InternalServiceFault", "boom"), JsonCtx());
  EXPECT_EQ(fault.body, R"({"__type":"InternalServiceFault","Message":"boom"})");
}

TEST(JsonCodecTest, QueryCompatibleSqsErrorsUseLegacyQueryCodes) {
  auto req = JsonCall("AmazonSQS.GetQueueUrl", "{}");
  Route route = RouteRequest(req, JsonCodecModels(), "sqs");
  http::Response resp = SerializeError(
      route, AwsError("QueueDoesNotExist", "The specified queue does not exist."), JsonCtx());
  EXPECT_EQ(resp.status, 400);
  EXPECT_EQ(JsonHeader(resp, "x-amzn-query-error"),
            "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(resp.body,
            R"({"__type":"QueueDoesNotExist","message":"The specified queue does not exist."})");

  http::Response over = SerializeError(route, AwsError("OverLimit", "x"), JsonCtx());
  EXPECT_EQ(over.status, 403);
  EXPECT_EQ(JsonHeader(over, "x-amzn-query-error"), "OverLimit;Sender");
  http::Response exists = SerializeError(route, AwsError("QueueNameExists", "x"), JsonCtx());
  EXPECT_EQ(JsonHeader(exists, "x-amzn-query-error"), "QueueAlreadyExists;Sender");
  http::Response plain = SerializeError(route, AwsError("ReceiptHandleIsInvalid", "x"), JsonCtx());
  EXPECT_EQ(JsonHeader(plain, "x-amzn-query-error"), "ReceiptHandleIsInvalid;Sender");
  http::Response denied = SerializeError(route, AwsError("AccessDenied", "no", 403), JsonCtx());
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(JsonHeader(denied, "x-amzn-query-error"), "AccessDenied;Sender");
}

TEST(JsonCodecTest, UnknownOperationAndNotImplemented) {
  auto req = JsonCall("Logs_20140328.MakeCoffee", "{}");
  Route route = RouteFor(req);
  auto parsed = ParseInput(req, route);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "UnknownOperationException");
  http::Response resp = SerializeError(route, parsed.error(), JsonCtx());
  EXPECT_EQ(resp.status, 400);
  EXPECT_EQ(resp.body, R"({"__type":"UnknownOperationException"})");

  auto unknown_svc = JsonCall("Nope_2020.Op", "{}");
  Route none = RouteFor(unknown_svc);
  http::Response r2 = SerializeError(none, UnknownOperationError(none), JsonCtx());
  EXPECT_EQ(r2.status, 400);
  EXPECT_EQ(JsonHeader(r2, "X-Amzn-ErrorType"), "UnknownOperationException");

  auto known = JsonCall("Logs_20140328.CreateDelivery", "{}");
  http::Response ni = SerializeError(
      RouteFor(known),
      AwsError("NotImplemented", "orgtrail does not implement logs.CreateDelivery", 501),
      JsonCtx());
  EXPECT_EQ(ni.status, 501);
  EXPECT_EQ(
      ni.body,
      R"({"__type":"NotImplemented","message":"orgtrail does not implement logs.CreateDelivery"})");
}

}  // namespace
}  // namespace orgtrail::protocol
