// Helpers for the auth unit tests (not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "auth/verify.h"
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

}  // namespace orgtrail::auth::testing
