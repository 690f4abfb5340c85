// The modelled errors of CloudWatch Logs, with AWS's messages (spec/logs.md §2-4).
#pragma once

#include <string>

#include "core/result.h"

namespace orgtrail::services::logs::errors {

inline AwsError InvalidParameter(std::string message) {
  return AwsError("InvalidParameterException", std::move(message));
}
inline AwsError GroupNotFound() {
  return AwsError("ResourceNotFoundException", "The specified log group does not exist.");
}
inline AwsError StreamNotFound() {
  return AwsError("ResourceNotFoundException", "The specified log stream does not exist.");
}
inline AwsError GroupExists() {
  return AwsError("ResourceAlreadyExistsException", "The specified log group already exists.");
}
inline AwsError StreamExists() {
  return AwsError("ResourceAlreadyExistsException", "The specified log stream already exists.");
}
inline AwsError MetricFilterNotFound() {
  return AwsError("ResourceNotFoundException", "The specified metric filter does not exist.");
}
inline AwsError ResourceNotFound(std::string message) {
  return AwsError("ResourceNotFoundException", std::move(message));
}
inline AwsError LimitExceeded() {
  return AwsError("LimitExceededException", "Resource limit exceeded.");
}
inline AwsError InvalidToken() { return InvalidParameter("The specified nextToken is invalid."); }

}  // namespace orgtrail::services::logs::errors
