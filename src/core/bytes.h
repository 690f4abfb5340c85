// Fixed-size values in packed byte strings, in the machine's byte order (for formats that one
// orgtrail process writes and reads back: the log event blocks, the packed raw list members).
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace orgtrail {

// Appends the bytes of `v` to `out`.
template <typename T>
void AppendPod(std::string& out, T v) {
  static_assert(std::is_trivially_copyable_v<T>);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out.append(bytes, sizeof(T));
}

// Reads a T from `p`, which must hold sizeof(T) bytes (no alignment needed).
template <typename T>
T LoadPod(const char* p) {
  static_assert(std::is_trivially_copyable_v<T>);
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Reads a T from the front of `in` and drops its bytes; false (and `in` unchanged) if too short.
template <typename T>
bool TakePod(std::string_view& in, T& v) {
  if (in.size() < sizeof(T)) return false;
  v = LoadPod<T>(in.data());
  in.remove_prefix(sizeof(T));
  return true;
}

}  // namespace orgtrail
