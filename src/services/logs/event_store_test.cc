// The event store on the memory store: blocks in the stream's append file (ranges growing with
// each batch, closed with their meta and Bloom filter), the rows form written before (segments
// of the open block, closing and merging), selection by time, pattern, token and page, block
// skipping, retention.
#include "services/logs/event_store.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace orgtrail::services::logs {
namespace {

const std::string kStream = "acct/us-east-1/g:s";

class EventStoreTest : public ::testing::Test {
 protected:
  // Appends `events` as one batch, applied as one transaction.
  void Put(const std::vector<NewEvent>& events, int64_t ingestion = 1000) {
    std::vector<store::Write> writes;
    ASSERT_TRUE(AppendEvents(*store_, kStream, blocks_, events, ingestion, seq_, writes).ok());
    seq_ += events.size();
    ASSERT_TRUE(store_->Apply(writes).ok());
  }

  Selection All(const filter::Pattern* pattern = nullptr, size_t limit = 10000) {
    SelectQuery q;
    q.streams = {{kStream, "s"}};
    q.pattern = pattern;
    q.limit = limit;
    return Select(*store_, q);
  }

  size_t Rows(std::string_view table) { return store_->Scan(table, kStream + ":").size(); }

  // The range of the append file a block's row refers to (none in the rows form).
  std::optional<Extent> BlockExtent(const std::string& key) {
    auto row = store_->Get(kBlocksTable, key);
    if (!row) return std::nullopt;
    return Extent::Decode(*row);
  }

  std::unique_ptr<store::Store> store_ = store::MakeMemoryStore();
  StreamBlocks blocks_;
  uint64_t seq_ = 1;
};

// The two forms of a stream's blocks: rows (the open block's batches are segment rows, merged
// when it closes), written before streams had files and still read, and the stream's append
// file (block rows refer to ranges of it). Each behaviour is checked in both.
enum class Form { kRows, kFile };

class BlockFormTest : public EventStoreTest, public ::testing::WithParamInterface<Form> {
 protected:
  BlockFormTest() { Reset(); }
  static bool InFile() { return GetParam() == Form::kFile; }
  // An empty store and a new stream of this form.
  void Reset() {
    store_ = store::MakeMemoryStore();
    blocks_ = StreamBlocks{};
    if (InFile()) blocks_.file = "f-1";
  }
};

INSTANTIATE_TEST_SUITE_P(Forms, BlockFormTest, ::testing::Values(Form::kRows, Form::kFile),
                         [](const ::testing::TestParamInfo<Form>& form) {
                           return form.param == Form::kFile ? "File" : "Rows";
                         });

TEST_P(BlockFormTest, SmallBatchesFormTheOpenBlock) {
  Put({{10, "alpha one"}, {11, "beta two"}});
  std::vector<BlockMeta> metas = ListBlocks(*store_, kStream);
  ASSERT_EQ(metas.size(), 1u);
  // In the file form a block of one batch has its true meta; in the rows form the open block's
  // meta row is written once, as the open marker.
  EXPECT_EQ(metas[0].min_ts, InFile() ? 10 : INT64_MIN);
  Put({{12, "gamma three"}});
  Put({{9, "delta four"}});
  metas = ListBlocks(*store_, kStream);
  ASSERT_EQ(metas.size(), 1u);
  // The open marker: never skipped by time.
  EXPECT_EQ(metas[0].min_ts, INT64_MIN);
  EXPECT_EQ(metas[0].max_ts, INT64_MAX);
  EXPECT_GT(metas[0].segments, 0u);
  EXPECT_EQ(blocks_.tail_count, 4u);
  if (InFile()) {
    // The open block's range of the file grows with each batch.
    EXPECT_EQ(Rows(kBlockSegmentsTable), 0u);
    EXPECT_EQ(Rows(kBlocksTable), 1u);
    std::optional<Extent> x = BlockExtent(metas[0].key);
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->file, "f-1");
    EXPECT_EQ(x->start, 0u);
    EXPECT_EQ(x->end, blocks_.file_end);
    std::string bytes;
    ASSERT_TRUE(store_->Files().Read("f-1", 0, x->end, bytes));
    BlockParts parts;
    ASSERT_TRUE(parts.Open(bytes));
    EXPECT_EQ(parts.size(), 3u);  // three batch layouts back to back
  } else {
    // Each batch is a segment row of the open block.
    EXPECT_EQ(Rows(kBlockSegmentsTable), 3u);
    EXPECT_EQ(Rows(kBlocksTable), 0u);
    EXPECT_EQ(blocks_.tail_segments, 3u);
  }
  // A time window still selects by each event's timestamp.
  SelectQuery window;
  window.streams = {{kStream, "s"}};
  window.from = 10;
  window.to = 11;
  EXPECT_EQ(Select(*store_, window).events.size(), 2u);

  Selection sel = All();
  ASSERT_EQ(sel.events.size(), 4u);
  EXPECT_EQ(sel.events[0].message, "delta four");  // ordered by timestamp
  EXPECT_EQ(sel.events[1].message, "alpha one");
  EXPECT_EQ(sel.events[3].message, "gamma three");
  EXPECT_EQ(sel.events[3].key.seq, 3u);
  auto p = filter::Pattern::Compile("gamma");
  ASSERT_TRUE(p.ok());
  sel = All(&*p);
  ASSERT_EQ(sel.events.size(), 1u);
  EXPECT_EQ(sel.events[0].message, "gamma three");
}

TEST_P(BlockFormTest, FullOpenBlockClosesWithItsMetaAndBloomFilter) {
  std::string big(1000, 'x');
  // 300 batches of one 1,000-byte message: the open block fills at 256 KiB.
  for (int i = 0; i < 300; ++i) Put({{i, big + "#" + std::to_string(i)}});
  std::vector<BlockMeta> metas = ListBlocks(*store_, kStream);
  ASSERT_EQ(metas.size(), 2u);
  EXPECT_EQ(metas[0].segments, 0u);
  EXPECT_GT(metas[1].segments, 0u);
  EXPECT_EQ(metas[0].count + blocks_.tail_count, 300u);
  // The closed block's meta row holds its true range; in the rows form its segments were
  // merged into one row.
  EXPECT_EQ(metas[0].min_ts, 0);
  EXPECT_EQ(metas[0].max_ts, static_cast<int64_t>(metas[0].count) - 1);
  EXPECT_EQ(store_->Scan(kBlockSegmentsTable, metas[0].key + ":").size(), 0u);
  EXPECT_TRUE(store_->Get(kBlocksTable, metas[0].key).has_value());
  EXPECT_TRUE(store_->Get(kBlockBloomTable, metas[0].key).has_value());
  if (InFile()) {
    // The two blocks' ranges follow each other in the file.
    std::optional<Extent> first = BlockExtent(metas[0].key);
    std::optional<Extent> second = BlockExtent(metas[1].key);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->end, second->start);
    EXPECT_EQ(second->end, blocks_.file_end);
  }

  Selection sel = All();
  ASSERT_EQ(sel.events.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(sel.events[i].message, big + "#" + std::to_string(i));

  // A term found only in the open block: the closed block is skipped by its Bloom filter.
  auto p = filter::Pattern::Compile("\"#299\"");
  ASSERT_TRUE(p.ok());
  sel = All(&*p);
  ASSERT_EQ(sel.events.size(), 1u);
  EXPECT_EQ(sel.events[0].key.timestamp, 299);
  EXPECT_EQ(sel.blocks_read, 1u);
  EXPECT_EQ(sel.blocks_skipped, 1u);
  // Insights' scan sees the same events.
  size_t seen = 0;
  ForEachEvent(
      *store_, {{kStream, "s"}}, INT64_MIN, INT64_MAX,
      [](void* ctx, uint32_t, const EventRef&) {
        ++*static_cast<size_t*>(ctx);
        return true;
      },
      &seen);
  EXPECT_EQ(seen, 300u);
}

// The Bloom filter holds every trigram of every message, whatever its length and position
// (the filter is built eight bytes at a time): a search for any piece of a message of a closed
// block reads that block.
TEST_P(BlockFormTest, BloomFilterHoldsEveryTrigram) {
  std::vector<std::string> msgs;
  uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    std::string m;
    for (int j = 0; j < i % 23 + 3; ++j) {
      x = x * 1103515245 + 12345;
      m += static_cast<char>('a' + (x >> 16) % 26);
    }
    msgs.push_back(m);
  }
  std::vector<NewEvent> batch;
  std::string filler(1000, '.');
  for (int i = 0; i < 300; ++i) batch.push_back({i, filler});
  for (int i = 0; i < 300; ++i) batch.push_back({300 + i, msgs[i]});
  Put(batch);
  ASSERT_EQ(Rows(kBlocksTable), 1u);
  for (int i = 0; i < 300; i += 7) {
    const std::string& m = msgs[i];
    for (size_t start = 0; start + 3 <= m.size(); start += 2) {
      std::string piece = m.substr(start, std::min<size_t>(3 + start % 5, m.size() - start));
      auto p = filter::Pattern::Compile("\"" + piece + "\"");
      ASSERT_TRUE(p.ok()) << piece;
      Selection sel = All(&*p);
      EXPECT_EQ(sel.blocks_read, 1u) << piece;
      EXPECT_FALSE(sel.events.empty()) << piece;
    }
  }
}

// Messages sharing runs with the one before at the same offsets (the filter skips the 8-byte
// loads equal to the previous message's): every piece of every message still reads its block,
// in a block built at once and in one closed after many batches (merged from segments in the
// rows form).
TEST_P(BlockFormTest, BloomFilterHoldsEveryTrigramOfSimilarMessages) {
  const std::string base =
      "{\"eventVersion\":\"1.11\",\"eventSource\":\"s3.amazonaws.com\",\"x\":\"";
  std::vector<std::string> msgs;
  uint32_t x = 777;
  for (int i = 0; i < 400; ++i) {
    std::string m = base;
    if (i % 5 == 0) m.resize(base.size() - static_cast<size_t>(i % 11));  // shorter than the last
    for (int j = 0; j < i % 29; ++j) {
      x = x * 1103515245 + 12345;
      m += static_cast<char>('a' + (x >> 16) % 26);
    }
    if (i % 3 == 0 && m.size() > 20) m[m.size() / 2] = static_cast<char>('A' + i % 26);
    msgs.push_back(m);
  }
  for (bool whole : {true, false}) {
    Reset();
    std::vector<NewEvent> batch;
    for (int i = 0; i < 400; ++i) batch.push_back({i, msgs[static_cast<size_t>(i)]});
    if (whole) {
      std::string filler(1000, '.');
      std::vector<NewEvent> all;
      for (int i = 0; i < 300; ++i) all.push_back({0, filler});
      all.insert(all.end(), batch.begin(), batch.end());
      Put(all);  // a block of its own
    } else {
      for (size_t i = 0; i < batch.size(); i += 10)
        Put(std::vector<NewEvent>(batch.begin() + static_cast<std::ptrdiff_t>(i),
                                  batch.begin() + static_cast<std::ptrdiff_t>(i + 10)));
      // Fill the open block so that it closes (merged, with its filter) and a new one opens.
      std::string big(200 * 1024, '.');
      Put({{500, big}});
      Put({{501, big}});
    }
    for (size_t i = 0; i < msgs.size(); i += 3) {
      const std::string& m = msgs[i];
      for (size_t start = 0; start + 3 <= m.size(); start += 5) {
        std::string piece = m.substr(start, 3);
        if (piece.find('"') != std::string::npos || piece.find('\\') != std::string::npos) continue;
        auto p = filter::Pattern::Compile("\"" + piece + "\"");
        ASSERT_TRUE(p.ok()) << piece;
        Selection sel = All(&*p);
        EXPECT_FALSE(sel.events.empty()) << whole << " " << piece;
      }
    }
  }
}

TEST_P(BlockFormTest, LargeBatchIsAWholeBlockWithItsBloomFilter) {
  std::vector<std::string> msgs;
  for (int i = 0; i < 2500; ++i) msgs.push_back("event " + std::to_string(i));
  std::vector<NewEvent> batch;
  for (int i = 0; i < 2500; ++i) batch.push_back({i, msgs[i]});
  Put(batch);
  EXPECT_EQ(Rows(kBlockSegmentsTable), 0u);
  EXPECT_EQ(Rows(kBlocksTable), 1u);
  EXPECT_EQ(Rows(kBlockBloomTable), 1u);
  EXPECT_EQ(blocks_.tail_segments, 0u);
  // A small batch after it extends that block (its range of the file, or a segment row); reads
  // see both.
  Put({{3000, "after the block"}});
  EXPECT_EQ(Rows(kBlocksTable), 1u);
  EXPECT_EQ(Rows(kBlockSegmentsTable), InFile() ? 0u : 1u);
  auto p = filter::Pattern::Compile("after");
  ASSERT_TRUE(p.ok());
  Selection sel = All(&*p);
  ASSERT_EQ(sel.events.size(), 1u);
  EXPECT_EQ(sel.events[0].message, "after the block");
  EXPECT_EQ(All().events.size(), 2501u);
}

TEST_P(BlockFormTest, TermSearchFindsEveryMatchInPackedText) {
  std::vector<std::string> msgs;
  for (int i = 0; i < 1000; ++i)
    msgs.push_back(i % 7 == 0 ? "x AccessDenied y " + std::to_string(i)
                              : "ok " + std::to_string(i));
  std::vector<NewEvent> batch;
  for (int i = 0; i < 1000; ++i) batch.push_back({i, msgs[i]});
  Put(batch);
  auto p = filter::Pattern::Compile("AccessDenied");
  ASSERT_TRUE(p.ok());
  Selection sel = All(&*p);
  ASSERT_EQ(sel.events.size(), 143u);
  for (const Selected& e : sel.events) EXPECT_EQ(e.key.timestamp % 7, 0);
  // Paging: a limit and the next page after the last key.
  sel = All(&*p, 100);
  EXPECT_EQ(sel.events.size(), 100u);
  EXPECT_TRUE(sel.more);
  SelectQuery q;
  q.streams = {{kStream, "s"}};
  q.pattern = &*p;
  q.after = sel.events.back().key;
  Selection rest = Select(*store_, q);
  EXPECT_EQ(rest.events.size(), 43u);
  EXPECT_FALSE(rest.more);
}

TEST_P(BlockFormTest, NewestAndTimeWindow) {
  for (int i = 0; i < 50; ++i) Put({{i * 10, "m" + std::to_string(i)}});
  SelectQuery q;
  q.streams = {{kStream, "s"}};
  q.newest = true;
  q.limit = 5;
  Selection sel = Select(*store_, q);
  ASSERT_EQ(sel.events.size(), 5u);
  EXPECT_EQ(sel.events.front().message, "m45");
  EXPECT_EQ(sel.events.back().message, "m49");
  q.newest = false;
  q.from = 100;
  q.to = 130;
  q.limit = 100;
  sel = Select(*store_, q);
  ASSERT_EQ(sel.events.size(), 4u);
  EXPECT_EQ(sel.events.front().message, "m10");
}

// Expired blocks go with their rows (and, in the file form, give back their ranges); deleting
// the stream's blocks leaves none of their rows.
TEST_P(BlockFormTest, ExpireAndDeleteRemoveEveryRowOfABlock) {
  std::string big(2000, 'y');
  for (int i = 0; i < 200; ++i) Put({{i, big}});
  std::vector<BlockMeta> metas = ListBlocks(*store_, kStream);
  ASSERT_EQ(metas.size(), 2u);
  std::vector<store::Write> writes;
  std::vector<Extent> released;
  EXPECT_EQ(DropExpired(*store_, kStream, 1000, writes, &released), 1u);  // the open block stays
  ASSERT_TRUE(store_->Apply(writes).ok());
  EXPECT_EQ(ListBlocks(*store_, kStream).size(), 1u);
  EXPECT_EQ(Rows(kBlockBloomTable), 0u);
  if (InFile()) {
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].start, 0u);
    ReleaseAfterCommit(*store_, released);  // no transaction: at once
    std::string bytes;
    ASSERT_TRUE(store_->Files().Read("f-1", 0, 16, bytes));
    EXPECT_EQ(bytes, std::string(16, '\0'));
  } else {
    EXPECT_TRUE(released.empty());
    EXPECT_EQ(Rows(kBlocksTable), 0u);  // the open block is still segment rows
  }
  EXPECT_EQ(All().events.size(), 200u - metas[0].count);  // the open block's events

  writes.clear();
  DeleteBlocks(*store_, kStream + ":", writes);
  ASSERT_TRUE(store_->Apply(writes).ok());
  EXPECT_EQ(Rows(kBlockSegmentsTable), 0u);
  EXPECT_EQ(Rows(kBlocksTable), 0u);
  EXPECT_EQ(Rows(kBlockMetaTable), 0u);
  EXPECT_TRUE(All().events.empty());
  if (InFile()) {
    RemoveFilesAfterCommit(*store_, {"f-1"});
    std::string bytes;
    EXPECT_FALSE(store_->Files().Read("f-1", 0, 1, bytes));
  }
}

// The file form: the stream has an append file.
class FileEventStoreTest : public EventStoreTest {
 protected:
  FileEventStoreTest() { blocks_.file = "f-1"; }
};

// A batch whose transaction does not commit leaves its bytes past the committed end (the
// stream's blocks as they were), where the next batch writes over them.
TEST_F(FileEventStoreTest, ARolledBackBatchLeavesNoVisibleEvents) {
  Put({{1, "committed"}});
  StreamBlocks before = blocks_;
  std::vector<store::Write> dropped;
  std::vector<NewEvent> batch = {{2, "rolled back, longer than the next"}};
  ASSERT_TRUE(AppendEvents(*store_, kStream, blocks_, batch, 1000, seq_, dropped).ok());
  blocks_ = before;  // not applied: the stream row keeps its committed end
  Put({{3, "next"}});
  Selection sel = All();
  ASSERT_EQ(sel.events.size(), 2u);
  EXPECT_EQ(sel.events[0].message, "committed");
  EXPECT_EQ(sel.events[1].message, "next");
}

TEST_F(FileEventStoreTest, BlocksOfTheRowsFormStayReadableWhenTheStreamGetsAFile) {
  blocks_.file.clear();
  Put({{1, "old one"}});
  Put({{2, "old two"}});  // a segment row of the open block
  ASSERT_EQ(Rows(kBlockSegmentsTable), 2u);
  blocks_.file = "f-1";
  Put({{3, "new three"}});
  EXPECT_EQ(Rows(kBlockSegmentsTable), 0u);  // the old open block was closed (merged)
  Put({{4, "new four"}});
  std::vector<BlockMeta> metas = ListBlocks(*store_, kStream);
  ASSERT_EQ(metas.size(), 2u);
  EXPECT_FALSE(BlockExtent(metas[0].key).has_value());
  EXPECT_TRUE(BlockExtent(metas[1].key).has_value());
  Selection sel = All();
  ASSERT_EQ(sel.events.size(), 4u);
  EXPECT_EQ(sel.events[0].message, "old one");
  EXPECT_EQ(sel.events[3].message, "new four");
}

// Bytes of the open block lost (a power loss before a checkpoint synced them): the stream goes
// on, the lost range is skipped, the events written after it read back.
TEST_F(FileEventStoreTest, ALostRangeIsSkippedAndTheStreamGoesOn) {
  Put({{1, "lost one"}});
  Put({{2, "lost two"}});
  store_->Files().Release("f-1", 0, blocks_.file_end);  // reads as zeros now
  std::string big(kMaxBlockBytes - 8, 'k');
  Put({{3, big}});  // does not fit: closes the unreadable block, starts another
  Put({{4, "kept"}});
  Selection sel = All();
  ASSERT_EQ(sel.events.size(), 2u);
  EXPECT_EQ(sel.events[0].message, big);
  EXPECT_EQ(sel.events[1].message, "kept");
}

TEST(ExtentTest, RoundTripsAndRefusesOtherRows) {
  Extent x{"abc-1", 10, 20};
  std::optional<Extent> back = Extent::Decode(x.Encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->file, "abc-1");
  EXPECT_EQ(back->start, 10u);
  EXPECT_EQ(back->end, 20u);
  for (const char* bad : {"", "LB1", "LX1:", "LX1::1:2", "LX1:a:1", "LX1:a:2:1", "LX1:a:1:2x"})
    EXPECT_FALSE(Extent::Decode(bad).has_value()) << bad;
}

TEST(BlockReaderTest, RefusesWhatIsNotABlock) {
  BlockReader r;
  EXPECT_FALSE(r.Open("nope"));
  EXPECT_FALSE(r.OpenView(std::string_view("LB1\0\x05\0\0\0", 8)));
}

}  // namespace
}  // namespace orgtrail::services::logs
