// How each authentication failure is named on the wire, per protocol (spec/wire.md §5.11).
// One table; the verifier (src/auth) only reports kinds.
#include "gateway/stages.h"

namespace orgtrail::gateway {
namespace {

using auth::AuthErrorKind;
using spec::Protocol;

struct Naming {
  const char* code;
  int status;
};

struct Row {
  AuthErrorKind kind;
  Naming query;  // Query protocol (STS, IAM, SNS; CloudWatch/SQS from CLI v2)
  Naming json;   // JSON protocols (CloudTrail, Logs, Organizations; CloudWatch/SQS from CLI v1)
  Naming rest;   // REST-JSON (Lambda): JSON names with 403 (decision)
  Naming s3;     // REST-XML (S3)
  const char* default_message;
};

constexpr const char* kInvalidToken = "The security token included in the request is invalid.";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

constexpr Row kRows[] = {
    {AuthErrorKind::kMissingAuthentication,
     {"MissingAuthenticationToken", 403},
     {"MissingAuthenticationTokenException", 400},
     {"MissingAuthenticationTokenException", 403},
     {"AccessDenied", 403},
     "Request is missing Authentication Token"},
    {AuthErrorKind::kMalformedAuthorization,
     {"IncompleteSignature", 403},
     {"IncompleteSignatureException", 403},
     {"IncompleteSignatureException", 403},
     {"AuthorizationHeaderMalformed", 400},
     "The authorization header is malformed."},
    {AuthErrorKind::kMissingDate,
     {"IncompleteSignature", 403},
     {"IncompleteSignatureException", 403},
     {"IncompleteSignatureException", 403},
     {"AccessDenied", 403},
     "AWS authentication requires a valid Date or x-amz-date header"},
    {AuthErrorKind::kWrongScope,
     {"SignatureDoesNotMatch", 403},
     {"InvalidSignatureException", 400},
     {"InvalidSignatureException", 403},
     {"SignatureDoesNotMatch", 403},
     "Credential should be scoped to correct service."},
    {AuthErrorKind::kSkewed,
     {"SignatureDoesNotMatch", 403},
     {"InvalidSignatureException", 400},
     {"InvalidSignatureException", 403},
     {"RequestTimeTooSkewed", 403},
     "The difference between the request time and the current time is too large."},
    {AuthErrorKind::kUnknownKey,
     {"InvalidClientTokenId", 403},
     {"UnrecognizedClientException", 400},
     {"UnrecognizedClientException", 403},
     {"InvalidAccessKeyId", 403},
     kInvalidToken},
    {AuthErrorKind::kExpiredToken,
     {"ExpiredToken", 403},
     {"ExpiredTokenException", 400},
     {"ExpiredTokenException", 403},
     {"ExpiredToken", 400},
     "The security token included in the request is expired"},
    {AuthErrorKind::kSignatureMismatch,
     {"SignatureDoesNotMatch", 403},
     {"InvalidSignatureException", 400},
     {"InvalidSignatureException", 403},
     {"SignatureDoesNotMatch", 403},
     kMismatch},
    {AuthErrorKind::kHeadersNotSigned,
     {"AccessDenied", 403},
     {"AccessDeniedException", 400},
     {"AccessDeniedException", 403},
     {"AccessDenied", 403},
     "There were headers present in the request which were not signed"},
    {AuthErrorKind::kPresignParamsMissing,
     {"IncompleteSignature", 403},
     {"IncompleteSignatureException", 403},
     {"IncompleteSignatureException", 403},
     {"AuthorizationQueryParametersError", 400},
     "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
     "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
    {AuthErrorKind::kPresignExpiresTooLarge,
     {"IncompleteSignature", 403},
     {"IncompleteSignatureException", 403},
     {"IncompleteSignatureException", 403},
     {"AuthorizationQueryParametersError", 400},
     "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
     "must be less than 604800 seconds"},
    {AuthErrorKind::kPresignExpired,
     {"AccessDenied", 403},
     {"AccessDeniedException", 400},
     {"AccessDeniedException", 403},
     {"AccessDenied", 403},
     "Request has expired"},
    {AuthErrorKind::kSigV2ParamsMissing,
     {"AccessDenied", 403},
     {"AccessDeniedException", 400},
     {"AccessDeniedException", 403},
     {"AccessDenied", 403},
     "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
     "parameters"},
    {AuthErrorKind::kSigV2Expired,
     {"AccessDenied", 403},
     {"AccessDeniedException", 400},
     {"AccessDeniedException", 403},
     {"AccessDenied", 403},
     "Request has expired"},
    {AuthErrorKind::kMissingContentSha256,
     {"InvalidRequest", 400},
     {"InvalidRequest", 400},
     {"InvalidRequest", 400},
     {"InvalidRequest", 400},
     "Missing required header for this request: x-amz-content-sha256"},
    {AuthErrorKind::kContentSha256Mismatch,
     {"XAmzContentSHA256Mismatch", 400},
     {"XAmzContentSHA256Mismatch", 400},
     {"XAmzContentSHA256Mismatch", 400},
     {"XAmzContentSHA256Mismatch", 400},
     "The provided 'x-amz-content-sha256' header does not match what was computed."},
    {AuthErrorKind::kIncompleteBody,
     {"IncompleteBody", 400},
     {"IncompleteBody", 400},
     {"IncompleteBody", 400},
     {"IncompleteBody", 400},
     "The request body terminated unexpectedly"},
    {AuthErrorKind::kBadDigest,
     {"BadDigest", 400},
     {"BadDigest", 400},
     {"BadDigest", 400},
     {"BadDigest", 400},
     "The Content-MD5 you specified did not match what we received."},
    {AuthErrorKind::kInvalidDigest,
     {"InvalidDigest", 400},
     {"InvalidDigest", 400},
     {"InvalidDigest", 400},
     {"InvalidDigest", 400},
     "The Content-MD5 you specified was invalid."},
    {AuthErrorKind::kNotImplemented,
     {"NotImplemented", 501},
     {"NotImplemented", 501},
     {"NotImplemented", 501},
     {"NotImplemented", 501},
     "A header you provided implies functionality that is not implemented"},
};

}  // namespace

AwsError AuthErrorToAws(const auth::AuthError& err, const protocol::Route& route) {
  const Row* row = &kRows[0];
  for (const Row& r : kRows)
    if (r.kind == err.kind) row = &r;
  const bool s3 = route.service && route.service->name == "s3";
  Naming naming = s3                                      ? row->s3
                  : route.protocol == Protocol::kQuery    ? row->query
                  : route.protocol == Protocol::kRestJson ? row->rest
                                                          : row->json;
  std::string message = err.message.empty() ? row->default_message : err.message;
  if (s3) {
    // S3 words some of these differently (spec/wire.md §5.11).
    if (err.kind == AuthErrorKind::kUnknownKey)
      message = "The AWS Access Key Id you provided does not exist in our records.";
    if (err.kind == AuthErrorKind::kExpiredToken) message = "The provided token has expired.";
  } else if (err.kind == AuthErrorKind::kUnknownKey) {
    message = kInvalidToken;
  }
  AwsError out(naming.code, message, naming.status, true);
  out.fields = err.fields;
  return out;
}

}  // namespace orgtrail::gateway
