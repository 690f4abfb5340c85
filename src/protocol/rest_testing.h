// Shared by the REST protocol tests (rest_router_test, rest_json_codec_test,
// rest_xml_codec_test): the embedded models, loaded once per test binary, and requests and
// routes built against them. Header-only; for unit tests, never linked into orgtrail.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/internal.h"
#include "spec/catalog.h"

namespace orgtrail::protocol {

class RestModelsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (catalog_) return;  // one load for every suite of the binary
    auto c = spec::Catalog::LoadEmbedded();
    ASSERT_TRUE(c.ok());
    catalog_ = std::move(c).value().release();
  }
  static const spec::Service& S3() { return *catalog_->Find("s3"); }
  static const spec::Service& Lambda() { return *catalog_->Find("lambda"); }

  static http::Request Req(const std::string& method, const std::string& target,
                           std::vector<http::Header> headers = {}, std::string body = "") {
    http::Request req;
    req.method = method;
    req.SetTarget(target);
    req.headers = std::move(headers);
    req.body = std::move(body);
    return req;
  }
  // The route the REST router finds for `req` in `service`.
  static Route RouteOf(const spec::Service& service, const http::Request& req) {
    Route route;
    internal::RouteRest(req, service, route);
    return route;
  }
  // A route to operation `op` of `service`, as if the router had found it.
  static Route RouteTo(const spec::Service& service, spec::Protocol protocol,
                       const std::string& op) {
    Route route;
    route.service = &service;
    route.protocol = protocol;
    route.operation = service.FindOperation(op);
    route.operation_name = op;
    return route;
  }

  static inline spec::Catalog* catalog_ = nullptr;  // never freed: shared by every suite
};

}  // namespace orgtrail::protocol
