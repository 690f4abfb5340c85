// libFuzzer target for gzip request bodies (core/gunzip.h; Content-Encoding: gzip on JSON and
// Query requests). The input is the body. Whatever it holds, the result is nullopt or at most
// the limit, and a smaller limit never yields more bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/gunzip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  constexpr size_t kLimits[] = {0, 64, 1 << 20};
  for (size_t limit : kLimits) {
    auto body = orgtrail::Gunzip(in, limit);
    if (body && body->size() > limit) std::abort();
  }
  auto small = orgtrail::Gunzip(in, 64);
  auto large = orgtrail::Gunzip(in, 1 << 20);
  if (small && (!large || *small != *large)) std::abort();
  return 0;
}
