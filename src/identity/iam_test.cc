#include "identity/iam.h"

#include <gtest/gtest.h>

namespace orgtrail::identity {
namespace {

constexpr char kAcct[] = "000000000000";
constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kAllowS3[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
constexpr char kAllowLogs[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]})";
constexpr char kAdminArn[] = "arn:aws:iam::aws:policy/AdministratorAccess";

class IamTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> store_ = store::MakeMemoryStore();
  IdSource ids_{7};
  FakeClock clock_;
  Directory dir_{*store_, ids_, clock_};
  Iam iam_{*store_, ids_, clock_};

  std::string CustomerArn(std::string_view name) {
    return std::string("arn:aws:iam::") + kAcct + ":policy/" + std::string(name);
  }
};

TEST_F(IamTest, RolesCreateFindUpdateDelete) {
  auto role = iam_.CreateRole(kAcct, "app", "/svc/", kTrust, 7200, "the app");
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ(role->Arn(), "arn:aws:iam::000000000000:role/svc/app");
  EXPECT_EQ(role->role_id.substr(0, 4), "AROA");
  EXPECT_EQ(role->role_id.size(), 21u);
  EXPECT_EQ(role->assume_role_policy, kTrust);

  auto dup = iam_.CreateRole(kAcct, "app", "/", kTrust);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "EntityAlreadyExists");
  EXPECT_EQ(dup.error().message, "Role with name app already exists.");

  ASSERT_TRUE(iam_.FindRoleByArn("arn:aws:iam::000000000000:role/svc/app").has_value());
  EXPECT_FALSE(iam_.FindRoleByArn("arn:aws:iam::000000000000:role/app").has_value());
  EXPECT_FALSE(iam_.FindRoleByArn("arn:aws:iam::111111111111:role/svc/app").has_value());

  ASSERT_TRUE(iam_.UpdateRole(kAcct, "app", std::nullopt, 43200).ok());
  EXPECT_EQ(iam_.FindRole(kAcct, "app")->max_session_seconds, 43200);
  EXPECT_EQ(iam_.FindRole(kAcct, "app")->description, "the app");

  ASSERT_TRUE(iam_.AttachPolicy(kAcct, EntityKind::kRole, "app", kAdminArn).ok());
  auto conflict = iam_.DeleteRole(kAcct, "app");
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, "DeleteConflict");
  EXPECT_EQ(conflict.error().message, "Cannot delete entity, must detach all policies first.");
  ASSERT_TRUE(iam_.DetachPolicy(kAcct, EntityKind::kRole, "app", kAdminArn).ok());
  ASSERT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kRole, "app", "p", kAllowS3).ok());
  EXPECT_EQ(iam_.DeleteRole(kAcct, "app").error().message,
            "Cannot delete entity, must delete policies first.");
  ASSERT_TRUE(iam_.DeleteInlinePolicy(kAcct, EntityKind::kRole, "app", "p").ok());
  ASSERT_TRUE(iam_.DeleteRole(kAcct, "app").ok());
  auto gone = iam_.GetRole(kAcct, "app");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, "NoSuchEntity");
  EXPECT_EQ(gone.error().message, "The role with name app cannot be found.");
}

TEST_F(IamTest, TrustPoliciesAreValidated) {
  auto bad = iam_.CreateRole(kAcct, "r", "/", "{not json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "MalformedPolicyDocument");
  std::string big =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Sid":")" +
      std::string(2100, 'a') + R"("}]})";
  auto large = iam_.CreateRole(kAcct, "r", "/", big);
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().code, "LimitExceeded");
  ASSERT_TRUE(iam_.CreateRole(kAcct, "r", "/", kTrust).ok());
  EXPECT_EQ(iam_.UpdateAssumeRolePolicy(kAcct, "r", kAllowS3).error().code,
            "MalformedPolicyDocument");
  ASSERT_TRUE(iam_.UpdateAssumeRolePolicy(kAcct, "r", kTrust).ok());
}

TEST_F(IamTest, ServiceLinkedRolesAreProtected) {
  auto slr = iam_.CreateServiceLinkedRole(kAcct, "cloudtrail.amazonaws.com");
  ASSERT_TRUE(slr.ok()) << slr.error().message;
  EXPECT_EQ(slr->name, "AWSServiceRoleForCloudTrail");
  EXPECT_EQ(slr->path, "/aws-service-role/cloudtrail.amazonaws.com/");
  EXPECT_TRUE(slr->service_linked());
  auto attached = iam_.AttachedPolicies(kAcct, EntityKind::kRole, slr->name);
  ASSERT_TRUE(attached.ok());
  ASSERT_EQ(attached->size(), 1u);
  EXPECT_EQ((*attached)[0].name, "CloudTrailServiceRolePolicy");

  const std::string msg =
      "Cannot perform the operation on the protected role 'AWSServiceRoleForCloudTrail' - this "
      "role is only modifiable by AWS";
  auto del = iam_.DeleteRole(kAcct, slr->name);
  ASSERT_FALSE(del.ok());
  EXPECT_EQ(del.error().code, "UnmodifiableEntity");
  EXPECT_EQ(del.error().message, msg);
  EXPECT_EQ(iam_.UpdateAssumeRolePolicy(kAcct, slr->name, kTrust).error().message, msg);
  EXPECT_EQ(iam_.AttachPolicy(kAcct, EntityKind::kRole, slr->name, kAdminArn).error().code,
            "UnmodifiableEntity");
  EXPECT_EQ(iam_.PutInlinePolicy(kAcct, EntityKind::kRole, slr->name, "x", kAllowS3).error().code,
            "UnmodifiableEntity");
  // AWS itself (Organizations) may still attach.
  EXPECT_TRUE(iam_.AttachRolePolicy(kAcct, slr->name, kAdminArn).ok());

  auto again = iam_.CreateServiceLinkedRole(kAcct, "cloudtrail.amazonaws.com");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "InvalidInput");
  EXPECT_FALSE(iam_.CreateServiceLinkedRole(kAcct, "nothing.example.com").ok());
}

TEST_F(IamTest, UsersKeysAndDeleteConflicts) {
  ASSERT_TRUE(iam_.CreateUser(kAcct, "alice", "/", {{"team", "a"}}).ok());
  EXPECT_EQ(iam_.CreateUser(kAcct, "alice", "/").error().message,
            "User with name alice already exists.");
  auto k1 = iam_.CreateAccessKey(kAcct, "alice");
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->access_key_id.substr(0, 4), "AKIA");
  EXPECT_EQ(dir_.FindKey(k1->access_key_id)->user_name, "alice");
  ASSERT_TRUE(iam_.CreateAccessKey(kAcct, "alice").ok());
  auto third = iam_.CreateAccessKey(kAcct, "alice");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "LimitExceeded");
  EXPECT_EQ(third.error().message, "Cannot exceed quota for AccessKeysPerUser: 2");

  EXPECT_EQ(iam_.DeleteUser(kAcct, "alice").error().message,
            "Cannot delete entity, must delete access keys first.");
  for (const AccessKey& k : dir_.KeysOfUser(kAcct, "alice"))
    ASSERT_TRUE(iam_.DeleteAccessKey(kAcct, "alice", k.access_key_id).ok());
  EXPECT_EQ(iam_.DeleteAccessKey(kAcct, "alice", k1->access_key_id).error().message,
            "The Access Key with id " + k1->access_key_id + " cannot be found.");

  ASSERT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kUser, "alice", "p", kAllowS3).ok());
  EXPECT_EQ(iam_.DeleteUser(kAcct, "alice").error().message,
            "Cannot delete entity, must delete policies first.");
  ASSERT_TRUE(iam_.DeleteInlinePolicy(kAcct, EntityKind::kUser, "alice", "p").ok());
  ASSERT_TRUE(iam_.AttachPolicy(kAcct, EntityKind::kUser, "alice", kAdminArn).ok());
  EXPECT_EQ(iam_.DeleteUser(kAcct, "alice").error().message,
            "Cannot delete entity, must detach all policies first.");
  ASSERT_TRUE(iam_.DetachPolicy(kAcct, EntityKind::kUser, "alice", kAdminArn).ok());
  ASSERT_TRUE(iam_.CreateGroup(kAcct, "devs", "/").ok());
  ASSERT_TRUE(iam_.AddUserToGroup(kAcct, "devs", "alice").ok());
  EXPECT_EQ(iam_.DeleteUser(kAcct, "alice").error().code, "DeleteConflict");
  EXPECT_EQ(iam_.DeleteGroup(kAcct, "devs").error().message,
            "Cannot delete entity, must remove users from group first.");
  ASSERT_TRUE(iam_.RemoveUserFromGroup(kAcct, "devs", "alice").ok());
  ASSERT_TRUE(iam_.DeleteUser(kAcct, "alice").ok());
  EXPECT_EQ(iam_.GetUser(kAcct, "alice").error().message,
            "The user with name alice cannot be found.");
  ASSERT_TRUE(iam_.DeleteGroup(kAcct, "devs").ok());
}

TEST_F(IamTest, RenamingAUserMovesItsKeysGroupsAndPolicies) {
  ASSERT_TRUE(iam_.CreateUser(kAcct, "bob", "/").ok());
  auto key = iam_.CreateAccessKey(kAcct, "bob");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(iam_.CreateGroup(kAcct, "g", "/").ok());
  ASSERT_TRUE(iam_.AddUserToGroup(kAcct, "g", "bob").ok());
  ASSERT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kUser, "bob", "p", kAllowS3).ok());
  ASSERT_TRUE(iam_.UpdateUser(kAcct, "bob", "robert", "/people/").ok());
  EXPECT_FALSE(dir_.FindUser(kAcct, "bob").has_value());
  auto robert = dir_.FindUser(kAcct, "robert");
  ASSERT_TRUE(robert.has_value());
  EXPECT_EQ(robert->path, "/people/");
  EXPECT_EQ(dir_.FindKey(key->access_key_id)->user_name, "robert");
  EXPECT_EQ(iam_.GroupMembers(kAcct, "g").at(0).name, "robert");
  EXPECT_TRUE(iam_.GetInlinePolicy(kAcct, EntityKind::kUser, "robert", "p").ok());
}

TEST_F(IamTest, ManagedPolicyVersions) {
  auto p = iam_.CreatePolicy(kAcct, "s3", "/", kAllowS3, "s3 things");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->Arn(), CustomerArn("s3"));
  EXPECT_EQ(p->policy_id.substr(0, 4), "ANPA");
  EXPECT_EQ(iam_.CreatePolicy(kAcct, "s3", "/", kAllowS3).error().message,
            "A policy called s3 already exists. Duplicate names are not allowed.");
  const std::string arn = p->Arn();
  for (int i = 2; i <= 5; ++i) {
    auto v = iam_.CreatePolicyVersion(kAcct, arn, kAllowLogs, i == 3);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->version_id, "v" + std::to_string(i));
  }
  EXPECT_EQ(iam_.GetPolicy(kAcct, arn)->default_version, "v3");
  auto sixth = iam_.CreatePolicyVersion(kAcct, arn, kAllowLogs, false);
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, "LimitExceeded");

  auto versions = iam_.ListPolicyVersions(kAcct, arn);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 5u);
  EXPECT_EQ((*versions)[0].version_id, "v5");
  EXPECT_TRUE((*versions)[2].is_default);

  EXPECT_EQ(iam_.DeletePolicyVersion(kAcct, arn, "v3").error().message,
            "Cannot delete the default version of a policy.");
  EXPECT_EQ(iam_.GetPolicyVersion(kAcct, arn, "v9").error().code, "NoSuchEntity");
  ASSERT_TRUE(iam_.SetDefaultPolicyVersion(kAcct, arn, "v1").ok());
  EXPECT_EQ(iam_.GetPolicyVersion(kAcct, arn, "v1")->document, kAllowS3);
  EXPECT_TRUE(iam_.GetPolicyVersion(kAcct, arn, "v1")->is_default);

  EXPECT_EQ(iam_.DeletePolicy(kAcct, arn).error().code, "DeleteConflict");
  for (const char* v : {"v2", "v3", "v4", "v5"})
    ASSERT_TRUE(iam_.DeletePolicyVersion(kAcct, arn, v).ok());
  ASSERT_TRUE(iam_.CreateRole(kAcct, "r", "/", kTrust).ok());
  ASSERT_TRUE(iam_.AttachPolicy(kAcct, EntityKind::kRole, "r", arn).ok());
  EXPECT_EQ(iam_.AttachmentCount(kAcct, arn), 1);
  EXPECT_EQ(iam_.DeletePolicy(kAcct, arn).error().message,
            "Cannot delete a policy attached to entities.");
  ASSERT_TRUE(iam_.DetachPolicy(kAcct, EntityKind::kRole, "r", arn).ok());
  ASSERT_TRUE(iam_.DeletePolicy(kAcct, arn).ok());
  EXPECT_EQ(iam_.GetPolicy(kAcct, arn).error().message, "Policy " + arn + " was not found.");
  EXPECT_TRUE(store_->Scan("iam_policy_versions").empty());
}

TEST_F(IamTest, PolicyDocumentsAreValidated) {
  auto principal = iam_.CreatePolicy(
      kAcct, "p", "/",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})");
  ASSERT_FALSE(principal.ok());
  EXPECT_EQ(principal.error().code, "MalformedPolicyDocument");
  EXPECT_EQ(iam_.CreatePolicy(kAcct, "p", "/", "nope").error().code, "MalformedPolicyDocument");
  ASSERT_TRUE(iam_.CreateUser(kAcct, "u", "/").ok());
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Sid":")" + std::string(2100, 'a') +
                    R"(","Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  auto large = iam_.PutInlinePolicy(kAcct, EntityKind::kUser, "u", "p", big);
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().code, "LimitExceeded");
  EXPECT_EQ(large.error().message, "Maximum policy size of 2048 bytes exceeded for user u");
  ASSERT_TRUE(iam_.CreateRole(kAcct, "r", "/", kTrust).ok());
  EXPECT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kRole, "r", "p", big).ok());
}

TEST_F(IamTest, AwsManagedCatalogue) {
  auto admin = iam_.GetPolicy(kAcct, kAdminArn);
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->aws_managed());
  EXPECT_EQ(admin->policy_id.size(), 21u);
  auto doc = iam_.GetPolicyVersion(kAcct, kAdminArn, "v1");
  ASSERT_TRUE(doc.ok());
  EXPECT_NE(doc->document.find(R"("Action":"*")"), std::string::npos);
  EXPECT_TRUE(
      iam_.GetPolicy(kAcct, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
          .ok());
  EXPECT_EQ(iam_.CreatePolicyVersion(kAcct, kAdminArn, kAllowS3, true).error().code,
            "InvalidInput");
  ASSERT_TRUE(iam_.CreateUser(kAcct, "u", "/").ok());
  auto unknown =
      iam_.AttachPolicy(kAcct, EntityKind::kUser, "u", "arn:aws:iam::aws:policy/NoSuchThing");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "NoSuchEntity");
  EXPECT_EQ(unknown.error().message,
            "Policy arn:aws:iam::aws:policy/NoSuchThing does not exist or is not attachable.");

  EXPECT_EQ(iam_.ListPolicies(kAcct, PolicyScope::kAws, false).size(), 10u);
  EXPECT_TRUE(iam_.ListPolicies(kAcct, PolicyScope::kLocal, false).empty());
  EXPECT_TRUE(iam_.ListPolicies(kAcct, PolicyScope::kAll, true).empty());
  ASSERT_TRUE(iam_.AttachPolicy(kAcct, EntityKind::kUser, "u", kAdminArn).ok());
  auto attached = iam_.ListPolicies(kAcct, PolicyScope::kAll, true);
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(attached[0].name, "AdministratorAccess");
  // Another account sees no attachment.
  EXPECT_TRUE(iam_.ListPolicies("111111111111", PolicyScope::kAll, true).empty());
}

TEST_F(IamTest, IdentityPoliciesOfUsersGroupsAndRoleSessions) {
  ASSERT_TRUE(iam_.CreateUser(kAcct, "u", "/").ok());
  ASSERT_TRUE(iam_.CreateGroup(kAcct, "g", "/").ok());
  ASSERT_TRUE(iam_.AddUserToGroup(kAcct, "g", "u").ok());
  ASSERT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kUser, "u", "mine", kAllowS3).ok());
  ASSERT_TRUE(iam_.PutInlinePolicy(kAcct, EntityKind::kGroup, "g", "group", kAllowLogs).ok());
  auto custom = iam_.CreatePolicy(kAcct, "c", "/", kAllowS3);
  ASSERT_TRUE(custom.ok());
  ASSERT_TRUE(iam_.CreatePolicyVersion(kAcct, custom->Arn(), kAllowLogs, true).ok());
  ASSERT_TRUE(iam_.AttachPolicy(kAcct, EntityKind::kGroup, "g", custom->Arn()).ok());

  auth::Principal user;
  user.type = auth::PrincipalType::kIAMUser;
  user.account_id = kAcct;
  user.user_name = "u";
  std::vector<std::string> docs = iam_.IdentityPolicies(user);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0], kAllowS3);
  EXPECT_EQ(docs[1], kAllowLogs);
  EXPECT_EQ(docs[2], kAllowLogs);  // the default version (v2)
  EXPECT_FALSE(iam_.PermissionsBoundary(user).has_value());
  ASSERT_TRUE(iam_.PutPermissionsBoundary(kAcct, EntityKind::kUser, "u", custom->Arn()).ok());
  EXPECT_EQ(iam_.PermissionsBoundary(user), std::optional<std::string>(kAllowLogs));
  EXPECT_EQ(iam_.BoundaryUsageCount(kAcct, custom->Arn()), 1);
  ASSERT_TRUE(iam_.DeletePermissionsBoundary(kAcct, EntityKind::kUser, "u").ok());
  EXPECT_FALSE(iam_.PermissionsBoundary(user).has_value());

  auto role = iam_.CreateRole(kAcct, "r", "/x/", kTrust);
  ASSERT_TRUE(role.ok());
  ASSERT_TRUE(iam_.AttachRolePolicy(kAcct, "r", kAdminArn).ok());
  auth::Principal session;
  session.type = auth::PrincipalType::kAssumedRole;
  session.account_id = kAcct;
  session.role_arn = role->Arn();
  session.role_name = "r";
  docs = iam_.IdentityPolicies(session);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_NE(docs[0].find(R"("Action":"*")"), std::string::npos);

  auth::Principal root;
  root.type = auth::PrincipalType::kRoot;
  root.account_id = kAcct;
  EXPECT_TRUE(iam_.IdentityPolicies(root).empty());
}

TEST_F(IamTest, TagsMergeAndRemove) {
  ASSERT_TRUE(iam_.CreateRole(kAcct, "r", "/", kTrust, 3600, "", {{"a", "1"}}).ok());
  ASSERT_TRUE(iam_.TagRole(kAcct, "r", {{"a", "2"}, {"b", "3"}}).ok());
  std::vector<Tag> want{{"a", "2"}, {"b", "3"}};
  EXPECT_EQ(iam_.FindRole(kAcct, "r")->tags, want);
  ASSERT_TRUE(iam_.UntagRole(kAcct, "r", {"a"}).ok());
  EXPECT_EQ(iam_.FindRole(kAcct, "r")->tags, (std::vector<Tag>{{"b", "3"}}));
  ASSERT_TRUE(iam_.CreateUser(kAcct, "u", "/").ok());
  ASSERT_TRUE(iam_.TagUser(kAcct, "u", {{"k", "v"}}).ok());
  EXPECT_EQ(dir_.FindUser(kAcct, "u")->tags, (std::vector<Tag>{{"k", "v"}}));
  std::vector<Tag> many;
  for (int i = 0; i < 51; ++i) many.push_back({"k" + std::to_string(i), "v"});
  EXPECT_EQ(iam_.TagUser(kAcct, "u", many).error().code, "LimitExceeded");
}

TEST_F(IamTest, StateLivesInTheStore) {
  ASSERT_TRUE(iam_.CreateRole(kAcct, "r", "/", kTrust).ok());
  ASSERT_TRUE(iam_.CreatePolicy(kAcct, "p", "/", kAllowS3).ok());
  Iam reopened(*store_, ids_, clock_);
  EXPECT_TRUE(reopened.FindRole(kAcct, "r").has_value());
  EXPECT_TRUE(reopened.GetPolicy(kAcct, CustomerArn("p")).ok());
  EXPECT_TRUE(store_->Get("iam_roles", "000000000000/r").has_value());
  EXPECT_TRUE(store_->Get("iam_policy_versions", "000000000000/p/v1").has_value());
}

}  // namespace
}  // namespace orgtrail::identity
