// The catalog of every embedded model. Built once; lookups are thread-safe after Load().
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "spec/model.h"

namespace orgtrail::spec {

class Catalog {
 public:
  // Loads every model embedded in the binary (specs/*.json).
  static Result<std::unique_ptr<Catalog>> LoadEmbedded();
  // Adds a model (tests).
  Status Add(std::string id, std::string_view json);

  const Service* Find(std::string_view id) const;
  // By SigV4 signing name ("monitoring" -> cloudwatch). The JSON model of a service wins over its
  // legacy Query model.
  const Service* FindBySigningName(std::string_view signing_name) const;
  // By JSON X-Amz-Target prefix ("Logs_20140328").
  const Service* FindByTargetPrefix(std::string_view prefix) const;
  // By Query API Version, among services that speak Query ("2011-06-15" -> sts).
  const Service* FindQueryByVersion(std::string_view version) const;
  const std::vector<std::unique_ptr<Service>>& services() const { return services_; }

 private:
  std::vector<std::unique_ptr<Service>> services_;
};

}  // namespace orgtrail::spec
