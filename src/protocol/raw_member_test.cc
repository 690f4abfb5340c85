// Raw list members of the JSON protocol (protocol/raw_member.h): the raw pass hands over the
// list's text only when the model would accept the list as is; otherwise the ordinary path
// answers, with the same Value or the same error.
#include "protocol/raw_member.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "protocol/codec.h"

namespace orgtrail::protocol {
namespace {

const spec::Catalog& Models() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

std::string Outcome(const std::string& body) {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"X-Amz-Target", "Logs_20140328.PutLogEvents"},
                 {"Content-Type", "application/x-amz-json-1.1"}};
  req.body = body;
  Result<Value> v = ParseInput(req, RouteRequest(req, Models(), ""));
  if (!v.ok()) return v.error().code + ": " + v.error().message;
  return v->ToJson();
}

struct Tokens final : JsonSax {
  std::string out;
  bool Null() override { return Add("null"); }
  bool Bool(bool b) override { return Add(b ? "true" : "false"); }
  bool Int64(int64_t i) override { return Add(std::to_string(i)); }
  bool Double(double) override { return Add("double"); }
  bool String(std::string_view s) override { return Add("'" + std::string(s) + "'"); }
  bool Key(std::string_view k) override { return Add(std::string(k) + "="); }
  bool StartObject() override { return Add("{"); }
  bool EndObject() override { return Add("}"); }
  bool StartArray() override { return Add("["); }
  bool EndArray() override { return Add("]"); }
  bool Add(const std::string& s) {
    out += s;
    return true;
  }
};

std::string Events(const std::string& list) {
  return R"({"logGroupName":"g","logStreamName":"s","logEvents":)" + list + "}";
}

TEST(RawMemberTest, ValidListsComeAsTextAndEverythingElseAsTheModelSaysIt) {
  std::vector<std::string> bodies = {
      Events(R"([{"timestamp":1,"message":"a \"q\" \u00e9"},{"message":"b","timestamp":2}])"),
      Events(R"([{"timestamp":1,"message":""}])"),                 // too short
      Events(R"([{"timestamp":-1,"message":"m"}])"),               // below the minimum
      Events(R"([{"timestamp":1}])"),                              // required member missing
      Events(R"([{"timestamp":1.5,"message":"m"}])"),              // not a whole number
      Events(R"([{"timestamp":1e3,"message":"m"}])"),              // a whole double: converted
      Events(R"([{"timestamp":1,"message":"m","x":{"y":1}}])"),    // unknown member: ignored
      Events(R"([{"timestamp":1,"message":"m","message":"n"}])"),  // duplicate key
      Events(R"([null,{"timestamp":1,"message":"m"}])"),           // null element: dropped
      Events(R"([{"timestamp":1,"message":null}])"),
      Events(R"([{"timestamp":"1","message":"m"}])"),
      Events(R"([1])"),
      Events(R"([])"),
      Events(R"("text")"),
      Events(R"([{"timestamp":1,"message":"m"}])") + " x",
      R"({"logGroupName":"","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]})",
      R"({"logEvents":[{"timestamp":1,"message":"m"}],"logEvents":[],"logGroupName":"g",)"
      R"("logStreamName":"s"})",
  };
  std::vector<std::string> ordinary;
  for (const std::string& b : bodies) ordinary.push_back(Outcome(b));

  DeclareRawListMember("logs", "PutLogEvents", "logEvents");
  std::string raw = Outcome(bodies[0]);
  EXPECT_EQ(raw, R"({"logGroupName":"g","logStreamName":"s","logEvents":)"
                 R"("[{\"timestamp\":1,\"message\":\"a \\\"q\\\" \\u00e9\"},{\"message\":\"b\",)"
                 R"(\"timestamp\":2}]"})");
  for (size_t i = 1; i < bodies.size(); ++i) EXPECT_EQ(Outcome(bodies[i]), ordinary[i]) << i;

  Tokens tokens;
  std::string buf;
  ASSERT_TRUE(ReadRawList(R"([{"timestamp":1,"message":"a \"q\" \u00e9"}])", buf, tokens).ok());
  EXPECT_EQ(tokens.out, "[{timestamp=1message='a \"q\" \xC3\xA9'}]");
  DeclareRawListMember("logs", "PutLogEvents", "");  // back to the ordinary path
  EXPECT_EQ(Outcome(bodies[0]), ordinary[0]);
}

}  // namespace
}  // namespace orgtrail::protocol
