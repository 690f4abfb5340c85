#include "core/streaming_digest.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace orgtrail {

StreamingDigest::StreamingDigest(const std::vector<std::string>& names) {
  bool any = false;
  for (const std::string& name : names) any = digest_.Add(name) || any;
  if (!any) return;
  worker_ = std::thread([this] { Run(); });
  // Named so that per-thread CPU figures (/proc/<pid>/task/<tid>/comm) can tell it apart.
  pthread_setname_np(worker_.native_handle(), "digest");
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

StreamingDigest::Batch StreamingDigest::Take() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return !free_.empty() || allocated_ < kPool; });
    if (!free_.empty()) {
      Batch b = std::move(free_.back());
      free_.pop_back();
      b.size = 0;
      return b;
    }
    ++allocated_;
  }
  Batch b;
  b.bytes.reset(new (std::align_val_t(kAlign)) char[kBatch]);
  return b;
}

void StreamingDigest::Hand(Batch batch) {
  if (!batch.bytes) return;
  if (!worker_.joinable() || finished_ || batch.size == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(batch));
    return;
  }
  if (batch_.size > 0) Queue(std::exchange(batch_, Batch()));
  Queue(std::move(batch));
}

void StreamingDigest::Update(std::string_view data) {
  if (!worker_.joinable() || finished_) return;
  while (!data.empty()) {
    if (!batch_.bytes) batch_ = Take();
    size_t n = std::min(data.size(), batch_.space());
    std::memcpy(batch_.end(), data.data(), n);
    batch_.size += n;
    data.remove_prefix(n);
    if (batch_.space() == 0) Queue(std::exchange(batch_, Batch()));
  }
}

void StreamingDigest::Queue(Batch batch) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(batch));
  }
  work_.notify_one();
}

std::vector<std::pair<std::string, std::string>> StreamingDigest::Final() {
  if (!worker_.joinable() || finished_) return {};
  if (batch_.size > 0) Queue(std::exchange(batch_, Batch()));
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
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    digest_.Update(batch.view());
    lock.lock();
    free_.push_back(std::move(batch));
    space_.notify_one();
  }
}

}  // namespace orgtrail
