// The event store of CloudWatch Logs (spec/logs.md §2.2, §3; docs/persistence.md).
//
// Events of a stream are kept in blocks: one row per block (table logs_blocks), holding the
// events of one or more PutLogEvents batches packed together, and one small row per block
// (logs_block_meta) with its time range and count. A batch is written in the same store
// transaction as the stream's row, so an acknowledged PutLogEvents survives kill -9. Small
// batches are appended to the stream's open (last) block until it reaches kMaxBlockEvents or
// kMaxBlockBytes, so a stream fed ten events at a time still has few, large blocks.
//
// Reads visit only the blocks of the streams asked for, skip blocks whose time range lies
// outside the window, and skip blocks whose packed text lacks a literal every match must
// contain: first by a Bloom filter of the block's byte trigrams (logs_block_bloom, 16 KiB per
// block), without reading the block, then by one memmem per literal over the block's text, so a
// selective search reads little.
//
// Batches appended to the open block are stored as segment rows (logs_block_segments, one per
// PutLogEvents, in the block's layout) until the block is full; then they are merged into the
// block row, and its Bloom filter is written. A read of the open block joins its block row (if
// any) and its segments. The open block's meta row is written once, as an open marker (the
// widest time range, count 0: never skipped by time), so an appended batch writes one row; its
// true range and count are written when it closes.
//
// Blocks in append files (schema 5): each stream has an append-only file (store::AppendFiles,
// its id minted once and kept in the stream row), and every batch, encoded in the block layout,
// is appended at the stream's committed end (kept in the stream row, written in the same
// transaction) before the transaction commits. A block is then a range [start, end) of that
// file holding one or more batch layouts back to back; its block row holds the extent
// reference "LX1:<file id>:<start>:<end>" instead of the bytes. The open block's range grows
// with each batch (its block row is rewritten, a few dozen bytes: no segment rows, no merge);
// its meta row is the open marker until the block closes, when its true meta and its Bloom
// filter (built from the range, read back once) are written. The forms written before (block
// rows holding the layout, segment rows) are still read, and a stream row without a file keeps
// them (the tests of those forms use it).
//
// Block layout (little endian): "LB1\0", u32 count, then count entries
// {i64 timestamp, i64 ingestion time, u64 sequence, u32 message length}, then the messages
// concatenated in the same order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "filter/pattern.h"
#include "store/store.h"

namespace orgtrail::services::logs {

inline constexpr std::string_view kBlocksTable = "logs_blocks";
inline constexpr std::string_view kBlockMetaTable = "logs_block_meta";
inline constexpr std::string_view kBlockBloomTable = "logs_block_bloom";
inline constexpr std::string_view kBlockSegmentsTable = "logs_block_segments";

inline constexpr uint32_t kMaxBlockEvents = 4096;
inline constexpr uint64_t kMaxBlockBytes = 256 * 1024;
// Bytes counted per event besides its message (PutLogEvents' batch size rule, §2.2).
inline constexpr uint64_t kEventOverhead = 26;

struct NewEvent {
  int64_t timestamp;
  std::string_view message;
};

// Total order of events: timestamp, then ingestion time, then put order (§3.2).
struct OrderKey {
  int64_t timestamp = 0;
  int64_t ingestion = 0;
  uint64_t seq = 0;
  auto operator<=>(const OrderKey&) const = default;
  std::string Encode() const;  // "ts.ingestion.seq"
  static std::optional<OrderKey> Decode(std::string_view text);
};

struct EventRef {
  OrderKey key;
  std::string_view message;
};

// A block read back from the store.
class BlockReader {
 public:
  // False when `data` is not a block. Open keeps the data; OpenView reads `data` in place (it
  // must outlive the reader's use).
  bool Open(std::string data);
  bool OpenView(std::string_view data);
  uint32_t count() const { return count_; }
  EventRef Event(uint32_t i) const;
  std::string_view text() const { return text_; }
  // Opens the layout at the start of `data`, which may go on with other bytes: returns the
  // layout's size, 0 when `data` does not start with a block.
  size_t OpenPrefix(std::string_view data);
  // The event whose message holds byte `offset` of text(), and where that message ends.
  uint32_t EventAt(size_t offset) const;
  size_t MessageEnd(uint32_t i) const { return offsets_[i + 1]; }

 private:
  std::string data_;
  std::string_view view_;
  uint32_t count_ = 0;
  std::string_view text_;
  std::vector<uint32_t> offsets_;
};

// A block read back as a sequence of batch layouts (a range of an append file), or one layout.
class BlockParts {
 public:
  // False when `data` is not a sequence of whole layouts. Reads `data` in place.
  bool Open(std::string_view data);
  size_t size() const { return n_; }
  const BlockReader& operator[](size_t i) const { return readers_[i]; }

 private:
  std::vector<BlockReader> readers_;  // kept between blocks (their buffers are reused)
  size_t n_ = 0;
};

// A block's bytes in an append file: [start, end) of file `file`.
struct Extent {
  std::string file;
  uint64_t start = 0;
  uint64_t end = 0;
  std::string Encode() const;  // "LX1:<file>:<start>:<end>"
  static std::optional<Extent> Decode(std::string_view row);
};

struct BlockMeta {
  std::string key;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint32_t count = 0;
  uint64_t bytes = 0;
  uint32_t segments = 0;  // > 0: the open block, whose latest batches are segment rows (its
                          // meta is then the open marker: min/max INT64_MIN/INT64_MAX, count 0)
};

// What the stream row tracks about its blocks (state.h StreamRow mirrors these fields).
inline constexpr uint64_t kNoTailStart = UINT64_MAX;
struct StreamBlocks {
  uint64_t next_block = 0;
  uint32_t tail_count = 0;
  uint64_t tail_bytes = 0;
  // Segment rows of the open block (rows form); batches appended to the open block since its
  // meta row became the open marker (file form).
  uint32_t tail_segments = 0;
  std::string file;                    // the stream's append file ("": rows form)
  uint64_t file_end = 0;               // the committed end of the file
  uint64_t tail_start = kNoTailStart;  // where the open block starts in the file
};

// A batch encoded in the block layout before the stream is known, so that the encoding and the
// Bloom filter of a large batch are built outside WriteMutex (state.h); its sequence numbers are
// written in by AppendPrepared.
struct PreparedBatch {
  std::string data;   // the batch as one block, sequence numbers 0, 1, ...
  BlockMeta meta;     // its time range, count and text bytes
  std::string bloom;  // its Bloom filter, built when the batch is a block of its own
  size_t events = 0;
};
PreparedBatch PrepareBatch(std::span<const NewEvent> events, int64_t ingestion_ms);

// Adds to `writes` the rows that store a prepared batch (see AppendEvents), its events given
// the sequence numbers first_seq, first_seq+1, ...; with a file, writes the batch's bytes to it
// (at blocks.file_end) first.
Status AppendPrepared(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                      PreparedBatch&& batch, uint64_t first_seq, std::vector<store::Write>& writes);

// Adds to `writes` the rows that store `events` (all of one stream, given sequence numbers
// first_seq, first_seq+1, ...) and updates `blocks`. A batch that fits in the open block is
// one new segment row (plus the block's meta row): the block is not rewritten. A batch that
// does not fit closes the open block (its segments are merged into one block row with its Bloom
// filter) and starts a new block; a large batch is written as a whole block at once. With a
// file (blocks.file), the batch is appended to it instead and the block rows refer to it.
Status AppendEvents(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                    std::span<const NewEvent> events, int64_t ingestion_ms, uint64_t first_seq,
                    std::vector<store::Write>& writes);

// Reads the block of `meta` and opens its layouts: a range of a file in place (`view`, a
// mapping of the file), a block row of the rows form in `buf` (its block row read into `row`).
// False when the block is missing or not whole.
bool ReadBlock(store::Store& store, const BlockMeta& meta, std::string& row, std::string& buf,
               store::AppendFileView& view, BlockParts& parts);

// Blocks of one stream, in write order.
std::vector<BlockMeta> ListBlocks(store::Store& store, const std::string& stream_key);
// Adds the deletion of every block whose key starts with `prefix` (a stream's "<key>:" or a
// group's "<key>:").
void DeleteBlocks(store::Store& store, const std::string& prefix,
                  std::vector<store::Write>& writes);
// Adds the deletion of the blocks of `stream_key` whose newest event is older than `cutoff`;
// adds to `released` (if given) the file ranges they held, to release once the deletion commits.
size_t DropExpired(store::Store& store, const std::string& stream_key, int64_t cutoff,
                   std::vector<store::Write>& writes, std::vector<Extent>* released = nullptr);
// Once this thread's transaction commits: removes the append files `files` (streams deleted) or
// releases the ranges `extents` (blocks expired). Nothing if it rolls back.
void RemoveFilesAfterCommit(store::Store& store, std::vector<std::string> files);
void ReleaseAfterCommit(store::Store& store, std::vector<Extent> extents);

// One search over a set of streams.
struct SelectStream {
  std::string key;   // StreamKey
  std::string name;  // logStreamName
};
struct SelectQuery {
  std::vector<SelectStream> streams;
  int64_t from = INT64_MIN;                  // inclusive
  int64_t to = INT64_MAX;                    // inclusive
  const filter::Pattern* pattern = nullptr;  // null = every event
  std::optional<OrderKey> after;             // only events ordered after this
  std::optional<OrderKey> before;            // only events ordered before this
  bool newest = false;                       // the last `limit` events instead of the first
  size_t limit = 10000;
  size_t max_bytes = 1 << 20;  // page size: messages + kEventOverhead each
};
struct Selected {
  OrderKey key;
  uint32_t stream = 0;  // index into SelectQuery::streams
  std::string message;
};
struct Selection {
  std::vector<Selected> events;  // ascending
  bool more = false;             // events beyond this page exist
  uint64_t blocks_read = 0;
  uint64_t blocks_skipped = 0;
  uint64_t bytes_scanned = 0;
};
Selection Select(store::Store& store, const SelectQuery& query);

// Visits every event of `streams` with a timestamp in [from, to], block by block (each block's
// events in put order); stops when `visit` returns false. Returns the message bytes visited.
using EventVisitor = bool (*)(void* ctx, uint32_t stream, const EventRef& event);
uint64_t ForEachEvent(store::Store& store, const std::vector<SelectStream>& streams, int64_t from,
                      int64_t to, EventVisitor visit, void* ctx);

}  // namespace orgtrail::services::logs
