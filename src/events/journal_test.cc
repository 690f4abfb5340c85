#include "events/journal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "events/journal_row.h"

namespace orgtrail::events {
namespace {

gateway::ApiCall Call(std::string name, int64_t ms, bool read_only, std::string user = "alice") {
  gateway::ApiCall c;
  c.event_id = "id-" + name + "-" + std::to_string(ms);
  c.event_time_ms = ms;
  c.service = "iam";
  c.event_source = "iam.amazonaws.com";
  c.event_name = std::move(name);
  c.aws_region = "us-east-1";
  c.principal.type = auth::PrincipalType::kIAMUser;
  c.principal.account_id = "111111111111";
  c.principal.arn = "arn:aws:iam::111111111111:user/" + user;
  c.principal.user_name = user;
  c.principal.access_key_id = "AKIA" + user;
  c.recipient_account_id = "111111111111";
  c.read_only = read_only;
  return c;
}

// The event times of every record of account 111111111111 in us-east-1, read by LookupEvents in
// pages of 50 (newest first).
std::vector<int64_t> LookupTimesInPagesOf50(Journal& j) {
  std::vector<int64_t> seen;
  LookupQuery q{"111111111111", "us-east-1", "", "", 0, 1000000, 50, ""};
  while (true) {
    LookupPage p = j.Lookup(q);
    for (const JournalEntry& e : p.events) seen.push_back(e.event_time_ms);
    if (p.next.empty()) break;
    q.after = p.next;
  }
  return seen;
}

TEST(JournalTest, WritesCommitInOrderAndReadOnlyWaitsForTheGroupCommit) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  std::atomic<int> wakes = 0;
  j.OnAppend([&] { ++wakes; });
  j.Record(Call("CreateUser", 1000, false));
  EXPECT_EQ(j.LastSeq(), 1u);
  j.Record(Call("GetUser", 2000, true));
  EXPECT_EQ(j.LastSeq(), 1u);  // queued
  ASSERT_TRUE(j.Flush().ok());
  EXPECT_EQ(j.LastSeq(), 2u);
  EXPECT_EQ(wakes.load(), 2);
  auto all = j.ReadAfter(0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].seq, 1u);
  EXPECT_EQ(all[0].event_name, "CreateUser");
  EXPECT_FALSE(all[0].read_only);
  EXPECT_EQ(all[1].event_name, "GetUser");
  EXPECT_TRUE(all[1].read_only);
  EXPECT_NE(all[1].json.find("\"eventName\":\"GetUser\""), std::string::npos);
  EXPECT_EQ(j.ReadAfter(1, 10).size(), 1u);
}

TEST(JournalTest, RecordInsideATransactionIsPublishedAtCommit) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  {
    auto txn = store->Begin();
    j.Record(Call("CreateUser", 1000, false));
    EXPECT_EQ(j.LastSeq(), 0u);  // not yet committed
  }
  EXPECT_EQ(j.LastSeq(), 1u);
}

TEST(JournalTest, UnrecordedOperationsAreSkipped) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  gateway::ApiCall c = Call("PutLogEvents", 1000, false);
  c.service = "logs";
  j.Record(c);
  EXPECT_EQ(j.LastSeq(), 0u);
}

TEST(JournalTest, LookupNewestFirstWithAttributesTimesAndPages) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  for (int i = 0; i < 7; ++i)
    j.Record(Call("CreateUser", 1000 * (i + 1), false, i % 2 ? "bob" : "alice"));
  j.Record(Call("GetUser", 9000, true));
  LookupQuery q{"111111111111", "us-east-1", "", "", 0, 100000, 3, ""};
  LookupPage p1 = j.Lookup(q);  // flushes the queued GetUser
  ASSERT_EQ(p1.events.size(), 3u);
  EXPECT_EQ(p1.events[0].event_name, "GetUser");
  EXPECT_EQ(p1.events[1].event_time_ms, 7000);
  ASSERT_FALSE(p1.next.empty());
  q.after = p1.next;
  LookupPage p2 = j.Lookup(q);
  ASSERT_EQ(p2.events.size(), 3u);
  EXPECT_EQ(p2.events[0].event_time_ms, 5000);
  q.after = p2.next;
  LookupPage p3 = j.Lookup(q);
  ASSERT_EQ(p3.events.size(), 2u);
  EXPECT_TRUE(p3.next.empty());

  LookupQuery by_user{"111111111111", "us-east-1", "Username", "bob", 0, 100000, 50, ""};
  EXPECT_EQ(j.Lookup(by_user).events.size(), 3u);
  LookupQuery read_only{"111111111111", "us-east-1", "ReadOnly", "true", 0, 100000, 50, ""};
  EXPECT_EQ(j.Lookup(read_only).events.size(), 1u);
  LookupQuery window{"111111111111", "us-east-1", "", "", 2000, 4000, 50, ""};
  LookupPage w = j.Lookup(window);
  ASSERT_EQ(w.events.size(), 3u);
  EXPECT_EQ(w.events[0].event_time_ms, 4000);
  EXPECT_EQ(w.events[2].event_time_ms, 2000);
  LookupQuery other{"222222222222", "us-east-1", "", "", 0, 100000, 50, ""};
  EXPECT_TRUE(j.Lookup(other).events.empty());
}

TEST(JournalTest, SequenceContinuesAfterReopen) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("orgtrail-journal-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  {
    auto store = store::OpenSqliteStore(dir);
    ASSERT_TRUE(store.ok());
    IdSource ids(1);
    Journal j(**store, ids);
    for (int i = 0; i < 20; ++i) j.Record(Call("CreateUser", 1000 + i, false));
    EXPECT_EQ(j.LastSeq(), 20u);
  }
  {
    auto store = store::OpenSqliteStore(dir);
    ASSERT_TRUE(store.ok());
    IdSource ids(1);
    Journal j(**store, ids);
    EXPECT_EQ(j.LastSeq(), 20u);
    j.Record(Call("CreateUser", 5000, false));
    EXPECT_EQ(j.LastSeq(), 21u);
    EXPECT_EQ(j.ReadAfter(20, 5).size(), 1u);
  }
  std::filesystem::remove_all(dir);
}

TEST(JournalTest, GroupCommitThreadCommitsReadOnlyRecords) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  j.Start();
  j.Record(Call("GetUser", 1000, true));
  for (int i = 0; i < 200 && j.LastSeq() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(j.LastSeq(), 1u);
  j.Stop();
}

TEST(JournalTest, ResetDropsQueuedRecords) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  j.Record(Call("GetUser", 1000, true));
  j.Reset();
  ASSERT_TRUE(j.Flush().ok());
  EXPECT_EQ(j.LastSeq(), 0u);
}

TEST(JournalTest, ManyReadOnlyRecordsFromManyThreadsAreAllCommittedInOrder) {
  // More records than the queue holds: writers wait for the group commit, nothing is lost.
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  j.Start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&j, t] {
      for (int i = 0; i < 5000; ++i) j.Record(Call("GetUser", 1000 + t * 10000 + i, true));
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(j.Flush().ok());
  EXPECT_EQ(j.LastSeq(), 20000u);
  auto all = j.ReadAfter(0, 0);
  ASSERT_EQ(all.size(), 20000u);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, i + 1);
  j.Stop();
}

TEST(JournalTest, RecordsPastTheEventHistoryHorizonArePruned) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  const int64_t day = 24LL * 3600 * 1000;
  const int64_t t0 = 1700000000000;
  j.Record(Call("CreateUser", t0, false));
  j.Record(Call("GetUser", t0 + day, true));
  ASSERT_TRUE(j.Flush().ok());
  j.Record(Call("CreateRole", t0 + 90 * day + 1, false));  // the first is now 90 days old
  ASSERT_TRUE(j.Flush().ok());
  auto all = j.ReadAfter(0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].event_name, "GetUser");
  EXPECT_EQ(all[1].event_name, "CreateRole");
  EXPECT_TRUE(store->Scan("ct_history", "").empty());  // one row per record, no index
  j.Record(Call("DeleteRole", t0 + 200 * day, false));
  ASSERT_TRUE(j.Flush().ok());
  all = j.ReadAfter(0, 10);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].event_name, "DeleteRole");
  EXPECT_EQ(all[0].seq, 4u);
  EXPECT_EQ(j.LastSeq(), 4u);
}

TEST(JournalTest, OneCompactRowPerRecordAndNoIndexRow) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  j.Record(Call("CreateUser", 1000, false));
  auto rows = store->Scan("ct_journal", "");
  ASSERT_EQ(rows.size(), 1u);
  auto entries = j.ReadAfter(0, 1);
  ASSERT_EQ(entries.size(), 1u);
  // The record's JSON is stored as is (not escaped inside another document), after a header.
  EXPECT_EQ(rows[0].value.substr(rows[0].value.size() - entries[0].json.size()), entries[0].json);
  EXPECT_LT(rows[0].value.size(), entries[0].json.size() + 200);
  EXPECT_TRUE(store->Scan("ct_history", "").empty());  // LookupEvents reads ct_journal
}

TEST(JournalTest, ReadsRowsOfTheFirstFormat) {
  auto store = store::MakeMemoryStore();
  ASSERT_TRUE(store
                  ->Put("ct_journal", "0000000000000001",
                        R"({"Seq":1,"AccountId":"111111111111","Region":"us-east-1",)"
                        R"("EventTimeMs":1000,"EventId":"e1","EventSource":"iam.amazonaws.com",)"
                        R"("EventName":"CreateUser","ReadOnly":false,"ManagementEvent":true,)"
                        R"("EventCategory":"Management","ErrorCode":"","UserIdentityArn":"a",)"
                        R"("Username":"alice","AccessKeyId":"AKIA","Resources":[],)"
                        R"("Record":"{\"eventName\":\"CreateUser\"}"})")
                  .ok());
  ASSERT_TRUE(
      store->Put("ct_history", "111111111111/us-east-1/7ffffffffffffc17/0000000000000001", "{}")
          .ok());
  IdSource ids(1);
  Journal j(*store, ids);
  EXPECT_EQ(j.LastSeq(), 1u);
  j.Record(Call("CreateRole", 2000, false));
  auto all = j.ReadAfter(0, 10);
  ASSERT_EQ(all.size(), 2u) << (all.empty() ? "" : all[0].event_name);
  EXPECT_EQ(all[0].json, R"({"eventName":"CreateUser"})");
  EXPECT_EQ(all[0].username, "alice");
  EXPECT_EQ(all[1].seq, 2u);
  LookupQuery q;
  q.account_id = "111111111111";
  q.region = "us-east-1";
  q.end_ms = 10000;
  q.attribute_key = "Username";
  q.attribute_value = "alice";
  LookupPage page = j.Lookup(q);
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].event_name, "CreateRole");
  EXPECT_EQ(page.events[1].event_name, "CreateUser");
  EXPECT_TRUE(store->Scan("ct_history", "").empty());  // the former index is removed
}

// Records are not journaled in time order (a read-only call's record waits for the group
// commit, the clock may be moved): event history is still newest first, across pages.
TEST(JournalTest, LookupOrdersRecordsJournaledOutOfTimeOrder) {
  auto store = store::MakeMemoryStore();
  IdSource ids(1);
  Journal j(*store, ids);
  // 600 records (more than one backward read batch) whose times go down and up again.
  std::vector<int64_t> times;
  for (int i = 0; i < 600; ++i) {
    int64_t t = 100000 + ((i * 7919) % 600) * 10 + (i % 3 == 0 ? 5 : 0);
    times.push_back(t);
    j.Record(Call("CreateUser", t, false));
  }
  j.Record(Call("GetUser", 50000, true));  // journaled last, oldest of all
  std::vector<int64_t> seen = LookupTimesInPagesOf50(j);
  times.push_back(50000);
  std::sort(times.rbegin(), times.rend());
  EXPECT_EQ(seen, times);
  LookupQuery window{"111111111111", "us-east-1", "", "", 103000, 103999, 200, ""};
  for (const JournalEntry& e : j.Lookup(window).events) {
    EXPECT_GE(e.event_time_ms, 103000);
    EXPECT_LE(e.event_time_ms, 103999);
  }
  EXPECT_EQ(j.Lookup(window).events.size(), 100u);
}

// Read-only records committed together share one row (keyed by the last one's sequence number):
// delivery reads them from any point inside the group, event history reads them in order.
TEST(JournalTest, OneRowPerGroupCommit) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("orgtrail-group-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  std::vector<int64_t> times;
  std::vector<std::string> held;  // the records read while their rows were held
  {
    auto store = store::OpenSqliteStore(dir);
    ASSERT_TRUE(store.ok());
    IdSource ids(1);
    Journal j(**store, ids);
    j.Record(Call("CreateUser", 1000, false));  // seq 1, a row of its own
    for (int i = 0; i < 300; ++i) {             // seq 2..301, one group, out of time order
      int64_t t = 2000 + ((i * 7919) % 300) * 10;
      times.push_back(t);
      j.Record(Call("GetUser", t, true));
    }
    ASSERT_TRUE(j.Flush().ok());
    j.Record(Call("CreateRole", 1500, false));  // seq 302
    j.Record(Call("GetRole", 9000, true));      // seq 303, a group of one: a plain row
    ASSERT_TRUE(j.Flush().ok());
    EXPECT_EQ(j.LastSeq(), 303u);
    auto rows = (*store)->Scan("ct_journal", "");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[1].key, "000000000000012d");  // 301
    EXPECT_EQ(rows[1].value[0], 'Z');            // packed: a fraction of its records' rows
    EXPECT_EQ(rows[3].value[0], 'S');
    EXPECT_LT(rows[1].value.size(), rows[3].value.size() * 300 / 4);
    // The rows just committed are still held (the group unpacked): read in batches smaller than
    // the group, they give the records the store gives after a restart (below).
    uint64_t at = 0;
    while (true) {
      auto batch = j.ReadAfter(at, 64);
      if (batch.empty()) break;
      for (const JournalEntry& e : batch) held.push_back(e.json);
      at = batch.back().seq;
    }
    // Read past, they are no longer held: the same records come from the store.
    auto again = j.ReadAfter(0, 0);
    ASSERT_EQ(again.size(), 303u);
    for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].json, held[i]);
  }
  auto store = store::OpenSqliteStore(dir);
  ASSERT_TRUE(store.ok());
  IdSource ids(1);
  Journal j(**store, ids);
  EXPECT_EQ(j.LastSeq(), 303u);
  auto all = j.ReadAfter(0, 0);
  ASSERT_EQ(all.size(), 303u);
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, i + 1);
  ASSERT_EQ(held.size(), 303u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].json, held[i]);
  EXPECT_EQ(all[1].event_name, "GetUser");
  EXPECT_EQ(all[1].event_time_ms, times[0]);
  EXPECT_NE(all[300].json.find("\"eventName\":\"GetUser\""), std::string::npos);
  EXPECT_EQ(all[301].event_name, "CreateRole");
  // From inside the group, in batches smaller than the group.
  uint64_t cursor = 50;
  std::vector<uint64_t> seqs;
  while (true) {
    auto batch = j.ReadAfter(cursor, 64);
    if (batch.empty()) break;
    EXPECT_LE(batch.size(), 64u);
    for (const JournalEntry& e : batch) seqs.push_back(e.seq);
    cursor = batch.back().seq;
  }
  ASSERT_EQ(seqs.size(), 253u);
  EXPECT_EQ(seqs.front(), 51u);
  EXPECT_EQ(seqs.back(), 303u);
  // Event history: newest first across the rows, in pages.
  times.push_back(1000);
  times.push_back(1500);
  times.push_back(9000);
  std::sort(times.rbegin(), times.rend());
  std::vector<int64_t> seen = LookupTimesInPagesOf50(j);
  EXPECT_EQ(seen, times);
  LookupQuery window{"111111111111", "us-east-1", "", "", 2500, 2990, 200, ""};
  EXPECT_EQ(j.Lookup(window).events.size(), 50u);
  // A group row written unpacked (data directories of earlier versions) reads the same.
  {
    auto rows = (*store)->Scan("ct_journal", "");
    std::string group;
    ASSERT_EQ(journal_row::Members(301, rows[1].value, &group).size(), 300u);
    ASSERT_EQ(group[0], 'G');
    ASSERT_TRUE((*store)->Put("ct_journal", rows[1].key, group).ok());
  }
  Journal unpacked(**store, ids);
  EXPECT_EQ(unpacked.ReadAfter(0, 0).size(), 303u);
  auto from_inside = unpacked.ReadAfter(50, 64);
  ASSERT_EQ(from_inside.size(), 64u);
  EXPECT_EQ(from_inside.front().seq, 51u);
  EXPECT_EQ(LookupTimesInPagesOf50(unpacked), times);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orgtrail::events
