// Unstructured terms, quoted phrases, ? and -, %regex%, dispatch, limits and errors.
#include <gtest/gtest.h>

#include <string>

#include "filter/pattern.h"

namespace orgtrail::filter {
namespace {

bool M(std::string_view pattern, std::string_view message) {
  Result<Pattern> p = Pattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() && p->Matches(message);
}

std::string Err(std::string_view pattern) {
  Result<Pattern> p = Pattern::Compile(pattern);
  if (p.ok()) return "<compiled>";
  EXPECT_EQ(p.error().code, "InvalidParameterException");
  EXPECT_EQ(p.error().status, 400);
  return p.error().message;
}

TEST(FilterDispatch, EmptyBlankAndQuotedSpaceMatchEverything) {
  for (const char* p : {"", "  ", "\t", "\" \"", "  \" \"  "}) {
    Result<Pattern> c = Pattern::Compile(p);
    ASSERT_TRUE(c.ok()) << p;
    EXPECT_TRUE(c->MatchesAll());
    EXPECT_EQ(c->kind(), PatternKind::kAll);
    EXPECT_TRUE(c->Matches("anything"));
    EXPECT_TRUE(c->Matches(""));
    EXPECT_EQ(c->text(), p);  // stored verbatim
  }
}

TEST(FilterDispatch, KindsByFirstCharacter) {
  EXPECT_EQ(Pattern::Compile("{$.a = 1}")->kind(), PatternKind::kJson);
  EXPECT_EQ(Pattern::Compile("[a, b]")->kind(), PatternKind::kSpaceDelimited);
  EXPECT_EQ(Pattern::Compile("%ab%")->kind(), PatternKind::kRegex);
  EXPECT_EQ(Pattern::Compile("ERROR")->kind(), PatternKind::kTerms);
  EXPECT_EQ(Pattern::Compile("  ERROR  ")->kind(), PatternKind::kTerms);
}

TEST(FilterDispatch, LengthLimit) {
  std::string ok(1024, 'a');
  EXPECT_TRUE(Pattern::Compile(ok).ok());
  std::string too_long(1025, 'a');
  EXPECT_EQ(Err(too_long), "1 validation error detected: Value '" + too_long +
                               "' at 'filterPattern' failed to satisfy constraint: Member must "
                               "have length less than or equal to 1024");
}

// AWS doc examples: "Matching terms in unstructured log events".
TEST(FilterTerms, AllTermsMustAppear) {
  EXPECT_TRUE(M("ERROR ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(M("ERROR ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_FALSE(M("ERROR ARGUMENTS", "[WARN 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(M("ERROR", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(M("ERROR\tARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
}

TEST(FilterTerms, SubstringNotToken) {
  EXPECT_TRUE(M("ERROR", "Exiting with ERRORCODE: -1"));
  EXPECT_TRUE(M("ROR", "ERROR"));
}

TEST(FilterTerms, CaseSensitive) {
  EXPECT_FALSE(M("error", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(M("error", "an error happened"));
}

TEST(FilterTerms, Exclusion) {
  EXPECT_FALSE(M("ERROR -ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(M("ERROR -ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(M("-ERROR", "[INFO] all good"));
  EXPECT_FALSE(M("-ERROR", "[ERROR 400] BAD REQUEST"));
  // Only the leading - is an operator: "--x" excludes "-x"; "a-b" is a literal.
  EXPECT_FALSE(M("--x", "value -x here"));
  EXPECT_TRUE(M("--x", "value x here"));
  EXPECT_TRUE(M("a-b", "xa-by"));
}

TEST(FilterTerms, QuotedPhrase) {
  EXPECT_TRUE(M("\"INTERNAL SERVER ERROR\"", "[ERROR 500] INTERNAL SERVER ERROR"));
  EXPECT_FALSE(M("\"INTERNAL SERVER ERROR\"", "[ERROR 500] INTERNAL ERROR SERVER"));
  EXPECT_TRUE(M("\"ERROR\" \"Exception\"", "[ERROR] Caught IllegalArgumentException"));
  EXPECT_FALSE(M("\"ERROR Exception\"", "[ERROR] Caught IllegalArgumentException"));
  EXPECT_TRUE(M("\"ERROR Exception\"", "x ERROR Exception y"));
  // Escapes \" and \\ inside quotes; non-ASCII and braces are allowed there.
  EXPECT_TRUE(M(R"("say \"hi\"")", R"(they say "hi" now)"));
  EXPECT_TRUE(M(R"("a\\b")", R"(path a\b)"));
  EXPECT_TRUE(M("\"caf\xC3\xA9 {x}\"", "un caf\xC3\xA9 {x} noir"));
  EXPECT_TRUE(M("-\"BAD REQUEST\"", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(M("-\"BAD REQUEST\"", "[ERROR 400] BAD REQUEST"));
}

TEST(FilterTerms, OptionalTermsAndAwsOddRule) {
  EXPECT_TRUE(M("?ERROR ?ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(M("?ERROR ?ARGUMENTS", "[WARN 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(M("?ERROR ?ARGUMENTS", "[INFO] all good"));
  // With a plain term present, ? terms are ignored: behaves as REQUEST.
  EXPECT_TRUE(M("?ERROR ?ARGUMENTS REQUEST", "[INFO 200] REQUEST done"));
  EXPECT_FALSE(M("?ERROR ?ARGUMENTS REQUEST", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(M("?\"BAD REQUEST\" ?Exception", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(M("?ERROR -OK", "[INFO] fine"));  // with an exclusion, ? ignored too
}

TEST(FilterTerms, RequiredLiterals) {
  Result<Pattern> p = Pattern::Compile("ERROR -DEBUG ?x \"BAD REQUEST\"");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->RequiredLiterals(), (std::vector<std::string>{"ERROR", "BAD REQUEST"}));
  EXPECT_FALSE(p->RequiredUnlessEscaped());
  EXPECT_TRUE(Pattern::Compile("?a ?b")->RequiredLiterals().empty());
}

TEST(FilterTerms, InvalidTerms) {
  EXPECT_EQ(Err("?"), "Invalid filter pattern");
  EXPECT_EQ(Err("-"), "Invalid filter pattern");
  EXPECT_EQ(Err("ERROR ?"), "Invalid filter pattern");
  EXPECT_EQ(Err("\"\""), "Invalid character(s) in term '\"\"'");
  EXPECT_EQ(Err("foo(bar)"), "Invalid character(s) in term 'foo(bar)'");
  EXPECT_EQ(Err("ERROR a}b"), "Invalid character(s) in term 'a}b'");
  EXPECT_EQ(Err("caf\xC3\xA9"), "Invalid character(s) in term 'caf\xC3\xA9'");
  EXPECT_EQ(Err("\xE2\x80\x9Cquoted\xE2\x80\x9D"),
            "Invalid character(s) in term '\xE2\x80\x9Cquoted\xE2\x80\x9D'");
  EXPECT_EQ(Err("%"), "Invalid character(s) in term '%'");
  EXPECT_EQ(Err("50%"), "Invalid character(s) in term '50%'");
  EXPECT_EQ(Err("\"unterminated"), "Invalid filter pattern");
  EXPECT_EQ(Err("\"a\"b"), "Invalid character(s) in term '\"a\"b'");
  EXPECT_EQ(Err("\"a\\nb\""), "Invalid filter pattern");
}

// AWS doc: "Using regular expressions to match terms in unstructured log events".
TEST(FilterRegex, WholeMessageSearch) {
  EXPECT_TRUE(M("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST"));
  EXPECT_FALSE(M("%AUTHORIZED%", "[ERROR 401] authorized"));
  EXPECT_TRUE(M("%gra|ey%", "gray"));
  EXPECT_TRUE(M("%gra|ey%", "grey"));
  EXPECT_FALSE(M("%gra|ey%", "green"));
  EXPECT_TRUE(M("%^starting|^initializing|^shutting down%", "initializing the cache"));
  EXPECT_FALSE(M("%^starting|^initializing|^shutting down%", "skipping initializing the cache"));
  EXPECT_TRUE(M("%done$%", "task done"));
  EXPECT_FALSE(M("%done$%", "done task"));
}

TEST(FilterRegex, AtomsAndQuantifiers) {
  EXPECT_TRUE(M("%10.10.0.1%", "10010,051"));
  EXPECT_FALSE(M("%10\\.10\\.0\\.1%", "10010,051"));
  EXPECT_TRUE(M("%10\\.10\\.0\\.1%", "from 10.10.0.1"));
  EXPECT_FALSE(M("%a.b%", "a\nb"));  // . does not match newline
  EXPECT_TRUE(M("%ab*c%", "ac"));
  EXPECT_TRUE(M("%ab+c%", "abbc"));
  EXPECT_FALSE(M("%ab+c%", "ac"));
  EXPECT_TRUE(M("%colou?r%", "color"));
  EXPECT_TRUE(M("%^a{2}$%", "aa"));
  EXPECT_FALSE(M("%^a{2}$%", "aaa"));
  EXPECT_TRUE(M("%^a{2,}$%", "aaaa"));
  EXPECT_TRUE(M("%^a{,2}$%", ""));
  EXPECT_FALSE(M("%^a{,2}$%", "aaa"));
  EXPECT_TRUE(M("%^a{1,3}$%", "aaa"));
  EXPECT_TRUE(M("%[0-9]{3}%", "code 404"));
  EXPECT_FALSE(M("%[^a-z ]%", "abc def"));
  EXPECT_TRUE(M("%[^a-z ]%", "abc Def"));
  EXPECT_TRUE(M("%[a.]%", "."));
  EXPECT_TRUE(M("%\\d\\d\\d%", "id 123"));
  EXPECT_FALSE(M("%\\d%", "none"));
  EXPECT_TRUE(M("%\\D%", "123a"));
  EXPECT_TRUE(M("%a\\sb%", "a\tb"));
  EXPECT_FALSE(M("%a\\Sb%", "a b"));
  EXPECT_TRUE(M("%^\\w+$%", "a_B9"));
  EXPECT_TRUE(M("%\\W%", "a-b"));
  EXPECT_TRUE(M("%\\x3A%", "k:v"));
  EXPECT_TRUE(M("%\\x28x\\x29%", "f(x)"));
  EXPECT_TRUE(M("%50\\%%", "at 50% load"));
  EXPECT_TRUE(M("%a\\*b%", "a*b"));
  EXPECT_TRUE(M("%[\\-x]%", "-"));
  EXPECT_TRUE(M("%user@host/path;k=v,#1:2%", "user@host/path;k=v,#1:2"));
  EXPECT_FALSE(M("%abc%", "ABC"));  // case-sensitive
}

TEST(FilterRegex, Invalid) {
  EXPECT_EQ(Err("%(a)%"), "Invalid character(s) in term '%(a)%'");
  EXPECT_EQ(Err("%a!b%"), "Invalid character(s) in term '%a!b%'");
  EXPECT_EQ(Err("%caf\xC3\xA9%"), "Invalid character(s) in term '%caf\xC3\xA9%'");
  EXPECT_EQ(Err("%a{b%"), "Invalid character(s) in term '%a{b%'");
  EXPECT_EQ(Err("%a%b%"), "Invalid character(s) in term '%a%b%'");
  EXPECT_EQ(Err("%*a%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%a**%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%[abc%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%[]%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%\\q%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%\\1%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%a$b%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%[z-a]%"), "Invalid filter pattern");
  EXPECT_EQ(Err("%a{99999}%"), "Invalid filter pattern");
}

TEST(FilterRegex, Count) {
  EXPECT_EQ(Pattern::Compile("%a%")->regex_count(), 1);
  EXPECT_EQ(Pattern::Compile("ERROR")->regex_count(), 0);
}

}  // namespace
}  // namespace orgtrail::filter
