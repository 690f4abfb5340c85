// Result<T> and AwsError: how every fallible function in orgtrail reports failure.
//
// Errors are values (DESIGN.md §4). A handler returns a modelled error by its shape name
// (e.g. "NoSuchBucket"); the protocol layer looks the shape up in the service model to find
// the HTTP status, the wire code and the fault side. Errors that are not in any model
// (authentication, protocol-level failures) carry an explicit status.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace orgtrail {

struct AwsError {
  std::string code;     // error shape name, or wire code for unmodelled errors
  std::string message;  // empty: the model's default message for the shape is used
  int status = 0;       // 0: take it from the model's error shape (fallback 400)
  bool sender_fault = true;
  // Extra members rendered beside Code/Message (e.g. Organizations "Reason", S3 "BucketName").
  std::vector<std::pair<std::string, std::string>> fields;

  AwsError() = default;
  AwsError(std::string c, std::string m, int s = 0, bool sender = true)
      : code(std::move(c)), message(std::move(m)), status(s), sender_fault(sender) {}

  AwsError& With(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  const std::string* Field(const std::string& name) const {
    for (const auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
};

// Generic internal failure (rendered per protocol as InternalFailure / InternalError).
inline AwsError InternalFailure(std::string message) {
  return AwsError("InternalFailure", std::move(message), 500, false);
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(AwsError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const AwsError& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  AwsError&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, AwsError> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status Ok() { return Unit{}; }

}  // namespace orgtrail

// Propagates an error: ORGTRAIL_TRY(auto x, Compute());
#define ORGTRAIL_CONCAT_INNER(a, b) a##b
#define ORGTRAIL_CONCAT(a, b) ORGTRAIL_CONCAT_INNER(a, b)
#define ORGTRAIL_TRY(decl, expr) ORGTRAIL_TRY_IMPL(decl, expr, ORGTRAIL_CONCAT(_res_, __LINE__))
#define ORGTRAIL_TRY_IMPL(decl, expr, tmp)      \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define ORGTRAIL_CHECK(expr)                      \
  do {                                            \
    auto _st = (expr);                            \
    if (!_st.ok()) return std::move(_st).error(); \
  } while (0)
