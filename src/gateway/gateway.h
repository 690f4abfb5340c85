// The gateway: the whole request chain, visible in one function (DESIGN.md §1, principle 8).
#pragma once

#include "gateway/admin.h"
#include "gateway/env.h"
#include "gateway/registry.h"
#include "http/message.h"
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

 private:
  Env& env_;
  Registry& registry_;
  const spec::Catalog& catalog_;
  AdminApi& admin_;
};

}  // namespace orgtrail::gateway
