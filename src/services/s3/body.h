// The body of PutObject and UploadPart as it is stored: a blob, its size, ETag and checksum.
// Small bodies arrive as bytes; large ones were spooled to a file by the server while they
// arrived (core/body_file.h) and are adopted by the blob store with a rename, never copied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "gateway/registry.h"

namespace orgtrail::services::s3 {

struct StoredBody {
  std::string blob;  // the blob's id: a new one, or the reused one
  int64_t size = 0;
  std::string etag;  // quoted hex MD5
  Value checksum;    // {Algorithm, Value}, or null when none was asked for
};

// Stores input["Body"] under a new blob id. The checksum is the one the request carried
// (already verified), else the one it asked for (ChecksumAlgorithm), else `default_algorithm`
// when not empty (an upload created with a checksum algorithm).
// With `reuse_blob` (the small inline blob of the unversioned object this body replaces), a
// body of at most store::kInlineBlobMax bytes is written over that blob in place: one row of
// the store's `blobs` table rewritten instead of a new one inserted and the old one deleted
// (docs/persistence.md). Spooled bodies always get a new blob.
Result<StoredBody> StoreBody(gateway::Call& call, const Value& input,
                             std::string_view default_algorithm = "",
                             std::string_view reuse_blob = "");

}  // namespace orgtrail::services::s3
