// `orgtrail env`: prints shell exports with temporary credentials for another account, obtained
// through STS AssumeRole against a running orgtrail (AWS CLI 2.9 cannot use role profiles with a
// custom endpoint, so this is how a person becomes another account).
#pragma once

#include <string>

namespace orgtrail {

struct EnvOptions {
  std::string account_id;
  std::string role = "OrganizationAccountAccessRole";
  std::string endpoint;  // "" = $AWS_ENDPOINT_URL, else http://127.0.0.1:4566
  std::string region;    // "" = $AWS_REGION / $AWS_DEFAULT_REGION, else us-east-1
  int duration_seconds = 3600;
};

// Returns the process exit code; writes the exports to stdout, errors to stderr.
int RunEnv(const EnvOptions& options);

}  // namespace orgtrail
