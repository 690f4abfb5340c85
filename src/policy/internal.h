// Building blocks shared by the policy engine's files. Not for use outside src/policy (tests
// excepted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/document.h"
#include "policy/evaluate.h"

namespace orgtrail::policy::internal {

// --- match.cc ---------------------------------------------------------------------------------

// Glob over the whole subject: '*' any run of characters (including ':' and '/'), '?' exactly one
// character; everything else compares byte-wise. With `escapes`, "\x" stands for a literal x
// (the output of Substitute for glob targets). Iterative, linear-ish, no regex.
bool GlobMatch(std::string_view pattern, std::string_view subject, bool escapes = false);

// ArnLike/ArnEquals (§5.4 table): both split into six ':'-separated parts (the last part keeps
// any further colons), each part a glob. Fewer than six parts on either side → no match.
bool ArnMatch(std::string_view pattern, std::string_view arn, bool escapes = false);

// How a statement's Principal/NotPrincipal names the request's principal, weakest first.
enum class PrincipalMatch : uint8_t {
  kNone,
  kAccount,  // an account principal of P's account (§5.5.5c: delegation to identity policies)
  kRoleArn,  // the role of session P (§5.5.5b: still subject to boundary and session policies)
  kDirect,   // "*", P's user/session ARN, P's service, or a NotPrincipal not listing P
};
PrincipalMatch MatchPrincipal(const Statement& statement, const RequestPrincipal& principal);

// Action/NotAction against a lower-cased action.
bool ActionMatches(const Statement& statement, std::string_view action_lower);

// Resource/NotResource (variables substituted per request). A statement without either (trust
// policies) matches every resource. For a Logs group resource
// "arn:aws:logs:R:A:log-group:G:log-stream:" the bare "arn:aws:logs:R:A:log-group:G" is tried
// too (§5.3 decision). Unresolvable variables → no match.
bool ResourceMatches(const Policy& policy, const Statement& statement, std::string_view resource,
                     const Context& context);

// --- variables.cc -----------------------------------------------------------------------------

// Substitutes ${key}, ${key, 'default'}, ${*}, ${?}, ${$} (§5.4.6). Values come from single-valued
// context keys; an absent or multi-valued key uses the default, else nullopt (unresolved). With
// `glob`, the result is a pattern for GlobMatch(..., escapes=true): substituted text is literal
// ("\*"), the policy's own wildcards stay wildcards. An unterminated "${" is kept literally.
std::optional<std::string> Substitute(std::string_view text, const Context& context, bool glob);

// --- conditions.cc ----------------------------------------------------------------------------

// Resolves "ForAnyValue:StringLikeIfExists" into op/base/negated/if_exists/qualifier. False for
// unknown operators (and Null with IfExists or a set qualifier).
bool ParseConditionOperator(std::string_view name, Condition* out);

// Fills the typed forms of `value` for `condition`'s operator; false if the text does not parse.
// `variables` says whether the document substitutes variables (2012-10-17).
bool CompileConditionValue(const Condition& condition, bool variables, ConditionValue* value);

bool ParseNumber(std::string_view text, double* out);
bool ParseDate(std::string_view text, int64_t* ms);  // ISO 8601 (date or date-time) or epoch s
bool ParseIpNetwork(std::string_view text, IpNetwork* out);  // CIDR or bare address
bool IpInNetwork(const IpNetwork& address, const IpNetwork& network);

// §5.4.4/5: every condition of the statement holds. Unresolvable variables → false.
bool ConditionsMatch(const Policy& policy, const Statement& statement, const Context& context);

}  // namespace orgtrail::policy::internal
