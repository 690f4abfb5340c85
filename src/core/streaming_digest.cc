#include "core/streaming_digest.h"

#include <algorithm>

namespace orgtrail {

StreamingDigest::StreamingDigest(const std::vector<std::string>& names) {
  bool any = false;
  for (const std::string& name : names) any = digest_.Add(name) || any;
  if (any) worker_ = std::thread([this] { Run(); });
}

StreamingDigest::~StreamingDigest() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    abandon_ = true;
  }
  work_.notify_one();
  worker_.join();
}

void StreamingDigest::Update(std::string_view data) {
  if (!worker_.joinable() || finished_) return;
  while (!data.empty()) {
    if (batch_.empty()) batch_.reserve(kBatch);
    size_t n = std::min(data.size(), kBatch - batch_.size());
    batch_.append(data.substr(0, n));
    data.remove_prefix(n);
    if (batch_.size() == kBatch) Hand(std::exchange(batch_, std::string()));
  }
}

void StreamingDigest::Hand(std::string batch) {
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [&] { return queued_ + batch.size() <= kMaxQueued || queue_.empty(); });
  queued_ += batch.size();
  queue_.push_back(std::move(batch));
  lock.unlock();
  work_.notify_one();
}

std::vector<std::pair<std::string, std::string>> StreamingDigest::Final() {
  if (!worker_.joinable() || finished_) return {};
  if (!batch_.empty()) Hand(std::exchange(batch_, std::string()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  work_.notify_one();
  worker_.join();
  finished_ = true;
  return digest_.Final();
}

void StreamingDigest::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return abandon_ || closing_ || !queue_.empty(); });
    if (abandon_) return;
    if (queue_.empty()) return;  // closing, and everything is hashed
    std::string batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    digest_.Update(batch);
    lock.lock();
    queued_ -= batch.size();
    space_.notify_one();
  }
}

}  // namespace orgtrail
