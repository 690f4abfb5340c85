// gzip (RFC 1952) with zlib, for CloudTrail's log and digest files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orgtrail::services::cloudtrail {

std::string Gzip(std::string_view data);
std::optional<std::string> Gunzip(std::string_view data);

}  // namespace orgtrail::services::cloudtrail
