// The Organizations model on the in-memory store and a fake clock (org-iam.md §2).
#include "identity/organizations.h"

#include <gtest/gtest.h>

#include <regex>

namespace orgtrail::identity {
namespace {

constexpr std::string_view kMgmt = "000000000000";

class OrganizationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(directory_
                    .Bootstrap({std::string(kMgmt), "mgmt@example.com", "test", "test",
                                "AKIAROOTROOTROOTROOT", "rootsecret"})
                    .ok());
  }

  OrgInfo NewOrg() {
    auto org = orgs_.CreateOrganization(kMgmt, "ALL");
    EXPECT_TRUE(org.ok());
    return *org;
  }

  // Requests an account and lets the orgtrail clock run until it completes.
  std::string NewAccount(const OrgInfo& org, const std::string& name) {
    auto r = orgs_.CreateAccount(org, name + "@example.com", name, "", {});
    EXPECT_TRUE(r.ok());
    clock_.Advance(kCreateAccountDelayMs);
    auto done = orgs_.CreateAccountStatus(org, r->id);
    EXPECT_TRUE(done.ok());
    EXPECT_EQ(done->state, "SUCCEEDED");
    return done->account_id;
  }

  static std::string Code(const Status& st) { return st.ok() ? "" : st.error().code; }
  template <typename T>
  static std::string Code(const Result<T>& r) {
    return r.ok() ? "" : r.error().code;
  }
  template <typename T>
  static std::string Reason(const Result<T>& r) {
    if (r.ok()) return "";
    const std::string* reason = r.error().Field("Reason");
    return reason ? *reason : "";
  }

  std::unique_ptr<store::Store> store_ = store::MakeMemoryStore();
  FakeClock clock_;
  IdSource ids_{7};
  Directory directory_{*store_, ids_, clock_};
  Iam iam_{*store_, ids_, clock_};
  Organizations orgs_{*store_, ids_, clock_, directory_, iam_};
};

TEST_F(OrganizationsTest, CreateOrganizationMakesTheCallerManagement) {
  EXPECT_FALSE(orgs_.OrganizationOf(kMgmt));
  OrgInfo org = NewOrg();
  EXPECT_TRUE(std::regex_match(org.id, std::regex("o-[a-z0-9]{10}")));
  EXPECT_TRUE(std::regex_match(org.root_id, std::regex("r-[0-9a-z]{4}")));
  EXPECT_EQ(org.arn, "arn:aws:organizations::000000000000:organization/" + org.id);
  EXPECT_EQ(org.RootArn(),
            "arn:aws:organizations::000000000000:root/" + org.id + "/" + org.root_id);
  EXPECT_EQ(org.management_account_email, "mgmt@example.com");
  EXPECT_EQ(org.feature_set, "ALL");
  EXPECT_TRUE(org.scp_enabled);

  auto of = orgs_.OrganizationOf(kMgmt);
  ASSERT_TRUE(of);
  EXPECT_EQ(of->id, org.id);
  auto member = orgs_.Membership(kMgmt);
  ASSERT_TRUE(member);
  EXPECT_EQ(member->joined_method, "INVITED");
  EXPECT_EQ(member->parent_id, org.root_id);

  auto on_root = orgs_.PoliciesOf(org, org.root_id);
  ASSERT_TRUE(on_root.ok());
  ASSERT_EQ(on_root->size(), 1u);
  EXPECT_EQ((*on_root)[0].id, "p-FullAWSAccess");
  EXPECT_EQ(org.PolicyArn("p-FullAWSAccess"),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess");

  EXPECT_EQ(Code(orgs_.CreateOrganization(kMgmt, "ALL")), "AlreadyInOrganizationException");
}

TEST_F(OrganizationsTest, CreateAccountCompletesOneSecondLater) {
  OrgInfo org = NewOrg();
  auto r = orgs_.CreateAccount(org, "log@example.com", "log", "", {{"team", "audit"}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(std::regex_match(r->id, std::regex("car-[a-z0-9]{32}")));
  EXPECT_EQ(r->state, "IN_PROGRESS");

  clock_.Advance(999);
  EXPECT_EQ(orgs_.CreateAccountStatus(org, r->id)->state, "IN_PROGRESS");
  EXPECT_EQ(orgs_.Members(org).size(), 1u);

  clock_.Advance(1);
  auto done = orgs_.CreateAccountStatus(org, r->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, "SUCCEEDED");
  EXPECT_EQ(done->completed_ms, done->requested_ms + 1000);
  ASSERT_EQ(done->account_id.size(), 12u);
  EXPECT_NE(done->account_id[0], '0');

  auto account = directory_.FindAccount(done->account_id);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->email, "log@example.com");
  EXPECT_EQ(account->name, "log");
  auto member = orgs_.Membership(done->account_id);
  ASSERT_TRUE(member);
  EXPECT_EQ(member->parent_id, org.root_id);
  EXPECT_EQ(member->joined_method, "CREATED");
  EXPECT_EQ(orgs_.OrganizationOf(done->account_id)->id, org.id);
  EXPECT_EQ(orgs_.TagsOf(org, done->account_id)->size(), 1u);

  auto role = iam_.FindRole(done->account_id, "OrganizationAccountAccessRole");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->path, "/");
  EXPECT_EQ(
      role->assume_role_policy,
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})");

  auto dup = orgs_.CreateAccount(org, "LOG@example.com", "again", "", {});
  ASSERT_TRUE(dup.ok());
  clock_.Advance(1000);
  auto failed = orgs_.CreateAccountStatuses(org);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[1].state, "FAILED");
  EXPECT_EQ(failed[1].failure_reason, "EMAIL_ALREADY_EXISTS");
  EXPECT_EQ(Code(orgs_.CreateAccountStatus(org, "car-nope")),
            "CreateAccountStatusNotFoundException");
}

TEST_F(OrganizationsTest, CustomRoleName) {
  OrgInfo org = NewOrg();
  auto r = orgs_.CreateAccount(org, "m@example.com", "m", "Admin", {});
  ASSERT_TRUE(r.ok());
  clock_.Advance(1000);
  auto members = orgs_.Members(org);
  ASSERT_EQ(members.size(), 2u);
  auto done = orgs_.CreateAccountStatus(org, r->id);
  EXPECT_TRUE(iam_.FindRole(done->account_id, "Admin"));
  EXPECT_FALSE(iam_.FindRole(done->account_id, "OrganizationAccountAccessRole"));
}

TEST_F(OrganizationsTest, OusNestFiveDeepWithUniqueNamesPerParent) {
  OrgInfo org = NewOrg();
  std::string parent = org.root_id;
  for (int depth = 1; depth <= kMaxOuDepth; ++depth) {
    auto ou = orgs_.CreateOrganizationalUnit(org, parent, "level" + std::to_string(depth), {});
    ASSERT_TRUE(ou.ok()) << depth;
    EXPECT_TRUE(
        std::regex_match(ou->id, std::regex("ou-" + org.root_id.substr(2) + "-[a-z0-9]{8}")));
    parent = ou->id;
  }
  auto too_deep = orgs_.CreateOrganizationalUnit(org, parent, "level6", {});
  EXPECT_EQ(Code(too_deep), "ConstraintViolationException");
  EXPECT_EQ(Reason(too_deep), "OU_DEPTH_LIMIT_EXCEEDED");

  EXPECT_EQ(Code(orgs_.CreateOrganizationalUnit(org, org.root_id, "level1", {})),
            "DuplicateOrganizationalUnitException");
  EXPECT_EQ(Code(orgs_.CreateOrganizationalUnit(org, "ou-zzzz-zzzzzzzz", "x", {})),
            "ParentNotFoundException");
  auto level1 = orgs_.OrganizationalUnitsOf(org, org.root_id);
  ASSERT_TRUE(level1.ok());
  ASSERT_EQ(level1->size(), 1u);
  EXPECT_EQ(Code(orgs_.DeleteOrganizationalUnit(org, (*level1)[0].id)),
            "OrganizationalUnitNotEmptyException");
  EXPECT_EQ(Code(orgs_.FindOrganizationalUnit(org, "ou-abcd-12345678")),
            "OrganizationalUnitNotFoundException");

  auto sibling = orgs_.CreateOrganizationalUnit(org, org.root_id, "other", {});
  ASSERT_TRUE(sibling.ok());
  EXPECT_EQ(Code(orgs_.RenameOrganizationalUnit(org, sibling->id, "level1")),
            "DuplicateOrganizationalUnitException");
  EXPECT_EQ(orgs_.RenameOrganizationalUnit(org, sibling->id, "renamed")->name, "renamed");
  EXPECT_TRUE(orgs_.DeleteOrganizationalUnit(org, sibling->id).ok());
}

TEST_F(OrganizationsTest, MoveAccountAndParents) {
  OrgInfo org = NewOrg();
  std::string account = NewAccount(org, "member");
  auto ou = orgs_.CreateOrganizationalUnit(org, org.root_id, "Workloads", {});
  ASSERT_TRUE(ou.ok());

  EXPECT_EQ(Code(orgs_.MoveAccount(org, account, "r-nope", ou->id)),
            "SourceParentNotFoundException");
  EXPECT_EQ(Code(orgs_.MoveAccount(org, account, org.root_id, "ou-nope-nopenope")),
            "DestinationParentNotFoundException");
  EXPECT_EQ(Code(orgs_.MoveAccount(org, "123456789012", org.root_id, ou->id)),
            "AccountNotFoundException");
  EXPECT_EQ(Code(orgs_.MoveAccount(org, account, org.root_id, org.root_id)),
            "DuplicateAccountException");
  ASSERT_TRUE(orgs_.MoveAccount(org, account, org.root_id, ou->id).ok());

  auto parent = orgs_.ParentOf(org, account);
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ(parent->id, ou->id);
  EXPECT_EQ(parent->type, "ORGANIZATIONAL_UNIT");
  EXPECT_EQ(orgs_.ParentOf(org, ou->id)->type, "ROOT");
  EXPECT_EQ(Code(orgs_.ParentOf(org, "999999999999")), "ChildNotFoundException");
  auto children = orgs_.ChildrenOf(org, ou->id, "ACCOUNT");
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->size(), 1u);
  EXPECT_EQ((*children)[0].id, account);
  EXPECT_EQ(orgs_.ChildrenOf(org, org.root_id, "ORGANIZATIONAL_UNIT")->size(), 1u);
}

TEST_F(OrganizationsTest, ScpLevelsFollowThePathFromTheRoot) {
  OrgInfo org = NewOrg();
  std::string account = NewAccount(org, "member");
  auto ou = orgs_.CreateOrganizationalUnit(org, org.root_id, "Workloads", {});
  ASSERT_TRUE(orgs_.MoveAccount(org, account, org.root_id, ou->id).ok());
  const std::string deny =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})";
  auto scp = orgs_.CreatePolicy(org, "DenyS3", "no s3", "SERVICE_CONTROL_POLICY", deny, {});
  ASSERT_TRUE(scp.ok()) << scp.error().message;
  EXPECT_TRUE(std::regex_match(scp->id, std::regex("p-[0-9a-z]{8}")));
  ASSERT_TRUE(orgs_.AttachPolicy(org, scp->id, ou->id).ok());

  auto levels = orgs_.ScpLevels(account);
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0], std::vector<std::string>{std::string(kFullAwsAccessContent)});
  ASSERT_EQ(levels[1].size(), 2u);
  EXPECT_NE(std::find(levels[1].begin(), levels[1].end(), deny), levels[1].end());
  EXPECT_EQ(levels[2], std::vector<std::string>{std::string(kFullAwsAccessContent)});

  EXPECT_TRUE(orgs_.ScpLevels(kMgmt).empty());
  EXPECT_TRUE(orgs_.ScpLevels("123456789012").empty());

  auto targets = orgs_.TargetsOf(org, scp->id);
  ASSERT_TRUE(targets.ok());
  EXPECT_EQ(*targets, std::vector<std::string>{ou->id});
  EXPECT_EQ(Code(orgs_.DeletePolicy(org, scp->id)), "PolicyInUseException");
  EXPECT_EQ(Code(orgs_.AttachPolicy(org, scp->id, ou->id)), "DuplicatePolicyAttachmentException");
  EXPECT_EQ(Code(orgs_.AttachPolicy(org, scp->id, "ou-nope-nopenope")), "TargetNotFoundException");

  auto last = orgs_.DetachPolicy(org, std::string(kFullAwsAccessId), account);
  EXPECT_EQ(Code(last), "ConstraintViolationException");
  EXPECT_EQ(Reason(Result<Unit>(last)), "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  EXPECT_TRUE(orgs_.DetachPolicy(org, std::string(kFullAwsAccessId), ou->id).ok());
  EXPECT_EQ(Code(orgs_.DetachPolicy(org, std::string(kFullAwsAccessId), ou->id)),
            "PolicyNotAttachedException");

  auto disabled = orgs_.DisablePolicyType(org, org.root_id, "SERVICE_CONTROL_POLICY");
  ASSERT_TRUE(disabled.ok());
  EXPECT_TRUE(orgs_.ScpLevels(account).empty());
  EXPECT_EQ(Code(orgs_.DisablePolicyType(*disabled, org.root_id, "SERVICE_CONTROL_POLICY")),
            "PolicyTypeNotEnabledException");
  auto enabled = orgs_.EnablePolicyType(*disabled, org.root_id, "SERVICE_CONTROL_POLICY");
  ASSERT_TRUE(enabled.ok());
  levels = orgs_.ScpLevels(account);
  ASSERT_EQ(levels.size(), 3u);
  for (const auto& level : levels)
    EXPECT_EQ(level, std::vector<std::string>{std::string(kFullAwsAccessContent)});
  EXPECT_TRUE(orgs_.DeletePolicy(org, scp->id).ok());
}

TEST_F(OrganizationsTest, PolicyContentIsChecked) {
  OrgInfo org = NewOrg();
  EXPECT_EQ(Code(orgs_.CreatePolicy(org, "bad", "", "SERVICE_CONTROL_POLICY", "{not json", {})),
            "MalformedPolicyDocumentException");
  std::string huge = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":")" +
                     std::string(5200, 'a') + R"(","Resource":"*"}]})";
  EXPECT_EQ(Code(orgs_.CreatePolicy(org, "huge", "", "SERVICE_CONTROL_POLICY", huge, {})),
            "MalformedPolicyDocumentException");
  const std::string ok =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  ASSERT_TRUE(orgs_.CreatePolicy(org, "one", "", "SERVICE_CONTROL_POLICY", ok, {}).ok());
  EXPECT_EQ(Code(orgs_.CreatePolicy(org, "one", "", "SERVICE_CONTROL_POLICY", ok, {})),
            "DuplicatePolicyException");
  EXPECT_EQ(Code(orgs_.UpdatePolicy(org, "p-FullAWSAccess", std::string("x"), {}, {})),
            "InvalidInputException");
  EXPECT_EQ(Code(orgs_.FindPolicy(org, "p-12345678")), "PolicyNotFoundException");
}

TEST_F(OrganizationsTest, TrustedAccessAndDelegatedAdministrators) {
  OrgInfo org = NewOrg();
  std::string log = NewAccount(org, "log");
  const std::string ct(kCloudTrailPrincipal);

  auto unknown = orgs_.EnableServiceAccess(org, "nope.amazonaws.com");
  EXPECT_EQ(Code(unknown), "InvalidInputException");
  EXPECT_EQ(Reason(Result<Unit>(unknown)), "UNRECOGNIZED_SERVICE_PRINCIPAL");

  auto before = orgs_.RegisterDelegatedAdministrator(org, log, ct);
  EXPECT_EQ(Code(before), "ConstraintViolationException");
  EXPECT_EQ(Reason(Result<Unit>(before)), "SERVICE_ACCESS_NOT_ENABLED");

  ASSERT_TRUE(orgs_.EnableServiceAccess(org, ct).ok());
  ASSERT_TRUE(orgs_.EnableServiceAccess(org, ct).ok());  // twice is fine
  EXPECT_EQ(orgs_.EnabledServices(org).size(), 1u);
  auto slr = iam_.FindRole(kMgmt, "AWSServiceRoleForCloudTrail");
  ASSERT_TRUE(slr);
  EXPECT_EQ(slr->path, "/aws-service-role/cloudtrail.amazonaws.com/");

  auto self = orgs_.RegisterDelegatedAdministrator(org, kMgmt, ct);
  EXPECT_EQ(Reason(Result<Unit>(self)), "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
  EXPECT_EQ(self.error().message,
            "You cannot register management account/yourself as delegated administrator for "
            "your organization.");
  EXPECT_EQ(Code(orgs_.RegisterDelegatedAdministrator(org, "123456789012", ct)),
            "AccountNotFoundException");

  EXPECT_FALSE(orgs_.IsDelegatedAdministrator(log, ct));
  ASSERT_TRUE(orgs_.RegisterDelegatedAdministrator(org, log, ct).ok());
  EXPECT_TRUE(orgs_.IsDelegatedAdministrator(log, ct));
  EXPECT_TRUE(orgs_.IsAnyDelegatedAdministrator(log));
  EXPECT_FALSE(orgs_.IsDelegatedAdministrator(log, "config.amazonaws.com"));
  auto again = orgs_.RegisterDelegatedAdministrator(org, log, ct);
  EXPECT_EQ(Code(again), "AccountAlreadyRegisteredException");
  EXPECT_EQ(again.error().message,
            "The provided account is already a delegated administrator for your organization.");

  std::string b = NewAccount(org, "b"), c = NewAccount(org, "c"), d = NewAccount(org, "d");
  ASSERT_TRUE(orgs_.RegisterDelegatedAdministrator(org, b, ct).ok());
  ASSERT_TRUE(orgs_.RegisterDelegatedAdministrator(org, c, ct).ok());
  auto fourth = orgs_.RegisterDelegatedAdministrator(org, d, ct);
  EXPECT_EQ(Reason(Result<Unit>(fourth)),
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED");
  EXPECT_EQ(orgs_.DelegatedAdmins(org, ct).size(), 3u);

  auto remove = orgs_.RemoveAccount(org, log);
  EXPECT_EQ(Reason(Result<Unit>(remove)), "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
  ASSERT_TRUE(orgs_.DeregisterDelegatedAdministrator(org, log, ct).ok());
  EXPECT_EQ(Code(orgs_.DeregisterDelegatedAdministrator(org, log, ct)),
            "AccountNotRegisteredException");
  EXPECT_FALSE(orgs_.IsDelegatedAdministrator(log, ct));
}

TEST_F(OrganizationsTest, LeavingAndDeletingTheOrganization) {
  OrgInfo org = NewOrg();
  std::string member = NewAccount(org, "member");
  EXPECT_EQ(Code(orgs_.DeleteOrganization(org)), "OrganizationNotEmptyException");
  EXPECT_EQ(Code(orgs_.RemoveAccount(org, kMgmt)), "MasterCannotLeaveOrganizationException");
  ASSERT_TRUE(orgs_.RemoveAccount(org, member).ok());
  EXPECT_FALSE(orgs_.OrganizationOf(member));
  EXPECT_TRUE(orgs_.ScpLevels(member).empty());
  EXPECT_TRUE(directory_.FindAccount(member));  // standalone now

  ASSERT_TRUE(orgs_.DeleteOrganization(org).ok());
  EXPECT_FALSE(orgs_.OrganizationOf(kMgmt));
  EXPECT_TRUE(orgs_.CreateOrganization(kMgmt, "ALL").ok());
}

TEST_F(OrganizationsTest, StatePersistsInTheStore) {
  OrgInfo org = NewOrg();
  std::string member = NewAccount(org, "member");
  ASSERT_TRUE(orgs_.TagResource(org, member, {{"k", "v"}}).ok());
  Organizations reopened{*store_, ids_, clock_, directory_, iam_};
  auto again = reopened.OrganizationOf(member);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->root_id, org.root_id);
  EXPECT_EQ(reopened.Members(*again).size(), 2u);
  auto tags = reopened.TagsOf(*again, member);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (OrgTags{{"k", "v"}}));
  ASSERT_TRUE(reopened.UntagResource(*again, member, {"k"}).ok());
  EXPECT_TRUE(reopened.TagsOf(*again, member)->empty());
  EXPECT_EQ(Code(reopened.TagsOf(*again, "999999999999")), "TargetNotFoundException");
}

}  // namespace
}  // namespace orgtrail::identity
