// Compiled policies by document text, so that a request does not re-parse the documents that
// apply to it. Thread-safe; bounded (cleared when full).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "policy/document.h"

namespace orgtrail::gateway {

class PolicyCache {
 public:
  // The compiled policy, or null when the document does not compile (it was validated when it
  // was stored, so this only happens for hand-edited data).
  std::shared_ptr<const policy::Policy> Get(const std::string& text, policy::PolicyKind kind);

 private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const policy::Policy>> entries_;
};

}  // namespace orgtrail::gateway
