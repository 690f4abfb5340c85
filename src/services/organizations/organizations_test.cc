// The Organizations service in process, through Gateway::Handle on the in-memory store and a
// fake clock: who may call what (org-iam.md §2.1), the JSON shapes, errors with Reason.
#include "identity/organizations.h"

#include <gtest/gtest.h>

#include "auth/verify.h"
#include "core/json.h"
#include "gateway/admin.h"
#include "gateway/audit.h"
#include "gateway/gateway.h"
#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "services/register_all.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

constexpr std::string_view kDenied = "You don't have permissions to access this resource.";

struct OrgReply {
  int status = 0;
  Value body;
  std::string Code() const { return body.GetString("__type"); }
  std::string Message() const {
    return body.Has("message") ? body.GetString("message") : body.GetString("Message");
  }
};

class OrganizationsServiceTest : public InProcessTest {
 protected:
  OrgReply Call(std::string_view operation, std::string body = "{}", std::string_view key = "test",
                std::string_view secret = "test") {
    http::Response r =
        Send(JsonRequest("AWSOrganizationsV20161128." + std::string(operation), std::move(body)),
             "organizations", key, secret);
    OrgReply out;
    out.status = r.status;
    auto parsed = ParseJson(r.body.empty() ? "{}" : r.body);
    if (parsed.ok()) out.body = std::move(parsed).value();
    return out;
  }

  // Creates the organization and one member account; returns the member's id.
  std::string OrgWithMember(const std::string& name = "member") {
    if (!orgs_.OrganizationOf("000000000000")) {
      OrgReply created = Call("CreateOrganization");
      EXPECT_EQ(created.status, 200) << created.body.ToJson();
    }
    OrgReply r = Call("CreateAccount",
                      R"({"Email":")" + name + R"(@example.com","AccountName":")" + name + R"("})");
    EXPECT_EQ(r.status, 200) << r.body.ToJson();
    clock_.Advance(1000);
    OrgReply done = Call(
        "DescribeCreateAccountStatus",
        R"({"CreateAccountRequestId":")" + r.body["CreateAccountStatus"].GetString("Id") + R"("})");
    return done.body["CreateAccountStatus"].GetString("AccountId");
  }

  // Root keys of an account (as the admin API mints them).
  std::pair<std::string, std::string> RootKeys(const std::string& account) {
    auto key = directory_.CreateLongTermKey(account, identity::KeyKind::kRoot, "");
    EXPECT_TRUE(key.ok());
    return {key->access_key_id, key->secret};
  }
};

TEST_F(OrganizationsServiceTest, StandaloneAccountHasNoOrganization) {
  OrgReply r = Call("DescribeOrganization");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "AWSOrganizationsNotInUseException");
  EXPECT_EQ(r.Message(), "Your account is not a member of an organization.");
  EXPECT_EQ(Call("ListAccounts").Code(), "AWSOrganizationsNotInUseException");
}

TEST_F(OrganizationsServiceTest, CreateOrganizationAndAccounts) {
  OrgReply created = Call("CreateOrganization");
  ASSERT_EQ(created.status, 200) << created.body.ToJson();
  const Value& org = created.body["Organization"];
  EXPECT_EQ(org.GetString("FeatureSet"), "ALL");
  EXPECT_EQ(org.GetString("MasterAccountId"), "000000000000");
  EXPECT_EQ(org.GetString("MasterAccountEmail"), "a@example.com");
  EXPECT_EQ(org.GetString("MasterAccountArn"),
            "arn:aws:organizations::000000000000:account/" + org.GetString("Id") + "/000000000000");
  EXPECT_EQ(org["AvailablePolicyTypes"].AsList().at(0).GetString("Type"), "SERVICE_CONTROL_POLICY");
  EXPECT_EQ(Call("CreateOrganization").Code(), "AlreadyInOrganizationException");

  OrgReply r = Call("CreateAccount", R"({"Email":"log@example.com","AccountName":"log"})");
  ASSERT_EQ(r.status, 200) << r.body.ToJson();
  const Value& status = r.body["CreateAccountStatus"];
  EXPECT_EQ(status.GetString("State"), "IN_PROGRESS");
  EXPECT_TRUE(status["RequestedTimestamp"].is_number());
  const std::string id = status.GetString("Id");

  OrgReply listed = Call("ListCreateAccountStatus", R"({"States":["IN_PROGRESS"]})");
  EXPECT_EQ(listed.body["CreateAccountStatuses"].size(), 1u);
  clock_.Advance(1000);
  EXPECT_EQ(Call("ListCreateAccountStatus", R"({"States":["IN_PROGRESS"]})")
                .body["CreateAccountStatuses"]
                .size(),
            0u);
  OrgReply done =
      Call("DescribeCreateAccountStatus", R"({"CreateAccountRequestId":")" + id + "\"}");
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.body["CreateAccountStatus"].GetString("State"), "SUCCEEDED");
  const std::string log = done.body["CreateAccountStatus"].GetString("AccountId");
  ASSERT_EQ(log.size(), 12u);

  OrgReply accounts = Call("ListAccounts");
  ASSERT_EQ(accounts.status, 200);
  ASSERT_EQ(accounts.body["Accounts"].size(), 2u);
  const Value& mgmt = accounts.body["Accounts"].AsList()[0];
  EXPECT_EQ(mgmt.GetString("JoinedMethod"), "INVITED");
  const Value& member = accounts.body["Accounts"].AsList()[1];
  EXPECT_EQ(member.GetString("Id"), log);
  EXPECT_EQ(member.GetString("Status"), "ACTIVE");
  EXPECT_EQ(member.GetString("State"), "ACTIVE");
  EXPECT_EQ(member.GetString("JoinedMethod"), "CREATED");
  EXPECT_EQ(member.GetString("Name"), "log");

  OrgReply paged = Call("ListAccounts", R"({"MaxResults":1})");
  EXPECT_EQ(paged.body["Accounts"].size(), 1u);
  OrgReply next = Call("ListAccounts", R"({"MaxResults":1,"NextToken":")" +
                                           paged.body.GetString("NextToken") + "\"}");
  EXPECT_EQ(next.body["Accounts"].AsList().at(0).GetString("Id"), log);
  EXPECT_FALSE(next.body.Has("NextToken"));

  OrgReply described = Call("DescribeAccount", R"({"AccountId":")" + log + "\"}");
  EXPECT_EQ(described.body["Account"].GetString("Email"), "log@example.com");
  EXPECT_EQ(Call("DescribeAccount", R"({"AccountId":"123456789012"})").Code(),
            "AccountNotFoundException");
}

TEST_F(OrganizationsServiceTest, MembersMayDescribeButNotManage) {
  std::string member = OrgWithMember();
  auto [key, secret] = RootKeys(member);
  OrgReply describe = Call("DescribeOrganization", "{}", key, secret);
  ASSERT_EQ(describe.status, 200) << describe.body.ToJson();
  EXPECT_EQ(describe.body["Organization"].GetString("MasterAccountId"), "000000000000");

  OrgReply list = Call("ListAccounts", "{}", key, secret);
  EXPECT_EQ(list.status, 400);
  EXPECT_EQ(list.Code(), "AccessDeniedException");
  EXPECT_EQ(list.Message(), kDenied);
  EXPECT_EQ(
      Call("CreateAccount", R"({"Email":"x@example.com","AccountName":"x"})", key, secret).Code(),
      "AccessDeniedException");
  EXPECT_EQ(Call("CreateOrganization", "{}", key, secret).Code(), "AlreadyInOrganizationException");
}

TEST_F(OrganizationsServiceTest, DelegatedAdministratorsReadOnly) {
  std::string log = OrgWithMember("log");
  const std::string body =
      R"({"AccountId":")" + log + R"(","ServicePrincipal":"cloudtrail.amazonaws.com"})";
  OrgReply early = Call("RegisterDelegatedAdministrator", body);
  EXPECT_EQ(early.Code(), "ConstraintViolationException");
  EXPECT_EQ(early.body.GetString("Reason"), "SERVICE_ACCESS_NOT_ENABLED");

  OrgReply bad = Call("EnableAWSServiceAccess", R"({"ServicePrincipal":"nope.amazonaws.com"})");
  EXPECT_EQ(bad.Code(), "InvalidInputException");
  EXPECT_EQ(bad.body.GetString("Reason"), "UNRECOGNIZED_SERVICE_PRINCIPAL");
  ASSERT_EQ(
      Call("EnableAWSServiceAccess", R"({"ServicePrincipal":"cloudtrail.amazonaws.com"})").status,
      200);
  EXPECT_TRUE(iam_.FindRole("000000000000", "AWSServiceRoleForCloudTrail"));
  OrgReply access = Call("ListAWSServiceAccessForOrganization");
  EXPECT_EQ(access.body["EnabledServicePrincipals"].AsList().at(0).GetString("ServicePrincipal"),
            "cloudtrail.amazonaws.com");

  ASSERT_EQ(Call("RegisterDelegatedAdministrator", body).status, 200);
  OrgReply again = Call("RegisterDelegatedAdministrator", body);
  EXPECT_EQ(again.Code(), "AccountAlreadyRegisteredException");
  EXPECT_EQ(again.Message(),
            "The provided account is already a delegated administrator for your organization.");
  OrgReply admins =
      Call("ListDelegatedAdministrators", R"({"ServicePrincipal":"cloudtrail.amazonaws.com"})");
  ASSERT_EQ(admins.body["DelegatedAdministrators"].size(), 1u);
  const Value& admin = admins.body["DelegatedAdministrators"].AsList()[0];
  EXPECT_EQ(admin.GetString("Id"), log);
  EXPECT_TRUE(admin["DelegationEnabledDate"].is_number());
  OrgReply services = Call("ListDelegatedServicesForAccount", R"({"AccountId":")" + log + "\"}");
  EXPECT_EQ(services.body["DelegatedServices"].AsList().at(0).GetString("ServicePrincipal"),
            "cloudtrail.amazonaws.com");

  auto [key, secret] = RootKeys(log);
  OrgReply reads = Call("ListAccounts", "{}", key, secret);
  EXPECT_EQ(reads.status, 200) << reads.body.ToJson();
  OrgReply roots = Call("ListRoots", "{}", key, secret);
  ASSERT_EQ(roots.status, 200);
  const std::string root = roots.body["Roots"].AsList().at(0).GetString("Id");
  EXPECT_EQ(
      Call("CreateOrganizationalUnit", R"({"ParentId":")" + root + R"(","Name":"x"})", key, secret)
          .Code(),
      "AccessDeniedException");

  ASSERT_EQ(Call("DeregisterDelegatedAdministrator", body).status, 200);
  EXPECT_EQ(Call("DeregisterDelegatedAdministrator", body).Code(), "AccountNotRegisteredException");
  EXPECT_EQ(Call("ListAccounts", "{}", key, secret).Code(), "AccessDeniedException");
}

TEST_F(OrganizationsServiceTest, OusPoliciesAndTags) {
  std::string member = OrgWithMember();
  OrgReply roots = Call("ListRoots");
  const Value& root = roots.body["Roots"].AsList().at(0);
  EXPECT_EQ(root["PolicyTypes"].AsList().at(0).GetString("Status"), "ENABLED");
  const std::string root_id = root.GetString("Id");

  OrgReply ou =
      Call("CreateOrganizationalUnit", R"({"ParentId":")" + root_id + R"(","Name":"Prod"})");
  ASSERT_EQ(ou.status, 200) << ou.body.ToJson();
  const std::string ou_id = ou.body["OrganizationalUnit"].GetString("Id");
  EXPECT_EQ(
      Call("CreateOrganizationalUnit", R"({"ParentId":")" + root_id + R"(","Name":"Prod"})").Code(),
      "DuplicateOrganizationalUnitException");
  ASSERT_EQ(Call("MoveAccount", R"({"AccountId":")" + member + R"(","SourceParentId":")" + root_id +
                                    R"(","DestinationParentId":")" + ou_id + "\"}")
                .status,
            200);
  OrgReply parents = Call("ListParents", R"({"ChildId":")" + member + "\"}");
  EXPECT_EQ(parents.body["Parents"].AsList().at(0).GetString("Type"), "ORGANIZATIONAL_UNIT");
  OrgReply children =
      Call("ListChildren", R"({"ParentId":")" + ou_id + R"(","ChildType":"ACCOUNT"})");
  EXPECT_EQ(children.body["Children"].AsList().at(0).GetString("Id"), member);
  EXPECT_EQ(Call("DeleteOrganizationalUnit", R"({"OrganizationalUnitId":")" + ou_id + "\"}").Code(),
            "OrganizationalUnitNotEmptyException");

  OrgReply policy = Call(
      "CreatePolicy",
      R"({"Name":"DenyLeave","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}"})");
  ASSERT_EQ(policy.status, 200) << policy.body.ToJson();
  const Value& summary = policy.body["Policy"]["PolicySummary"];
  const std::string policy_id = summary.GetString("Id");
  EXPECT_FALSE(summary["AwsManaged"].AsBool());
  ASSERT_EQ(
      Call("AttachPolicy", R"({"PolicyId":")" + policy_id + R"(","TargetId":")" + ou_id + "\"}")
          .status,
      200);
  OrgReply targets = Call("ListTargetsForPolicy", R"({"PolicyId":")" + policy_id + "\"}");
  EXPECT_EQ(targets.body["Targets"].AsList().at(0).GetString("Name"), "Prod");
  OrgReply on_ou = Call("ListPoliciesForTarget",
                        R"({"TargetId":")" + ou_id + R"(","Filter":"SERVICE_CONTROL_POLICY"})");
  EXPECT_EQ(on_ou.body["Policies"].size(), 2u);
  OrgReply all = Call("ListPolicies", R"({"Filter":"SERVICE_CONTROL_POLICY"})");
  EXPECT_EQ(all.body["Policies"].size(), 2u);
  OrgReply malformed = Call(
      "CreatePolicy",
      R"({"Name":"bad","Description":"d","Type":"SERVICE_CONTROL_POLICY","Content":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}"})");
  EXPECT_EQ(malformed.Code(), "MalformedPolicyDocumentException");
  OrgReply last =
      Call("DetachPolicy", R"({"PolicyId":"p-FullAWSAccess","TargetId":")" + member + "\"}");
  EXPECT_EQ(last.Code(), "ConstraintViolationException");
  EXPECT_EQ(last.body.GetString("Reason"), "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");

  ASSERT_EQ(Call("TagResource",
                 R"({"ResourceId":")" + ou_id + R"(","Tags":[{"Key":"env","Value":"prod"}]})")
                .status,
            200);
  OrgReply tags = Call("ListTagsForResource", R"({"ResourceId":")" + ou_id + "\"}");
  EXPECT_EQ(tags.body["Tags"].AsList().at(0).GetString("Value"), "prod");
}

TEST_F(OrganizationsServiceTest, LeaveAndDelete) {
  std::string member = OrgWithMember();
  EXPECT_EQ(Call("DeleteOrganization").Code(), "OrganizationNotEmptyException");
  EXPECT_EQ(Call("LeaveOrganization").Code(), "MasterCannotLeaveOrganizationException");
  auto [key, secret] = RootKeys(member);
  ASSERT_EQ(Call("LeaveOrganization", "{}", key, secret).status, 200);
  EXPECT_EQ(Call("DescribeOrganization", "{}", key, secret).Code(),
            "AWSOrganizationsNotInUseException");
  ASSERT_EQ(Call("DeleteOrganization").status, 200);
  EXPECT_EQ(Call("DescribeOrganization").Code(), "AWSOrganizationsNotInUseException");
}

}  // namespace
}  // namespace orgtrail::gateway
