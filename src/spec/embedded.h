// The model files embedded into the binary by the build (cmake/EmbedModels.cmake).
#pragma once

#include <cstddef>
#include <string_view>

namespace orgtrail::spec {

struct EmbeddedModel {
  const char* id;  // file name without .json: "sts", "sqs-query", ...
  const char* begin;
  const char* end;
  // From the model's "metadata", extracted by the build ("" when absent); protocols is the
  // comma-separated list of "metadata.protocols".
  const char* signing_name;
  const char* endpoint_prefix;
  const char* target_prefix;
  const char* api_version;
  const char* protocol;
  const char* protocols;
  std::string_view text() const { return {begin, static_cast<size_t>(end - begin)}; }
};

extern const EmbeddedModel kEmbeddedModels[];
extern const size_t kEmbeddedModelCount;

}  // namespace orgtrail::spec
