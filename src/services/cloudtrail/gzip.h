// gzip (RFC 1952) for CloudTrail's log and digest files: compressed with ISA-L's igzip at level
// 1 (opened when first needed), decompressed with zlib.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace orgtrail::services::cloudtrail {

std::string Gzip(std::string_view data);
// Gzip, and with `sha256_hex` the SHA-256 of `data` (lower-case hex), hashed in the same pass
// over the input.
std::string Gzip(std::string_view data, std::string* sha256_hex);
// The same of the concatenation of `pieces` (a file gathered in pieces, not copied into one).
std::string Gzip(std::span<const std::string> pieces, std::string* sha256_hex);
std::string Gzip(std::span<const std::string_view> pieces, std::string* sha256_hex);
// The same with zlib at level 1: what Gzip falls back to where ISA-L cannot be opened.
std::string GzipZlib(std::span<const std::string_view> pieces, std::string* sha256_hex);
std::optional<std::string> Gunzip(std::string_view data);

}  // namespace orgtrail::services::cloudtrail
