// CloudWatch Logs rows: the stream row read back without a JSON parse, and the event sequence
// numbers handed out from a reserved range with the group row written once per reservation.
#include "services/logs/state.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/bytes.h"

namespace orgtrail::services::logs {
namespace {

StreamRow SampleStream(std::string name) {
  StreamRow s;
  s.name = std::move(name);
  s.creation_ms = 1767225600000;
  s.has_events = true;
  s.first_event_ts = -5;
  s.last_event_ts = 1767225600123;
  s.last_ingestion_ms = 1767225600456;
  s.stored_bytes = 123456789012;
  s.next_block = 17;
  s.tail_count = 4095;
  s.tail_bytes = 262143;
  s.tail_segments = 73;
  s.file = "k3v9x0q2m7a1b5c8d4e6";
  s.file_end = 987654321;
  s.tail_start = 987000000;
  return s;
}

void ExpectSame(const StreamRow& a, const StreamRow& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.creation_ms, b.creation_ms);
  EXPECT_EQ(a.has_events, b.has_events);
  EXPECT_EQ(a.first_event_ts, b.first_event_ts);
  EXPECT_EQ(a.last_event_ts, b.last_event_ts);
  EXPECT_EQ(a.last_ingestion_ms, b.last_ingestion_ms);
  EXPECT_EQ(a.stored_bytes, b.stored_bytes);
  EXPECT_EQ(a.next_block, b.next_block);
  EXPECT_EQ(a.tail_count, b.tail_count);
  EXPECT_EQ(a.tail_bytes, b.tail_bytes);
  EXPECT_EQ(a.tail_segments, b.tail_segments);
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.file_end, b.file_end);
  EXPECT_EQ(a.tail_start, b.tail_start);
}

// Binary rows of schema 4 (byte 0x01, no append file) still read: the stream has no file yet.
TEST(StreamRowTest, ReadsTheBinaryRowsOfSchema4) {
  std::string row = "\x01";
  AppendPod<int64_t>(row, 5);    // creation
  AppendPod<uint8_t>(row, 1);    // has events
  AppendPod<int64_t>(row, 10);   // first
  AppendPod<int64_t>(row, 20);   // last
  AppendPod<int64_t>(row, 30);   // ingestion
  AppendPod<uint64_t>(row, 40);  // stored bytes
  AppendPod<uint64_t>(row, 2);   // next block
  AppendPod<uint32_t>(row, 7);   // tail count
  AppendPod<uint64_t>(row, 70);  // tail bytes
  AppendPod<uint32_t>(row, 3);   // tail segments
  row += "old";
  auto s = StreamRow::Decode(row);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->name, "old");
  EXPECT_EQ(s->next_block, 2u);
  EXPECT_EQ(s->tail_segments, 3u);
  EXPECT_EQ(s->file, "");
  EXPECT_EQ(s->tail_start, UINT64_MAX);
}

TEST(StreamRowTest, RoundTripsAnyNameAndReadsTheJsonRowsOfEarlierVersions) {
  for (const char* name : {"s1", "2026/11/27/[$LATEST]abc", "quote\"and\\back", "tab\tnl\n", ""}) {
    StreamRow s = SampleStream(name);
    auto back = StreamRow::Decode(s.Encode());
    ASSERT_TRUE(back.has_value()) << s.Encode();
    ExpectSame(*back, s);
  }
  // Rows of earlier versions were JSON objects, in any key order: they still read.
  auto other = StreamRow::Decode(
      R"({"name":"x","tailSegments":2,"creationTime":5,"hasEvents":false,"nextBlock":3})");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->name, "x");
  EXPECT_EQ(other->creation_ms, 5);
  EXPECT_FALSE(other->has_events);
  EXPECT_EQ(other->next_block, 3u);
  EXPECT_EQ(other->tail_segments, 2u);
  EXPECT_FALSE(StreamRow::Decode("{\"creationTime\":1").has_value());
  // A binary row cut short is refused, not read past its end.
  std::string row = SampleStream("s1").Encode();
  EXPECT_NE(row.front(), '{');
  size_t fixed = row.size() - 2;  // everything before the name "s1"
  for (size_t n : {size_t{1}, size_t{9}, fixed - 1}) {
    EXPECT_FALSE(StreamRow::Decode(std::string_view(row).substr(0, n)).has_value()) << n;
  }
}

TEST(SequenceTest, GroupRowWrittenOncePerReservationAndNumbersNeverReused) {
  auto store = store::MakeMemoryStore();
  GroupRow g;
  g.account = "111111111111";
  g.region = "us-east-1";
  g.name = "seq-test";
  bool write_group = false;
  // The first call reserves: the row must be written, and bounds every number handed out.
  EXPECT_EQ(TakeSequence(*store, g, 10, write_group), 1u);
  EXPECT_TRUE(write_group);
  const uint64_t reserved = g.next_seq;
  EXPECT_EQ(reserved, 11 + kSeqReserve);
  // Later calls take from the range without writing the row.
  EXPECT_EQ(TakeSequence(*store, g, 5, write_group), 11u);
  EXPECT_FALSE(write_group);
  EXPECT_EQ(g.next_seq, reserved);
  EXPECT_EQ(NextSequence(*store, g), 16u);
  // A copy of the row read back later (same value) continues the range.
  GroupRow again = g;
  EXPECT_EQ(TakeSequence(*store, again, 1, write_group), 16u);
  EXPECT_FALSE(write_group);
  // A call that does not fit reserves again from where the range stopped.
  EXPECT_EQ(TakeSequence(*store, again, kSeqReserve, write_group), 17u);
  EXPECT_TRUE(write_group);
  EXPECT_EQ(again.next_seq, 17 + 2 * kSeqReserve);

  // A row that no longer ends the range (group created again, or a restart) starts from the
  // row's value, which bounds every number used before it.
  GroupRow fresh = g;
  fresh.next_seq = 1;
  EXPECT_EQ(TakeSequence(*store, fresh, 3, write_group), 1u);
  EXPECT_TRUE(write_group);
  GroupRow stale = g;  // the row value of before the last reservation
  EXPECT_EQ(TakeSequence(*store, stale, 1, write_group), reserved);
  EXPECT_TRUE(write_group);
  // Another store's row is never served from this store's range.
  auto other = store::MakeMemoryStore();
  GroupRow elsewhere = stale;
  EXPECT_EQ(TakeSequence(*other, elsewhere, 1, write_group), stale.next_seq);
  EXPECT_TRUE(write_group);
}

}  // namespace
}  // namespace orgtrail::services::logs
