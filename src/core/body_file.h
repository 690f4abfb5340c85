// A blob member whose bytes live in a file rather than in memory. A handler returns it as the
// value of a raw blob payload (S3's GetObject Body) and the protocol layer streams the file to
// the client instead of copying the bytes into the response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace orgtrail {

struct BodyFilePiece {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct BodyFileRef {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
  // A body held by several files (a blob stored as pieces) continues with these, in order.
  std::vector<BodyFilePiece> more;
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

// A body made of `pieces` (at least one), streamed one after the other.
inline Value BodyFileValue(const std::vector<BodyFilePiece>& pieces) {
  Value v = BodyFileValue(pieces.front().path, pieces.front().offset, pieces.front().length);
  if (pieces.size() > 1) {
    Value more = Value::MakeList();
    for (size_t i = 1; i < pieces.size(); ++i)
      more.Append(Value::MakeMap()
                      .Set("path", pieces[i].path)
                      .Set("offset", static_cast<int64_t>(pieces[i].offset))
                      .Set("length", static_cast<int64_t>(pieces[i].length)));
    v.Set("more", std::move(more));
  }
  return v;
}

inline std::optional<BodyFileRef> AsBodyFile(const Value& v) {
  if (!v.is_map()) return std::nullopt;
  const Value* path = v.Find(kBodyFileKey);
  if (!path || !path->is_string()) return std::nullopt;
  BodyFileRef ref{path->AsString(),
                  static_cast<uint64_t>(v["offset"].AsInt()),
                  static_cast<uint64_t>(v["length"].AsInt()),
                  {}};
  if (const Value* more = v.Find("more"); more && more->is_list())
    for (const Value& m : more->AsList())
      ref.more.push_back({m.GetString("path"), static_cast<uint64_t>(m["offset"].AsInt()),
                          static_cast<uint64_t>(m["length"].AsInt())});
  return ref;
}

}  // namespace orgtrail
