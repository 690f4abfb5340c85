// Shared pieces of the table-driven evaluation tests (evaluate_test.cc runs the rows that
// *_rows_test.cc define). Each row names the rule of spec/org-iam.md it pins; policies are JSON
// text. A policy text starting with '[' is a statement list wrapped into a 2012-10-17 document;
// one starting with '{' is a whole document.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "policy/document.h"
#include "policy/evaluate.h"

namespace orgtrail::policy::table {

inline constexpr Decision kA = Decision::kAllow;
inline constexpr Decision kD = Decision::kDeny;
using R = Reason;

enum class Who { kUser, kUser2, kRoot, kSession, kService, kAnon, kSlr };

inline constexpr char kAcct[] = "111111111111";
inline constexpr char kOther[] = "222222222222";

struct Row {
  const char* rule;
  Who who = Who::kUser;
  const char* action = "s3:GetObject";
  const char* resource = "arn:aws:s3:::b/k";
  bool cross = false;  // the resource belongs to 222222222222
  std::vector<const char*> identity = {};
  const char* boundary = nullptr;
  std::vector<const char*> session = {};
  const char* resource_policy = nullptr;
  bool trust = false;
  std::vector<std::vector<const char*>> scps = {};
  // Context changes: a repeated key adds a value (multi-valued); nullptr value erases the key.
  std::vector<std::pair<const char*, const char*>> ctx = {};
  Decision want = kD;
  Reason reason = R::kNoIdentityPolicyAllows;
};

inline constexpr char kAllowAll[] = R"([{"Effect":"Allow","Action":"*","Resource":"*"}])";
inline constexpr char kDenyAll[] = R"([{"Effect":"Deny","Action":"*","Resource":"*"}])";
inline constexpr char kAllowGet[] =
    R"([{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}])";
inline constexpr char kAllowS3[] = R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"}])";

inline std::string Wrap(const char* text) {
  std::string t(text);
  if (!t.empty() && t.front() == '[') return R"({"Version":"2012-10-17","Statement":)" + t + "}";
  return t;
}

// A condition statement allowing s3:GetObject on everything when `cond` holds.
#define IF(cond) \
  R"([{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)" cond "}]"
// A resource policy statement allowing s3:GetObject for `principal`.
#define RP(principal) \
  R"([{"Effect":"Allow","Principal":)" principal R"(,"Action":"s3:GetObject","Resource":"*"}])"
#define RES(pattern) R"([{"Effect":"Allow","Action":"s3:*","Resource":)" pattern "}]"

std::vector<Row> MatchRows();      // §5.4.1–3
std::vector<Row> ConditionRows();  // §5.4.4–6
std::vector<Row> AlgorithmRows();  // §5.5

}  // namespace orgtrail::policy::table
