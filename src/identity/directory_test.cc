#include "identity/directory.h"

#include <gtest/gtest.h>

namespace orgtrail::identity {
namespace {

class DirectoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> store_ = store::MakeMemoryStore();
  IdSource ids_{42};
  FakeClock clock_;
  Directory dir_{*store_, ids_, clock_};
  BootstrapConfig config_{"000000000000", "admin@example.com", "test", "test", "", ""};
};

TEST_F(DirectoryTest, BootstrapCreatesAccountAdminUserAndKeys) {
  ASSERT_TRUE(dir_.Bootstrap(config_).ok());
  auto account = dir_.FindAccount("000000000000");
  ASSERT_TRUE(account.has_value());
  EXPECT_EQ(account->email, "admin@example.com");
  auto user = dir_.FindUser("000000000000", kAdminUserName);
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->Arn(), "arn:aws:iam::000000000000:user/orgtrail-admin");
  EXPECT_EQ(user->user_id.substr(0, 4), "AIDA");
  EXPECT_EQ(user->user_id.size(), 21u);

  auto key = dir_.FindKey("test");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->secret, "test");
  auto principal = dir_.PrincipalFor(*key);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->type, auth::PrincipalType::kIAMUser);
  EXPECT_EQ(principal->arn, "arn:aws:iam::000000000000:user/orgtrail-admin");
  EXPECT_EQ(principal->user_id, user->user_id);

  int roots = 0;
  for (const AccessKey& k : dir_.KeysOfAccount("000000000000")) {
    if (k.kind != KeyKind::kRoot) continue;
    ++roots;
    EXPECT_EQ(k.access_key_id.substr(0, 4), "AKIA");
    EXPECT_EQ(k.access_key_id.size(), 20u);
    EXPECT_EQ(k.secret.size(), 40u);
    auto root = dir_.PrincipalFor(k);
    EXPECT_EQ(root->arn, "arn:aws:iam::000000000000:root");
    EXPECT_EQ(root->user_id, "000000000000");
  }
  EXPECT_EQ(roots, 1);
}

TEST_F(DirectoryTest, BootstrapIsIdempotentAndFollowsChangedAdminSecret) {
  ASSERT_TRUE(dir_.Bootstrap(config_).ok());
  std::string user_id = dir_.FindUser("000000000000", kAdminUserName)->user_id;
  config_.admin_secret_key = "changed";
  ASSERT_TRUE(dir_.Bootstrap(config_).ok());
  EXPECT_EQ(dir_.FindUser("000000000000", kAdminUserName)->user_id, user_id);
  EXPECT_EQ(dir_.FindKey("test")->secret, "changed");
  int roots = 0;
  for (const AccessKey& k : dir_.KeysOfAccount("000000000000")) roots += k.kind == KeyKind::kRoot;
  EXPECT_EQ(roots, 1);
}

TEST_F(DirectoryTest, FixedRootKeys) {
  config_.root_access_key_id = "AKIAROOTROOTROOTROOT";
  config_.root_secret_access_key = "rootsecret";
  ASSERT_TRUE(dir_.Bootstrap(config_).ok());
  auto root = dir_.FindKey("AKIAROOTROOTROOTROOT");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->kind, KeyKind::kRoot);
  EXPECT_EQ(root->secret, "rootsecret");
}

TEST_F(DirectoryTest, SessionKeysCarryTheirUserAndExpiry) {
  ASSERT_TRUE(dir_.Bootstrap(config_).ok());
  AccessKey base;
  base.account_id = "000000000000";
  base.session_of = auth::PrincipalType::kIAMUser;
  base.user_name = std::string(kAdminUserName);
  auto session = dir_.CreateSessionKey(base, 900 * 1000);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->access_key_id.substr(0, 4), "ASIA");
  EXPECT_GE(session->session_token.size(), 300u);
  EXPECT_EQ(session->expires_ms, clock_.NowMillis() + 900 * 1000);
  auto stored = dir_.FindKey(session->access_key_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->session_token, session->session_token);
  auto p = dir_.PrincipalFor(*stored);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->temporary);
  EXPECT_EQ(p->arn, "arn:aws:iam::000000000000:user/orgtrail-admin");
  EXPECT_EQ(p->session_expires_ms, session->expires_ms);
}

TEST_F(DirectoryTest, RoleSessionPrincipal) {
  AccessKey base;
  base.account_id = "111111111111";
  base.session_of = auth::PrincipalType::kAssumedRole;
  base.role_arn = "arn:aws:iam::111111111111:role/ops/Admin";
  base.role_id = "AROAEXAMPLEEXAMPLE1";
  base.role_name = "Admin";
  base.session_name = "alice";
  auto session = dir_.CreateSessionKey(base, 3600 * 1000);
  ASSERT_TRUE(session.ok());
  auto p = dir_.PrincipalFor(*session);
  EXPECT_EQ(p->arn, "arn:aws:sts::111111111111:assumed-role/Admin/alice");
  EXPECT_EQ(p->user_id, "AROAEXAMPLEEXAMPLE1:alice");
  EXPECT_EQ(p->role_arn, "arn:aws:iam::111111111111:role/ops/Admin");
}

TEST_F(DirectoryTest, AccountsAndUsers) {
  std::string id = dir_.NewAccountId();
  EXPECT_EQ(id.size(), 12u);
  EXPECT_NE(id[0], '0');
  ASSERT_TRUE(dir_.PutAccount({id, "m@example.com", "member", 1}).ok());
  EXPECT_EQ(dir_.ListAccounts().size(), 1u);
  ASSERT_TRUE(dir_.CreateUser(id, "bob", "/team/").ok());
  auto dup = dir_.CreateUser(id, "bob", "/");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "EntityAlreadyExists");
  EXPECT_EQ(dir_.FindUser(id, "bob")->Arn(), "arn:aws:iam::" + id + ":user/team/bob");
}

}  // namespace
}  // namespace orgtrail::identity
