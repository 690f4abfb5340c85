// libFuzzer target for the ARNs handlers take apart: IAM policy ARNs (AttachUserPolicy and
// siblings), trail ARNs (every CloudTrail operation's TrailName) and the log group ARN of
// CloudWatchLogsLogGroupArn. The whole input is the ARN. What parses must rebuild the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "identity/iam_internal.h"
#include "services/cloudtrail/checks.h"
#include "services/cloudtrail/trail_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace cloudtrail = orgtrail::services::cloudtrail;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto p = orgtrail::identity::iam_internal::ParsePolicyArn(in)) {
    if ("arn:aws:iam::" + p->account_id + ":policy" + p->path + p->name != in) std::abort();
  }
  std::string region, account, name;
  if (cloudtrail::ParseTrailArn(in, &region, &account, &name)) {
    if (account.size() != 12 || name.empty() || region.empty()) std::abort();
    if (in.substr(in.size() - name.size() - 6) != "trail/" + name) std::abort();
  }
  region.clear();
  account.clear();
  name.clear();
  if (cloudtrail::ParseLogGroupArn(in, &region, &account, &name)) {
    if ("arn:aws:logs:" + region + ":" + account + ":log-group:" + name + ":*" != in) std::abort();
  }
  return 0;
}
