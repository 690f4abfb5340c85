// Table-driven tests of the authorization decision (spec/org-iam.md §5.4, §5.5): the rows live in
// *_rows_test.cc, this file runs them; plus several-resource requests, denial messages (§5.6)
// and the request context.
#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policy/document.h"
#include "policy/evaluate_test_table.h"

namespace orgtrail::policy {
namespace {

using table::kAcct;
using table::kAllowAll;
using table::kOther;
using table::Row;
using table::Who;
using table::Wrap;

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> all = table::MatchRows();
    for (auto part : {table::ConditionRows(), table::AlgorithmRows()})
      all.insert(all.end(), part.begin(), part.end());
    return all;
  }();
  return rows;
}

Request MakeRequest(Who who) {
  Request r;
  RequestPrincipal& p = r.principal;
  p.account = kAcct;
  Context& c = r.context;
  c.Set("aws:SecureTransport", "true");
  c.Set("aws:CurrentTime", "2026-01-01T00:00:00Z");
  c.Set("aws:EpochTime", "1767225600");
  c.Set("aws:RequestedRegion", "us-east-1");
  c.Set("aws:SourceIp", "10.0.0.5");
  c.Set("aws:PrincipalAccount", kAcct);
  switch (who) {
    case Who::kUser:
    case Who::kUser2: {
      const char* name = who == Who::kUser ? "alice" : "carol";
      p.type = PrincipalType::kIAMUser;
      p.arn = std::string("arn:aws:iam::111111111111:user/") + name;
      c.Set("aws:username", name);
      c.Set("aws:userid", std::string("AIDA") + name);
      c.Set("aws:PrincipalArn", p.arn);
      c.Set("aws:PrincipalType", "User");
      break;
    }
    case Who::kRoot:
      p.type = PrincipalType::kRoot;
      p.arn = "arn:aws:iam::111111111111:root";
      c.Set("aws:userid", kAcct);
      c.Set("aws:PrincipalArn", p.arn);
      c.Set("aws:PrincipalType", "Account");
      break;
    case Who::kSession:
    case Who::kSlr:
      p.type = PrincipalType::kAssumedRole;
      if (who == Who::kSession) {
        p.arn = "arn:aws:sts::111111111111:assumed-role/dev/s1";
        p.role_arn = "arn:aws:iam::111111111111:role/dev";
      } else {
        p.arn = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForX/x";
        p.role_arn =
            "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX";
        p.is_service_linked_role = true;
      }
      c.Set("aws:userid", "AROADEV:s1");
      c.Set("aws:PrincipalArn", p.role_arn);
      c.Set("aws:PrincipalType", "AssumedRole");
      break;
    case Who::kService:
      p.type = PrincipalType::kAWSService;
      p.service = "cloudtrail.amazonaws.com";
      c.Erase("aws:SourceIp");
      c.Erase("aws:PrincipalAccount");
      c.Set("aws:PrincipalIsAWSService", "true");
      c.Set("aws:PrincipalServiceName", p.service);
      c.Set("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:111111111111:trail/t");
      c.Set("aws:SourceAccount", kAcct);
      break;
    case Who::kAnon:
      p.type = PrincipalType::kAnonymous;
      p.account.clear();
      c.Erase("aws:PrincipalAccount");
      c.Set("aws:userid", "anonymous");
      c.Set("aws:PrincipalType", "Anonymous");
      break;
  }
  return r;
}

// Parses a row's policy text, failing the test if it is not a valid document of its kind.
const Policy* Compile(const char* text, PolicyKind kind,
                      std::vector<std::unique_ptr<Policy>>* keep) {
  Result<Policy> p = ParsePolicy(Wrap(text), kind);
  EXPECT_TRUE(p.ok()) << text << "\n" << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return nullptr;
  keep->push_back(std::make_unique<Policy>(std::move(p).value()));
  return keep->back().get();
}

class EvaluateTable : public ::testing::TestWithParam<size_t> {};

TEST_P(EvaluateTable, Decides) {
  const Row& row = Rows()[GetParam()];
  SCOPED_TRACE(row.rule);
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(row.who);
  req.action = row.action;
  req.resources = {row.resource};
  if (row.cross) req.resource_account = kOther;
  std::vector<std::string> seen;
  for (const auto& [k, v] : row.ctx) {
    if (v == nullptr) {
      req.context.Erase(k);
    } else if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      req.context.Add(k, v);
    } else {
      req.context.Set(k, v);
      seen.emplace_back(k);
    }
  }
  Inputs in;
  for (const char* t : row.identity)
    in.identity.push_back(Compile(t, PolicyKind::kIdentity, &keep));
  if (row.boundary) in.boundary = Compile(row.boundary, PolicyKind::kIdentity, &keep);
  for (const char* t : row.session) in.session.push_back(Compile(t, PolicyKind::kIdentity, &keep));
  if (row.resource_policy) {
    in.resource =
        Compile(row.resource_policy, row.trust ? PolicyKind::kTrust : PolicyKind::kResource, &keep);
    in.resource_is_trust_policy = row.trust;
  }
  for (const auto& level : row.scps) {
    in.scp_levels.emplace_back();
    for (const char* t : level) in.scp_levels.back().push_back(Compile(t, PolicyKind::kScp, &keep));
  }
  Evaluation e = Evaluate(req, in);
  EXPECT_EQ(e.decision, row.want) << row.rule << ": got " << ReasonName(e.reason);
  EXPECT_EQ(ReasonName(e.reason), ReasonName(row.reason)) << row.rule;
}

INSTANTIATE_TEST_SUITE_P(Spec5, EvaluateTable, ::testing::Range<size_t>(0, Rows().size()),
                         [](const ::testing::TestParamInfo<size_t>& param) {
                           return "row" + std::to_string(param.param);
                         });

TEST(EvaluateTableSize, AtLeast150Rows) { EXPECT_GE(Rows().size(), 150u); }

// ---- Several resources ----------------------------------------------------------------------

TEST(Evaluate, EveryResourceMustBeAllowed) {
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(Who::kUser);
  req.action = "s3:DeleteObject";
  req.resources = {"arn:aws:s3:::b/ok", "arn:aws:s3:::b/secret/x", "arn:aws:s3:::b/ok2"};
  Inputs in;
  in.identity.push_back(Compile(
      R"([{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}])",
      PolicyKind::kIdentity, &keep));
  Evaluation e = Evaluate(req, in);
  EXPECT_EQ(e.decision, Decision::kDeny);
  EXPECT_EQ(e.reason, Reason::kExplicitDenyIdentity);
  EXPECT_EQ(e.resource_index, 1u);
  EXPECT_EQ(DenialMessage(req, e),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
            "s3:DeleteObject on resource: arn:aws:s3:::b/secret/x with an explicit deny in an "
            "identity-based policy");
  req.resources.erase(req.resources.begin() + 1);
  EXPECT_TRUE(Evaluate(req, in).allowed());
}

TEST(Evaluate, NoResourcesMeansStar) {
  std::vector<std::unique_ptr<Policy>> keep;
  Request req = MakeRequest(Who::kUser);
  req.action = "iam:ListUsers";
  Inputs in;
  in.identity.push_back(
      Compile(R"([{"Effect":"Allow","Action":"iam:List*","Resource":"arn:aws:iam::*:*"}])",
              PolicyKind::kIdentity, &keep));
  EXPECT_FALSE(Evaluate(req, in).allowed());
  in.identity.push_back(Compile(kAllowAll, PolicyKind::kIdentity, &keep));
  EXPECT_TRUE(Evaluate(req, in).allowed());
}

// ---- §5.6 denial messages ---------------------------------------------------------------------

struct MessageRow {
  Who who;
  Reason reason;
  const char* resource;
  const char* want;
};

TEST(DenialMessage, Forms) {
  const MessageRow rows[] = {
      {Who::kUser, Reason::kNoIdentityPolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject "
       "action"},
      {Who::kSession, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k because no resource-based policy allows the "
       "s3:GetObject action"},
      {Who::kUser, Reason::kNoScpAllows, "*",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: * because no service control policy allows the s3:GetObject action"},
      {Who::kUser, Reason::kNoBoundaryAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k because no permissions boundary allows the s3:GetObject "
       "action"},
      {Who::kSession, Reason::kNoSessionPolicyAllows, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k because no session policy allows the "
       "s3:GetObject action"},
      {Who::kRoot, Reason::kExplicitDenyScp, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:root is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a service control policy"},
      {Who::kUser, Reason::kExplicitDenyResource, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a resource-based policy"},
      {Who::kUser, Reason::kExplicitDenyIdentity, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy"},
      {Who::kUser, Reason::kExplicitDenyBoundary, "arn:aws:s3:::b/k",
       "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on "
       "resource: arn:aws:s3:::b/k with an explicit deny in a permissions boundary"},
      {Who::kSession, Reason::kExplicitDenySession, "arn:aws:s3:::b/k",
       "User: arn:aws:sts::111111111111:assumed-role/dev/s1 is not authorized to perform: "
       "s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in a session policy"},
      {Who::kService, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: cloudtrail.amazonaws.com is not authorized to perform: s3:GetObject on resource: "
       "arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
      {Who::kAnon, Reason::kNoResourcePolicyAllows, "arn:aws:s3:::b/k",
       "User: anonymous is not authorized to perform: s3:GetObject on resource: "
       "arn:aws:s3:::b/k because no resource-based policy allows the s3:GetObject action"},
  };
  for (const MessageRow& m : rows) {
    Request req = MakeRequest(m.who);
    req.action = "s3:GetObject";
    req.resources = {m.resource};
    Evaluation e{Decision::kDeny, m.reason, 0};
    EXPECT_EQ(DenialMessage(req, e), m.want);
  }
}

TEST(DenialMessage, ServiceFormats) {
  Request req = MakeRequest(Who::kUser);
  req.action = "sns:Publish";
  req.resources = {"arn:aws:sns:us-east-1:111111111111:t"};
  Evaluation e{Decision::kDeny, Reason::kNoIdentityPolicyAllows, 0};
  EXPECT_EQ(DenialMessage(req, e, {.action = "SNS:Publish", .quote_resource = false}),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: SNS:Publish "
            "on resource: arn:aws:sns:us-east-1:111111111111:t because no identity-based policy "
            "allows the SNS:Publish action");
  req.action = "s3:GetObject";
  req.resources = {"arn:aws:s3:::b/k"};
  EXPECT_EQ(DenialMessage(req, e, {.action = {}, .quote_resource = true}),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject "
            "on resource: \"arn:aws:s3:::b/k\" because no identity-based policy allows the "
            "s3:GetObject action");
  req.resources.clear();
  EXPECT_EQ(DenialMessage(req, e),
            "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject "
            "on resource: * because no identity-based policy allows the s3:GetObject action");
}

// ---- Context ----------------------------------------------------------------------------------

TEST(Context, CaseInsensitiveNamesMultiValues) {
  Context c;
  c.Set("aws:UserName", "alice");
  ASSERT_NE(c.Find("AWS:USERNAME"), nullptr);
  EXPECT_EQ(c.Find("aws:username")->front(), "alice");
  c.Add("AWS:TagKeys", "a");
  c.Add("aws:tagkeys", "b");
  EXPECT_EQ(c.Find("aws:TagKeys")->size(), 2u);
  c.SetAll("aws:TagKeys", {"z"});
  EXPECT_EQ(*c.FindLower("aws:tagkeys"), std::vector<std::string>{"z"});
  c.Erase("AWS:TAGKEYS");
  EXPECT_EQ(c.Find("aws:TagKeys"), nullptr);
  EXPECT_EQ(c.Find("aws:none"), nullptr);
}

}  // namespace
}  // namespace orgtrail::policy
