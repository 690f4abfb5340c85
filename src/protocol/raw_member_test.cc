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

const spec::Catalog& RawMemberModels() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

// PutLogEvents with `body`, parsed as the gateway parses it.
Result<Value> ParsePutLogEvents(const std::string& body) {
  http::Request req;
  req.method = "POST";
  req.SetTarget("/");
  req.headers = {{"X-Amz-Target", "Logs_20140328.PutLogEvents"},
                 {"Content-Type", "application/x-amz-json-1.1"}};
  req.body = body;
  return ParseInput(req, RouteRequest(req, RawMemberModels(), ""));
}

std::string Outcome(const std::string& body) {
  Result<Value> v = ParsePutLogEvents(body);
  if (!v.ok()) return v.error().code + ": " + v.error().message;
  return v->ToJson();
}

// The elements of a packed raw member, as "timestamp:message" lines.
std::string Unpack(const Value& packed) {
  RawList raw;
  if (!packed.is_string() || !raw.Open(packed.AsString())) return "<not packed>";
  int ts = raw.Member("timestamp");
  int msg = raw.Member("message");
  std::string out;
  while (raw.Next()) {
    out += std::to_string(raw.Int(ts).value_or(-1)) + ":" +
           std::string(raw.String(msg).value_or("<none>")) + "\n";
  }
  return out;
}

Value Parsed(const std::string& body) {
  Result<Value> v = ParsePutLogEvents(body);
  return v.ok() ? std::move(v).value() : Value();
}

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
  Value raw = Parsed(bodies[0]);
  EXPECT_EQ(raw.GetString("logGroupName"), "g");
  EXPECT_EQ(raw.GetString("logStreamName"), "s");
  EXPECT_EQ(Unpack(raw["logEvents"]), "1:a \"q\" \xC3\xA9\n2:b\n");
  for (size_t i = 1; i < bodies.size(); ++i) EXPECT_EQ(Outcome(bodies[i]), ordinary[i]) << i;

  // The packed form read back is refused when cut short or not packed at all.
  RawList list;
  EXPECT_FALSE(list.Open("[]"));
  std::string packed = raw["logEvents"].AsString();
  ASSERT_TRUE(list.Open(std::string_view(packed).substr(0, packed.size() - 2)));
  EXPECT_EQ(list.size(), 2u);
  EXPECT_TRUE(list.Next());
  EXPECT_FALSE(list.Next());
  DeclareRawListMember("logs", "PutLogEvents", "");  // back to the ordinary path
  EXPECT_EQ(Outcome(bodies[0]), ordinary[0]);
}

// An internal caller's packed form is what the raw pass produces for the same events.
TEST(RawMemberTest, WriterPacksAsTheRawPassDoes) {
  DeclareRawListMember("logs", "PutLogEvents", "logEvents");
  Value parsed =
      Parsed(Events(R"([{"timestamp":1,"message":"a \"q\""},{"timestamp":2,"message":"b"}])"));
  RawListWriter w({"timestamp", "message"});
  w.Int(1);
  w.String("a \"q\"");
  w.EndElement();
  w.Int(2);
  w.String("b");
  w.EndElement();
  EXPECT_EQ(w.size(), 2u);
  Value packed(w.Finish());
  EXPECT_EQ(Unpack(packed), "1:a \"q\"\n2:b\n");
  EXPECT_EQ(packed.AsString(), parsed["logEvents"].AsString());
  RawListWriter odd({"message", "flag", "timestamp"});
  odd.Absent();
  odd.Bool(true);
  odd.Int(-5);
  odd.EndElement();
  RawList list;
  std::string text = odd.Finish();
  ASSERT_TRUE(list.Open(text));
  ASSERT_TRUE(list.Next());
  EXPECT_FALSE(list.String(list.Member("message")).has_value());
  EXPECT_EQ(list.Bool(list.Member("flag")), true);
  EXPECT_EQ(list.Int(list.Member("timestamp")), -5);
  EXPECT_FALSE(list.Next());
  DeclareRawListMember("logs", "PutLogEvents", "");
}

}  // namespace
}  // namespace orgtrail::protocol
