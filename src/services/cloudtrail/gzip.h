// gzip (RFC 1952) with zlib, for CloudTrail's log and digest files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orgtrail::services::cloudtrail {

std::string Gzip(std::string_view data);
// Gzip, and with `sha256_hex` the SHA-256 of `data` (lower-case hex) computed in the same pass:
// each chunk is hashed and compressed while it is in cache.
std::string Gzip(std::string_view data, std::string* sha256_hex);
std::optional<std::string> Gunzip(std::string_view data);

}  // namespace orgtrail::services::cloudtrail
