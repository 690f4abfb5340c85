// StreamingDigest: the digests of a stream (MultiDigest's algorithms) computed on a worker
// thread while the stream still arrives, so that the thread receiving the bytes never waits for
// the hashing (S3 request bodies spooled to a file: no second pass reading the file back).
// Pieces are copied and handed over in batches; memory stays bounded (Update waits while too
// much is queued). Final() gives what MultiDigest::Final() gives for the same bytes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/crypto.h"

namespace orgtrail {

class StreamingDigest {
 public:
  // `names` as MultiDigest::Add takes them; unknown and repeated names are skipped. With no
  // known name there is no worker and Update does nothing.
  explicit StreamingDigest(const std::vector<std::string>& names);
  // Stops the worker; bytes not yet hashed are dropped.
  ~StreamingDigest();
  StreamingDigest(const StreamingDigest&) = delete;
  StreamingDigest& operator=(const StreamingDigest&) = delete;

  bool Has(std::string_view name) const { return digest_.Has(name); }
  // True when at least one algorithm is computed.
  bool Active() const { return worker_.joinable(); }
  // Appends bytes to the stream (ignored after Final).
  void Update(std::string_view data);
  // Waits until every byte is hashed; each algorithm's digest, raw bytes, in the order added.
  // Empty on a second call.
  std::vector<std::pair<std::string, std::string>> Final();

  // Bytes gathered before they go to the worker, and the most queued before Update waits.
  static constexpr size_t kBatch = 1 << 20;
  static constexpr size_t kMaxQueued = 16 * kBatch;

 private:
  void Hand(std::string batch);
  void Run();

  MultiDigest digest_;  // touched by the worker only, once it runs
  std::string batch_;
  std::mutex mu_;
  std::condition_variable work_;   // the worker waits for batches or the end
  std::condition_variable space_;  // Update and Final wait for the worker
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool closing_ = false;  // Final: hash what is queued, then stop
  bool abandon_ = false;  // destruction: stop now
  bool finished_ = false;
  std::thread worker_;
};

}  // namespace orgtrail
