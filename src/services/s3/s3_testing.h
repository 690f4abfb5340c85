// Test support for the S3 unit tests: the in-process request chain (testing/in_process.h) with
// REST-XML requests as the CLI sends them to a path-style endpoint.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "testing/in_process.h"

namespace orgtrail::services::s3::testing {

class S3ChainTest : public gateway::InProcessTest {
 protected:
  // `method` `target` (path-style: "/bucket/key?query") with `body`, signed as orgtrail-admin.
  http::Response S3(std::string method, std::string target, std::string body = "",
                    std::vector<http::Header> extra = {}) {
    http::Request req;
    req.method = std::move(method);
    req.SetTarget(std::move(target));
    req.headers = {{"Host", "127.0.0.1:4566"}};
    for (auto& h : extra) req.headers.push_back(std::move(h));
    req.body = std::move(body);
    return Send(std::move(req), "s3");
  }
};

}  // namespace orgtrail::services::s3::testing
