#include <gtest/gtest.h>

#include "protocol/codec.h"

namespace orgtrail::protocol {
namespace {

TEST(ErrorMessage, FallsBackToTheModelsDefaultMessage) {
  auto catalog = spec::Catalog::LoadEmbedded();
  ASSERT_TRUE(catalog.ok());
  Route route;
  route.service = (*catalog)->Find("organizations");
  route.protocol = spec::Protocol::kJson;
  EXPECT_EQ(ErrorMessage(route, AwsError("AccountNotRegisteredException", "")),
            "The specified account is not a delegated administrator for this Amazon Web Services "
            "service.");
  EXPECT_EQ(ErrorMessage(route, AwsError("AccountNotRegisteredException", "given")), "given");
  EXPECT_EQ(ErrorMessage(route, AwsError("NotInTheModel", "")), "");
}

}  // namespace
}  // namespace orgtrail::protocol
