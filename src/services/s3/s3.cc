#include "services/s3/s3.h"

#include "services/s3/state.h"

namespace orgtrail::services {

void RegisterS3(gateway::Registry& registry) {
  registry.Register("s3", s3::BucketOps());
  registry.Register("s3", s3::ListOps());
  registry.Register("s3", s3::ObjectOps());
  registry.Register("s3", s3::MultipartOps());
  registry.Register("s3", s3::ConfigOps());
  registry.SetDefaultTarget("s3", s3::S3Target());
}

}  // namespace orgtrail::services
