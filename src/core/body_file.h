// A blob member whose bytes live in a file rather than in memory. A handler returns it as the
// value of a raw blob payload (S3's GetObject Body) and the protocol layer streams the file to
// the client instead of copying the bytes into the response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/value.h"

namespace orgtrail {

struct BodyFileRef {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

inline constexpr const char* kBodyFileKey = "$orgtrail.body_file";
// A request body spooled to a file also carries the digests computed while it was checked:
// {"md5": hex, "crc32" | "crc32c" | "sha1" | "sha256": base64}, each only when computed.
inline constexpr const char* kBodyFileDigestsKey = "digests";

inline Value BodyFileValue(std::string path, uint64_t offset, uint64_t length) {
  return Value::MakeMap()
      .Set(kBodyFileKey, std::move(path))
      .Set("offset", static_cast<int64_t>(offset))
      .Set("length", static_cast<int64_t>(length));
}

inline std::optional<BodyFileRef> AsBodyFile(const Value& v) {
  if (!v.is_map()) return std::nullopt;
  const Value* path = v.Find(kBodyFileKey);
  if (!path || !path->is_string()) return std::nullopt;
  return BodyFileRef{path->AsString(), static_cast<uint64_t>(v["offset"].AsInt()),
                     static_cast<uint64_t>(v["length"].AsInt())};
}

}  // namespace orgtrail
