// The compiled form of a Logs Insights query and its run-time values (internal to
// src/filter/insights_*.cc).
#pragma once

#include <re2/re2.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "filter/insights.h"

namespace orgtrail::filter::insights {

// A run-time value: absent (a missing field), a string, a number, or a time (epoch ms, rendered
// as Insights renders @timestamp).
struct Val {
  enum Kind { kNone, kStr, kNum, kTime } kind = kNone;
  std::string s;
  double n = 0;

  static Val Str(std::string v) { return {kStr, std::move(v), 0}; }
  static Val Num(double v) { return {kNum, {}, v}; }
  static Val Time(double ms) { return {kTime, {}, ms}; }
  bool present() const { return kind != kNone; }
  // The number this value denotes (a numeric string counts), if any.
  std::optional<double> Number() const;
  std::string Render() const;
};

// One row flowing through the pipeline: field name → value, in insertion order.
struct Row {
  std::vector<std::pair<std::string, Val>> fields;
  const Val* Find(std::string_view name) const;
  void Set(const std::string& name, Val v);
};

struct Expr {
  enum Kind {
    kField,
    kNumber,
    kString,
    kRegex,
    kCall,  // name(args)
    kNeg,   // -a
    kNot,   // not a
    kAnd,
    kOr,
    kCompare,  // a op b
    kArith,    // a op b
    kLike,     // a like b (string: substring, regex: match); negated = not like
    kIn,       // a in [args...]
  } kind = kNumber;
  std::string name;  // field, function or operator
  double number = 0;
  std::string text;  // string literal, regex source
  std::shared_ptr<const RE2> re;
  std::vector<std::unique_ptr<Expr>> args;
  bool negated = false;
};

struct Projection {
  std::unique_ptr<Expr> expr;
  std::string name;
};

struct Aggregate {
  std::string func;           // count, sum, avg, min, max, count_distinct
  std::unique_ptr<Expr> arg;  // null for count(*)
  std::string name;
};

struct SortKey {
  std::unique_ptr<Expr> expr;
  bool desc = true;
};

struct Command {
  enum Kind { kFields, kDisplay, kFilter, kStats, kSort, kLimit, kParse } kind = kFields;
  std::vector<Projection> projections;  // fields, display, stats groups
  std::unique_ptr<Expr> expr;           // filter; parse source
  std::vector<Aggregate> aggregates;    // stats
  std::vector<SortKey> keys;            // sort
  size_t limit = 0;
  // parse: a glob (literal pieces around "*") with names, or a regex with named groups.
  std::vector<std::string> glob;
  std::shared_ptr<const RE2> re;
  std::vector<std::string> names;
};

struct Program {
  std::vector<Command> commands;
  bool aggregates = false;
  bool sorts = false;
  size_t limit = 0;  // the last limit command, 0 = none
};

// Evaluates an expression against a row (insights_eval.cc).
Val Eval(const Expr& e, const Row& row);
bool Truthy(const Val& v);
// Orders two values for sort: numbers numerically, else as strings; absent values last.
int CompareForSort(const Val& a, const Val& b);

}  // namespace orgtrail::filter::insights
