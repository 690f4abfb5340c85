// Reads of the SQLite store by threads without a transaction (sqlite_store.cc): they never wait
// for another thread's open transaction, see only committed state, and never put a value in the
// cache that a commit overlapping the read made stale.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/blob_store.h"
#include "store/sqlite_checkpointer.h"
#include "store/store.h"
#include "testing/temp_dir.h"

namespace orgtrail::store {
namespace {

class SqliteReadsTest : public ::testing::Test {
 protected:
  SqliteReadsTest() {
    auto r = OpenSqliteStore(dir_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok()) store_ = std::move(r).value();
  }
  ~SqliteReadsTest() override { store_.reset(); }

  // Opens the store again: its cache starts empty.
  void Reopen() {
    store_.reset();
    auto r = OpenSqliteStore(dir_);
    ASSERT_TRUE(r.ok());
    store_ = std::move(r).value();
  }

  InlineBlobs& Inline() { return *dynamic_cast<InlineBlobs*>(store_.get()); }

  // Runs `fn` on another thread and waits for it; the calling thread keeps what it holds (a
  // transaction), so `fn` completing shows it did not wait for it.
  template <typename Fn>
  static void OnOtherThread(Fn fn) {
    std::thread t(fn);
    t.join();
  }

  TempDir tmp_{"orgtrail-reads"};
  std::string dir_ = tmp_.path();
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteReadsTest, OtherThreadsReadCommittedStateWhileATransactionIsOpen) {
  Store& s = *store_;
  ASSERT_TRUE(s.Put("t", "a", "old").ok());
  ASSERT_TRUE(s.Put("t", "gone", "here").ok());
  ASSERT_TRUE(Inline().PutInline("blob", "old body").ok());
  std::string big_old(4000, 'o'), big_new(5000, 'n');
  ASSERT_TRUE(s.Put("t", "big", big_old).ok());
  ASSERT_TRUE(s.DeclareSequenceTable("journal").ok());
  ASSERT_TRUE(s.Put("journal", "0000000000000001", "first").ok());
  // Warm the cache from another thread, then write in a transaction held by this one.
  OnOtherThread([&] { EXPECT_EQ(s.Get("t", "a"), "old"); });
  // The state the transaction below writes, as its own thread sees it before the commit and
  // every thread after.
  auto expect_new_state = [&] {
    EXPECT_EQ(s.Get("t", "a"), "new");
    EXPECT_EQ(s.Get("t", "b"), "added");
    EXPECT_EQ(s.Get("t", "gone"), std::nullopt);
    EXPECT_EQ(s.Get("t", "big"), big_new);
    EXPECT_EQ(s.Scan("t").size(), 3u);
    EXPECT_EQ(s.Scan("journal").size(), 2u);
    std::string body;
    ASSERT_TRUE(Inline().ReadInline("blob", 0, 100, body));
    EXPECT_EQ(body, "new body!");
  };
  {
    auto tx = s.Begin();
    ASSERT_TRUE(s.Put("t", "a", "new").ok());
    ASSERT_TRUE(s.Put("t", "b", "added").ok());
    ASSERT_TRUE(s.Delete("t", "gone").ok());
    ASSERT_TRUE(s.Put("t", "big", big_new).ok());
    ASSERT_TRUE(Inline().PutInline("blob", "new body!").ok());
    ASSERT_TRUE(s.Put("journal", "0000000000000002", "second").ok());
    // This thread sees its own writes.
    expect_new_state();
    // Another thread sees the committed state, without waiting for this transaction.
    OnOtherThread([&] {
      EXPECT_EQ(s.Get("t", "a"), "old");
      EXPECT_EQ(s.Get("t", "b"), std::nullopt);
      EXPECT_EQ(s.Get("t", "gone"), "here");
      EXPECT_EQ(s.Get("t", "big"), big_old);
      std::vector<Row> rows = s.Scan("t");
      ASSERT_EQ(rows.size(), 3u);
      EXPECT_EQ(rows[0].key, "a");
      EXPECT_EQ(rows[0].value, "old");
      EXPECT_EQ(rows[2].key, "gone");
      EXPECT_EQ(s.Scan("journal").size(), 1u);
      EXPECT_EQ(s.Get("journal", "0000000000000002"), std::nullopt);
      std::string old_body;
      ASSERT_TRUE(Inline().ReadInline("blob", 0, 100, old_body));
      EXPECT_EQ(old_body, "old body");
      EXPECT_EQ(Inline().InlineSize("blob"), 8u);
      bool ran = false;
      s.AfterCommit([&](bool committed) { ran = committed; });
      EXPECT_TRUE(ran);
    });
  }
  // The commit is seen by every thread, whether its cache was warm or not.
  OnOtherThread([&] {
    expect_new_state();
    EXPECT_EQ(Inline().InlineSize("blob"), 9u);
  });
  EXPECT_EQ(s.Get("t", "a"), "new");
}

// A batch that fails is rolled back: inside a transaction to its savepoint (the transaction's
// earlier writes stay), outside as a whole; no thread sees its writes.
TEST_F(SqliteReadsTest, RolledBackWritesAreNeverSeen) {
  Store& s = *store_;
  ASSERT_TRUE(s.DeclareSequenceTable("journal").ok());
  ASSERT_TRUE(s.Put("t", "a", "v1").ok());
  const std::vector<Write> failing = {{"t", "a", "rolled back"},
                                      {"journal", "not a sequence number", "x"}};
  EXPECT_FALSE(s.Apply(failing).ok());
  EXPECT_EQ(s.Get("t", "a"), "v1");
  OnOtherThread([&] { EXPECT_EQ(s.Get("t", "a"), "v1"); });
  {
    auto tx = s.Begin();
    ASSERT_TRUE(s.Put("t", "a", "v2").ok());
    EXPECT_FALSE(s.Apply(failing).ok());
    EXPECT_EQ(s.Get("t", "a"), "v2");
    EXPECT_EQ(s.Scan("t").at(0).value, "v2");
    OnOtherThread([&] { EXPECT_EQ(s.Get("t", "a"), "v1"); });
  }
  EXPECT_EQ(s.Get("t", "a"), "v2");
  OnOtherThread([&] { EXPECT_EQ(s.Get("t", "a"), "v2"); });
}

// A read that overlaps a commit does not put what it read in the cache: the hook commits a new
// value between the read of the old one and the fill.
TEST_F(SqliteReadsTest, AReadOverlappingACommitDoesNotCacheAStaleValue) {
  ASSERT_TRUE(store_->Put("t", "a", "old").ok());
  ASSERT_TRUE(Inline().PutInline("blob", "old").ok());
  Reopen();
  Store& s = *store_;
  // The commit the hook makes during the next read from the database.
  std::function<Status()> commit;
  sqlite_internal::SetReadHook(s, [&] {
    if (!commit) return;
    EXPECT_TRUE(commit().ok());
    commit = nullptr;
  });
  commit = [&] { return s.Put("t", "a", "new"); };
  EXPECT_EQ(s.Get("t", "a"), "old");  // read before the commit
  EXPECT_EQ(s.Get("t", "a"), "new");
  commit = [&] { return s.Put("t", "b", "new"); };
  EXPECT_EQ(s.Scan("t").size(), 1u);
  EXPECT_EQ(s.Scan("t").size(), 2u);
  commit = [&] { return Inline().PutInline("blob", "new"); };
  std::string body;
  ASSERT_TRUE(Inline().ReadInline("blob", 0, 10, body));
  EXPECT_EQ(body, "old");
  ASSERT_TRUE(Inline().ReadInline("blob", 0, 10, body));
  EXPECT_EQ(body, "new");
  EXPECT_FALSE(commit);  // every commit ran inside a read
  sqlite_internal::SetReadHook(s, nullptr);
}

// Writers commit increasing numbers (after an uncommitted and a rolled-back value) while
// readers check that they never see a value that was not committed, nor one older than a
// commit that had ended before their read began.
TEST_F(SqliteReadsTest, ReadersSeeOnlyCommittedValuesInOrder) {
  Store& s = *store_;
  ASSERT_TRUE(s.DeclareSequenceTable("journal").ok());
  constexpr int kKeys = 4, kRounds = 300, kWriters = 2, kReaders = 3;
  std::atomic<int> committed[kKeys];
  for (int k = 0; k < kKeys; ++k) {
    committed[k] = 0;
    ASSERT_TRUE(s.Put("t", "k" + std::to_string(k), "0").ok());
  }
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 1; n <= kRounds; ++n) {
        for (int k = w; k < kKeys; k += kWriters) {
          const std::string key = "k" + std::to_string(k);
          {
            auto tx = s.Begin();
            if (!s.Put("t", key, "dirty").ok()) ++failures;
            (void)s.Apply({{"t", key, "rolled back"}, {"journal", "bad", "x"}});
            if (!s.Put("t", key, std::to_string(n)).ok()) ++failures;
          }
          committed[k] = n;
        }
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      int seen[kKeys] = {};
      while (!done) {
        for (int k = 0; k < kKeys; ++k) {
          const int floor = committed[k];
          std::optional<std::string> v = s.Get("t", "k" + std::to_string(k));
          int n = -1;
          if (v && !v->empty() && v->find_first_not_of("0123456789") == std::string::npos)
            n = std::stoi(*v);
          if (n < 0 || n < floor || n < seen[k]) ++failures;
          seen[k] = std::max(seen[k], n);
        }
        std::vector<Row> rows = s.Scan("t");
        if (rows.size() != kKeys) ++failures;
        for (const Row& row : rows) {
          if (row.value == "dirty" || row.value == "rolled back") ++failures;
        }
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(failures, 0);
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(s.Get("t", "k" + std::to_string(k)), "300");
}

}  // namespace
}  // namespace orgtrail::store
