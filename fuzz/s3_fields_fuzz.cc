// libFuzzer target for the S3 request input the handlers parse themselves (src/services/s3):
// Range, x-amz-copy-source-range and x-amz-copy-source headers and the public-policy check of
// PutBucketPolicy. The whole input is each header's value, checked against objects of several
// sizes, and the policy document. A range that parses lies inside the object; a refusal is an AWS
// error; a copy source that parses names a bucket and a key.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/s3/state.h"

namespace {

constexpr uint64_t kSizes[] = {0, 1, 7, 1024, UINT64_MAX};

void CheckError(const orgtrail::AwsError& e, std::string_view a, std::string_view b = "") {
  if (e.code != a && e.code != b) std::abort();
  if (e.message.empty() || (e.status != 0 && e.status < 400)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orgtrail::services::s3;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (uint64_t object_size : kSizes) {
    auto range = ParseRange(in, object_size);
    if (!range.ok()) {
      CheckError(range.error(), "InvalidRange");
    } else if (*range) {
      const ByteRange& r = **range;
      if (r.first > r.last || r.last >= object_size) std::abort();
    }
    auto copy = ParseCopySourceRange(in, object_size);
    if (!copy.ok()) {
      CheckError(copy.error(), "InvalidArgument", "InvalidRequest");
    } else if (copy->first > copy->last || copy->last >= object_size) {
      std::abort();
    }
  }
  auto source = ParseCopySource(in);
  if (!source.ok()) {
    CheckError(source.error(), "InvalidArgument");
  } else if ((*source)[0].empty() || (*source)[1].empty()) {
    std::abort();
  }
  (void)IsPublicPolicy(in);
  return 0;
}
