// CloudWatch Logs filter patterns: one compiled matcher for FilterLogEvents, metric filters,
// subscription filters, TestMetricFilter and Live Tail. The language (docs/filter-grammar.md):
//
// Dispatch on the pattern P (after trimming spaces and tabs):
//   ""  or only blanks      -> match every event
//   exactly '" "'           -> match every event
//   starts with "{"         -> json-pattern   (must end with "}")
//   starts with "["         -> delim-pattern  (must end with "]")
//   starts and ends with %  -> regex over the whole message
//   otherwise               -> term-pattern
//
//   ws            = { " " | "\t" } ;
//   ws1           = ( " " | "\t" ) , ws ;
//
//   term-pattern  = term , { ws1 , term } ;
//   term          = [ "?" | "-" ] , ( bare-term | quoted-term ) ;
//   bare-term     = term-char , { term-char } ;
//   term-char     = ? printable ASCII 0x21-0x7E except  "  (  )  {  }  [  ]  %  ? ;
//   quoted-term   = '"' , q-char , { q-char } , '"' ;
//   q-char        = ? any character except '"' and '\' ? | '\"' | '\\' ;
//
//   regex         = "%" , branch , { "|" , branch } , "%" ;
//   branch        = [ "^" ] , { piece } , [ "$" ] ;
//   piece         = atom , [ quantifier ] ;
//   quantifier    = "*" | "+" | "?" | "{" , [ int ] , [ "," , [ int ] ] , "}" ;
//   atom          = r-char | "." | escape | class ;
//   r-char        = ALPHA | DIGIT | " " | "_" | "#" | "=" | "@" | "/" | ";" | "," | "-" | ":" ;
//   escape        = "\" , ( "d" | "D" | "s" | "S" | "w" | "W" | "x" , HEX , HEX
//                   | "." | "*" | "+" | "?" | "^" | "$" | "|" | "\" | "[" | "]" | "{" | "}"
//                   | "%" | "-" ) ;
//   class         = "[" , [ "^" ] , class-item , { class-item } , "]" ;
//   class-item    = r-char | escape | r-char , "-" , r-char | "." ;
//
//   json-pattern  = "{" , ws , or-expr , ws , "}" ;
//   or-expr       = and-expr , { ws , "||" , ws , and-expr } ;
//   and-expr      = primary , { ws , "&&" , ws , primary } ;
//   primary       = "(" , ws , or-expr , ws , ")" | comparison ;
//   comparison    = selector , ws , ( eq-op , ws , value
//                                   | rel-op , ws , number
//                                   | "IS" , ws1 , ( "NULL" | "TRUE" | "FALSE" )
//                                   | "NOT" , ws1 , "EXISTS" ) ;
//   eq-op         = "=" | "!=" ;
//   rel-op        = "<=" | ">=" | "<" | ">" ;
//   selector      = "$" , accessor , { accessor } ;
//   accessor      = "." , name | "." , "*" | "[" , int , "]" | "[" , "*" , "]"
//                 | [ "." ] , "['" , key , "']" ;
//   name          = ( ALPHA | DIGIT | "_" | "-" | "@" ) , { ALPHA | DIGIT | "_" | "-" | "@" } ;
//   key           = ? any characters except "'" ? ;
//   value         = quoted-string | number | regex | bare-value ;
//   bare-value    = ( term-char - ( "(" | ")" | "&" | "|" ) ) , { term-char - ( ")" | "&" | "|" ) }
//   ; number        = [ "+" | "-" ] , DIGIT , { DIGIT } , [ "." , DIGIT , { DIGIT } ]
//                   , [ ( "e" | "E" ) , [ "+" | "-" ] , DIGIT , { DIGIT } ] ;
//   quoted-string = '"' , { q-char } , '"' ;
//
//   delim-pattern = "[" , ws , [ field , { ws , "," , ws , field } ] , ws , "]" ;
//   field         = "..." | fname | condition , { ws , ( "&&" | "||" ) , ws , condition } ;
//   condition     = fname , ws , ( eq-op | rel-op ) , ws , delim-value ;
//   delim-value   = quoted-string | number | regex | delim-bare ;
//   delim-bare    = ( term-char - ( "(" | ")" | "&" | "|" | "," ) )
//                   , { term-char - ( ")" | "&" | "|" | "," ) } ;
//   fname         = ( ALPHA | DIGIT | "_" ) , { ALPHA | DIGIT | "_" } ;
//
// Limits: at most 1024 characters; at most 2 regular expressions; in JSON at most one wildcard
// per selector and three per pattern. Keywords (IS NULL TRUE FALSE NOT EXISTS) in any case.
// Errors are InvalidParameterException (400) with AWS's texts: "Invalid filter pattern",
// "Invalid character(s) in term '<term>'", "If a filter pattern starts with '{' it must end
// with '}'", and the length validation message. Matching is case-sensitive everywhere.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace orgtrail::filter {

struct Compiled;  // the matcher (AST compiled for matching); internal

enum class PatternKind { kAll, kTerms, kRegex, kJson, kSpaceDelimited };

class Pattern {
 public:
  // Parses and compiles; a pattern outside the language -> AwsError("InvalidParameterException",
  // <AWS's message>, 400). Never match-all for something not understood.
  static Result<Pattern> Compile(std::string_view text);

  // Whether one log event's message matches.
  bool Matches(std::string_view message) const;

  // Value of a selector for metric values/dimensions: "$.a.b[0]" (JSON patterns) or "$name" /
  // "$3" (space-delimited field names / 1-based token positions); nullopt when absent, not a
  // scalar, or the event does not match. JSON strings come unquoted, integers in decimal,
  // other numbers in shortest round-trip form, booleans as true/false.
  std::optional<std::string> Extract(std::string_view message, std::string_view selector) const;

  // TestMetricFilter's extractedValues for a matching event: ("$name", token) for every named
  // field and ("$N", token) for tokens covered by "..." in space-delimited patterns, in token
  // order; empty for other kinds or when the event does not match.
  std::vector<std::pair<std::string, std::string>> ExtractedValues(std::string_view message) const;

  // Literal byte strings every matching message must contain (may be empty = unknown). Lets a
  // store skip blocks of events that cannot match without scanning each event.
  const std::vector<std::string>& RequiredLiterals() const;
  // True for JSON patterns: a message may spell a literal with JSON escapes ("\u0041"), so the
  // literals rule out only messages (or blocks of them) that contain no backslash.
  bool RequiredUnlessEscaped() const;

  // The empty pattern (and blanks, '" "', "[]") - matches everything.
  bool MatchesAll() const;

  PatternKind kind() const;
  // Number of %regex% in the pattern (for the per-log-group limit on regex filters).
  int regex_count() const;

  std::string_view text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace orgtrail::filter
