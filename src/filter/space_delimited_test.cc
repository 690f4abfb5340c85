// Space-delimited filter patterns: tokens, fields, ellipses, conditions, extracted values.
#include <gtest/gtest.h>

#include <string>

#include "filter/pattern.h"

namespace orgtrail::filter {
namespace {

bool MatchesDelimited(std::string_view pattern, std::string_view message) {
  Result<Pattern> p = Pattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() && p->Matches(message);
}

std::string DelimitedError(std::string_view pattern) {
  Result<Pattern> p = Pattern::Compile(pattern);
  if (p.ok()) return "<compiled>";
  EXPECT_EQ(p.error().code, "InvalidParameterException");
  return p.error().message;
}

// The AWS documentation's example log event.
constexpr char kLog[] =
    R"(127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
constexpr char kAll7[] = "[ip, user, username, timestamp, request, status_code, bytes]";

TEST(FilterDelimited, FieldsAlignOnTokens) {
  EXPECT_TRUE(MatchesDelimited(kAll7, kLog));
  EXPECT_FALSE(
      MatchesDelimited("[ip, user, username, timestamp, request, status_code]", kLog));  // 6 != 7
  EXPECT_FALSE(MatchesDelimited("[a, b, c, d, e, f, g, h]", kLog));
  EXPECT_TRUE(MatchesDelimited("[a,b,c,d,e,f,g]", "1  2\t3 \"4 4\" [5 5] 6 7"));
  EXPECT_TRUE(MatchesDelimited("[]", kLog));
  EXPECT_TRUE(Pattern::Compile("[]")->MatchesAll());
  EXPECT_TRUE(Pattern::Compile("[ ]")->MatchesAll());
  EXPECT_EQ(Pattern::Compile("[]")->kind(), PatternKind::kSpaceDelimited);
}

TEST(FilterDelimited, StringConditionsWithWildcards) {
  EXPECT_TRUE(MatchesDelimited(
      "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", kLog));
  EXPECT_FALSE(MatchesDelimited(
      "[ip, user, username, timestamp, request = *php*, status_code = 4*, bytes]", kLog));
  EXPECT_FALSE(
      MatchesDelimited("[ip, user, username, timestamp, request, status_code = 5*, bytes]", kLog));
  EXPECT_TRUE(MatchesDelimited("[ip, user = Prod, ...]", kLog));
  EXPECT_FALSE(MatchesDelimited("[ip, user = prod, ...]", kLog));  // case-sensitive
  EXPECT_TRUE(MatchesDelimited("[ip, user != Test, ...]", kLog));
  EXPECT_FALSE(MatchesDelimited("[ip, user != Prod, ...]", kLog));
  EXPECT_TRUE(MatchesDelimited(
      R"([ip, user, username, timestamp, request = "GET /index.html HTTP/1.0", ...])", kLog));
  EXPECT_TRUE(
      MatchesDelimited("[ip, user, username = f*k, ...]", kLog));  // a middle * is a wildcard too
  EXPECT_TRUE(MatchesDelimited("[ip, user, username = *, ...]", kLog));
  EXPECT_TRUE(MatchesDelimited("[ip, user, username, timestamp = 10/Oct/2000*, ...]", kLog));
}

TEST(FilterDelimited, NumericConditions) {
  EXPECT_TRUE(MatchesDelimited(
      "[ip, user, username, timestamp, request, status_code, bytes > 1000]", kLog));
  EXPECT_FALSE(MatchesDelimited(
      "[ip, user, username, timestamp, request, status_code, bytes < 1000]", kLog));
  EXPECT_TRUE(MatchesDelimited("[..., status_code = 404, bytes >= 1534]", kLog));
  EXPECT_TRUE(MatchesDelimited("[..., status_code = 404.0, bytes <= 1534]", kLog));
  EXPECT_TRUE(MatchesDelimited("[..., status_code != 200, bytes]", kLog));
  EXPECT_FALSE(MatchesDelimited("[..., status_code != 404, bytes]", kLog));
  // A token that is not a number fails every numeric condition, != included.
  EXPECT_FALSE(MatchesDelimited("[a, bytes != 5]", "x -"));
  EXPECT_FALSE(MatchesDelimited("[a, bytes > 5]", "x -"));
  EXPECT_TRUE(MatchesDelimited("[a, bytes > -1e3]", "x -5"));
}

TEST(FilterDelimited, AndOrWithinAField) {
  EXPECT_TRUE(MatchesDelimited("[..., status_code = 4* && status_code != 403, bytes]", kLog));
  EXPECT_FALSE(MatchesDelimited("[..., status_code = 4* && status_code != 404, bytes]", kLog));
  EXPECT_TRUE(MatchesDelimited("[..., status_code = 200 || status_code = 404, bytes]", kLog));
  EXPECT_FALSE(MatchesDelimited("[..., status_code = 200 || status_code = 500, bytes]", kLog));
  // && binds tighter: 200 || (4* && 403) is false for 404.
  EXPECT_FALSE(MatchesDelimited(
      "[..., status_code = 200 || status_code = 4* && status_code = 403, bytes]", kLog));
  EXPECT_TRUE(MatchesDelimited(
      "[..., status_code = 404 || status_code = 4* && status_code = 403, bytes]", kLog));
}

TEST(FilterDelimited, Regex) {
  EXPECT_TRUE(MatchesDelimited(R"([ip=%127\.0\.0\.[1-9]%, user, ...])", kLog));
  EXPECT_FALSE(MatchesDelimited(R"([ip=%127\.0\.0\.[2-9]%, user, ...])", kLog));
  EXPECT_TRUE(MatchesDelimited(R"([..., request = %^GET /index%, status, bytes])", kLog));
  EXPECT_FALSE(MatchesDelimited(R"([..., request = %^/index%, status, bytes])",
                                kLog));  // ^ = start of token
  // AWS doc: top level / child level item of a resource URI; $ ends the field.
  const char* top = "[method, uri = %/service/[^/]+$%, status]";
  EXPECT_TRUE(MatchesDelimited(top, "GET /service/item 200"));
  EXPECT_FALSE(MatchesDelimited(top, "GET /service/item/child 200"));
  const char* child = "[method, uri = %/service/[^/]+/[^/]+$%, status]";
  EXPECT_TRUE(MatchesDelimited(child, "GET /service/item/child 200"));
  EXPECT_FALSE(MatchesDelimited(child, "GET /service/item 200"));
  EXPECT_TRUE(MatchesDelimited("[a = %x,y%, b]", "x,y 1"));  // a regex may contain commas
  EXPECT_EQ(DelimitedError("[a = %x%, b = %y%, c = %z%]"), "Invalid filter pattern");
}

TEST(FilterDelimited, Ellipses) {
  EXPECT_TRUE(MatchesDelimited("[..., status_code, bytes]", kLog));
  EXPECT_TRUE(MatchesDelimited("[ip, ...]", kLog));
  EXPECT_TRUE(MatchesDelimited("[...]", kLog));
  EXPECT_TRUE(MatchesDelimited("[...]", ""));
  EXPECT_FALSE(MatchesDelimited("[a]", ""));
  EXPECT_TRUE(MatchesDelimited("[..., username = frank, ...]", kLog));
  EXPECT_FALSE(MatchesDelimited("[..., username = alice, ...]", kLog));
  EXPECT_TRUE(MatchesDelimited("[ip, ..., status = 404, ..., bytes]", kLog));
  EXPECT_TRUE(MatchesDelimited("[..., a = x, ..., b = y, ...]", "p x q y r"));
  EXPECT_FALSE(MatchesDelimited("[..., a = y, ..., b = x, ...]", "p x q y r"));
}

TEST(FilterDelimited, Tokenizer) {
  EXPECT_TRUE(MatchesDelimited(R"([a = "x y", b = "p q"])", R"("x y" [p q])"));
  EXPECT_TRUE(MatchesDelimited(R"([a, b = "rest of it"])",
                               "one \"rest of it"));  // unterminated quote: to the end
  EXPECT_TRUE(MatchesDelimited("[a, b = x]", "one [x"));
}

TEST(FilterDelimited, ExtractedValues) {
  Result<Pattern> p = Pattern::Compile(kAll7);
  ASSERT_TRUE(p.ok());
  std::vector<std::pair<std::string, std::string>> want = {
      {"$ip", "127.0.0.1"},
      {"$user", "Prod"},
      {"$username", "frank"},
      {"$timestamp", "10/Oct/2000:13:25:15 -0700"},
      {"$request", "GET /index.html HTTP/1.0"},
      {"$status_code", "404"},
      {"$bytes", "1534"}};
  EXPECT_EQ(p->ExtractedValues(kLog), want);
  EXPECT_EQ(p->Extract(kLog, "$bytes"), "1534");
  EXPECT_EQ(p->Extract(kLog, "$request"), "GET /index.html HTTP/1.0");
  EXPECT_EQ(p->Extract(kLog, "$nope"), std::nullopt);
  EXPECT_TRUE(p->ExtractedValues("too short").empty());

  Result<Pattern> e = Pattern::Compile("[..., status_code = 404, bytes]");
  ASSERT_TRUE(e.ok());
  std::vector<std::pair<std::string, std::string>> ellipsis = {{"$1", "127.0.0.1"},
                                                               {"$2", "Prod"},
                                                               {"$3", "frank"},
                                                               {"$4", "10/Oct/2000:13:25:15 -0700"},
                                                               {"$5", "GET /index.html HTTP/1.0"},
                                                               {"$status_code", "404"},
                                                               {"$bytes", "1534"}};
  EXPECT_EQ(e->ExtractedValues(kLog), ellipsis);
  EXPECT_EQ(e->Extract(kLog, "$3"), "frank");
  EXPECT_EQ(e->Extract(kLog, "$6"), "404");
  // The leftmost alignment is reported.
  Result<Pattern> l = Pattern::Compile("[..., a = x, ...]");
  std::vector<std::pair<std::string, std::string>> left = {{"$a", "x"}, {"$2", "y"}, {"$3", "x"}};
  EXPECT_EQ(l->ExtractedValues("x y x"), left);
}

TEST(FilterDelimited, RequiredLiterals) {
  Result<Pattern> p = Pattern::Compile("[ip, user = Prod, code = 4* || code = 5*, req = *html*]");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->RequiredLiterals(), (std::vector<std::string>{"Prod", "html"}));
  EXPECT_FALSE(p->RequiredUnlessEscaped());
}

TEST(FilterDelimited, Invalid) {
  EXPECT_EQ(DelimitedError("[a, b"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a,, b]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a, ]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a b]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[..., status_code = 4* && bytes > 1000]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a = ]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a > x]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError(R"([a > "1"])"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a = 1 &&]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a.b]"), "Invalid filter pattern");
  EXPECT_EQ(DelimitedError("[a = (x)]"), "Invalid character(s) in term '(x'");
  EXPECT_EQ(DelimitedError("[a = caf\xC3\xA9]"), "Invalid character(s) in term 'caf\xC3\xA9'");
  EXPECT_EQ(DelimitedError("[a = %(%]"), "Invalid character(s) in term '%(%'");
  EXPECT_EQ(DelimitedError("[a = \"x]"), "Invalid filter pattern");
}

}  // namespace
}  // namespace orgtrail::filter
