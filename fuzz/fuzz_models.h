// Shared by the protocol fuzz targets: the embedded service models, loaded once per process.
#pragma once

#include "spec/catalog.h"

namespace orgtrail::fuzz {

inline const spec::Catalog& Models() {
  static const auto* catalog = spec::Catalog::LoadEmbedded().value().release();
  return *catalog;
}

}  // namespace orgtrail::fuzz
