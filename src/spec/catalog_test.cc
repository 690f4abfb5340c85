#include "spec/catalog.h"

#include <gtest/gtest.h>

#include "spec/embedded.h"

namespace orgtrail::spec {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::LoadEmbedded();
    ASSERT_TRUE(c.ok()) << c.error().message;
    catalog_ = std::move(c).value().release();
    ASSERT_TRUE(catalog_->LoadAll().ok());
  }
  static void TearDownTestSuite() { delete catalog_; }
  static Catalog* catalog_;
};
Catalog* CatalogTest::catalog_ = nullptr;

TEST_F(CatalogTest, EveryServiceIsEmbedded) {
  for (const char* id : {"organizations", "sts", "iam", "s3", "cloudtrail", "logs", "cloudwatch",
                         "sns", "sqs", "sqs-query", "lambda", "events", "kms"}) {
    EXPECT_NE(catalog_->Find(id), nullptr) << id;
  }
}

TEST_F(CatalogTest, LookupsBySigningNameTargetAndVersion) {
  EXPECT_EQ(catalog_->FindBySigningName("monitoring")->id, "cloudwatch");
  EXPECT_EQ(catalog_->FindBySigningName("sqs")->id, "sqs");
  EXPECT_EQ(catalog_->FindBySigningName("lambda")->id, "lambda");
  EXPECT_EQ(catalog_->FindByTargetPrefix("Logs_20140328")->id, "logs");
  EXPECT_EQ(catalog_->FindByTargetPrefix("GraniteServiceVersion20100801")->id, "cloudwatch");
  EXPECT_EQ(catalog_->FindQueryByVersion("2011-06-15")->id, "sts");
  EXPECT_EQ(catalog_->FindQueryByVersion("2012-11-05")->id, "sqs-query");
  EXPECT_EQ(catalog_->FindQueryByVersion("2010-08-01")->id, "cloudwatch");
  EXPECT_EQ(catalog_->FindByTargetPrefix("Nope"), nullptr);
}

// The index of embedded models comes from the build (metadata extracted by CMake); every
// lookup through it must land on a model whose own metadata agrees, as the text-read index of
// Catalog::Add does.
TEST_F(CatalogTest, BuildIndexAgreesWithEachModel) {
  Catalog from_text;
  for (size_t i = 0; i < kEmbeddedModelCount; ++i)
    ASSERT_TRUE(from_text.Add(kEmbeddedModels[i].id, kEmbeddedModels[i].text()).ok());
  const Catalog* const catalogs[] = {catalog_, &from_text};
  for (const Catalog* c : catalogs) {
    ASSERT_EQ(c->Ids(), catalog_->Ids());
    for (const std::string& id : c->Ids()) {
      const Service* svc = c->Find(id);
      ASSERT_NE(svc, nullptr) << id;
      const Service* by_signing = c->FindBySigningName(svc->signing_name);
      ASSERT_NE(by_signing, nullptr) << id;
      EXPECT_EQ(by_signing->signing_name, svc->signing_name) << id;
      if (svc->Speaks(Protocol::kJson) && !svc->target_prefix.empty()) {
        EXPECT_EQ(c->FindByTargetPrefix(svc->target_prefix), svc) << id;
      }
      if (svc->Speaks(Protocol::kQuery)) {
        const Service* by_version = c->FindQueryByVersion(svc->api_version);
        ASSERT_NE(by_version, nullptr) << id;
        EXPECT_EQ(by_version->api_version, svc->api_version) << id;
      }
      for (const auto& [name, op] : svc->operations) EXPECT_TRUE(c->HasOperation(id, name)) << id;
      EXPECT_FALSE(c->HasOperation(id, "NoSuchOperation")) << id;
    }
  }
}

TEST_F(CatalogTest, ServiceMetadata) {
  const Service* cw = catalog_->Find("cloudwatch");
  EXPECT_TRUE(cw->query_compatible);
  EXPECT_TRUE(cw->Speaks(Protocol::kJson));
  EXPECT_TRUE(cw->Speaks(Protocol::kQuery));
  EXPECT_EQ(cw->json_version, "1.0");
  const Service* sqs_query = catalog_->Find("sqs-query");
  EXPECT_EQ(sqs_query->name, "sqs");
  EXPECT_EQ(sqs_query->protocol, Protocol::kQuery);
  EXPECT_EQ(catalog_->Find("sts")->xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/");
  EXPECT_EQ(catalog_->Find("s3")->protocol, Protocol::kRestXml);
}

TEST_F(CatalogTest, OperationsShapesAndErrors) {
  const Service* s3 = catalog_->Find("s3");
  const Operation* get = s3->FindOperation("GetObject");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->http_method, "GET");
  EXPECT_EQ(get->request_uri, "/{Bucket}/{Key+}");
  const Member* range = get->input->FindMember("Range");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->location, Location::kHeader);
  EXPECT_EQ(range->location_name, "Range");
  EXPECT_TRUE(get->input->FindMember("Bucket")->required);

  const Service* sts = catalog_->Find("sts");
  const Operation* gst = sts->FindOperation("GetSessionToken");
  EXPECT_EQ(gst->output_result_wrapper, "GetSessionTokenResult");
  const Shape* duration = gst->input->FindMember("DurationSeconds")->shape;
  EXPECT_EQ(duration->type, ShapeType::kInteger);
  EXPECT_EQ(*duration->min, 900);

  const Service* sqs = catalog_->Find("sqs-query");
  const Shape* missing = sqs->FindShape("QueueDoesNotExist");
  ASSERT_TRUE(missing->error.has_value());
  EXPECT_EQ(missing->error->code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(missing->default_message, "The specified queue doesn't exist.");

  const Service* orgs = catalog_->Find("organizations");
  EXPECT_EQ(orgs->FindShape("AccountNotRegisteredException")->default_message,
            "The specified account is not a delegated administrator for this Amazon Web "
            "Services service.");
}

TEST_F(CatalogTest, IndexKnowsOperationsWithoutBuilding) {
  EXPECT_TRUE(catalog_->HasOperation("sts", "GetCallerIdentity"));
  EXPECT_TRUE(catalog_->HasOperation("sqs-query", "ReceiveMessage"));
  EXPECT_FALSE(catalog_->HasOperation("sts", "GetCallerIdentities"));
  EXPECT_FALSE(catalog_->HasOperation("nope", "GetCallerIdentity"));
  EXPECT_EQ(catalog_->Ids().size(), 13u);
}

TEST(LoadService, RejectsBrokenModels) {
  EXPECT_FALSE(LoadService("x", "{").ok());
  EXPECT_TRUE(
      LoadService("x", R"({"metadata":{"protocol":"json"},"shapes":{},"operations":{}})").ok());
  auto bad_ref = LoadService("x", R"({"metadata":{"protocol":"json"},"operations":{},
      "shapes":{"A":{"type":"structure","members":{"m":{"shape":"Missing"}}}}})");
  ASSERT_FALSE(bad_ref.ok());
  EXPECT_NE(bad_ref.error().message.find("Missing"), std::string::npos);
}

}  // namespace
}  // namespace orgtrail::spec
