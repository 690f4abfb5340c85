// CloudWatch Logs Insights query engine (spec/logs.md §6.2). Pure: no clock, no globals, no I/O.
//
// A query is parsed once (Query::Parse) and run by an Execution, which is fed the events of the
// scanned log groups one by one (Add) and then yields the result rows (Results). The Logs
// service owns the API (StartQuery, GetQueryResults, ...); this engine owns the language.
//
// Language (the supported subset of
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html):
//
//   query      := command ( "|" command )*          # "#" starts a comment up to the line end
//   command    := fields | display | filter | stats | sort | limit | parse
//   fields     := "fields" projection ( "," projection )*
//   display    := "display" field ( "," field )*     # the last display wins
//   projection := expr [ "as" name ]
//   filter     := "filter" expr
//   stats      := "stats" agg [ "as" name ] ( "," agg [ "as" name ] )*
//                 [ "by" group ( "," group )* ]
//   agg        := ( "count" | "sum" | "avg" | "min" | "max" | "count_distinct" )
//                 "(" ( "*" | expr ) ")"
//   group      := expr [ "as" name ]                 # bin(5m): units ms s m h d
//   sort       := "sort" expr [ "asc" | "desc" ] ( "," expr [ "asc" | "desc" ] )*
//   limit      := "limit" integer
//   parse      := "parse" [ field ] ( string "as" name ( "," name )*   # glob: * captures
//                                   | /regex/ )                       # (?<name>...) groups
//   expr       := or ;  or := and ( "or" and )* ;  and := not ( "and" not )*
//   not        := "not" not | cmp
//   cmp        := add [ ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) add
//                     | "like" ( string | /regex/ ) | "=~" /regex/
//                     | [ "not" ] "in" "[" literal ( "," literal )* "]" ]
//   add        := mul ( ( "+" | "-" ) mul )* ;  mul := unary ( ( "*" | "/" | "%" ) unary )*
//   unary      := "-" unary | primary
//   primary    := number | string | /regex/ | field | function "(" args ")" | "(" expr ")"
//   field      := name ( "." name )* | `quoted name` | @timestamp | @message | @logStream
//                 | @log | @ingestionTime | @ptr
//
// Semantics: fields of a JSON message are discovered automatically, nested keys flattened with
// "." and array elements as ".0", ".1", ...; comparisons are numeric when both sides are numbers,
// otherwise string comparisons (case-sensitive; regexes take "(?i)"); a missing field makes a
// comparison false. Without stats, rows are ordered by @timestamp descending unless a sort
// command says otherwise, each row ends with @ptr, and @timestamp renders as
// "YYYY-MM-DD HH:MM:SS.mmm" (UTC). Result rows are capped by the query's limit command, else by
// the limit given to the Execution (StartQuery's limit; 1000 by default here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace orgtrail::filter::insights {

// One log event as the Logs service hands it to the engine. The views need only live for the
// duration of Execution::Add.
struct Record {
  int64_t timestamp_ms = 0;
  int64_t ingestion_time_ms = 0;
  std::string_view message;
  std::string_view log_stream;
  std::string_view log_group;  // rendered as @log; AWS shows "<account id>:<group name>"
  // Opaque pointer rendered as @ptr; empty = the engine derives one from group, stream and time.
  std::string_view ptr = {};
};

inline constexpr size_t kDefaultResultLimit = 1000;
inline constexpr size_t kMaxQueryLength = 10000;

struct Program;  // the compiled query (insights_ast.h)

class Query {
 public:
  // Parses and checks a query string. Errors: MalformedQueryException "Query syntax error"
  // for any syntax error (spec/logs.md §6, decision), or "Query string is too long (maximum
  // 10000 characters)".
  static Result<Query> Parse(std::string_view text);

  // True when the query aggregates (stats): rows are groups, not events, and carry no @ptr.
  bool Aggregates() const;
  // The limit command's value, or 0 when the query has none.
  size_t Limit() const;

  const Program& program() const { return *program_; }

 private:
  explicit Query(std::shared_ptr<const Program> p) : program_(std::move(p)) {}
  std::shared_ptr<const Program> program_;
};

using ResultRow = std::vector<std::pair<std::string, std::string>>;  // (field, value) in order

class Execution {
 public:
  // `limit` caps the rows returned when the query has no limit command (StartQuery's limit).
  explicit Execution(const Query& query, size_t limit = kDefaultResultLimit);
  ~Execution();
  Execution(Execution&&) noexcept;
  Execution& operator=(Execution&&) noexcept;

  // Feeds one event. Any order gives the right result; feeding newest first (as the Logs service
  // scans) lets a query without stats or sort finish early (Done).
  void Add(const Record& record);
  // True when the row limit is reached and the query has neither stats nor sort: with events
  // fed newest first, more events cannot change the result, so the caller may stop scanning.
  bool Done() const;
  // The result rows: each a list of (field, value), values rendered as strings.
  std::vector<ResultRow> Results() const;

  struct Stats {
    double records_matched = 0;
    double records_scanned = 0;
    double bytes_scanned = 0;
  };
  Stats GetStats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "YYYY-MM-DD HH:MM:SS.mmm" (UTC), how Insights renders @timestamp and bin() values.
std::string FormatTimestamp(int64_t ms);

}  // namespace orgtrail::filter::insights
