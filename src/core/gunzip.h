// Decompression of gzip request bodies (clients compress large requests of operations whose
// model carries `requestcompression`, e.g. CloudWatch PutMetricData above 10 KiB). On zlib.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace orgtrail {

// The decompressed bytes of a gzip stream (several members allowed), or nullopt when the input
// is not valid gzip or would decompress to more than `max_size` bytes.
std::optional<std::string> Gunzip(std::string_view data, size_t max_size);

}  // namespace orgtrail
