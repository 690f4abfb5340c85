// The in-memory store: the same contract as the SQLite store (store.h), for --in-memory and for
// tests. Nothing survives the process.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "store/transaction_owner.h"

namespace orgtrail::store {
namespace {

// std::string compares with char_traits<char>, which orders as unsigned char: bytewise, like the
// SQLite store's BINARY collation.
using Table = std::map<std::string, std::string, std::less<>>;

// The writes of the open transaction, by table and key (nullopt: deleted).
using Overlay =
    std::map<std::string, std::map<std::string, std::optional<std::string>, std::less<>>,
             std::less<>>;

// Writes take the writer's mutex `mu_`, which a transaction holds from Begin to its end; the
// transaction's writes go to its overlay, applied to the tables when the outermost scope ends.
// The tables are guarded by `data_mu_`, held only for one read or one update, so threads without
// a transaction read the committed state without waiting for the writer.
class MemoryStore final : public Store {
 public:
  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    std::string out;
    if (!GetInto(table, key, out)) return std::nullopt;
    return out;
  }

  bool GetInto(std::string_view table, std::string_view key, std::string& out) override {
    if (OwnsTransaction()) {
      std::lock_guard lock(mu_);
      if (auto t = overlay_.find(table); t != overlay_.end()) {
        if (auto it = t->second.find(key); it != t->second.end()) {
          if (it->second) out.assign(*it->second);
          return it->second.has_value();
        }
      }
      if (cleared_) return false;
    }
    std::lock_guard lock(data_mu_);
    const Table* t = Find(table);
    if (t == nullptr) return false;
    auto it = t->find(key);
    if (it == t->end()) return false;
    out.assign(it->second);
    return true;
  }

  Status Put(std::string_view table, std::string_view key, std::string_view value) override {
    std::lock_guard lock(mu_);
    Write1(table, key, value);
    return Ok();
  }

  Status Delete(std::string_view table, std::string_view key) override {
    std::lock_guard lock(mu_);
    Write1(table, key, std::nullopt);
    return Ok();
  }

  // Nothing here can fail half-way, so applying in order under the lock is atomic (outside a
  // transaction, under the tables' lock too, so readers see all of it or none).
  Status Apply(const std::vector<Write>& writes) override {
    std::lock_guard lock(mu_);
    std::unique_lock data(data_mu_, std::defer_lock);
    if (depth_ == 0) data.lock();
    for (const Write& w : writes) {
      if (depth_ > 0) {
        overlay_[w.table][w.key] = w.value;
      } else if (w.value) {
        PutLocked(w.table, w.key, *w.value);
      } else {
        DeleteLocked(w.table, w.key);
      }
    }
    return Ok();
  }

  std::vector<Row> Scan(std::string_view table, std::string_view prefix, std::string_view after,
                        size_t limit) override {
    std::vector<Row> rows;
    bool exclusive = !after.empty() && after >= prefix;
    auto in_range = [&](const std::string& key) {
      return std::string_view(key).substr(0, prefix.size()) == prefix;
    };
    const bool owner = OwnsTransaction();
    std::unique_lock writer(mu_, std::defer_lock);
    if (owner) writer.lock();
    const std::map<std::string, std::optional<std::string>, std::less<>>* mine = nullptr;
    if (owner) {
      auto o = overlay_.find(table);
      if (o != overlay_.end()) mine = &o->second;
    }
    std::lock_guard lock(data_mu_);
    const Table* t = owner && cleared_ ? nullptr : Find(table);
    // The committed rows and (for the thread holding the transaction) its overlay, merged in key
    // order; the overlay's value wins.
    Table::const_iterator a, a_end;
    if (t != nullptr) {
      a = exclusive ? t->upper_bound(after) : t->lower_bound(prefix);
      a_end = t->end();
    }
    std::map<std::string, std::optional<std::string>, std::less<>>::const_iterator b, b_end;
    if (mine != nullptr) {
      b = exclusive ? mine->upper_bound(after) : mine->lower_bound(prefix);
      b_end = mine->end();
    }
    while (limit == 0 || rows.size() < limit) {
      const bool has_a = t != nullptr && a != a_end && in_range(a->first);
      const bool has_b = mine != nullptr && b != b_end && in_range(b->first);
      if (!has_a && !has_b) break;
      if (has_b && (!has_a || b->first <= a->first)) {
        if (has_a && a->first == b->first) ++a;
        if (b->second) rows.push_back({b->first, *b->second});
        ++b;
      } else {
        rows.push_back({a->first, a->second});
        ++a;
      }
    }
    return rows;
  }

  Status Clear() override {
    std::lock_guard lock(mu_);
    if (depth_ > 0) {
      overlay_.clear();
      cleared_ = true;
    } else {
      std::lock_guard data(data_mu_);
      tables_.clear();
    }
    blobs_->Clear();
    files_->Clear();
    return Ok();
  }

  BlobStore& Blobs() override { return *blobs_; }
  AppendFiles& Files() override { return *files_; }

  std::string_view Kind() const override { return "memory"; }

  // Writes take effect at the end of the outermost scope (nothing here can fail); other threads'
  // writes wait for it, their reads see the state before it.
  std::unique_ptr<Transaction> Begin() override {
    mu_.lock();  // released by the scope's destructor
    if (depth_++ == 0) tx_.Take();
    return std::make_unique<EndingScope<MemoryStore>>(*this);
  }

  void AfterCommit(std::function<void(bool)> fn) override { tx_.AfterCommit(mu_, std::move(fn)); }

  // The end of one level of Begin (EndingScope): the outermost applies the overlay.
  void End() {
    std::vector<std::function<void(bool)>> after;
    if (--depth_ == 0) {
      {
        std::lock_guard data(data_mu_);
        if (cleared_) tables_.clear();
        for (auto& [table, rows] : overlay_) {
          for (auto& [key, value] : rows) {
            if (value) {
              PutLocked(table, key, *value);
            } else {
              DeleteLocked(table, key);
            }
          }
        }
      }
      overlay_.clear();
      cleared_ = false;
      after = tx_.Release();
    }
    mu_.unlock();
    for (auto& fn : after) fn(true);
  }

 private:
  bool OwnsTransaction() const { return tx_.HeldByThisThread(); }

  // One write, holding mu_: to the overlay inside a transaction, else to the tables.
  void Write1(std::string_view table, std::string_view key, std::optional<std::string_view> value) {
    if (depth_ > 0) {
      auto t = overlay_.find(table);
      if (t == overlay_.end())
        t = overlay_.emplace(std::string(table), Overlay::mapped_type()).first;
      auto it = t->second.find(key);
      if (it == t->second.end()) it = t->second.emplace(std::string(key), std::nullopt).first;
      it->second = value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
      return;
    }
    std::lock_guard data(data_mu_);
    if (value) {
      PutLocked(table, key, *value);
    } else {
      DeleteLocked(table, key);
    }
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

  std::recursive_mutex mu_;  // writes; a thread holding a transaction keeps it across its calls
  int depth_ = 0;            // guarded by mu_
  TransactionOwner tx_;      // the thread holding the transaction, its AfterCommit callbacks
  Overlay overlay_;          // guarded by mu_
  bool cleared_ = false;     // Clear inside the transaction: the tables are emptied at its end
  std::mutex data_mu_;
  std::map<std::string, Table, std::less<>> tables_;  // guarded by data_mu_
  std::unique_ptr<BlobStore> blobs_ = MakeMemoryBlobStore();
  std::unique_ptr<AppendFiles> files_ = MakeMemoryAppendFiles();
};

}  // namespace

std::unique_ptr<Store> MakeMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace orgtrail::store
