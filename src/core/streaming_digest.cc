#include "core/streaming_digest.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace orgtrail {

namespace {

// Batches no digest holds, kept for the next Take of any digest: the buffers of one body are
// reused by the next instead of being freed and allocated again. Each digest allocating its own
// kPool batches and freeing them at its end left the allocator's per-thread arenas holding
// freed batches that later bodies did not reuse (the receiving threads take turns): a 1 GiB
// multipart upload, four 8 MiB parts at a time (64 MiB in flight at most), ended with 200 MB
// resident. At most kMaxSpare are kept; the others are freed.
constexpr size_t kMaxSpare = 4 * StreamingDigest::kPool;

struct Spares {
  std::mutex mu;
  std::vector<StreamingDigest::Batch> batches;
};

// Never destroyed: a stream ending on another thread while the process exits still finds it.
Spares& SpareBatches() {
  static Spares* spares = new Spares;
  return *spares;
}

StreamingDigest::Batch TakeSpare() {
  Spares& s = SpareBatches();
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.batches.empty()) {
      StreamingDigest::Batch b = std::move(s.batches.back());
      s.batches.pop_back();
      b.size = 0;
      return b;
    }
  }
  StreamingDigest::Batch b;
  b.bytes.reset(new (std::align_val_t(StreamingDigest::kAlign)) char[StreamingDigest::kBatch]);
  return b;
}

void GiveSpare(StreamingDigest::Batch batch) {
  if (!batch.bytes) return;
  Spares& s = SpareBatches();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.batches.size() < kMaxSpare) s.batches.push_back(std::move(batch));
}

}  // namespace

StreamingDigest::StreamingDigest(const std::vector<std::string>& names) {
  bool any = false;
  for (const std::string& name : names) any = digest_.Add(name) || any;
  if (!any) return;
  worker_ = std::thread([this] { Run(); });
  // Named so that per-thread CPU figures (/proc/<pid>/task/<tid>/comm) can tell it apart.
  pthread_setname_np(worker_.native_handle(), "digest");
}

void StreamingDigest::Stop() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    abandon_ = true;
  }
  work_.notify_one();
  worker_.join();
}

StreamingDigest::~StreamingDigest() {
  Stop();
  for (Batch& b : queue_) GiveSpare(std::move(b));
  GiveSpare(std::move(batch_));
}

StreamingDigest::Batch StreamingDigest::Take() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return allocated_ < kPool; });
    ++allocated_;
  }
  return TakeSpare();
}

void StreamingDigest::Release(Batch batch) {
  GiveSpare(std::move(batch));
  std::lock_guard<std::mutex> lock(mu_);
  --allocated_;
}

void StreamingDigest::Hand(Batch batch) {
  if (!batch.bytes) return;
  if (!worker_.joinable() || finished_ || batch.size == 0) return Release(std::move(batch));
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
    GiveSpare(std::move(batch));
    lock.lock();
    --allocated_;
    space_.notify_one();
  }
}

}  // namespace orgtrail
