#include "gateway/policy_cache.h"

namespace orgtrail::gateway {

std::shared_ptr<const policy::Policy> PolicyCache::Get(const std::string& text,
                                                       policy::PolicyKind kind) {
  std::string key = std::to_string(static_cast<int>(kind)) + ":" + text;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  auto parsed = policy::ParsePolicy(text, kind);
  std::shared_ptr<const policy::Policy> compiled;
  if (parsed.ok()) compiled = std::make_shared<const policy::Policy>(std::move(parsed).value());
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(std::move(key), compiled);
  return compiled;
}

}  // namespace orgtrail::gateway
