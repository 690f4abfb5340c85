// Model-constraint validation messages (spec/wire.md §6.6).
#include <gtest/gtest.h>

#include "core/json.h"
#include "protocol/codec.h"
#include "protocol/internal.h"

namespace orgtrail::protocol {
namespace {

const spec::Catalog& ValidateModels() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

Status Check(std::string_view service, std::string_view op, std::string_view json) {
  const spec::Service* svc = ValidateModels().Find(service);
  EXPECT_NE(svc, nullptr) << service;
  const spec::Operation* o = svc->FindOperation(op);
  EXPECT_NE(o, nullptr) << op;
  return internal::Validate(*svc, *o->input, ParseJson(json).value());
}

TEST(ValidateTest, ValidInputPasses) {
  EXPECT_TRUE(Check("logs", "CreateLogGroup", R"({"logGroupName":"/aws/trail"})").ok());
  EXPECT_TRUE(Check("cloudwatch", "SetAlarmState",
                    R"({"AlarmName":"a","StateValue":"ALARM","StateReason":"r"})")
                  .ok());
}

TEST(ValidateTest, MaxLength) {
  std::string pattern(1025, 'x');
  Status st = Check("logs", "PutMetricFilter",
                    R"({"logGroupName":"g","filterName":"f","metricTransformations":[{)"
                    R"("metricName":"m","metricNamespace":"n","metricValue":"1"}],)"
                    R"("filterPattern":")" +
                        pattern + "\"}");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "InvalidParameterException");
  EXPECT_EQ(st.error().message, "1 validation error detected: Value '" + pattern +
                                    "' at 'filterPattern' failed to satisfy constraint: Member "
                                    "must have length less than or equal to 1024");
}

TEST(ValidateTest, EnumUsesModelOrder) {
  Status st = Check("cloudwatch", "SetAlarmState",
                    R"({"AlarmName":"a","StateValue":"INVALID","StateReason":"r"})");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "ValidationError");
  EXPECT_EQ(st.error().message,
            "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy "
            "constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]");
}

TEST(ValidateTest, RequiredMinLengthAndRange) {
  Status missing = Check("logs", "CreateLogGroup", "{}");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "1 validation error detected: Value null at 'logGroupName' failed to satisfy "
            "constraint: Member must not be null");

  Status empty = Check("logs", "CreateLogGroup", R"({"logGroupName":""})");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "1 validation error detected: Value '' at 'logGroupName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");

  Status range = Check("logs", "DescribeLogGroups", R"({"limit":51})");
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.error().message,
            "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 50");
  Status low = Check("logs", "DescribeLogGroups", R"({"limit":0})");
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.error().message,
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
}

TEST(ValidateTest, SeveralErrorsAndNestedPaths) {
  Status st = Check("cloudwatch", "PutMetricData",
                    R"({"MetricData":[{"MetricName":"ok"},{"Dimensions":[{"Name":"d"}]}]})");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "3 validation errors detected: "
            "Value null at 'namespace' failed to satisfy constraint: Member must not be null; "
            "Value null at 'metricData.2.member.metricName' failed to satisfy constraint: "
            "Member must not be null; "
            "Value null at 'metricData.2.member.dimensions.1.member.value' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(ValidateTest, ListLengthCountsElements) {
  std::string names;
  for (int i = 0; i < 101; ++i) names += (i ? ",\"a" : "\"a") + std::to_string(i) + "\"";
  Status st = Check("cloudwatch", "DescribeAlarms", "{\"AlarmNames\":[" + names + "]}");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("at 'alarmNames' failed to satisfy constraint: Member must "
                                    "have length less than or equal to 100"),
            std::string::npos);
}

TEST(ValidateTest, LengthCountsCharactersNotBytes) {
  // 512 three-byte characters fit LogGroupName's max of 512.
  std::string name;
  for (int i = 0; i < 512; ++i) name += "\xE3\x81\x82";
  EXPECT_TRUE(Check("logs", "CreateLogGroup", "{\"logGroupName\":\"" + name + "\"}").ok());
}

TEST(ValidateTest, OrganizationsReasonAndRedaction) {
  Status st = Check("organizations", "CreateAccount", R"({"Email":"a@b","AccountName":"n"})");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "InvalidInputException");
  EXPECT_EQ(st.error().message,
            "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'email' "
            "failed to satisfy constraint: Member must have length greater than or equal to 6");
  ASSERT_NE(st.error().Field("Reason"), nullptr);
  EXPECT_EQ(*st.error().Field("Reason"), "MIN_LENGTH_EXCEEDED");
}

TEST(ValidateTest, ValidationCodePerService) {
  struct Case {
    const char* id;
    const char* code;
  } cases[] = {
      {"logs", "InvalidParameterException"},
      {"cloudtrail", "InvalidParameterException"},
      {"organizations", "InvalidInputException"},
      {"cloudwatch", "ValidationError"},
      {"sqs", "ValidationError"},
      {"sqs-query", "ValidationError"},
      {"sns", "InvalidParameter"},
      {"iam", "ValidationError"},
      {"sts", "ValidationError"},
      {"lambda", "ValidationException"},
      {"s3", "InvalidArgument"},
      {"kms", "ValidationException"},
  };
  for (const Case& c : cases) {
    const spec::Service* svc = ValidateModels().Find(c.id);
    ASSERT_NE(svc, nullptr) << c.id;
    EXPECT_EQ(ValidationErrorCode(*svc), c.code) << c.id;
  }
}

TEST(ValidateTest, SnsValidationRendersAsModelledQueryCode) {
  const spec::Service* sns = ValidateModels().Find("sns");
  internal::ErrorFacts f =
      internal::ResolveError(sns, AwsError(std::string(ValidationErrorCode(*sns)), "m"));
  EXPECT_EQ(f.query_code, "InvalidParameter");
  EXPECT_EQ(f.type, "InvalidParameterException");
  EXPECT_EQ(f.status, 400);
}

TEST(ValidateTest, ResolveErrorFacts) {
  const spec::Service* iam = ValidateModels().Find("iam");
  internal::ErrorFacts f = internal::ResolveError(iam, AwsError("NoSuchEntityException", ""));
  EXPECT_EQ(f.status, 404);
  EXPECT_EQ(f.query_code, "NoSuchEntity");
  EXPECT_TRUE(f.sender_fault);
  EXPECT_EQ(f.message,
            "The request was rejected because it referenced a resource entity that does not "
            "exist.");
  internal::ErrorFacts over = internal::ResolveError(iam, AwsError("NoSuchEntity", "m", 410));
  EXPECT_EQ(over.status, 410);
  EXPECT_EQ(over.type, "NoSuchEntityException");
  internal::ErrorFacts unknown = internal::ResolveError(nullptr, AwsError("Throttling", "slow"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.query_code, "Throttling");
  EXPECT_EQ(unknown.message, "slow");
}

TEST(ValidateTest, FormatTimestamp) {
  EXPECT_EQ(internal::FormatTimestamp(1767225600.25, "iso8601"), "2026-01-01T00:00:00.250Z");
  EXPECT_EQ(internal::FormatTimestamp(1767225600, ""), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(internal::FormatTimestamp(1441139757.497, "unixTimestamp"), "1441139757.497");
  EXPECT_EQ(internal::FormatTimestamp(1767225600, "unixTimestamp"), "1767225600");
  EXPECT_EQ(internal::FormatTimestamp(1767225600, "rfc822"), "Thu, 01 Jan 2026 00:00:00 GMT");
}

}  // namespace
}  // namespace orgtrail::protocol
