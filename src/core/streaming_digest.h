// StreamingDigest: the digests of a stream (MultiDigest's algorithms) computed on a worker
// thread while the stream still arrives, so that the thread receiving the bytes never waits for
// the hashing (S3 request bodies spooled to a file: no second pass reading the file back).
// The bytes travel in batches of kBatch bytes from a pool of at most kPool: a producer that
// owns its bytes already in a batch (Take, fill, Hand: the socket read straight into it) hands it
// over without a copy; Update copies arbitrary pieces into batches. A stream holds at most kPool
// batches: the worker gives each back once hashed, and Take waits while all kPool are in use, so
// memory stays bounded. The batches given back are kept in one process-wide list of spares
// (4 * kPool at most) that every stream takes from, so that a body reuses the buffers of the
// ones before it. Final() gives what MultiDigest::Final() gives for the same bytes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/crypto.h"

namespace orgtrail {

class StreamingDigest {
 public:
  // Bytes per batch, batches in the pool, and so the most bytes queued or being filled.
  static constexpr size_t kBatch = 1 << 20;
  static constexpr size_t kPool = 16;
  static constexpr size_t kMaxQueued = kPool * kBatch;

  // Batches start on a page boundary, so that a file opened with O_DIRECT can take them.
  static constexpr size_t kAlign = 4096;
  struct FreeAligned {
    void operator()(char* p) const { ::operator delete[](p, std::align_val_t(kAlign)); }
  };
  // A buffer of kBatch bytes, the first `size` of them filled.
  struct Batch {
    std::unique_ptr<char[], FreeAligned> bytes;
    size_t size = 0;
    char* end() { return bytes.get() + size; }
    size_t space() const { return kBatch - size; }
    std::string_view view() const { return {bytes.get(), size}; }
  };

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
  // An empty batch from the pool, waiting while all kPool are queued. Works without a worker
  // too (the pool then recycles at once).
  Batch Take();
  // Appends the batch's bytes to the stream (after any bytes given to Update: do not mix the
  // two within a stream unless Update's pieces came first) and gives the batch back to the
  // pool once hashed. Without a worker, or after Final, the batch just goes back to the pool.
  void Hand(Batch batch);
  // Waits until every byte is hashed; each algorithm's digest, raw bytes, in the order added.
  // Empty on a second call.
  std::vector<std::pair<std::string, std::string>> Final();

 private:
  void Queue(Batch batch);
  void Run();
  void Stop();                // stops the worker (bytes not yet hashed are dropped)
  void Release(Batch batch);  // gives back a batch this stream holds

  MultiDigest digest_;  // touched by the worker only, once it runs
  Batch batch_;         // Update's batch being filled
  std::mutex mu_;
  std::condition_variable work_;   // the worker waits for batches or the end
  std::condition_variable space_;  // Take and Final wait for the worker
  std::deque<Batch> queue_;
  size_t allocated_ = 0;  // batches this stream holds: queued, hashed or held by the producer
  bool closing_ = false;  // Final: hash what is queued, then stop
  bool abandon_ = false;  // destruction: stop now
  bool finished_ = false;
  std::thread worker_;
};

}  // namespace orgtrail
