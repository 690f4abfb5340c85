// Statement matching: Action, Resource, Principal (spec/org-iam.md §5.4.1–3; IAM User Guide
// "IAM JSON policy elements: Action / Resource / Principal").
#include <string>
#include <string_view>

#include "core/encoding.h"
#include "policy/internal.h"

namespace orgtrail::policy::internal {

bool GlobMatch(std::string_view p, std::string_view s, bool escapes) {
  constexpr size_t kNone = std::string_view::npos;
  size_t pi = 0, si = 0;
  size_t star_p = kNone, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = ++pi;
        star_s = si;
        continue;
      }
      if (c == '?') {
        ++pi;
        ++si;
        continue;
      }
      size_t step = 1;
      if (escapes && c == '\\' && pi + 1 < p.size()) {
        c = p[pi + 1];
        step = 2;
      }
      if (c == s[si]) {
        pi += step;
        ++si;
        continue;
      }
    }
    if (star_p == kNone) return false;
    // Backtrack: let the last '*' absorb one more character.
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

// Splits at the first five colons; false if there are fewer.
bool SplitArn(std::string_view arn, std::string_view parts[6], bool escapes) {
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t pos = start;
    // An escaped colon ("\:") is literal text, not a separator.
    while (true) {
      pos = arn.find(':', pos);
      if (pos == std::string_view::npos) return false;
      if (escapes && pos > start && arn[pos - 1] == '\\') {
        ++pos;
        continue;
      }
      break;
    }
    parts[i] = arn.substr(start, pos - start);
    start = pos + 1;
  }
  parts[5] = arn.substr(start);
  return true;
}

}  // namespace

bool ArnMatch(std::string_view pattern, std::string_view arn, bool escapes) {
  std::string_view pp[6], ap[6];
  if (!SplitArn(pattern, pp, escapes) || !SplitArn(arn, ap, false)) return false;
  for (int i = 0; i < 6; ++i)
    if (!GlobMatch(pp[i], ap[i], escapes)) return false;
  return true;
}

namespace {

PrincipalMatch MatchListed(const PrincipalSet& set, const RequestPrincipal& p) {
  if (set.any) return PrincipalMatch::kDirect;
  if (p.type == PrincipalType::kAWSService) {
    for (const std::string& s : set.services)
      if (IEquals(s, p.service)) return PrincipalMatch::kDirect;
    return PrincipalMatch::kNone;
  }
  if (p.type == PrincipalType::kAnonymous) return PrincipalMatch::kNone;
  PrincipalMatch best = PrincipalMatch::kNone;
  for (const AwsPrincipal& a : set.aws) {
    switch (a.kind) {
      case AwsPrincipal::Kind::kAccount:
        if (a.account == p.account) {
          // The root user named by its own ARN is named directly.
          if (p.type == PrincipalType::kRoot) return PrincipalMatch::kDirect;
          if (best < PrincipalMatch::kAccount) best = PrincipalMatch::kAccount;
        }
        break;
      case AwsPrincipal::Kind::kRole:
        if (p.type == PrincipalType::kAssumedRole && a.arn == p.role_arn)
          best = PrincipalMatch::kRoleArn;
        break;
      case AwsPrincipal::Kind::kUser:
      case AwsPrincipal::Kind::kSession:
      case AwsPrincipal::Kind::kOther:
        if (a.arn == p.arn) return PrincipalMatch::kDirect;
        break;
    }
  }
  return best;
}

}  // namespace

PrincipalMatch MatchPrincipal(const Statement& st, const RequestPrincipal& p) {
  if (!st.has_principal) return PrincipalMatch::kNone;
  PrincipalMatch m = MatchListed(st.principals, p);
  if (!st.not_principal) return m;
  // NotPrincipal: applies to every principal not listed (with Principal's matching rules).
  return m == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
}

bool ActionMatches(const Statement& st, std::string_view action_lower) {
  bool any = false;
  for (const std::string& a : st.actions) {
    if (GlobMatch(a, action_lower)) {
      any = true;
      break;
    }
  }
  return any != st.not_action;
}

namespace {

bool OnePatternMatches(const Policy& policy, const ResourcePattern& rp, std::string_view resource,
                       const Context& ctx, bool* unresolved) {
  if (rp.any) return true;
  if (!rp.has_variables || !policy.variables_enabled) return GlobMatch(rp.text, resource);
  // Variables are substituted only after the fifth colon (§5.4.2).
  size_t cut = 0;
  for (int i = 0; i < 5 && cut != std::string::npos; ++i) {
    cut = rp.text.find(':', cut);
    if (cut != std::string::npos) ++cut;
  }
  if (cut == std::string::npos) cut = rp.text.size();
  std::optional<std::string> tail = Substitute(std::string_view(rp.text).substr(cut), ctx, true);
  if (!tail) {
    *unresolved = true;
    return false;
  }
  // The head has no escapes of its own; escape backslashes so that the whole is one pattern.
  std::string pattern;
  pattern.reserve(cut + tail->size() + 4);
  for (size_t i = 0; i < cut; ++i) {
    if (rp.text[i] == '\\') pattern.push_back('\\');
    pattern.push_back(rp.text[i]);
  }
  pattern += *tail;
  return GlobMatch(pattern, resource, true);
}

bool AnyPatternMatches(const Policy& policy, const Statement& st, std::string_view resource,
                       const Context& ctx, bool* unresolved) {
  for (const ResourcePattern& rp : st.resources)
    if (OnePatternMatches(policy, rp, resource, ctx, unresolved)) return true;
  return false;
}

}  // namespace

bool ResourceMatches(const Policy& policy, const Statement& st, std::string_view resource,
                     const Context& ctx) {
  if (!st.has_resource) return true;
  bool unresolved = false;
  bool matched = AnyPatternMatches(policy, st, resource, ctx, &unresolved);
  // §5.3 decision: a Logs group resource also answers to the bare log-group ARN.
  constexpr std::string_view kStreamSuffix = ":log-stream:";
  if (!matched && StartsWith(resource, "arn:aws:logs:") && EndsWith(resource, kStreamSuffix) &&
      resource.find(":log-group:") != std::string_view::npos) {
    matched = AnyPatternMatches(
        policy, st, resource.substr(0, resource.size() - kStreamSuffix.size()), ctx, &unresolved);
  }
  if (unresolved && !matched) return false;  // §5.4.6 decision: unresolved → statement no match
  if (st.not_resource) return !matched && !unresolved;
  return matched;
}

}  // namespace orgtrail::policy::internal
