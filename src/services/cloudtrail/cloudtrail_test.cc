// CloudTrail trails in process (spec/cloudtrail.md §1, §6, §8.3, §10; org-iam.md §2.5):
// organization-trail rules, name/ARN resolution, visibility, status, selectors, tags, keys.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/json.h"
#include "services/cloudtrail/trail_state.h"
#include "testing/in_process.h"

namespace orgtrail::gateway {
namespace {

struct TrailReply {
  int status = 0;
  Value body;
  std::string Code() const { return body.GetString("__type"); }
  std::string Message() const {
    return body.Has("message") ? body.GetString("message") : body.GetString("Message");
  }
};

constexpr std::string_view kMgmt = "000000000000";

class CloudTrailTest : public InProcessTest {
 protected:
  // The trails' bucket "logs", writable by cloudtrail.amazonaws.com (CreateTrail checks it).
  void SetUp() override {
    InProcessTest::SetUp();
    auto s3 = [&](std::string method, std::string target, std::string body) {
      http::Request req;
      req.method = std::move(method);
      req.SetTarget(std::move(target));
      req.headers = {{"Host", "127.0.0.1:4566"}};
      req.body = std::move(body);
      return Send(std::move(req), "s3").status;
    };
    ASSERT_EQ(s3("PUT", "/logs", ""), 200);
    ASSERT_EQ(s3("PUT", "/logs?policy",
                 R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                 R"("Principal":{"Service":"cloudtrail.amazonaws.com"},)"
                 R"("Action":["s3:GetBucketAcl","s3:PutObject"],)"
                 R"("Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]}]})"),
              204);
  }
  TrailReply Do(std::string_view service, std::string_view target, std::string body,
                std::string_view key, std::string_view secret) {
    http::Response r =
        Send(JsonRequest(std::string(target), std::move(body)), service, key, secret);
    TrailReply out;
    out.status = r.status;
    auto parsed = ParseJson(r.body.empty() ? "{}" : r.body);
    if (parsed.ok()) out.body = std::move(parsed).value();
    return out;
  }
  TrailReply Ct(std::string_view op, std::string body = "{}", std::string_view key = "test",
                std::string_view secret = "test") {
    return Do("cloudtrail",
              "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + std::string(op),
              std::move(body), key, secret);
  }
  TrailReply Org(std::string_view op, std::string body = "{}") {
    return Do("organizations", "AWSOrganizationsV20161128." + std::string(op), std::move(body),
              "test", "test");
  }
  std::string NewAccount(const std::string& name) {
    TrailReply r = Org("CreateAccount", R"({"Email":")" + name +
                                            R"(@example.com","AccountName":")" + name + R"("})");
    EXPECT_EQ(r.status, 200) << r.body.ToJson();
    clock_.Advance(1000);
    TrailReply done = Org(
        "DescribeCreateAccountStatus",
        R"({"CreateAccountRequestId":")" + r.body["CreateAccountStatus"].GetString("Id") + R"("})");
    return done.body["CreateAccountStatus"].GetString("AccountId");
  }
  std::pair<std::string, std::string> RootKeys(const std::string& account) {
    auto key = directory_.CreateLongTermKey(account, identity::KeyKind::kRoot, "");
    EXPECT_TRUE(key.ok());
    return {key->access_key_id, key->secret};
  }
  static std::string OrgTrailBody(const std::string& name = "org-trail") {
    return R"({"Name":")" + name +
           R"(","S3BucketName":"logs","IsOrganizationTrail":true,"IsMultiRegionTrail":true})";
  }
};

TEST_F(CloudTrailTest, AccountTrailLifecycle) {
  TrailReply bad = Ct("CreateTrail", R"({"Name":"a..b","S3BucketName":"logs"})");
  EXPECT_EQ(bad.Code(), "InvalidTrailNameException");
  EXPECT_EQ(Ct("CreateTrail", R"({"Name":"10.0.0.1","S3BucketName":"logs"})").Code(),
            "InvalidTrailNameException");
  EXPECT_EQ(Ct("CreateTrail", R"({"Name":"-ab","S3BucketName":"logs"})").Code(),
            "InvalidTrailNameException");

  TrailReply created =
      Ct("CreateTrail", R"({"Name":"main","S3BucketName":"logs","S3KeyPrefix":"p"})");
  ASSERT_EQ(created.status, 200) << created.body.ToJson();
  EXPECT_EQ(created.body.GetString("TrailARN"),
            "arn:aws:cloudtrail:us-east-1:000000000000:trail/main");
  EXPECT_FALSE(created.body.Has("HomeRegion"));
  EXPECT_TRUE(created.body["IncludeGlobalServiceEvents"].AsBool());
  EXPECT_FALSE(created.body["IsMultiRegionTrail"].AsBool());
  TrailReply dup = Ct("CreateTrail", R"({"Name":"main","S3BucketName":"logs"})");
  EXPECT_EQ(dup.Code(), "TrailAlreadyExistsException");
  EXPECT_EQ(dup.Message(), "Trail main already exists for customer: 000000000000");

  TrailReply got = Ct("GetTrail", R"({"Name":"main"})");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["Trail"].GetString("HomeRegion"), "us-east-1");
  EXPECT_FALSE(got.body["Trail"]["HasCustomEventSelectors"].AsBool());
  TrailReply missing = Ct("GetTrail", R"({"Name":"nope"})");
  EXPECT_EQ(missing.Code(), "TrailNotFoundException");
  EXPECT_EQ(missing.Message(),
            "Unknown trail: arn:aws:cloudtrail:us-east-1:000000000000:trail/nope for the user: "
            "000000000000");

  TrailReply status = Ct("GetTrailStatus", R"({"Name":"main"})");
  EXPECT_FALSE(status.body["IsLogging"].AsBool());
  ASSERT_EQ(Ct("StartLogging", R"({"Name":"main"})").status, 200);
  status = Ct("GetTrailStatus", R"({"Name":"main"})");
  EXPECT_TRUE(status.body["IsLogging"].AsBool());
  EXPECT_TRUE(status.body["StartLoggingTime"].is_number());
  ASSERT_EQ(Ct("StopLogging", R"({"Name":"main"})").status, 200);
  EXPECT_FALSE(Ct("GetTrailStatus", R"({"Name":"main"})").body["IsLogging"].AsBool());

  TrailReply sel = Ct("GetEventSelectors", R"({"TrailName":"main"})");
  EXPECT_EQ(sel.body["EventSelectors"].AsList().at(0).GetString("ReadWriteType"), "All");
  TrailReply put = Ct("PutEventSelectors",
                      R"({"TrailName":"main","EventSelectors":[{"ReadWriteType":"WriteOnly",
                     "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::b/"]}]}]})");
  ASSERT_EQ(put.status, 200) << put.body.ToJson();
  EXPECT_TRUE(
      Ct("GetTrail", R"({"Name":"main"})").body["Trail"]["HasCustomEventSelectors"].AsBool());
  EXPECT_EQ(
      Ct("PutEventSelectors",
         R"({"TrailName":"main","EventSelectors":[{"DataResources":[{"Type":"AWS::X","Values":["a"]}]}]})")
          .Code(),
      "InvalidEventSelectorsException");
  TrailReply adv =
      Ct("PutEventSelectors",
         R"({"TrailName":"main","AdvancedEventSelectors":[{"Name":"m","FieldSelectors":[
                     {"Field":"eventCategory","Equals":["Management"]}]}]})");
  ASSERT_EQ(adv.status, 200) << adv.body.ToJson();
  EXPECT_TRUE(
      Ct("GetEventSelectors", R"({"TrailName":"main"})").body.Has("AdvancedEventSelectors"));

  const std::string arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/main";
  ASSERT_EQ(Ct("AddTags", R"({"ResourceId":")" + arn + R"(","TagsList":[{"Key":"k","Value":"v"}]})")
                .status,
            200);
  TrailReply tags = Ct("ListTags", R"({"ResourceIdList":[")" + arn + R"("]})");
  EXPECT_EQ(tags.body["ResourceTagList"].AsList().at(0)["TagsList"].AsList().at(0).GetString("Key"),
            "k");
  ASSERT_EQ(Ct("RemoveTags", R"({"ResourceId":")" + arn + R"(","TagsList":[{"Key":"k"}]})").status,
            200);

  EXPECT_EQ(Ct("ListTrails").body["Trails"].size(), 1u);
  ASSERT_EQ(Ct("DeleteTrail", R"({"Name":")" + arn + R"("})").status, 200);
  EXPECT_EQ(Ct("ListTrails").body["Trails"].size(), 0u);
}

TEST_F(CloudTrailTest, OrganizationTrailRules) {
  EXPECT_EQ(Ct("CreateTrail", OrgTrailBody()).Code(), "OrganizationsNotInUseException");
  ASSERT_EQ(Org("CreateOrganization").status, 200);
  std::string log = NewAccount("log");
  std::string member = NewAccount("member");
  auto [log_key, log_secret] = RootKeys(log);
  auto [mem_key, mem_secret] = RootKeys(member);

  EXPECT_EQ(Ct("CreateTrail", OrgTrailBody()).Code(), "CloudTrailAccessNotEnabledException");
  EXPECT_EQ(
      Ct("RegisterOrganizationDelegatedAdmin", R"({"MemberAccountId":")" + log + "\"}").Code(),
      "CloudTrailAccessNotEnabledException");
  EXPECT_EQ(Ct("CreateTrail", OrgTrailBody(), log_key, log_secret).Code(),
            "NotOrganizationMasterAccountException");
  ASSERT_EQ(
      Org("EnableAWSServiceAccess", R"({"ServicePrincipal":"cloudtrail.amazonaws.com"})").status,
      200);
  EXPECT_EQ(
      Ct("RegisterOrganizationDelegatedAdmin", R"({"MemberAccountId":"000000000000"})").Code(),
      "CannotDelegateManagementAccountException");
  EXPECT_EQ(Ct("RegisterOrganizationDelegatedAdmin", R"({"MemberAccountId":")" + log + "\"}",
               log_key, log_secret)
                .Code(),
            "NotOrganizationManagementAccountException");
  ASSERT_EQ(
      Ct("RegisterOrganizationDelegatedAdmin", R"({"MemberAccountId":")" + log + "\"}").status,
      200);
  EXPECT_EQ(
      Ct("RegisterOrganizationDelegatedAdmin", R"({"MemberAccountId":")" + log + "\"}").Code(),
      "AccountRegisteredException");
  TrailReply admins =
      Org("ListDelegatedAdministrators", R"({"ServicePrincipal":"cloudtrail.amazonaws.com"})");
  EXPECT_EQ(admins.body["DelegatedAdministrators"].AsList().at(0).GetString("Id"), log);

  // The delegated admin creates the trail; the management account owns it.
  TrailReply created = Ct("CreateTrail", OrgTrailBody(), log_key, log_secret);
  ASSERT_EQ(created.status, 200) << created.body.ToJson();
  const std::string arn = "arn:aws:cloudtrail:us-east-1:000000000000:trail/org-trail";
  EXPECT_EQ(created.body.GetString("TrailARN"), arn);
  EXPECT_TRUE(created.body["IsOrganizationTrail"].AsBool());

  TrailReply by_name = Ct("StartLogging", R"({"Name":"org-trail"})", log_key, log_secret);
  EXPECT_EQ(by_name.Code(), "TrailNotFoundException");
  EXPECT_EQ(by_name.Message(), "Unknown trail: arn:aws:cloudtrail:us-east-1:" + log +
                                   ":trail/org-trail for the user: " + log);
  ASSERT_EQ(Ct("StartLogging", R"({"Name":")" + arn + "\"}", log_key, log_secret).status, 200);
  EXPECT_TRUE(Ct("GetTrailStatus", R"({"Name":"org-trail"})").body["IsLogging"].AsBool());
  // The delegated admin may not turn it into an account trail.
  EXPECT_EQ(Ct("UpdateTrail", R"({"Name":")" + arn + R"(","IsOrganizationTrail":false})", log_key,
               log_secret)
                .Code(),
            "NotOrganizationMasterAccountException");

  // Members see the trail (shadow) and cannot change it.
  TrailReply described = Ct("DescribeTrails", "{}", mem_key, mem_secret);
  ASSERT_EQ(described.body["trailList"].size(), 1u);
  EXPECT_EQ(described.body["trailList"].AsList()[0].GetString("TrailARN"), arn);
  EXPECT_EQ(Ct("DescribeTrails", R"({"includeShadowTrails":false})", mem_key, mem_secret)
                .body["trailList"]
                .size(),
            0u);
  EXPECT_EQ(Ct("GetTrail", R"({"Name":")" + arn + "\"}", mem_key, mem_secret).status, 200);
  TrailReply denied = Ct("StopLogging", R"({"Name":")" + arn + "\"}", mem_key, mem_secret);
  EXPECT_EQ(denied.Code(), "CloudTrailARNInvalidException");
  EXPECT_EQ(
      denied.Message(),
      "AccountID in ARN is wrong, you can only access resources with AccountID " + member + ".");
  EXPECT_EQ(Ct("ListTags", R"({"ResourceIdList":[")" + arn + "\"]}", mem_key, mem_secret).Code(),
            "CloudTrailARNInvalidException");
  EXPECT_EQ(Ct("GetTrail", R"({"Name":"org-trail"})", mem_key, mem_secret).Code(),
            "TrailNotFoundException");
  EXPECT_EQ(Ct("ListTrails", "{}", mem_key, mem_secret).body["Trails"].size(), 1u);

  ASSERT_EQ(
      Ct("DeregisterOrganizationDelegatedAdmin", R"({"DelegatedAdminAccountId":")" + log + "\"}")
          .status,
      200);
  EXPECT_EQ(
      Ct("DeregisterOrganizationDelegatedAdmin", R"({"DelegatedAdminAccountId":")" + log + "\"}")
          .Code(),
      "AccountNotRegisteredException");
  // The trail stays.
  EXPECT_EQ(Ct("GetTrail", R"({"Name":"org-trail"})").status, 200);
}

TEST_F(CloudTrailTest, ListPublicKeysServesPkcs1Der) {
  TrailReply keys = Ct("ListPublicKeys");
  ASSERT_EQ(keys.status, 200) << keys.body.ToJson();
  ASSERT_EQ(keys.body["PublicKeyList"].size(), 1u);
  const Value& k = keys.body["PublicKeyList"].AsList()[0];
  EXPECT_EQ(k.GetString("Value").rfind("MIIBCgKCAQEA", 0), 0u) << k.GetString("Value");
  EXPECT_EQ(k.GetString("Fingerprint").size(), 32u);
  // Same key on the next call.
  EXPECT_EQ(Ct("ListPublicKeys").body["PublicKeyList"].AsList()[0].GetString("Fingerprint"),
            k.GetString("Fingerprint"));
}

// Data events (spec §5.5) are recorded only while some trail can select them: without a data
// selector an object call leaves no journal row; with one it is journaled; the gate is read
// again from the stored trails at start-up.
TEST_F(CloudTrailTest, DataEventsAreJournaledOnlyWhileATrailCanSelectThem) {
  auto put = [&](const std::string& key) {
    http::Request req;
    req.method = "PUT";
    req.SetTarget("/logs/" + key);
    req.headers = {{"Host", "127.0.0.1:4566"}};
    req.body = "body";
    return Send(std::move(req), "s3").status;
  };
  auto last_event = [&] {
    EXPECT_TRUE(journal_.Flush().ok());
    std::vector<events::JournalEntry> e = journal_.ReadAfter(journal_.LastSeq() - 1, 1);
    return e.empty() ? std::string() : e[0].event_name;
  };
  services::cloudtrail::RefreshDataEventGate(env_);  // start-up: no trail
  EXPECT_FALSE(journal_.RecordsDataEvents());
  ASSERT_EQ(Ct("CreateTrail", R"({"Name":"data-trail","S3BucketName":"logs"})").status, 200);
  EXPECT_FALSE(journal_.RecordsDataEvents());
  uint64_t before = journal_.LastSeq();
  ASSERT_EQ(put("a"), 200);
  EXPECT_TRUE(journal_.Flush().ok());
  EXPECT_EQ(journal_.LastSeq(), before);  // no row for the PutObject

  ASSERT_EQ(
      Ct("PutEventSelectors", R"({"TrailName":"data-trail","EventSelectors":[{"DataResources":[)"
                              R"({"Type":"AWS::S3::Object","Values":["arn:aws:s3:::logs/x/"]}]}]})")
          .status,
      200);
  EXPECT_TRUE(journal_.RecordsDataEvents());
  ASSERT_EQ(put("x/b"), 200);
  EXPECT_EQ(last_event(), "PutObject");

  // A restart with that trail stored: recorded still.
  journal_.SetRecordDataEvents(false);
  services::cloudtrail::RefreshDataEventGate(env_);
  EXPECT_TRUE(journal_.RecordsDataEvents());

  // Advanced selectors for management events only, then no trail at all: off again.
  ASSERT_EQ(Ct("PutEventSelectors",
               R"({"TrailName":"data-trail","AdvancedEventSelectors":[{"FieldSelectors":[)"
               R"({"Field":"eventCategory","Equals":["Management"]}]}]})")
                .status,
            200);
  EXPECT_FALSE(journal_.RecordsDataEvents());
  ASSERT_EQ(Ct("PutEventSelectors",
               R"({"TrailName":"data-trail","AdvancedEventSelectors":[{"FieldSelectors":[)"
               R"({"Field":"eventCategory","Equals":["Data"]},)"
               R"({"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]})")
                .status,
            200);
  EXPECT_TRUE(journal_.RecordsDataEvents());
  ASSERT_EQ(Ct("DeleteTrail", R"({"Name":"data-trail"})").status, 200);
  EXPECT_FALSE(journal_.RecordsDataEvents());
  before = journal_.LastSeq();
  ASSERT_EQ(put("x/c"), 200);
  EXPECT_EQ(last_event(), "DeleteTrail");
  EXPECT_EQ(journal_.LastSeq(), before);
}

// A store whose next transaction fails at commit: it delegates to `inner`, keeps what each write
// of the transaction replaced and, when the transaction ends, puts it back (a rollback) and runs
// the AfterCommit callbacks with committed = false. One thread.
class FailingCommitStore : public store::Store {
 public:
  explicit FailingCommitStore(store::Store& inner) : inner_(inner) {}
  bool fail_next_commit = false;

  std::unique_ptr<store::Transaction> Begin() override {
    return std::make_unique<Scope>(*this, inner_.Begin());
  }
  void AfterCommit(std::function<void(bool)> fn) override {
    if (depth_ == 0) return fn(true);
    after_.push_back(std::move(fn));
  }
  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    return inner_.Get(table, key);
  }
  Status Put(std::string_view table, std::string_view key, std::string_view value) override {
    return Apply({{std::string(table), std::string(key), std::string(value)}});
  }
  Status Delete(std::string_view table, std::string_view key) override {
    return Apply({{std::string(table), std::string(key), std::nullopt}});
  }
  Status Apply(const std::vector<store::Write>& writes) override {
    if (depth_ > 0) {
      for (const store::Write& w : writes)
        undo_.push_back({w.table, w.key, inner_.Get(w.table, w.key)});
    }
    return inner_.Apply(writes);
  }
  std::vector<store::Row> Scan(std::string_view table, std::string_view prefix,
                               std::string_view after, size_t limit) override {
    return inner_.Scan(table, prefix, after, limit);
  }
  Status Clear() override { return inner_.Clear(); }
  store::BlobStore& Blobs() override { return inner_.Blobs(); }
  store::AppendFiles& Files() override { return inner_.Files(); }
  std::string_view Kind() const override { return "failing"; }

 private:
  struct Scope : store::Transaction {
    Scope(FailingCommitStore& s, std::unique_ptr<store::Transaction> inner)
        : store(s), txn(std::move(inner)) {
      ++store.depth_;
    }
    ~Scope() override {
      if (--store.depth_ > 0) return;
      const bool failed = std::exchange(store.fail_next_commit, false);
      if (failed) {
        for (auto it = store.undo_.rbegin(); it != store.undo_.rend(); ++it)
          (void)store.inner_.Apply({*it});
      }
      store.undo_.clear();
      txn.reset();
      for (auto& fn : std::exchange(store.after_, {})) fn(!failed);
    }
    FailingCommitStore& store;
    std::unique_ptr<store::Transaction> txn;
  };
  store::Store& inner_;
  int depth_ = 0;
  std::vector<store::Write> undo_;
  std::vector<std::function<void(bool)>> after_;
};

// A DeleteTrail whose transaction fails at commit switched the gate off inside it: the gate is
// set again from the committed trails, so data events stay recorded.
TEST_F(CloudTrailTest, DataEventGateFollowsTheCommittedTrailsWhenACommitFails) {
  ASSERT_EQ(Ct("CreateTrail", R"({"Name":"data-trail","S3BucketName":"logs"})").status, 200);
  ASSERT_EQ(
      Ct("PutEventSelectors", R"({"TrailName":"data-trail","EventSelectors":[{"DataResources":[)"
                              R"({"Type":"AWS::S3::Object","Values":["arn:aws:s3:::logs/"]}]}]})")
          .status,
      200);
  EXPECT_TRUE(journal_.RecordsDataEvents());
  FailingCommitStore failing(*store_);
  Env env{clock_, ids_, failing, directory_, iam_, orgs_, audit_, config_};
  env.journal = &journal_;
  std::vector<services::cloudtrail::Trail> trails = services::cloudtrail::AllTrails(failing);
  ASSERT_EQ(trails.size(), 1u);
  const std::string arn = trails[0].Arn();
  {
    std::unique_ptr<store::Transaction> txn = failing.Begin();
    failing.fail_next_commit = true;
    ASSERT_TRUE(services::cloudtrail::DeleteTrailRows(failing, arn).ok());
    services::cloudtrail::RefreshDataEventGate(env);
    EXPECT_FALSE(journal_.RecordsDataEvents());  // inside the transaction: no trail
  }
  EXPECT_EQ(services::cloudtrail::AllTrails(failing).size(), 1u);  // rolled back
  EXPECT_TRUE(journal_.RecordsDataEvents());
  {
    std::unique_ptr<store::Transaction> txn = failing.Begin();
    ASSERT_TRUE(services::cloudtrail::DeleteTrailRows(failing, arn).ok());
    services::cloudtrail::RefreshDataEventGate(env);
  }
  EXPECT_TRUE(services::cloudtrail::AllTrails(failing).empty());  // committed
  EXPECT_FALSE(journal_.RecordsDataEvents());
}

}  // namespace
}  // namespace orgtrail::gateway
