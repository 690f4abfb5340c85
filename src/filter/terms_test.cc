// Unstructured terms, quoted phrases, ? and -, %regex%, dispatch, limits and errors.
#include <gtest/gtest.h>

#include <string>

#include "filter/pattern.h"

namespace orgtrail::filter {
namespace {

bool MatchesTerms(std::string_view pattern, std::string_view message) {
  Result<Pattern> p = Pattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  return p.ok() && p->Matches(message);
}

std::string TermsError(std::string_view pattern) {
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
  EXPECT_EQ(TermsError(too_long),
            "1 validation error detected: Value '" + too_long +
                "' at 'filterPattern' failed to satisfy constraint: Member must "
                "have length less than or equal to 1024");
}

// AWS doc examples: "Matching terms in unstructured log events".
TEST(FilterTerms, AllTermsMustAppear) {
  EXPECT_TRUE(MatchesTerms("ERROR ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(MatchesTerms("ERROR ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_FALSE(MatchesTerms("ERROR ARGUMENTS", "[WARN 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(MatchesTerms("ERROR", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(MatchesTerms("ERROR\tARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
}

TEST(FilterTerms, SubstringNotToken) {
  EXPECT_TRUE(MatchesTerms("ERROR", "Exiting with ERRORCODE: -1"));
  EXPECT_TRUE(MatchesTerms("ROR", "ERROR"));
}

TEST(FilterTerms, CaseSensitive) {
  EXPECT_FALSE(MatchesTerms("error", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(MatchesTerms("error", "an error happened"));
}

TEST(FilterTerms, Exclusion) {
  EXPECT_FALSE(MatchesTerms("ERROR -ARGUMENTS", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(MatchesTerms("ERROR -ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(MatchesTerms("-ERROR", "[INFO] all good"));
  EXPECT_FALSE(MatchesTerms("-ERROR", "[ERROR 400] BAD REQUEST"));
  // Only the leading - is an operator: "--x" excludes "-x"; "a-b" is a literal.
  EXPECT_FALSE(MatchesTerms("--x", "value -x here"));
  EXPECT_TRUE(MatchesTerms("--x", "value x here"));
  EXPECT_TRUE(MatchesTerms("a-b", "xa-by"));
}

TEST(FilterTerms, QuotedPhrase) {
  EXPECT_TRUE(MatchesTerms("\"INTERNAL SERVER ERROR\"", "[ERROR 500] INTERNAL SERVER ERROR"));
  EXPECT_FALSE(MatchesTerms("\"INTERNAL SERVER ERROR\"", "[ERROR 500] INTERNAL ERROR SERVER"));
  EXPECT_TRUE(MatchesTerms("\"ERROR\" \"Exception\"", "[ERROR] Caught IllegalArgumentException"));
  EXPECT_FALSE(MatchesTerms("\"ERROR Exception\"", "[ERROR] Caught IllegalArgumentException"));
  EXPECT_TRUE(MatchesTerms("\"ERROR Exception\"", "x ERROR Exception y"));
  // Escapes \" and \\ inside quotes; non-ASCII and braces are allowed there.
  EXPECT_TRUE(MatchesTerms(R"("say \"hi\"")", R"(they say "hi" now)"));
  EXPECT_TRUE(MatchesTerms(R"("a\\b")", R"(path a\b)"));
  EXPECT_TRUE(MatchesTerms("\"caf\xC3\xA9 {x}\"", "un caf\xC3\xA9 {x} noir"));
  EXPECT_TRUE(MatchesTerms("-\"BAD REQUEST\"", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(MatchesTerms("-\"BAD REQUEST\"", "[ERROR 400] BAD REQUEST"));
}

TEST(FilterTerms, OptionalTermsAndAwsOddRule) {
  EXPECT_TRUE(MatchesTerms("?ERROR ?ARGUMENTS", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(MatchesTerms("?ERROR ?ARGUMENTS", "[WARN 419] MISSING ARGUMENTS"));
  EXPECT_FALSE(MatchesTerms("?ERROR ?ARGUMENTS", "[INFO] all good"));
  // With a plain term present, ? terms are ignored: behaves as REQUEST.
  EXPECT_TRUE(MatchesTerms("?ERROR ?ARGUMENTS REQUEST", "[INFO 200] REQUEST done"));
  EXPECT_FALSE(MatchesTerms("?ERROR ?ARGUMENTS REQUEST", "[ERROR 419] MISSING ARGUMENTS"));
  EXPECT_TRUE(MatchesTerms("?\"BAD REQUEST\" ?Exception", "[ERROR 400] BAD REQUEST"));
  EXPECT_TRUE(MatchesTerms("?ERROR -OK", "[INFO] fine"));  // with an exclusion, ? ignored too
}

TEST(FilterTerms, RequiredLiterals) {
  Result<Pattern> p = Pattern::Compile("ERROR -DEBUG ?x \"BAD REQUEST\"");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->RequiredLiterals(), (std::vector<std::string>{"ERROR", "BAD REQUEST"}));
  EXPECT_FALSE(p->RequiredUnlessEscaped());
  EXPECT_TRUE(Pattern::Compile("?a ?b")->RequiredLiterals().empty());
}

TEST(FilterTerms, InvalidTerms) {
  EXPECT_EQ(TermsError("?"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("-"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("ERROR ?"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("\"\""), "Invalid character(s) in term '\"\"'");
  EXPECT_EQ(TermsError("foo(bar)"), "Invalid character(s) in term 'foo(bar)'");
  EXPECT_EQ(TermsError("ERROR a}b"), "Invalid character(s) in term 'a}b'");
  EXPECT_EQ(TermsError("caf\xC3\xA9"), "Invalid character(s) in term 'caf\xC3\xA9'");
  EXPECT_EQ(TermsError("\xE2\x80\x9Cquoted\xE2\x80\x9D"),
            "Invalid character(s) in term '\xE2\x80\x9Cquoted\xE2\x80\x9D'");
  EXPECT_EQ(TermsError("%"), "Invalid character(s) in term '%'");
  EXPECT_EQ(TermsError("50%"), "Invalid character(s) in term '50%'");
  EXPECT_EQ(TermsError("\"unterminated"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("\"a\"b"), "Invalid character(s) in term '\"a\"b'");
  EXPECT_EQ(TermsError("\"a\\nb\""), "Invalid filter pattern");
}

// AWS doc: "Using regular expressions to match terms in unstructured log events".
TEST(FilterRegex, WholeMessageSearch) {
  EXPECT_TRUE(MatchesTerms("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST"));
  EXPECT_FALSE(MatchesTerms("%AUTHORIZED%", "[ERROR 401] authorized"));
  EXPECT_TRUE(MatchesTerms("%gra|ey%", "gray"));
  EXPECT_TRUE(MatchesTerms("%gra|ey%", "grey"));
  EXPECT_FALSE(MatchesTerms("%gra|ey%", "green"));
  EXPECT_TRUE(MatchesTerms("%^starting|^initializing|^shutting down%", "initializing the cache"));
  EXPECT_FALSE(
      MatchesTerms("%^starting|^initializing|^shutting down%", "skipping initializing the cache"));
  EXPECT_TRUE(MatchesTerms("%done$%", "task done"));
  EXPECT_FALSE(MatchesTerms("%done$%", "done task"));
}

TEST(FilterRegex, AtomsAndQuantifiers) {
  EXPECT_TRUE(MatchesTerms("%10.10.0.1%", "10010,051"));
  EXPECT_FALSE(MatchesTerms("%10\\.10\\.0\\.1%", "10010,051"));
  EXPECT_TRUE(MatchesTerms("%10\\.10\\.0\\.1%", "from 10.10.0.1"));
  EXPECT_FALSE(MatchesTerms("%a.b%", "a\nb"));  // . does not match newline
  EXPECT_TRUE(MatchesTerms("%ab*c%", "ac"));
  EXPECT_TRUE(MatchesTerms("%ab+c%", "abbc"));
  EXPECT_FALSE(MatchesTerms("%ab+c%", "ac"));
  EXPECT_TRUE(MatchesTerms("%colou?r%", "color"));
  EXPECT_TRUE(MatchesTerms("%^a{2}$%", "aa"));
  EXPECT_FALSE(MatchesTerms("%^a{2}$%", "aaa"));
  EXPECT_TRUE(MatchesTerms("%^a{2,}$%", "aaaa"));
  EXPECT_TRUE(MatchesTerms("%^a{,2}$%", ""));
  EXPECT_FALSE(MatchesTerms("%^a{,2}$%", "aaa"));
  EXPECT_TRUE(MatchesTerms("%^a{1,3}$%", "aaa"));
  EXPECT_TRUE(MatchesTerms("%[0-9]{3}%", "code 404"));
  EXPECT_FALSE(MatchesTerms("%[^a-z ]%", "abc def"));
  EXPECT_TRUE(MatchesTerms("%[^a-z ]%", "abc Def"));
  EXPECT_TRUE(MatchesTerms("%[a.]%", "."));
  EXPECT_TRUE(MatchesTerms("%\\d\\d\\d%", "id 123"));
  EXPECT_FALSE(MatchesTerms("%\\d%", "none"));
  EXPECT_TRUE(MatchesTerms("%\\D%", "123a"));
  EXPECT_TRUE(MatchesTerms("%a\\sb%", "a\tb"));
  EXPECT_FALSE(MatchesTerms("%a\\Sb%", "a b"));
  EXPECT_TRUE(MatchesTerms("%^\\w+$%", "a_B9"));
  EXPECT_TRUE(MatchesTerms("%\\W%", "a-b"));
  EXPECT_TRUE(MatchesTerms("%\\x3A%", "k:v"));
  EXPECT_TRUE(MatchesTerms("%\\x28x\\x29%", "f(x)"));
  EXPECT_TRUE(MatchesTerms("%50\\%%", "at 50% load"));
  EXPECT_TRUE(MatchesTerms("%a\\*b%", "a*b"));
  EXPECT_TRUE(MatchesTerms("%[\\-x]%", "-"));
  EXPECT_TRUE(MatchesTerms("%user@host/path;k=v,#1:2%", "user@host/path;k=v,#1:2"));
  EXPECT_FALSE(MatchesTerms("%abc%", "ABC"));  // case-sensitive
}

TEST(FilterRegex, Invalid) {
  EXPECT_EQ(TermsError("%(a)%"), "Invalid character(s) in term '%(a)%'");
  EXPECT_EQ(TermsError("%a!b%"), "Invalid character(s) in term '%a!b%'");
  EXPECT_EQ(TermsError("%caf\xC3\xA9%"), "Invalid character(s) in term '%caf\xC3\xA9%'");
  EXPECT_EQ(TermsError("%a{b%"), "Invalid character(s) in term '%a{b%'");
  EXPECT_EQ(TermsError("%a%b%"), "Invalid character(s) in term '%a%b%'");
  EXPECT_EQ(TermsError("%*a%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%a**%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%[abc%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%[]%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%\\q%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%\\1%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%a$b%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%[z-a]%"), "Invalid filter pattern");
  EXPECT_EQ(TermsError("%a{99999}%"), "Invalid filter pattern");
}

TEST(FilterRegex, Count) {
  EXPECT_EQ(Pattern::Compile("%a%")->regex_count(), 1);
  EXPECT_EQ(Pattern::Compile("ERROR")->regex_count(), 0);
}

}  // namespace
}  // namespace orgtrail::filter
