// Helpers for the auth unit tests (not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "auth/verify.h"
#include "core/encoding.h"
#include "core/time_format.h"
#include "http/message.h"

namespace orgtrail::auth::testing {

// The credentials of the AWS SigV4 test suite and of the S3 documentation examples.
inline constexpr std::string_view kSuiteKey = "AKIDEXAMPLE";
inline constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr std::string_view kS3Key = "AKIAIOSFODNN7EXAMPLE";
inline constexpr std::string_view kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

inline http::Request MakeRequest(std::string method, std::string target,
                                 std::vector<http::Header> headers, std::string body = "") {
  http::Request req;
  req.method = std::move(method);
  req.SetTarget(std::move(target));
  req.headers = std::move(headers);
  req.body = std::move(body);
  return req;
}

inline int64_t AmzMs(std::string_view amz_date) { return ParseAmzDate(amz_date).value(); }

class Keys {
 public:
  Keys() {
    Add(kSuiteKey, kSuiteSecret);
    Add(kS3Key, kS3Secret);
  }
  void Add(std::string_view id, std::string_view secret, std::string_view token = "",
           bool expired = false) {
    keys_[std::string(id)] = KeySecret{std::string(secret), std::string(token), expired};
  }
  KeyLookup Lookup() const {
    return [this](std::string_view id) -> std::optional<KeySecret> {
      auto it = keys_.find(std::string(id));
      if (it == keys_.end()) return std::nullopt;
      return it->second;
    };
  }

 private:
  std::map<std::string, KeySecret> keys_;
};

inline VerifyOptions Options(std::string_view service, bool s3, int64_t now_ms) {
  VerifyOptions o;
  o.service = service;
  o.s3 = s3;
  o.wall_now_ms = now_ms;
  return o;
}

// The error of a failed verification (test failure when it succeeded).
inline AuthError ErrorOf(const std::variant<Verified, AuthError>& r) {
  if (const auto* e = std::get_if<AuthError>(&r)) return *e;
  ADD_FAILURE() << "verification unexpectedly succeeded";
  return AuthError{AuthErrorKind::kNotImplemented, "<succeeded>", {}};
}

// The success of a verification (test failure with the error when it failed).
inline Verified VerifiedOf(const std::variant<Verified, AuthError>& r) {
  if (const auto* v = std::get_if<Verified>(&r)) return *v;
  const AuthError& e = std::get<AuthError>(r);
  ADD_FAILURE() << "verification failed: kind " << static_cast<int>(e.kind) << ": " << e.message;
  return Verified{};
}

inline std::string FieldOf(const AuthError& e, std::string_view name) {
  for (const auto& [k, v] : e.fields)
    if (k == name) return v;
  return "<absent>";
}

inline std::string HeaderOf(const http::Request& req, std::string_view name) {
  const std::string* v = req.FindHeader(name);
  return v ? *v : "<absent>";
}

// The signed-chunk example of the S3 documentation (sigv4-streaming: PUT 66560 bytes of 'a' in
// 64 KiB chunks): the seed signature, the two chunk signatures and the final one.
inline constexpr std::string_view kSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
inline constexpr std::string_view kChunk1 =
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
inline constexpr std::string_view kChunk2 =
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
inline constexpr std::string_view kFinal =
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

// The example's framed body, with the given chunk signatures and what follows the last chunk.
inline std::string SignedBody(std::string_view sig1 = kChunk1, std::string_view sig2 = kChunk2,
                              std::string_view final_sig = kFinal, std::string_view tail = "\r\n") {
  return "10000;chunk-signature=" + std::string(sig1) + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=" + std::string(sig2) + "\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=" + std::string(final_sig) + "\r\n" + std::string(tail);
}

// The signed headers of the example (sigv4-streaming) and of its trailer variant
// (sigv4-streaming-trailers).
inline constexpr std::string_view kStreamingSignedHeaders =
    "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
    "x-amz-decoded-content-length;x-amz-storage-class";
inline constexpr std::string_view kTrailerSignedHeaders =
    "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
    "x-amz-storage-class;x-amz-trailer";

// The example's request, carrying `body`, signed over `signed_headers` with seed signature
// `seed`. Content-Length and x-amz-trailer (a CRC32C trailer, with the -TRAILER payload mode)
// are sent when they are signed.
inline http::Request StreamingExample(std::string body,
                                      std::string_view signed_headers = kStreamingSignedHeaders,
                                      std::string_view seed = kSeed) {
  const bool trailer = signed_headers.find("x-amz-trailer") != std::string_view::npos;
  std::vector<http::Header> headers = {
      {"Host", "s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=" +
           std::string(signed_headers) + ",Signature=" + std::string(seed)},
      {"x-amz-content-sha256", trailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
                                       : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", "66560"}};
  if (signed_headers.find("content-length") != std::string_view::npos)
    headers.push_back({"Content-Length", "66824"});
  if (trailer) headers.push_back({"x-amz-trailer", "x-amz-checksum-crc32c"});
  return MakeRequest("PUT", "/examplebucket/chunkObject.txt", std::move(headers), std::move(body));
}

// An S3 PUT of the aws-chunked `body` with an unsigned trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER,
// as CLI v1 sends it), signed at `now_ms` with the test suite's key.
inline http::Request UnsignedTrailerRequest(std::string body, int64_t now_ms,
                                            std::string trailer = "x-amz-checksum-crc32",
                                            std::string decoded_length = "12",
                                            std::string encoding = "aws-chunked") {
  http::Request req = MakeRequest("PUT", "/b/hello.txt",
                                  {{"Host", "127.0.0.1:4566"},
                                   {"Content-Encoding", std::move(encoding)},
                                   {"X-Amz-Trailer", std::move(trailer)},
                                   {"X-Amz-Decoded-Content-Length", std::move(decoded_length)},
                                   {"X-Amz-Content-SHA256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                                   {"x-amz-sdk-checksum-algorithm", "CRC32"}},
                                  std::move(body));
  SignRequest(req, kSuiteKey, kSuiteSecret, "us-east-1", "s3", now_ms);
  return req;
}

// A CRC32 or CRC32C as its x-amz-checksum-* header shows it: the big-endian bytes, base64.
inline std::string ChecksumBase64(uint32_t crc) {
  std::string be(4, '\0');
  for (int i = 0; i < 4; ++i) be[i] = static_cast<char>(crc >> (24 - 8 * i));
  return Base64Encode(be);
}

}  // namespace orgtrail::auth::testing
