// Test support only (never linked into orgtrail): lives outside src/services so that no service
// folder includes another.
// A fixture for service tests: the whole request chain (Gateway::Handle) in process, on the
// in-memory store and a fake clock, with the first start's identities bootstrapped (test/test
// for orgtrail-admin, AKIAROOTROOTROOTROOT/rootsecret for the management account's root) and
// every service registered. Tests send requests signed like the AWS CLI's.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "auth/verify.h"
#include "events/journal.h"
#include "gateway/admin.h"
#include "gateway/audit.h"
#include "gateway/gateway.h"
#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/iam.h"
#include "identity/organizations.h"
#include "services/register_all.h"

namespace orgtrail::gateway {

class InProcessTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kRootKey = "AKIAROOTROOTROOTROOT";
  static constexpr std::string_view kRootSecret = "rootsecret";

  void SetUp() override {
    auto c = spec::Catalog::LoadEmbedded();
    ASSERT_TRUE(c.ok());
    catalog_ = std::move(c).value();
    ASSERT_TRUE(identity::Bootstrap(directory_, iam_,
                                    {"000000000000", "a@example.com", "test", "test",
                                     std::string(kRootKey), std::string(kRootSecret)})
                    .ok());
    journal_.Attach(audit_);
    env_.journal = &journal_;  // no group-commit thread: read-only records wait for Flush
    services::RegisterAll(registry_);
    ASSERT_TRUE(registry_.SelfCheck(*catalog_).ok());
    gateway_ = std::make_unique<Gateway>(env_, registry_, *catalog_, admin_);
  }

  // A form-encoded Query request (`body` is the whole form: Action=...&Version=...).
  static http::Request QueryRequest(std::string body) {
    http::Request req;
    req.method = "POST";
    req.SetTarget("/");
    req.headers = {{"Host", "127.0.0.1:4566"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = std::move(body);
    return req;
  }

  // A JSON 1.1 request for `target` ("Logs_20140328.DescribeLogGroups").
  static http::Request JsonRequest(std::string target, std::string body = "{}") {
    http::Request req;
    req.method = "POST";
    req.SetTarget("/");
    req.headers = {{"Host", "127.0.0.1:4566"},
                   {"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", std::move(target)}};
    req.body = std::move(body);
    return req;
  }

  // Signs `req` for `service` at the fake clock's time and sends it through the gateway.
  http::Response Send(http::Request req, std::string_view service, std::string_view key = "test",
                      std::string_view secret = "test", std::string_view token = "") {
    auth::SignRequest(req, key, secret, "us-east-1", service, clock_.WallMillis(), token);
    return gateway_->Handle(req);
  }

  std::unique_ptr<spec::Catalog> catalog_;
  std::unique_ptr<store::Store> store_ = store::MakeMemoryStore();
  FakeClock clock_;
  IdSource ids_{3};
  identity::Directory directory_{*store_, ids_, clock_};
  identity::Iam iam_{*store_, ids_, clock_};
  identity::Organizations orgs_{*store_, ids_, clock_, directory_, iam_};
  AuditBus audit_;
  Config config_;
  Env env_{clock_, ids_, *store_, directory_, iam_, orgs_, audit_, config_};
  events::Journal journal_{*store_, ids_};
  Registry registry_;
  AdminApi admin_{env_, registry_, {"test", nullptr}};
  std::unique_ptr<Gateway> gateway_;
};

}  // namespace orgtrail::gateway
