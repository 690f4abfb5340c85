// Policy document parsing and validation (spec/org-iam.md §4.3; IAM User Guide "IAM JSON policy
// element reference" and "IAM JSON policy grammar"). Messages are the ones IAM answers with.
#include "policy/document.h"

#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/encoding.h"
#include "core/json.h"
#include "core/value.h"
#include "policy/internal.h"

namespace orgtrail::policy {
namespace {

constexpr std::string_view kSyntax = "Syntax errors in policy.";

AwsError Malformed(std::string message) {
  return AwsError("MalformedPolicyDocument", std::move(message));
}

bool IsDigits12(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A string or a list of strings (JSON numbers and booleans are not accepted here).
bool StringList(const Value& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.AsString());
    return true;
  }
  if (!v.is_list()) return false;
  for (const Value& e : v.AsList()) {
    if (!e.is_string()) return false;
    out->push_back(e.AsString());
  }
  return true;
}

// Condition values may also be JSON numbers or booleans ({"aws:SecureTransport": false}).
bool ScalarText(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kString:
      *out = v.AsString();
      return true;
    case Value::Kind::kBool:
      *out = v.AsBool() ? "true" : "false";
      return true;
    case Value::Kind::kInt:
      *out = std::to_string(v.AsInt());
      return true;
    case Value::Kind::kDouble:
      *out = WriteJson(v);
      return true;
    default:
      return false;
  }
}

std::optional<AwsError> ParseAwsPrincipal(const std::string& s, PrincipalSet* set) {
  if (s == "*") {
    set->any = true;
    return std::nullopt;
  }
  AwsPrincipal p;
  p.arn = s;
  if (IsDigits12(s)) {
    p.kind = AwsPrincipal::Kind::kAccount;
    p.account = s;
    p.arn = "arn:aws:iam::" + s + ":root";
    set->aws.push_back(std::move(p));
    return std::nullopt;
  }
  std::vector<std::string_view> parts = Split(s, ':');
  bool ok = parts.size() >= 6 && parts[0] == "arn" && !parts[1].empty() && parts[3].empty() &&
            IsDigits12(parts[4]) && (parts[2] == "iam" || parts[2] == "sts");
  if (ok) {
    p.account = std::string(parts[4]);
    size_t offset = 5;
    for (int i = 0; i < 5; ++i) offset += parts[i].size();
    std::string_view rest = std::string_view(s).substr(offset);
    if (parts[2] == "iam" && rest == "root") {
      p.kind = AwsPrincipal::Kind::kAccount;
    } else if (parts[2] == "iam" && StartsWith(rest, "user/") && rest.size() > 5) {
      p.kind = AwsPrincipal::Kind::kUser;
    } else if (parts[2] == "iam" && StartsWith(rest, "role/") && rest.size() > 5) {
      p.kind = AwsPrincipal::Kind::kRole;
    } else if (parts[2] == "sts" && StartsWith(rest, "assumed-role/") &&
               Split(rest, '/').size() == 3) {
      p.kind = AwsPrincipal::Kind::kSession;
    } else if (StartsWith(rest, "federated-user/") || StartsWith(rest, "saml-provider/") ||
               StartsWith(rest, "oidc-provider/")) {
      p.kind = AwsPrincipal::Kind::kOther;
    } else {
      ok = false;
    }
  }
  if (!ok) return Malformed("Invalid principal in policy: \"AWS\":\"" + s + "\"");
  set->aws.push_back(std::move(p));
  return std::nullopt;
}

// Principal / NotPrincipal: "*" or {"AWS"|"Service"|"Federated"|"CanonicalUser": str|[str]}.
std::optional<AwsError> ParsePrincipal(const Value& v, PrincipalSet* set) {
  if (v.is_string()) {
    if (v.AsString() != "*") return Malformed(std::string(kSyntax));
    set->any = true;
    return std::nullopt;
  }
  if (!v.is_map() || v.AsMap().empty()) return Malformed(std::string(kSyntax));
  for (const auto& [k, val] : v.AsMap()) {
    std::vector<std::string> items;
    if (!StringList(val, &items) || items.empty()) return Malformed(std::string(kSyntax));
    if (k == "AWS") {
      for (const std::string& s : items)
        if (auto err = ParseAwsPrincipal(s, set)) return err;
    } else if (k == "Service") {
      for (const std::string& s : items) {
        if (s.empty()) return Malformed("Invalid principal in policy: \"Service\":\"\"");
        set->services.push_back(ToLower(s));
      }
    } else if (k == "Federated") {
      set->federated.insert(set->federated.end(), items.begin(), items.end());
    } else if (k == "CanonicalUser") {
      set->canonical_users.insert(set->canonical_users.end(), items.begin(), items.end());
    } else {
      return Malformed(std::string(kSyntax));
    }
  }
  return std::nullopt;
}

// Condition: operator → key → string|number|bool or a list of them.
std::optional<AwsError> ParseConditions(const Value& v, bool variables, Statement* st) {
  if (!v.is_map()) return Malformed(std::string(kSyntax));
  for (const auto& [op_name, block] : v.AsMap()) {
    if (!block.is_map()) return Malformed(std::string(kSyntax));
    Condition proto;
    if (!internal::ParseConditionOperator(op_name, &proto)) return Malformed(std::string(kSyntax));
    for (const auto& [key, values] : block.AsMap()) {
      Condition c = proto;
      c.key = ToLower(key);
      std::vector<const Value*> items;
      if (values.is_list()) {
        for (const Value& e : values.AsList()) items.push_back(&e);
      } else {
        items.push_back(&values);
      }
      for (const Value* item : items) {
        ConditionValue cv;
        if (!ScalarText(*item, &cv.text)) return Malformed(std::string(kSyntax));
        if (!internal::CompileConditionValue(c, variables, &cv))
          return Malformed(std::string(kSyntax));
        c.values.push_back(std::move(cv));
      }
      st->conditions.push_back(std::move(c));
    }
  }
  return std::nullopt;
}

// The structure of one statement; semantic checks follow in CheckStatement.
std::optional<AwsError> ParseStatement(const Value& v, bool variables, Statement* st,
                                       bool* has_action, bool* has_effect) {
  if (!v.is_map()) return Malformed(std::string(kSyntax));
  const Value* action = nullptr;
  const Value* resource = nullptr;
  const Value* principal = nullptr;
  for (const auto& [k, val] : v.AsMap()) {
    if (k == "Sid") {
      if (!val.is_string()) return Malformed(std::string(kSyntax));
      st->sid = val.AsString();
    } else if (k == "Effect") {
      if (!val.is_string()) return Malformed(std::string(kSyntax));
      *has_effect = true;
      if (val.AsString() == "Allow") {
        st->effect = Effect::kAllow;
      } else if (val.AsString() == "Deny") {
        st->effect = Effect::kDeny;
      } else {
        return Malformed(std::string(kSyntax));
      }
    } else if (k == "Action" || k == "NotAction") {
      if (action != nullptr) return Malformed(std::string(kSyntax));
      action = &val;
      st->not_action = k == "NotAction";
    } else if (k == "Resource" || k == "NotResource") {
      if (resource != nullptr) return Malformed(std::string(kSyntax));
      resource = &val;
      st->not_resource = k == "NotResource";
    } else if (k == "Principal" || k == "NotPrincipal") {
      if (principal != nullptr) return Malformed(std::string(kSyntax));
      principal = &val;
      st->not_principal = k == "NotPrincipal";
    } else if (k == "Condition") {
      if (auto err = ParseConditions(val, variables, st)) return err;
    } else {
      return Malformed(std::string(kSyntax));
    }
  }
  if (action != nullptr) {
    if (!StringList(*action, &st->actions)) return Malformed(std::string(kSyntax));
    *has_action = !st->actions.empty();
    for (std::string& a : st->actions) a = ToLower(a);
  }
  if (resource != nullptr) {
    std::vector<std::string> items;
    if (!StringList(*resource, &items)) return Malformed(std::string(kSyntax));
    st->has_resource = !items.empty();
    for (std::string& r : items) {
      ResourcePattern rp;
      rp.any = r == "*";
      rp.text = std::move(r);
      st->resources.push_back(std::move(rp));
    }
  }
  if (principal != nullptr) {
    st->has_principal = true;
    if (auto err = ParsePrincipal(*principal, &st->principals)) return err;
  }
  return std::nullopt;
}

std::optional<AwsError> CheckAction(std::string_view a) {
  if (a == "*") return std::nullopt;
  size_t colon = a.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  if (a.find(':', colon + 1) != std::string_view::npos)
    return Malformed("Actions/Condition can contain only one colon.");
  return std::nullopt;
}

std::optional<AwsError> CheckResource(const std::string& r) {
  if (r == "*") return std::nullopt;
  if (!StartsWith(r, "arn:"))
    return Malformed("Resource " + r + " must be in ARN format or \"*\".");
  std::vector<std::string_view> parts = Split(r, ':');
  if (parts.size() < 3 || parts[2].empty() ||
      parts[2].find_first_of("*?") != std::string_view::npos)
    return Malformed("Resource vendor must be fully qualified and cannot contain regexes.");
  if (parts.size() < 6) return Malformed("The policy failed legacy parsing");
  return std::nullopt;
}

// Per-statement rules that depend on the document's use, in IAM's order of reporting.
std::optional<AwsError> CheckStatement(const Statement& st, PolicyKind kind, bool has_action,
                                       bool has_effect) {
  const bool wants_principal = kind == PolicyKind::kResource || kind == PolicyKind::kTrust;
  if (st.has_principal && !wants_principal)
    return Malformed("Policy document should not specify a principal.");
  if (!st.has_principal && wants_principal) return Malformed("Missing required field Principal");
  if (!has_action) return Malformed("Policy statement must contain actions.");
  if (!st.has_resource && kind != PolicyKind::kTrust)
    return Malformed("Policy statement must contain resources.");
  if (!has_effect) return Malformed(std::string(kSyntax));
  for (const std::string& a : st.actions)
    if (auto err = CheckAction(a)) return err;
  for (const ResourcePattern& r : st.resources)
    if (auto err = CheckResource(r.text)) return err;
  for (const Condition& c : st.conditions)
    if (c.key.find(':') == std::string::npos || c.key.front() == ':')
      return Malformed(
          "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  return std::nullopt;
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view json, PolicyKind kind) {
  Result<Value> parsed = ParseJson(json);
  if (!parsed.ok() || !parsed->is_map()) return Malformed(std::string(kSyntax));
  const Value& doc = *parsed;
  Policy policy;
  const Value* statements = nullptr;
  for (const auto& [k, v] : doc.AsMap()) {
    if (k == "Version") {
      if (!v.is_string() || (v.AsString() != "2012-10-17" && v.AsString() != "2008-10-17"))
        return Malformed(std::string(kSyntax));
      policy.version = v.AsString();
    } else if (k == "Id") {
      if (!v.is_string()) return Malformed(std::string(kSyntax));
      policy.id = v.AsString();
    } else if (k == "Statement") {
      statements = &v;
    } else {
      return Malformed(std::string(kSyntax));
    }
  }
  policy.variables_enabled = policy.version == "2012-10-17";
  if (statements == nullptr) return Malformed(std::string(kSyntax));
  std::vector<const Value*> items;
  if (statements->is_map()) {
    items.push_back(statements);
  } else if (statements->is_list() && !statements->AsList().empty()) {
    for (const Value& s : statements->AsList()) items.push_back(&s);
  } else {
    return Malformed(std::string(kSyntax));
  }
  std::vector<std::pair<bool, bool>> flags;  // has_action, has_effect
  for (const Value* item : items) {
    Statement st;
    bool has_action = false, has_effect = false;
    if (auto err = ParseStatement(*item, policy.variables_enabled, &st, &has_action, &has_effect))
      return std::move(*err);
    policy.statements.push_back(std::move(st));
    flags.emplace_back(has_action, has_effect);
  }
  std::set<std::string_view> sids;
  for (const Statement& st : policy.statements)
    if (!st.sid.empty() && !sids.insert(st.sid).second)
      return Malformed("Statement IDs (SID) in a single policy must be unique.");
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    if (auto err = CheckStatement(policy.statements[i], kind, flags[i].first, flags[i].second))
      return std::move(*err);
  }
  // Variables in Resource count only after the fifth colon (§5.4.2).
  for (Statement& st : policy.statements) {
    for (ResourcePattern& rp : st.resources) {
      size_t cut = 0;
      for (int i = 0; i < 5 && cut != std::string::npos; ++i) {
        cut = rp.text.find(':', cut);
        if (cut != std::string::npos) ++cut;
      }
      rp.has_variables = policy.variables_enabled && cut != std::string::npos &&
                         rp.text.find("${", cut) != std::string::npos;
    }
  }
  return policy;
}

Status ValidateDocument(std::string_view json, PolicyKind kind) {
  Result<Policy> p = ParsePolicy(json, kind);
  if (!p.ok()) return std::move(p).error();
  return Ok();
}

}  // namespace orgtrail::policy
