// The catalog of every embedded model.
//
// Start-up must be fast (ready in well under 20 ms) and idle memory small, so the catalog only
// indexes each model at start (metadata and operation names, one pass of a SAX reader over the
// text) and builds a model's full Service the first time it is asked for. Lookups are
// thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "spec/model.h"

namespace orgtrail::spec {

class Catalog {
 public:
  struct Entry;  // what the catalog knows of one model (catalog.cc)

  Catalog();
  ~Catalog();
  // Indexes every model embedded in the binary (specs/*.json).
  static Result<std::unique_ptr<Catalog>> LoadEmbedded();
  // Adds a model from text that outlives the catalog (tests).
  Status Add(std::string id, std::string_view json);

  // The full model (built on first use); null when unknown or when the model text is broken.
  const Service* Find(std::string_view id) const;
  // By SigV4 signing name ("monitoring" -> cloudwatch). The JSON model of a service wins over its
  // legacy Query model.
  const Service* FindBySigningName(std::string_view signing_name) const;
  // By JSON X-Amz-Target prefix ("Logs_20140328").
  const Service* FindByTargetPrefix(std::string_view prefix) const;
  // By Query API Version, among services that speak Query ("2011-06-15" -> sts).
  const Service* FindQueryByVersion(std::string_view version) const;

  // From the index alone (no full build): model ids, and whether a model has an operation.
  std::vector<std::string> Ids() const;
  bool HasOperation(std::string_view id, std::string_view operation) const;
  // Builds every model now (tests, benchmarks).
  Status LoadAll() const;

 private:
  const Entry* FindEntry(std::string_view id) const;
  const Service* Build(const Entry& entry) const;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace orgtrail::spec
