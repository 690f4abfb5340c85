// The admin API under /_orgtrail/ (spec/wire.md §9): unauthenticated JSON endpoints for tests
// and tooling. Bound to loopback by default.
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "gateway/env.h"
#include "gateway/registry.h"
#include "http/message.h"

namespace orgtrail::gateway {

class AdminApi {
 public:
  struct Hooks {
    std::string version;
    // Wipes all state back to the first start (store, clock, audit, bootstrap).
    std::function<Status()> reset;
    // Delivers every pending CloudTrail record now (S3 log files, CloudWatch Logs); with
    // `digests`, also closes every digest period (POST /_orgtrail/flush[?digests=true]).
    std::function<Status(bool digests)> flush = nullptr;
  };
  AdminApi(Env& env, Registry& registry, Hooks hooks)
      : env_(env), registry_(registry), hooks_(std::move(hooks)) {}

  http::Response Handle(const http::Request& req);

 private:
  http::Response Health();
  http::Response Reset();
  http::Response Accounts();
  http::Response MintRootKey(const std::string& account_id);
  http::Response Clock(const http::Request& req);
  http::Response ApiCalls(const http::Request& req);
  http::Response Flush(const http::Request& req);

  Env& env_;
  Registry& registry_;
  Hooks hooks_;
};

}  // namespace orgtrail::gateway
