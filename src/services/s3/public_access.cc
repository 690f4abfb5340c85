// Block Public Access
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html):
// what counts as public ("The meaning of public") and the bucket's four settings.
// IgnorePublicAcls is stored and returned; it changes no decision here because orgtrail never
// grants access through ACLs (policies alone decide), so public ACLs are always ignored.

#include "core/encoding.h"
#include "core/json.h"
#include "services/s3/state.h"

namespace orgtrail::services::s3 {
namespace {

bool HasWildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// '*' any run, '?' one character; the caller lowercases both sides.
bool Glob(std::string_view pattern, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p;
      ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> Strings(const Value& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.AsString());
  if (v.is_list())
    for (const Value& e : v.AsList())
      if (e.is_string()) out.push_back(e.AsString());
  return out;
}

// "Bad actions" could expose the bucket's data to the public: s3:Get*, s3:List*, s3:Delete*,
// s3:Put*, s3:AbortMultipartUpload, s3:RestoreObject. A pattern is bad when it can match one.
bool GrantsBadAction(const Value& statement) {
  if (statement.Has("NotAction")) return true;
  static constexpr std::string_view kBad[] = {
      "s3:getobject",     "s3:getobjectversion",    "s3:getbucketpolicy", "s3:listbucket",
      "s3:deleteobject",  "s3:deletebucket",        "s3:putobject",       "s3:putbucketpolicy",
      "s3:restoreobject", "s3:abortmultipartupload"};
  for (const std::string& a : Strings(statement["Action"])) {
    std::string action = ToLower(a);
    for (std::string_view prefix : {"s3:get", "s3:list", "s3:delete", "s3:put"})
      if (action.rfind(prefix, 0) == 0) return true;
    for (std::string_view bad : kBad)
      if (Glob(action, bad)) return true;
  }
  return false;
}

// Principal "*" (or an AWS principal with a wildcard), or NotPrincipal.
bool PrincipalIsOpen(const Value& statement) {
  if (statement.Has("NotPrincipal")) return true;
  const Value& p = statement["Principal"];
  if (p.is_string()) return HasWildcard(p.AsString());
  if (!p.is_map()) return false;
  for (const auto& [type, ids] : p.AsMap())
    for (const std::string& id : Strings(ids))
      if (HasWildcard(id)) return true;
  return false;
}

// A condition that pins the caller to fixed values of a key that names a source, owner or
// network: the statement is then not public.
bool ConditionRestricts(const Value& condition) {
  static constexpr std::string_view kFixedKeys[] = {
      "aws:sourcearn",    "aws:sourcevpc",      "aws:sourcevpce",
      "aws:sourceowner",  "aws:sourceaccount",  "s3:x-amz-server-side-encryption-aws-kms-key-id",
      "aws:userid",       "aws:principalorgid", "aws:principalaccount",
      "aws:principalarn", "aws:sourceorgid",    "aws:principalorgpaths"};
  if (!condition.is_map()) return false;
  for (const auto& [op_name, block] : condition.AsMap()) {
    std::string op = ToLower(op_name);
    if (op.size() >= 8 && op.compare(op.size() - 8, 8, "ifexists") == 0) continue;
    if (op.rfind("forallvalues:", 0) == 0) continue;  // true for an empty set
    if (op.rfind("foranyvalue:", 0) == 0) op = op.substr(12);
    if (!block.is_map()) continue;
    for (const auto& [key_name, values] : block.AsMap()) {
      std::string key = ToLower(key_name);
      std::vector<std::string> vs = Strings(values);
      if (vs.empty()) continue;
      if (key == "aws:sourceip" && op == "ipaddress") {
        bool narrow = true;
        for (const std::string& cidr : vs) {
          size_t slash = cidr.find('/');
          if (slash != std::string::npos && cidr.substr(slash + 1) == "0") narrow = false;
        }
        if (narrow) return true;
        continue;
      }
      bool equality = op == "stringequals" || op == "stringequalsignorecase" ||
                      op == "stringlike" || op == "arnequals" || op == "arnlike";
      bool known = false;
      for (std::string_view k : kFixedKeys) known = known || key == k;
      if (!equality || !known) continue;
      bool fixed = true;
      for (const std::string& v : vs) fixed = fixed && !HasWildcard(v);
      if (fixed) return true;
    }
  }
  return false;
}

bool Setting(const Bucket& bucket, std::string_view name) {
  const Value* block = bucket.row.Find("PublicAccessBlock");
  return block && (*block)[std::string(name)].AsBool();
}

AwsError Blocked(gateway::Call& call, std::string_view action, const std::string& resource,
                 std::string_view because) {
  const std::string who = call.principal.is_anonymous() ? "anonymous" : call.principal.arn;
  return AwsError("AccessDenied",
                  "User: " + who + " is not authorized to perform: " + std::string(action) +
                      " on resource: \"" + resource + "\" because " + std::string(because),
                  403);
}

}  // namespace

bool IsPublicPolicy(std::string_view document) {
  auto parsed = ParseJson(document);
  if (!parsed.ok()) return false;
  Value statements = (*parsed)["Statement"];
  if (statements.is_map()) statements = Value::MakeList().Append(statements);
  if (!statements.is_list()) return false;
  for (const Value& s : statements.AsList()) {
    if (s.GetString("Effect") != "Allow") continue;
    if (!PrincipalIsOpen(s) || ConditionRestricts(s["Condition"])) continue;
    if (GrantsBadAction(s)) return true;
  }
  return false;
}

bool IsPublicCannedAcl(std::string_view canned) {
  // Grants to the AllUsers or AuthenticatedUsers groups.
  return canned == "public-read" || canned == "public-read-write" || canned == "authenticated-read";
}

Status CheckPublicPolicyAllowed(gateway::Call& call, const Bucket& bucket,
                                std::string_view document) {
  if (!Setting(bucket, "BlockPublicPolicy") || !IsPublicPolicy(document)) return Ok();
  return Blocked(call, "s3:PutBucketPolicy", "arn:aws:s3:::" + bucket.name,
                 "public policies are blocked by the BlockPublicPolicy block public access "
                 "setting.");
}

Status CheckPublicAclAllowed(gateway::Call& call, const Bucket& bucket, std::string_view action,
                             const std::string& key, std::string_view canned) {
  if (!Setting(bucket, "BlockPublicAcls") || !IsPublicCannedAcl(canned)) return Ok();
  std::string resource = "arn:aws:s3:::" + bucket.name;
  if (!key.empty()) resource += "/" + key;
  return Blocked(call, action, resource,
                 "public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public "
                 "Access.");
}

bool RestrictsPublicPolicy(const Bucket& bucket) {
  if (!Setting(bucket, "RestrictPublicBuckets")) return false;
  const std::string doc = bucket.row.GetString("Policy");
  return !doc.empty() && IsPublicPolicy(doc);
}

}  // namespace orgtrail::services::s3
