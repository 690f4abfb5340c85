// IAM policy documents: parsing, validation and the compiled form the evaluator runs on
// (spec/org-iam.md §4.3, §5.4). Pure: no clocks, storage, logging or globals.
//
// A document is compiled once (ParsePolicy) into plain structs: actions are lower-cased,
// principals classified, condition operators resolved to an enum and typed condition values
// (numbers, dates, CIDRs, booleans, base64) pre-parsed, so that evaluation (evaluate.h) does no
// JSON work and no allocation on the common path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace orgtrail::policy {

// Where a document is used decides which elements it must or must not have.
enum class PolicyKind {
  kIdentity,  // user/group/role inline or managed policies, permissions boundaries, session
              // policies
  kResource,  // bucket, topic, queue, function policies: Principal required
  kTrust,     // role trust policies: Principal required, Resource optional
  kScp,       // service control policies: no Principal
};

enum class Effect : uint8_t { kAllow, kDeny };

// Condition operators of §5.4 (the table). Negated operators are kept as written; the compiled
// Condition also carries the positive base operator and a `negated` flag.
enum class ConditionOp : uint8_t {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier : uint8_t { kNone, kForAnyValue, kForAllValues };

// An IPv4 or IPv6 network: `bytes` holds the address (4 or 16 bytes used), `prefix` its length.
struct IpNetwork {
  bool v6 = false;
  int prefix = 0;
  std::array<uint8_t, 16> bytes{};
};

// One value listed for a condition key. JSON numbers and booleans are kept as their text.
struct ConditionValue {
  std::string text;
  // The text contains "${" in a String*/Arn* condition of a 2012-10-17 document: it is
  // substituted per request (§5.4.6) and the typed forms below are unused.
  bool has_variables = false;
  // Typed forms, filled for the operator's family only.
  double number = 0;       // Numeric*
  int64_t date_ms = 0;     // Date*, epoch milliseconds
  IpNetwork network;       // IpAddress / NotIpAddress
  std::string bytes;       // BinaryEquals: the base64-decoded value
  bool null_true = false;  // Null: "true" (key must be absent) or "false"
};

struct Condition {
  std::string op_name;                          // as written, e.g. "ForAnyValue:StringLikeIfExists"
  ConditionOp op = ConditionOp::kStringEquals;  // without qualifier and IfExists
  ConditionOp base =
      ConditionOp::kStringEquals;  // positive form of `op` (NotIpAddress → IpAddress)
  bool negated = false;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::kNone;
  std::string key;  // lower-cased context key name
  std::vector<ConditionValue> values;
};

// One entry of {"AWS": ...}.
struct AwsPrincipal {
  enum class Kind : uint8_t {
    kAccount,  // "123456789012" or arn:aws:iam::123456789012:root: every principal of the account
    kUser,     // arn:aws:iam::A:user/...
    kRole,     // arn:aws:iam::A:role/...: the role and all its sessions
    kSession,  // arn:aws:sts::A:assumed-role/R/S
    kOther,    // other well-formed IAM/STS ARNs (federated users, ...): match by exact ARN
  };
  Kind kind = Kind::kOther;
  std::string account;
  std::string arn;  // full ARN (account principals: arn:aws:iam::A:root)
};

struct PrincipalSet {
  bool any = false;  // "*" or {"AWS": "*"}
  std::vector<AwsPrincipal> aws;
  std::vector<std::string> services;         // lower-cased, e.g. "cloudtrail.amazonaws.com"
  std::vector<std::string> federated;        // kept; orgtrail has no federated principals
  std::vector<std::string> canonical_users;  // kept; never matched
};

struct ResourcePattern {
  std::string text;            // glob over the whole ARN
  bool any = false;            // exactly "*"
  bool has_variables = false;  // "${" after the fifth colon, 2012-10-17 documents only
};

struct Statement {
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased globs
  bool has_resource = false;         // false only in trust policies without Resource/NotResource
  bool not_resource = false;
  std::vector<ResourcePattern> resources;
  bool has_principal = false;  // Principal or NotPrincipal present
  bool not_principal = false;
  PrincipalSet principals;
  std::vector<Condition> conditions;
};

struct Policy {
  std::string version;  // "2012-10-17", "2008-10-17", or "" when absent (= 2008-10-17)
  std::string id;
  bool variables_enabled = false;  // Version 2012-10-17 (§5.4.6)
  std::vector<Statement> statements;
};

// Compiles and validates a document for its use. Failures are
// AwsError{"MalformedPolicyDocument", message} with AWS's wording:
//   "Syntax errors in policy."  JSON errors; wrong element types; unknown top-level or statement
//       elements; Version other than 2012-10-17/2008-10-17; empty Statement list; Effect missing or
//       not Allow/Deny; both Action and NotAction (Resource/NotResource, Principal/NotPrincipal);
//       unknown condition operators and malformed Condition blocks; typed condition values that
//       do not parse (numbers, dates, CIDRs, booleans, base64).
//   "Policy document should not specify a principal."  Principal/NotPrincipal in kIdentity/kScp.
//   "Missing required field Principal"  no Principal/NotPrincipal in kResource/kTrust.
//   "Policy statement must contain actions."  / "Policy statement must contain resources."
//   "Statement IDs (SID) in a single policy must be unique."
//   "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."  (action or
//       condition key without "vendor:"); "Actions/Condition can contain only one colon."
//   "Resource <r> must be in ARN format or \"*\"."  ;  "Resource vendor must be fully qualified
//       and cannot contain regexes."  ;  "The policy failed legacy parsing" (ARN with < 6 parts)
//   Invalid principal in policy: "AWS":"<value>"  (an AWS principal that is not "*", an account
//       ID or an IAM/STS ARN). Whether a named principal exists is the caller's business, as are
//       size limits.
Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind);

// Validates a policy document: ParsePolicy with the result discarded.
Status ValidateDocument(std::string_view json, PolicyKind kind);

}  // namespace orgtrail::policy
