// The writer's side of a store's transactions, shared by the SQLite and in-memory stores: which
// thread holds the transaction (from Store::Begin to the end of its outermost scope), the
// AfterCommit callbacks it collected, and the scope object Begin returns. Internal to src/store.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "store/store.h"

namespace orgtrail::store {

class TransactionOwner {
 public:
  bool HeldByThisThread() const {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }
  // The outermost Begin, holding the store's writer mutex.
  void Take() { owner_.store(std::this_thread::get_id(), std::memory_order_relaxed); }
  // Store::AfterCommit: queued for the end of this thread's transaction (under the writer mutex
  // `mu`, which this thread holds already), or run at once when it holds none.
  template <typename Mutex>
  void AfterCommit(Mutex& mu, std::function<void(bool)> fn) {
    if (HeldByThisThread()) {
      std::lock_guard lock(mu);
      after_.push_back(std::move(fn));
      return;
    }
    fn(true);
  }
  // The end of the outermost scope, holding the writer mutex: no thread holds the transaction
  // any more; the callbacks to run once the mutex is released.
  std::vector<std::function<void(bool)>> Release() {
    owner_.store(std::thread::id(), std::memory_order_relaxed);
    std::vector<std::function<void(bool)>> after;
    after.swap(after_);
    return after;
  }

 private:
  std::atomic<std::thread::id> owner_{};
  std::vector<std::function<void(bool)>> after_;  // guarded by the writer mutex
};

// The scope Begin returns: its destruction ends one level of the store's transaction.
template <typename S>
class EndingScope final : public Transaction {
 public:
  explicit EndingScope(S& s) : s_(s) {}
  ~EndingScope() override { s_.End(); }

 private:
  S& s_;
};

}  // namespace orgtrail::store
