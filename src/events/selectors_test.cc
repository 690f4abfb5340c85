#include "events/selectors.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "core/json.h"

namespace orgtrail::events {
namespace {

// `name` is a literal: the facts view it.
SelectorFacts Mgmt(std::string_view name, bool read_only) {
  SelectorFacts f;
  f.event_source = "iam.amazonaws.com";
  f.event_name = name;
  f.event_category = "Management";
  f.read_only = read_only;
  return f;
}

SelectorFacts S3Object(std::string arn, bool read_only) {
  SelectorFacts f;
  f.event_source = "s3.amazonaws.com";
  f.event_name = read_only ? "GetObject" : "PutObject";
  f.event_category = "Data";
  f.management_event = false;
  f.read_only = read_only;
  // The facts view their resources: kept for the whole test run.
  static std::deque<std::vector<RecordResource>> kept;
  f.resources = kept.emplace_back(std::vector<RecordResource>{
      {"arn:aws:s3:::b", "1", "AWS::S3::Bucket"}, {std::move(arn), "1", "AWS::S3::Object"}});
  return f;
}

TrailSelectors Parse(const char* json) {
  auto v = ParseJson(json);
  EXPECT_TRUE(v.ok());
  return SelectorsFromValue(*v);
}

TEST(SelectorsTest, DefaultIsAllManagementEventsAndNoDataEvents) {
  TrailSelectors d;
  EXPECT_TRUE(MatchesSelectors(d, Mgmt("CreateUser", false)));
  EXPECT_TRUE(MatchesSelectors(d, Mgmt("GetUser", true)));
  EXPECT_FALSE(MatchesSelectors(d, S3Object("arn:aws:s3:::b/k", true)));
}

TEST(SelectorsTest, BasicReadWriteTypeAndDataResources) {
  TrailSelectors s = Parse(R"({"EventSelectors":[{"ReadWriteType":"WriteOnly",
      "IncludeManagementEvents":true,
      "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::b/logs/"]}]}]})");
  EXPECT_TRUE(MatchesSelectors(s, Mgmt("CreateUser", false)));
  EXPECT_FALSE(MatchesSelectors(s, Mgmt("GetUser", true)));
  EXPECT_TRUE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/logs/x", false)));
  EXPECT_FALSE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/other", false)));
  EXPECT_FALSE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/logs/x", true)));
  TrailSelectors all = Parse(R"({"EventSelectors":[{"IncludeManagementEvents":false,
      "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]})");
  EXPECT_FALSE(MatchesSelectors(all, Mgmt("CreateUser", false)));
  EXPECT_TRUE(MatchesSelectors(all, S3Object("arn:aws:s3:::z/k", true)));
  TrailSelectors excl = Parse(R"({"EventSelectors":[{"ExcludeManagementEventSources":
      ["iam.amazonaws.com"]}]})");
  EXPECT_FALSE(MatchesSelectors(excl, Mgmt("CreateUser", false)));
}

TEST(SelectorsTest, AdvancedSelectorsAndOrOperators) {
  TrailSelectors s = Parse(R"({"AdvancedEventSelectors":[
      {"Name":"writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                                         {"Field":"readOnly","Equals":["false"]}]},
      {"Name":"objects","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
                                          {"Field":"resources.type","Equals":["AWS::S3::Object"]},
                                          {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::b/a"]},
                                          {"Field":"eventName","NotEquals":["GetObject"]}]}]})");
  EXPECT_TRUE(s.advanced);
  EXPECT_TRUE(MatchesSelectors(s, Mgmt("CreateUser", false)));
  EXPECT_FALSE(MatchesSelectors(s, Mgmt("GetUser", true)));
  EXPECT_TRUE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/a1", false)));
  EXPECT_FALSE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/a1", true)));  // GetObject excluded
  EXPECT_FALSE(MatchesSelectors(s, S3Object("arn:aws:s3:::b/z", false)));
  TrailSelectors errors = Parse(R"({"AdvancedEventSelectors":[{"FieldSelectors":[
      {"Field":"errorCode","Equals":["AccessDenied","AccessDeniedException"]}]}]})");
  SelectorFacts denied = Mgmt("CreateUser", false);
  denied.error_code = "AccessDenied";
  EXPECT_TRUE(MatchesSelectors(errors, denied));
  EXPECT_FALSE(MatchesSelectors(errors, Mgmt("CreateUser", false)));
}

TEST(SelectorsTest, MaySelectDataEventsOnlyWithADataSelector) {
  EXPECT_FALSE(MaySelectDataEvents(TrailSelectors{}));
  EXPECT_FALSE(MaySelectDataEvents(Parse(R"({"EventSelectors":[{"ReadWriteType":"All",
      "IncludeManagementEvents":true,"DataResources":[]}]})")));
  EXPECT_TRUE(MaySelectDataEvents(Parse(R"({"EventSelectors":[{"IncludeManagementEvents":true},
      {"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::b/"]}]}]})")));
  EXPECT_FALSE(MaySelectDataEvents(Parse(R"({"AdvancedEventSelectors":[{"FieldSelectors":[
      {"Field":"eventCategory","Equals":["Management"]}]}]})")));
  EXPECT_FALSE(MaySelectDataEvents(Parse(R"({"AdvancedEventSelectors":[{"FieldSelectors":[
      {"Field":"eventCategory","NotEquals":["Data"]}]}]})")));
  EXPECT_FALSE(MaySelectDataEvents(Parse(R"({"AdvancedEventSelectors":[{"FieldSelectors":[
      {"Field":"errorCode","Equals":["AccessDenied"]}]}]})")));
  EXPECT_TRUE(MaySelectDataEvents(Parse(R"({"AdvancedEventSelectors":[
      {"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},
      {"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
                         {"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]})")));
}

}  // namespace
}  // namespace orgtrail::events
