// REST-JSON (Lambda) parsing and rendering against the embedded Lambda model
// (spec/wire.md §3.2, §4, §6.5).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "protocol/rest_testing.h"

namespace orgtrail::protocol {
namespace {

class RestJsonTest : public RestModelsTest {
 protected:
  static Result<Value> Parse(const http::Request& req) {
    return internal::ParseRestJsonInput(req, RouteOf(Lambda(), req));
  }
  static Route RouteFor(const std::string& op) {
    return RouteTo(Lambda(), spec::Protocol::kRestJson, op);
  }
  static ResponseContext Ctx() {
    ResponseContext ctx;
    ctx.request_id = "7f3c0a52-0000-4000-8000-000000000001";
    return ctx;
  }
};

TEST_F(RestJsonTest, ListFunctionsOutput) {
  Value fns = Value::MakeList();
  fns.Append(Value::MakeMap()
                 .Set("FunctionName", "f")
                 .Set("Timeout", 3)
                 .Set("LastModified", "2026-11-26T15:04:05.123+0000"));
  Value out = Value::MakeMap().Set("Functions", fns).Set("NotInModel", 1);
  http::Response resp = internal::SerializeRestJsonOutput(RouteFor("ListFunctions"), out, Ctx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body,
            "{\"Functions\":[{\"FunctionName\":\"f\",\"Timeout\":3,"
            "\"LastModified\":\"2026-11-26T15:04:05.123+0000\"}]}");
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "application/json");
  EXPECT_EQ(*resp.FindHeader("x-amzn-RequestId"), "7f3c0a52-0000-4000-8000-000000000001");
}

TEST_F(RestJsonTest, ListFunctionsInputWithAndWithoutSlash) {
  for (const char* target : {"/2015-03-31/functions?MaxItems=10&Marker=m",
                             "/2015-03-31/functions/?MaxItems=10&Marker=m"}) {
    Result<Value> in = Parse(Req("GET", target));
    ASSERT_TRUE(in.ok()) << target << ": " << in.error().message;
    EXPECT_EQ(*in, Value::MakeMap().Set("Marker", "m").Set("MaxItems", 10)) << target;
  }
}

TEST_F(RestJsonTest, StatusCodesFromModel) {
  http::Response resp = internal::SerializeRestJsonOutput(
      RouteFor("CreateFunction"), Value::MakeMap().Set("FunctionName", "f"), Ctx());
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, "{\"FunctionName\":\"f\"}");
  resp = internal::SerializeRestJsonOutput(RouteFor("AddPermission"),
                                           Value::MakeMap().Set("Statement", "{}"), Ctx());
  EXPECT_EQ(resp.status, 201);
  resp = internal::SerializeRestJsonOutput(RouteFor("RemovePermission"), Value::MakeMap(), Ctx());
  EXPECT_EQ(resp.status, 204);
  EXPECT_EQ(resp.body, "");
  resp = internal::SerializeRestJsonOutput(RouteFor("DeleteFunction"), Value::MakeMap(), Ctx());
  EXPECT_EQ(resp.status, 204);  // spec/wire.md §4
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(resp.FindHeader("Content-Type"), nullptr);
}

TEST_F(RestJsonTest, CreateFunctionBody) {
  Result<Value> in = Parse(Req("POST", "/2015-03-31/functions", {},
                               R"({"FunctionName":"f","Role":"arn:aws:iam::111111111111:role/r",)"
                               R"("Runtime":"python3.12","Handler":"h.main","Timeout":30,)"
                               R"("Code":{"ZipFile":"UEsDBA=="},"Tags":{"team":"a"},)"
                               R"("Unknown":true})"));
  ASSERT_TRUE(in.ok()) << in.error().code << ": " << in.error().message;
  EXPECT_EQ(in->GetString("FunctionName"), "f");
  EXPECT_EQ((*in)["Timeout"], Value(30));
  EXPECT_EQ((*in)["Code"]["ZipFile"], Value(std::string("PK\x03\x04", 4)));
  EXPECT_EQ((*in)["Tags"], Value::MakeMap().Set("team", "a"));
  EXPECT_FALSE(in->Has("Unknown"));
}

TEST_F(RestJsonTest, MalformedJsonIsInvalidRequestContent) {
  for (const char* body : {"{\"FunctionName\":", "[1,2]", "{\"Code\":{\"ZipFile\":\"!!\"}}"}) {
    Result<Value> in = Parse(Req("POST", "/2015-03-31/functions", {}, body));
    ASSERT_FALSE(in.ok()) << body;
    EXPECT_EQ(in.error().code, "InvalidRequestContentException") << body;
    EXPECT_EQ(in.error().status, 400);
  }
}

TEST_F(RestJsonTest, InvokeWithArnPayloadHeadersAndStatusCode) {
  Result<Value> in =
      Parse(Req("POST",
                "/2015-03-31/functions/"
                "arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af/invocations"
                "?Qualifier=prod",
                {{"X-Amz-Invocation-Type", "Event"}, {"X-Amz-Log-Type", "Tail"}}, "{\"k\": 1}"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->GetString("FunctionName"), "arn:aws:lambda:us-east-1:111111111111:function:f");
  EXPECT_EQ(in->GetString("Qualifier"), "prod");
  EXPECT_EQ(in->GetString("InvocationType"), "Event");
  EXPECT_EQ(in->GetString("LogType"), "Tail");
  EXPECT_EQ(in->GetString("Payload"), "{\"k\": 1}");  // raw bytes, not parsed

  Value out = Value::MakeMap()
                  .Set("StatusCode", 202)
                  .Set("Payload", "")
                  .Set("FunctionError", "Unhandled")
                  .Set("ExecutedVersion", "$LATEST");
  http::Response resp = internal::SerializeRestJsonOutput(RouteFor("Invoke"), out, Ctx());
  EXPECT_EQ(resp.status, 202);
  EXPECT_EQ(resp.body, "");
  EXPECT_EQ(*resp.FindHeader("X-Amz-Function-Error"), "Unhandled");
  EXPECT_EQ(*resp.FindHeader("X-Amz-Executed-Version"), "$LATEST");
  out.Set("StatusCode", 200).Set("Payload", "{\"ok\":true}");
  resp = internal::SerializeRestJsonOutput(RouteFor("Invoke"), out, Ctx());
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "{\"ok\":true}");
}

TEST_F(RestJsonTest, RepeatedQueryKeysMakeAList) {
  Result<Value> in = Parse(Req("DELETE",
                               "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af"
                               "?tagKeys=a&tagKeys=b%20c"));
  ASSERT_TRUE(in.ok()) << in.error().message;
  Value keys = Value::MakeList();
  keys.Append("a");
  keys.Append("b c");
  EXPECT_EQ((*in)["TagKeys"], keys);
  EXPECT_EQ(in->GetString("Resource"), "arn:aws:lambda:us-east-1:1:function:f");
}

TEST_F(RestJsonTest, ErrorJson) {
  http::Response resp = internal::SerializeRestJsonError(
      RouteFor("GetFunction"),
      AwsError(
          "ResourceNotFoundException",
          "Function not found: arn:aws:lambda:us-east-1:111111111111:function:example-missing"),
      Ctx());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(*resp.FindHeader("X-Amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(*resp.FindHeader("x-amzn-RequestId"), "7f3c0a52-0000-4000-8000-000000000001");
  EXPECT_EQ(*resp.FindHeader("Content-Type"), "application/json");
  EXPECT_EQ(resp.body,
            "{\"Type\":\"User\",\"Message\":\"Function not found: "
            "arn:aws:lambda:us-east-1:111111111111:function:example-missing\"}");

  // The message key follows the error shape; header members of the shape become headers.
  resp = internal::SerializeRestJsonError(
      RouteFor("Invoke"),
      AwsError("TooManyRequestsException", "Rate exceeded")
          .With("retryAfterSeconds", "1")
          .With("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"),
      Ctx());
  EXPECT_EQ(resp.status, 429);
  EXPECT_EQ(*resp.FindHeader("Retry-After"), "1");
  EXPECT_EQ(resp.body,
            "{\"Type\":\"User\",\"message\":\"Rate exceeded\","
            "\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");

  resp = internal::SerializeRestJsonError(RouteFor("GetFunction"), AwsError("ServiceException", ""),
                                          Ctx());
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.body,
            "{\"Type\":\"Service\",\"Message\":\"The Lambda service encountered an internal "
            "error.\"}");
}

TEST_F(RestJsonTest, GenericErrorsUseLambdaCodes) {
  Route unknown;
  unknown.service = &Lambda();
  unknown.protocol = spec::Protocol::kRestJson;
  http::Response resp =
      internal::SerializeRestJsonError(unknown, AwsError("UnknownOperationException", ""), Ctx());
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(*resp.FindHeader("X-Amzn-ErrorType"), "UnknownOperationException");

  resp = internal::SerializeRestJsonError(unknown, InternalFailure("boom"), Ctx());
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(*resp.FindHeader("X-Amzn-ErrorType"), "ServiceException");
  EXPECT_EQ(resp.body, "{\"Type\":\"Service\",\"Message\":\"boom\"}");

  resp = internal::SerializeRestJsonError(
      unknown, AwsError("UnrecognizedClientException", "bad token", 403), Ctx());
  EXPECT_EQ(resp.status, 403);
  EXPECT_EQ(*resp.FindHeader("X-Amzn-ErrorType"), "UnrecognizedClientException");
  EXPECT_EQ(resp.body, "{\"Type\":\"User\",\"Message\":\"bad token\"}");
}

TEST_F(RestJsonTest, ValidationRunsAfterParsing) {
  // AddPermission requires StatementId, Action and Principal.
  Result<Value> in = Parse(Req("POST", "/2015-03-31/functions/f/policy", {}, "{}"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, "ValidationException");
}

}  // namespace
}  // namespace orgtrail::protocol
