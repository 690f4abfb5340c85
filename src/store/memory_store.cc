// The in-memory store: the same contract as the SQLite store (store.h), for --in-memory and for
// tests. Nothing survives the process.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace orgtrail::store {
namespace {

// std::string compares with char_traits<char>, which orders as unsigned char: bytewise, like the
// SQLite store's BINARY collation.
using Table = std::map<std::string, std::string, std::less<>>;

class MemoryStore final : public Store {
 public:
  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    std::lock_guard lock(mu_);
    const Table* t = Find(table);
    if (t == nullptr) return std::nullopt;
    auto it = t->find(key);
    if (it == t->end()) return std::nullopt;
    return it->second;
  }

  bool GetInto(std::string_view table, std::string_view key, std::string& out) override {
    std::lock_guard lock(mu_);
    const Table* t = Find(table);
    if (t == nullptr) return false;
    auto it = t->find(key);
    if (it == t->end()) return false;
    out.assign(it->second);
    return true;
  }

  Status Put(std::string_view table, std::string_view key, std::string_view value) override {
    std::lock_guard lock(mu_);
    PutLocked(table, key, value);
    return Ok();
  }

  Status Delete(std::string_view table, std::string_view key) override {
    std::lock_guard lock(mu_);
    DeleteLocked(table, key);
    return Ok();
  }

  // Nothing here can fail half-way, so applying in order under the lock is atomic.
  Status Apply(const std::vector<Write>& writes) override {
    std::lock_guard lock(mu_);
    for (const Write& w : writes) {
      if (w.value) {
        PutLocked(w.table, w.key, *w.value);
      } else {
        DeleteLocked(w.table, w.key);
      }
    }
    return Ok();
  }

  std::vector<Row> Scan(std::string_view table, std::string_view prefix, std::string_view after,
                        size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<Row> rows;
    const Table* t = Find(table);
    if (t == nullptr) return rows;
    bool exclusive = !after.empty() && after >= prefix;
    auto it = exclusive ? t->upper_bound(after) : t->lower_bound(prefix);
    for (; it != t->end() && (limit == 0 || rows.size() < limit); ++it) {
      if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
      rows.push_back({it->first, it->second});
    }
    return rows;
  }

  Status Clear() override {
    std::lock_guard lock(mu_);
    tables_.clear();
    blobs_->Clear();
    return Ok();
  }

  BlobStore& Blobs() override { return *blobs_; }

  std::string_view Kind() const override { return "memory"; }

  // Writes take effect at once (nothing here can fail), so a transaction is only the lock: other
  // threads wait until the outermost scope ends.
  std::unique_ptr<Transaction> Begin() override {
    mu_.lock();  // released by the scope's destructor
    ++depth_;
    return std::make_unique<Scope>(*this);
  }

  void AfterCommit(std::function<void(bool)> fn) override {
    std::unique_lock lock(mu_);
    if (depth_ > 0) {  // holding the recursive lock: this thread owns the transaction
      after_.push_back(std::move(fn));
      return;
    }
    lock.unlock();
    fn(true);
  }

 private:
  class Scope final : public Transaction {
   public:
    explicit Scope(MemoryStore& s) : s_(s) {}
    ~Scope() override { s_.End(); }

   private:
    MemoryStore& s_;
  };

  void End() {
    std::vector<std::function<void(bool)>> after;
    if (--depth_ == 0) after.swap(after_);
    mu_.unlock();
    for (auto& fn : after) fn(true);
  }

  const Table* Find(std::string_view table) const {
    auto it = tables_.find(table);
    return it == tables_.end() ? nullptr : &it->second;
  }

  void PutLocked(std::string_view table, std::string_view key, std::string_view value) {
    auto t = tables_.find(table);
    if (t == tables_.end()) t = tables_.emplace(std::string(table), Table()).first;
    auto it = t->second.find(key);
    if (it == t->second.end()) {
      t->second.emplace(std::string(key), std::string(value));
    } else {
      it->second.assign(value);
    }
  }

  void DeleteLocked(std::string_view table, std::string_view key) {
    auto t = tables_.find(table);
    if (t == tables_.end()) return;
    auto it = t->second.find(key);
    if (it != t->second.end()) t->second.erase(it);
  }

  std::recursive_mutex mu_;  // a thread holding a transaction keeps it across its calls
  int depth_ = 0;
  std::vector<std::function<void(bool)>> after_;
  std::map<std::string, Table, std::less<>> tables_;
  std::unique_ptr<BlobStore> blobs_ = MakeMemoryBlobStore();
};

}  // namespace

std::unique_ptr<Store> MakeMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace orgtrail::store
