// One behavioural suite for every Store implementation (typed tests), so the in-memory store that
// unit tests use behaves exactly like the SQLite store that orgtrail serve uses.
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"

namespace orgtrail::store {
namespace {

struct SqliteKind {
  static std::unique_ptr<Store> Make(const std::string& dir) {
    auto r = OpenSqliteStore(dir);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : nullptr;
  }
  static constexpr std::string_view kKind = "sqlite";
};

struct MemoryKind {
  static std::unique_ptr<Store> Make(const std::string&) { return MakeMemoryStore(); }
  static constexpr std::string_view kKind = "memory";
};

template <typename Kind>
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Kind::Make(dir_.path());
    ASSERT_NE(store_, nullptr);
  }

  std::vector<std::string> Keys(std::string_view table, std::string_view prefix = "",
                                std::string_view after = "", size_t limit = 0) {
    std::vector<std::string> keys;
    for (const Row& r : store_->Scan(table, prefix, after, limit)) keys.push_back(r.key);
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

using Kinds = ::testing::Types<SqliteKind, MemoryKind>;
TYPED_TEST_SUITE(StoreTest, Kinds);

using V = std::vector<std::string>;

TYPED_TEST(StoreTest, Kind) { EXPECT_EQ(this->store_->Kind(), TypeParam::kKind); }

TYPED_TEST(StoreTest, GetMissingIsNullopt) {
  EXPECT_EQ(this->store_->Get("accounts", "111111111111"), std::nullopt);
}

TYPED_TEST(StoreTest, PutGetOverwrite) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("accounts", "111111111111", R"({"Name":"a"})").ok());
  EXPECT_EQ(s.Get("accounts", "111111111111"), R"({"Name":"a"})");
  ASSERT_TRUE(s.Put("accounts", "111111111111", R"({"Name":"b"})").ok());
  EXPECT_EQ(s.Get("accounts", "111111111111"), R"({"Name":"b"})");
}

TYPED_TEST(StoreTest, TablesAreSeparate) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("accounts", "k", "1").ok());
  ASSERT_TRUE(s.Put("access_keys", "k", "2").ok());
  EXPECT_EQ(s.Get("accounts", "k"), "1");
  EXPECT_EQ(s.Get("access_keys", "k"), "2");
  EXPECT_EQ(this->Keys("accounts"), V{"k"});
}

TYPED_TEST(StoreTest, DeleteRemovesAndMissingDeleteIsOk) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("t", "k", "v").ok());
  ASSERT_TRUE(s.Delete("t", "k").ok());
  EXPECT_EQ(s.Get("t", "k"), std::nullopt);
  EXPECT_TRUE(s.Delete("t", "k").ok());
  EXPECT_TRUE(s.Delete("never", "k").ok());
}

TYPED_TEST(StoreTest, ValuesAreBinarySafeAndEmptyIsPresent) {
  Store& s = *this->store_;
  std::string bin("a\0b\xff\x01", 5);
  ASSERT_TRUE(s.Put("t", "bin", bin).ok());
  ASSERT_TRUE(s.Put("t", "empty", "").ok());
  EXPECT_EQ(s.Get("t", "bin"), bin);
  EXPECT_EQ(s.Get("t", "empty"), std::string());
}

TYPED_TEST(StoreTest, EmptyKeyIsAKey) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("t", "", "root").ok());
  ASSERT_TRUE(s.Put("t", "a", "1").ok());
  EXPECT_EQ(s.Get("t", ""), "root");
  EXPECT_EQ(this->Keys("t"), (V{"", "a"}));
  EXPECT_EQ(this->Keys("t", "", ""), (V{"", "a"}));
}

TYPED_TEST(StoreTest, ApplyWritesAndDeletesInOrder) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("t", "old", "x").ok());
  std::vector<Write> batch = {
      {"t", "a", "1"}, {"t", "old", std::nullopt}, {"u", "b", "2"}, {"t", "a", "3"}};
  ASSERT_TRUE(s.Apply(batch).ok());
  EXPECT_EQ(s.Get("t", "a"), "3");
  EXPECT_EQ(s.Get("t", "old"), std::nullopt);
  EXPECT_EQ(s.Get("u", "b"), "2");
  EXPECT_TRUE(s.Apply({}).ok());
}

TYPED_TEST(StoreTest, ScanIsBytewiseOrdered) {
  Store& s = *this->store_;
  for (std::string k : {"b", "B", "a", "ab", "\xff", "\x01", "a/b", "\xc3\xa9", "Z"}) {
    ASSERT_TRUE(s.Put("t", k, "v" + k).ok());
  }
  EXPECT_EQ(this->Keys("t"), (V{"\x01", "B", "Z", "a", "a/b", "ab", "b", "\xc3\xa9", "\xff"}));
  auto rows = s.Scan("t", "ab");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value, "vab");
}

TYPED_TEST(StoreTest, ScanPrefix) {
  Store& s = *this->store_;
  for (std::string k : {"111/alice", "111/bob", "1111/x", "112/carol", "11", "2/dan"}) {
    ASSERT_TRUE(s.Put("users", k, "{}").ok());
  }
  EXPECT_EQ(this->Keys("users", "111/"), (V{"111/alice", "111/bob"}));
  EXPECT_EQ(this->Keys("users", "111"), (V{"111/alice", "111/bob", "1111/x"}));
  EXPECT_EQ(this->Keys("users", "3"), V{});
  EXPECT_EQ(this->Keys("other", ""), V{});
}

TYPED_TEST(StoreTest, ScanPrefixEndingInFF) {
  Store& s = *this->store_;
  for (std::string k : {"a\xff", "a\xff\xff", "a\xff\x01", "b", "a\xfe"}) {
    ASSERT_TRUE(s.Put("t", k, "").ok());
  }
  EXPECT_EQ(this->Keys("t", "a\xff"), (V{"a\xff", "a\xff\x01", "a\xff\xff"}));
  EXPECT_EQ(this->Keys("t", "\xff"), V{});
}

TYPED_TEST(StoreTest, ScanAfterAndLimitPaginate) {
  Store& s = *this->store_;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.Put("t", "k" + std::to_string(i), "").ok());
  ASSERT_TRUE(s.Put("t", "j", "").ok());
  ASSERT_TRUE(s.Put("t", "l", "").ok());
  EXPECT_EQ(this->Keys("t", "k", "", 3), (V{"k0", "k1", "k2"}));
  EXPECT_EQ(this->Keys("t", "k", "k2", 3), (V{"k3", "k4", "k5"}));
  EXPECT_EQ(this->Keys("t", "k", "k8", 3), (V{"k9"}));
  EXPECT_EQ(this->Keys("t", "k", "k9", 3), V{});
  EXPECT_EQ(this->Keys("t", "k", "a", 2), (V{"k0", "k1"}));  // after before the prefix
  EXPECT_EQ(this->Keys("t", "k", "z"), V{});                 // after past the prefix
  EXPECT_EQ(this->Keys("t", "k", "k45"), (V{"k5", "k6", "k7", "k8", "k9"}));  // not a key
  EXPECT_EQ(this->Keys("t", "", "k9"), (V{"l"}));
  // Walking pages reaches every row once.
  std::vector<std::string> all;
  std::string after;
  for (;;) {
    auto page = this->Keys("t", "", after, 4);
    if (page.empty()) break;
    all.insert(all.end(), page.begin(), page.end());
    after = page.back();
  }
  EXPECT_EQ(all.size(), 12u);
  EXPECT_EQ(all, this->Keys("t"));
}

TYPED_TEST(StoreTest, ClearRemovesEveryRowAndStoreStaysUsable) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("a", "1", "x").ok());
  ASSERT_TRUE(s.Put("b", "2", "y").ok());
  ASSERT_TRUE(s.Clear().ok());
  EXPECT_EQ(s.Get("a", "1"), std::nullopt);
  EXPECT_EQ(this->Keys("b"), V{});
  ASSERT_TRUE(s.Put("a", "1", "z").ok());
  EXPECT_EQ(s.Get("a", "1"), "z");
}

TYPED_TEST(StoreTest, ConcurrentWritersAndReaders) {
  Store& s = *this->store_;
  constexpr int kThreads = 4, kWrites = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&s, t] {
      for (int i = 0; i < kWrites; ++i) {
        std::string key = std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(s.Put("t", key, key).ok());
        EXPECT_EQ(s.Get("t", key), key);
        if (i % 10 == 0) (void)s.Scan("t", std::to_string(t) + "/", "", 5);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(s.Scan("t").size(), static_cast<size_t>(kThreads * kWrites));
}

// A sequence table reads like any table: the same rows as an undeclared table with the same
// writes, for every prefix and `after` bound that Scan may be given (hex and non-hex bytes
// around the digits, keys at both ends of the range).
TYPED_TEST(StoreTest, SequenceTableScansLikeAnyTable) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.DeclareSequenceTable("seq").ok());
  ASSERT_TRUE(s.DeclareSequenceTable("seq").ok());  // again: no effect
  const std::vector<std::string> keys = {"0000000000000000", "0000000000000001", "000000000000000f",
                                         "0000000000000010", "00000000000000ff", "0000000000000a00",
                                         "00000000ffffffff", "0000000100000000", "1000000000000000",
                                         "7ffffffffffffffe", "7fffffffffffffff"};
  for (const std::string& k : keys) {
    ASSERT_TRUE(s.Put("seq", k, "v" + k).ok());
    ASSERT_TRUE(s.Put("plain", k, "v" + k).ok());
  }
  EXPECT_EQ(s.Get("seq", "0000000000000a00"), "v0000000000000a00");
  EXPECT_EQ(s.Get("seq", "0000000000000a01"), std::nullopt);
  EXPECT_EQ(s.Get("seq", "not a key"), std::nullopt);
  const std::vector<std::string> bounds = {"",
                                           "0",
                                           "00",
                                           "0000000000000000",
                                           "000000000000000",
                                           "0000000000000001x",
                                           "00000000000000/",
                                           "00000000000000:",
                                           "00000000000000g",
                                           "0000000000000~",
                                           "7",
                                           "7f",
                                           "7fffffffffffffff",
                                           "8",
                                           "a",
                                           "f",
                                           "ffffffffffffffff",
                                           "g",
                                           "/",
                                           "~",
                                           "00000000ffffffff0"};
  for (const std::string& prefix : bounds) {
    for (const std::string& after : bounds) {
      for (size_t limit : {size_t{0}, size_t{1}, size_t{3}}) {
        std::vector<Row> got = s.Scan("seq", prefix, after, limit);
        std::vector<Row> want = s.Scan("plain", prefix, after, limit);
        ASSERT_EQ(got.size(), want.size()) << "prefix '" << prefix << "' after '" << after << "'";
        for (size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(got[i].key, want[i].key) << "prefix '" << prefix << "' after '" << after;
          EXPECT_EQ(got[i].value, want[i].value);
        }
      }
    }
  }
  ASSERT_TRUE(s.Apply({{"seq", "0000000000000001", std::nullopt},
                       {"seq", "0000000000000002", std::string("two")}})
                  .ok());
  EXPECT_EQ(s.Get("seq", "0000000000000001"), std::nullopt);
  EXPECT_EQ(s.Get("seq", "0000000000000002"), "two");
  ASSERT_TRUE(s.Delete("seq", "0000000000000002").ok());
  EXPECT_EQ(s.Get("seq", "0000000000000002"), std::nullopt);
  ASSERT_TRUE(s.Clear().ok());
  EXPECT_EQ(this->Keys("seq"), V{});
  ASSERT_TRUE(s.Put("seq", "0000000000000003", "three").ok());
  EXPECT_EQ(this->Keys("seq"), V{"0000000000000003"});
}

// A transaction's writes are seen by its own thread at once (listings included) and by other
// threads only once it has ended; other threads read meanwhile without waiting for it.
TYPED_TEST(StoreTest, OtherThreadsReadCommittedStateDuringATransaction) {
  Store& s = *this->store_;
  ASSERT_TRUE(s.Put("t", "a", "1").ok());
  ASSERT_TRUE(s.Put("t", "c", "3").ok());
  ASSERT_TRUE(s.Put("t", "e", "5").ok());
  auto on_other_thread = [](auto fn) {
    std::thread t(fn);
    t.join();
  };
  {
    auto tx = s.Begin();
    ASSERT_TRUE(s.Put("t", "b", "2").ok());
    ASSERT_TRUE(s.Delete("t", "c").ok());
    ASSERT_TRUE(s.Apply({{"t", "e", std::string("five")}, {"t", "f", std::string("6")}}).ok());
    EXPECT_EQ(this->Keys("t"), (V{"a", "b", "e", "f"}));
    EXPECT_EQ(this->Keys("t", "", "a", 2), (V{"b", "e"}));
    EXPECT_EQ(s.Get("t", "e"), "five");
    EXPECT_EQ(s.Get("t", "c"), std::nullopt);
    on_other_thread([&] {
      EXPECT_EQ(s.Get("t", "b"), std::nullopt);
      EXPECT_EQ(s.Get("t", "c"), "3");
      EXPECT_EQ(s.Get("t", "e"), "5");
      EXPECT_EQ(this->Keys("t"), (V{"a", "c", "e"}));
    });
  }
  on_other_thread([&] {
    EXPECT_EQ(this->Keys("t"), (V{"a", "b", "e", "f"}));
    EXPECT_EQ(s.Get("t", "e"), "five");
  });
  {
    auto tx = s.Begin();
    ASSERT_TRUE(s.Clear().ok());
    ASSERT_TRUE(s.Put("t", "z", "26").ok());
    EXPECT_EQ(this->Keys("t"), V{"z"});
    EXPECT_EQ(s.Get("t", "a"), std::nullopt);
    on_other_thread([&] { EXPECT_EQ(this->Keys("t"), (V{"a", "b", "e", "f"})); });
  }
  EXPECT_EQ(this->Keys("t"), V{"z"});
  on_other_thread([&] { EXPECT_EQ(this->Keys("t"), V{"z"}); });
}

}  // namespace
}  // namespace orgtrail::store
