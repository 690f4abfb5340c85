// The gateway: the whole request chain, visible in one function (DESIGN.md §1, principle 8).
#pragma once

#include "gateway/admin.h"
#include "gateway/env.h"
#include "gateway/registry.h"
#include "http/message.h"
#include "http/server.h"
#include "spec/catalog.h"

namespace orgtrail::gateway {

class Gateway {
 public:
  Gateway(Env& env, Registry& registry, const spec::Catalog& catalog, AdminApi& admin)
      : env_(env), registry_(registry), catalog_(catalog), admin_(admin) {
    registry_.SetCatalog(&catalog_);
  }

  // route -> authenticate -> parse -> authorize -> dispatch -> serialize -> audit.
  // Never throws; every failure becomes an AWS-shaped response.
  http::Response Handle(http::Request& req);

  // The HTTP server's body planner (http/server.h): S3 bodies up to 5 GiB may be spooled to a
  // file; every other service keeps bodies in memory up to kMaxServiceBody. Over the limit, the
  // answer is the route's protocol error (S3: EntityTooLarge).
  http::BodyPlan PlanBody(const http::Request& head);
  static constexpr uint64_t kMaxS3Body = 5ULL << 30;
  static constexpr uint64_t kMaxServiceBody = 8ULL << 20;

 private:
  struct Routed;  // a request's route and response context (stages.h)
  // Routes a request and opens its response context: request id (and S3's host id), HEAD.
  Routed ContextFor(const http::Request& req);

  Env& env_;
  Registry& registry_;
  const spec::Catalog& catalog_;
  AdminApi& admin_;
};

}  // namespace orgtrail::gateway
