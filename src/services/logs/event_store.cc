// Event blocks (event_store.h; docs/persistence.md, "CloudWatch Logs").
#include "services/logs/event_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "core/bytes.h"
#include "services/logs/block_bloom.h"

namespace orgtrail::services::logs {
namespace {

constexpr char kMagic[4] = {'L', 'B', '1', '\0'};
constexpr size_t kEntrySize = 8 + 8 + 8 + 4;
constexpr size_t kHeaderSize = 8;

std::string BlockKey(const std::string& stream_key, uint64_t block) {
  char buf[24];
  std::snprintf(buf, sizeof buf, ":%016llx", static_cast<unsigned long long>(block));
  return stream_key + buf;
}

std::string SegmentKey(const std::string& block_key, uint32_t segment) {
  char buf[16];
  std::snprintf(buf, sizeof buf, ":%08x", segment);
  return block_key + buf;
}

std::string MetaValue(const BlockMeta& m) {
  char buf[112];
  int n = std::snprintf(buf, sizeof buf, "%lld,%lld,%u,%llu", static_cast<long long>(m.min_ts),
                        static_cast<long long>(m.max_ts), m.count,
                        static_cast<unsigned long long>(m.bytes));
  if (m.segments > 0)
    n += std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ",%u", m.segments);
  return std::string(buf, static_cast<size_t>(n));
}

bool ParseMeta(std::string_view v, BlockMeta& m) {
  const char* p = v.data();
  const char* end = v.data() + v.size();
  auto next = [&](auto& out) {
    auto r = std::from_chars(p, end, out);
    if (r.ec != std::errc()) return false;
    p = r.ptr;
    if (p < end && *p == ',') ++p;
    return true;
  };
  if (!(next(m.min_ts) && next(m.max_ts) && next(m.count) && next(m.bytes))) return false;
  m.segments = 0;
  if (p < end && !next(m.segments)) return false;
  return true;
}

// The meta row of an open block (one with segment rows): the widest time range, so that reads
// never skip it by time, and no count; the block's true range is written when it closes.
BlockMeta OpenMarker() {
  BlockMeta m;
  m.min_ts = INT64_MIN;
  m.max_ts = INT64_MAX;
  m.segments = 1;
  return m;
}

bool IsOpenMarker(const BlockMeta& m) {
  return m.segments > 0 && m.min_ts == INT64_MIN && m.max_ts == INT64_MAX;
}

struct Entry {
  OrderKey key;
  std::string_view message;
};

// Encodes entries into one block and its meta row.
std::string EncodeBlock(const std::vector<Entry>& entries, BlockMeta& meta) {
  size_t text = 0;
  for (const Entry& e : entries) text += e.message.size();
  std::string out;
  out.reserve(kHeaderSize + entries.size() * kEntrySize + text);
  out.append(kMagic, 4);
  AppendPod<uint32_t>(out, static_cast<uint32_t>(entries.size()));
  meta.min_ts = INT64_MAX;
  meta.max_ts = INT64_MIN;
  for (const Entry& e : entries) {
    AppendPod<int64_t>(out, e.key.timestamp);
    AppendPod<int64_t>(out, e.key.ingestion);
    AppendPod<uint64_t>(out, e.key.seq);
    AppendPod<uint32_t>(out, static_cast<uint32_t>(e.message.size()));
    meta.min_ts = std::min(meta.min_ts, e.key.timestamp);
    meta.max_ts = std::max(meta.max_ts, e.key.timestamp);
  }
  for (const Entry& e : entries) out.append(e.message);
  meta.count = static_cast<uint32_t>(entries.size());
  meta.bytes = text;
  return out;
}

// The events of a block as one encoded block: its block row (if any) followed by its segment
// rows, in put order. `segment_keys` (if given) receives the keys of the segment rows.
bool AssembleBlock(store::Store& store, const std::string& key, std::string& out,
                   std::vector<std::string>* segment_keys) {
  std::vector<std::string> parts;
  if (auto base = store.Get(kBlocksTable, key)) parts.push_back(std::move(*base));
  for (store::Row& row : store.Scan(kBlockSegmentsTable, key + ":")) {
    if (segment_keys) segment_keys->push_back(std::move(row.key));
    parts.push_back(std::move(row.value));
  }
  std::vector<BlockReader> readers(parts.size());
  std::vector<Entry> entries;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!readers[i].OpenView(parts[i])) return false;
    for (uint32_t j = 0; j < readers[i].count(); ++j) {
      EventRef r = readers[i].Event(j);
      entries.push_back({r.key, r.message});
    }
  }
  BlockMeta meta;
  out = EncodeBlock(entries, meta);
  return true;
}

constexpr std::string_view kExtentMagic = "LX1:";

// The true meta row and the Bloom filter of a block in a file (its layouts `parts`).
void SummarizeParts(const BlockParts& parts, BlockMeta& meta, std::string& bloom) {
  meta.min_ts = INT64_MAX;
  meta.max_ts = INT64_MIN;
  meta.count = 0;
  meta.bytes = 0;
  meta.segments = 0;
  std::string_view prev;
  for (size_t p = 0; p < parts.size(); ++p) {
    const BlockReader& block = parts[p];
    for (uint32_t i = 0; i < block.count(); ++i) {
      EventRef e = block.Event(i);
      BloomAdd(bloom, e.message, prev);
      prev = e.message;
      meta.min_ts = std::min(meta.min_ts, e.key.timestamp);
      meta.max_ts = std::max(meta.max_ts, e.key.timestamp);
    }
    meta.count += block.count();
    meta.bytes += block.text().size();
  }
}

// Adds the writes that close the open block `key` of a file, [start, end): its true meta row
// and its Bloom filter, from its bytes read back once.
// A range that cannot be read back (bytes lost with the machine's power before a checkpoint
// synced them) keeps its open marker: reads skip it when they cannot parse it, and the stream
// goes on with its next block.
void CloseFileBlock(store::Store& store, const std::string& key, const Extent& x,
                    std::vector<store::Write>& writes) {
  std::string buf;
  BlockParts parts;
  if (!store.Files().Read(x.file, x.start, x.end - x.start, buf) || !parts.Open(buf)) return;
  BlockMeta meta;
  std::string bloom;
  SummarizeParts(parts, meta, bloom);
  writes.push_back({std::string(kBlockBloomTable), key, std::move(bloom)});
  writes.push_back({std::string(kBlockMetaTable), key, MetaValue(meta)});
}

// Adds the writes that merge the open block `key` (block row and segments) into one block row
// with its Bloom filter and a meta row without segments.
void CloseBlock(store::Store& store, const std::string& key, std::vector<store::Write>& writes) {
  std::string data;
  std::vector<std::string> segment_keys;
  BlockReader block;
  if (!AssembleBlock(store, key, data, &segment_keys) || !block.OpenView(data)) return;
  std::string bloom;
  std::string_view prev;
  for (uint32_t i = 0; i < block.count(); ++i) {
    std::string_view m = block.Event(i).message;
    BloomAdd(bloom, m, prev);
    prev = m;
  }
  BlockMeta meta;
  meta.min_ts = INT64_MAX;
  meta.max_ts = INT64_MIN;
  for (uint32_t i = 0; i < block.count(); ++i) {
    int64_t ts = block.Event(i).key.timestamp;
    meta.min_ts = std::min(meta.min_ts, ts);
    meta.max_ts = std::max(meta.max_ts, ts);
  }
  meta.count = block.count();
  meta.bytes = block.text().size();
  for (std::string& sk : segment_keys)
    writes.push_back({std::string(kBlockSegmentsTable), std::move(sk), std::nullopt});
  writes.push_back({std::string(kBlockBloomTable), key, std::move(bloom)});
  writes.push_back({std::string(kBlockMetaTable), key, MetaValue(meta)});
  writes.push_back({std::string(kBlocksTable), key, std::move(data)});
}

}  // namespace

bool ReadBlock(store::Store& store, const BlockMeta& meta, std::string& row, std::string& buf,
               store::AppendFileView& view, BlockParts& parts) {
  const bool has_row = store.GetInto(kBlocksTable, meta.key, row);
  if (has_row && row.starts_with(kExtentMagic)) {
    std::optional<Extent> x = Extent::Decode(row);
    if (!x || !store.Files().View(x->file, x->start, x->end - x->start, view)) return false;
    return parts.Open(view.bytes);
  }
  if (meta.segments > 0) {
    if (!AssembleBlock(store, meta.key, buf, nullptr)) return false;
  } else if (has_row) {
    buf.swap(row);
  } else {
    return false;
  }
  return parts.Open(buf);
}

std::string OrderKey::Encode() const {
  return std::to_string(timestamp) + "." + std::to_string(ingestion) + "." + std::to_string(seq);
}

std::optional<OrderKey> OrderKey::Decode(std::string_view text) {
  OrderKey k;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto r = std::from_chars(p, end, k.timestamp);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '.') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, k.ingestion);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != '.') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, k.seq);
  if (r.ec != std::errc() || r.ptr != end) return std::nullopt;
  return k;
}

bool BlockReader::Open(std::string data) {
  data_ = std::move(data);
  return OpenView(data_);
}

bool BlockReader::OpenView(std::string_view data) {
  if (OpenPrefix(data) == data.size() && !data.empty()) return true;
  count_ = 0;
  return false;
}

size_t BlockReader::OpenPrefix(std::string_view data) {
  view_ = data;
  count_ = 0;
  offsets_.clear();
  if (view_.size() < kHeaderSize || std::memcmp(view_.data(), kMagic, 4) != 0) return 0;
  uint32_t count = LoadPod<uint32_t>(view_.data() + 4);
  size_t text_at = kHeaderSize + static_cast<size_t>(count) * kEntrySize;
  if (text_at > view_.size()) return 0;
  offsets_.resize(count + 1);
  uint64_t off = 0;
  for (uint32_t i = 0; i < count; ++i) {
    offsets_[i] = static_cast<uint32_t>(off);
    off += LoadPod<uint32_t>(view_.data() + kHeaderSize + i * kEntrySize + 24);
  }
  if (off > view_.size() - text_at) return 0;
  offsets_[count] = static_cast<uint32_t>(off);
  count_ = count;
  view_ = view_.substr(0, text_at + off);
  text_ = view_.substr(text_at);
  return view_.size();
}

bool BlockParts::Open(std::string_view data) {
  n_ = 0;
  while (!data.empty()) {
    if (n_ == readers_.size()) readers_.emplace_back();
    size_t used = readers_[n_].OpenPrefix(data);
    if (used == 0) {
      n_ = 0;
      return false;
    }
    ++n_;
    data.remove_prefix(used);
  }
  return n_ > 0;
}

std::string Extent::Encode() const {
  return std::string(kExtentMagic) + file + ":" + std::to_string(start) + ":" + std::to_string(end);
}

std::optional<Extent> Extent::Decode(std::string_view row) {
  if (!row.starts_with(kExtentMagic)) return std::nullopt;
  row.remove_prefix(kExtentMagic.size());
  size_t colon = row.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Extent x;
  x.file.assign(row.substr(0, colon));
  const char* p = row.data() + colon + 1;
  const char* end = row.data() + row.size();
  auto r = std::from_chars(p, end, x.start);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return std::nullopt;
  r = std::from_chars(r.ptr + 1, end, x.end);
  if (r.ec != std::errc() || r.ptr != end || x.end < x.start) return std::nullopt;
  return x;
}

uint32_t BlockReader::EventAt(size_t offset) const {
  auto it =
      std::upper_bound(offsets_.begin(), offsets_.begin() + count_, static_cast<uint32_t>(offset));
  return static_cast<uint32_t>(it - offsets_.begin()) - 1;
}

EventRef BlockReader::Event(uint32_t i) const {
  const char* e = view_.data() + kHeaderSize + static_cast<size_t>(i) * kEntrySize;
  EventRef r;
  r.key.timestamp = LoadPod<int64_t>(e);
  r.key.ingestion = LoadPod<int64_t>(e + 8);
  r.key.seq = LoadPod<uint64_t>(e + 16);
  r.message = text_.substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  return r;
}

// A batch of `count` events and `text` bytes is a block of its own (with its Bloom filter)
// rather than a segment of a new open block.
bool OwnBlock(size_t count, uint64_t text) {
  return 2 * text >= kMaxBlockBytes || 2 * count >= kMaxBlockEvents;
}

PreparedBatch PrepareBatch(std::span<const NewEvent> events, int64_t ingestion_ms) {
  PreparedBatch out;
  out.events = events.size();
  if (events.empty()) return out;
  std::vector<Entry> entries;
  entries.reserve(events.size());
  uint64_t seq = 0;
  for (const NewEvent& e : events)
    entries.push_back({{e.timestamp, ingestion_ms, seq++}, e.message});
  out.data = EncodeBlock(entries, out.meta);
  if (OwnBlock(out.events, out.meta.bytes)) {
    std::string_view prev;
    for (const NewEvent& e : events) {
      BloomAdd(out.bloom, e.message, prev);
      prev = e.message;
    }
  }
  return out;
}

namespace {

// The rows form (no file): segment rows of the open block, merged into its block row when it
// closes (schema 4 and before; kept for streams without a file and the tests of that form).
void AppendToRows(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                  PreparedBatch&& prepared, std::string data, std::vector<store::Write>& writes) {
  const BlockMeta& batch = prepared.meta;
  const uint64_t batch_bytes = batch.bytes;

  const bool has_open = blocks.next_block > 0 && blocks.tail_count > 0;
  if (has_open && blocks.tail_count + prepared.events <= kMaxBlockEvents &&
      blocks.tail_bytes + batch_bytes <= kMaxBlockBytes) {
    // One more segment of the open block. Its meta row is the open marker, written once when
    // the block takes its first segment, so a segment appended is one row, not two.
    std::string key = BlockKey(stream_key, blocks.next_block - 1);
    BlockMeta meta;
    auto old = store.Get(kBlockMetaTable, key);
    if (!old || !ParseMeta(*old, meta) || !IsOpenMarker(meta))
      writes.push_back({std::string(kBlockMetaTable), key, MetaValue(OpenMarker())});
    writes.push_back(
        {std::string(kBlockSegmentsTable), SegmentKey(key, blocks.tail_segments), std::move(data)});
    blocks.tail_count += batch.count;
    blocks.tail_bytes += batch.bytes;
    blocks.tail_segments += 1;
    return;
  }

  if (has_open && blocks.tail_segments > 0)
    CloseBlock(store, BlockKey(stream_key, blocks.next_block - 1), writes);
  std::string key = BlockKey(stream_key, blocks.next_block);
  blocks.next_block += 1;
  blocks.tail_count = batch.count;
  blocks.tail_bytes = batch.bytes;
  if (OwnBlock(prepared.events, batch_bytes)) {
    // A large batch is a block of its own at once, with its Bloom filter.
    blocks.tail_segments = 0;
    writes.push_back({std::string(kBlockBloomTable), key, std::move(prepared.bloom)});
    writes.push_back({std::string(kBlocksTable), key, std::move(data)});
    writes.push_back({std::string(kBlockMetaTable), std::move(key), MetaValue(batch)});
    return;
  }
  blocks.tail_segments = 1;
  writes.push_back({std::string(kBlockSegmentsTable), SegmentKey(key, 0), std::move(data)});
  writes.push_back({std::string(kBlockMetaTable), std::move(key), MetaValue(OpenMarker())});
}

// The file form: the batch appended at the file's committed end, the block rows referring to it.
Status AppendToFile(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                    PreparedBatch&& prepared, std::string data, std::vector<store::Write>& writes) {
  const BlockMeta& batch = prepared.meta;
  const uint64_t at = blocks.file_end;
  ORGTRAIL_CHECK(store.Files().Write(blocks.file, at, data));
  blocks.file_end = at + data.size();

  const bool has_open = blocks.next_block > 0 && blocks.tail_count > 0;
  const bool file_tail = has_open && blocks.tail_start != kNoTailStart;
  if (file_tail && blocks.tail_count + prepared.events <= kMaxBlockEvents &&
      blocks.tail_bytes + batch.bytes <= kMaxBlockBytes) {
    // One more batch in the open block: its range grows; its meta row is the open marker,
    // written when the block takes its second batch (a block of one batch has its true meta).
    std::string key = BlockKey(stream_key, blocks.next_block - 1);
    if (blocks.tail_segments == 0)
      writes.push_back({std::string(kBlockMetaTable), key, MetaValue(OpenMarker())});
    writes.push_back({std::string(kBlocksTable), std::move(key),
                      Extent{blocks.file, blocks.tail_start, blocks.file_end}.Encode()});
    blocks.tail_count += batch.count;
    blocks.tail_bytes += batch.bytes;
    blocks.tail_segments += 1;
    return Ok();
  }

  if (has_open && blocks.tail_segments > 0) {
    std::string key = BlockKey(stream_key, blocks.next_block - 1);
    if (file_tail) {
      CloseFileBlock(store, key, Extent{blocks.file, blocks.tail_start, at}, writes);
    } else {
      CloseBlock(store, key, writes);  // segment rows written before the stream had a file
    }
  }
  std::string key = BlockKey(stream_key, blocks.next_block);
  blocks.next_block += 1;
  blocks.tail_count = batch.count;
  blocks.tail_bytes = batch.bytes;
  blocks.tail_segments = 0;
  blocks.tail_start = at;
  // A block of one batch has its true meta row at once, and its Bloom filter when the batch is
  // large (PrepareBatch built it; a small batch's block gets its filter when it closes).
  if (!prepared.bloom.empty())
    writes.push_back({std::string(kBlockBloomTable), key, std::move(prepared.bloom)});
  writes.push_back(
      {std::string(kBlocksTable), key, Extent{blocks.file, at, blocks.file_end}.Encode()});
  writes.push_back({std::string(kBlockMetaTable), std::move(key), MetaValue(batch)});
  return Ok();
}

}  // namespace

Status AppendPrepared(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                      PreparedBatch&& prepared, uint64_t first_seq,
                      std::vector<store::Write>& writes) {
  if (prepared.events == 0) return Ok();
  std::string data = std::move(prepared.data);
  for (size_t i = 0; i < prepared.events; ++i) {
    uint64_t seq = first_seq + i;
    std::memcpy(data.data() + kHeaderSize + i * kEntrySize + 16, &seq, sizeof seq);
  }
  if (blocks.file.empty()) {
    AppendToRows(store, stream_key, blocks, std::move(prepared), std::move(data), writes);
    return Ok();
  }
  return AppendToFile(store, stream_key, blocks, std::move(prepared), std::move(data), writes);
}

Status AppendEvents(store::Store& store, const std::string& stream_key, StreamBlocks& blocks,
                    std::span<const NewEvent> events, int64_t ingestion_ms, uint64_t first_seq,
                    std::vector<store::Write>& writes) {
  return AppendPrepared(store, stream_key, blocks, PrepareBatch(events, ingestion_ms), first_seq,
                        writes);
}

std::vector<BlockMeta> ListBlocks(store::Store& store, const std::string& stream_key) {
  std::vector<BlockMeta> out;
  for (store::Row& row : store.Scan(kBlockMetaTable, stream_key + ":")) {
    BlockMeta m;
    if (!ParseMeta(row.value, m)) continue;
    m.key = std::move(row.key);
    out.push_back(std::move(m));
  }
  return out;
}

void DeleteBlocks(store::Store& store, const std::string& prefix,
                  std::vector<store::Write>& writes) {
  for (store::Row& row : store.Scan(kBlockMetaTable, prefix)) {
    writes.push_back({std::string(kBlocksTable), row.key, std::nullopt});
    writes.push_back({std::string(kBlockBloomTable), row.key, std::nullopt});
    writes.push_back({std::string(kBlockMetaTable), std::move(row.key), std::nullopt});
  }
  for (store::Row& row : store.Scan(kBlockSegmentsTable, prefix))
    writes.push_back({std::string(kBlockSegmentsTable), std::move(row.key), std::nullopt});
}

size_t DropExpired(store::Store& store, const std::string& stream_key, int64_t cutoff,
                   std::vector<store::Write>& writes, std::vector<Extent>* released) {
  size_t dropped = 0;
  std::vector<BlockMeta> blocks = ListBlocks(store, stream_key);
  // The last block stays: it is the stream's open block.
  for (size_t i = 0; i + 1 < blocks.size(); ++i) {
    if (blocks[i].max_ts >= cutoff) continue;
    if (released != nullptr) {
      if (auto row = store.Get(kBlocksTable, blocks[i].key)) {
        if (std::optional<Extent> x = Extent::Decode(*row)) released->push_back(std::move(*x));
      }
    }
    writes.push_back({std::string(kBlocksTable), blocks[i].key, std::nullopt});
    writes.push_back({std::string(kBlockBloomTable), blocks[i].key, std::nullopt});
    writes.push_back({std::string(kBlockMetaTable), blocks[i].key, std::nullopt});
    if (blocks[i].segments > 0) {
      for (store::Row& row : store.Scan(kBlockSegmentsTable, blocks[i].key + ":"))
        writes.push_back({std::string(kBlockSegmentsTable), std::move(row.key), std::nullopt});
    }
    ++dropped;
  }
  return dropped;
}

void RemoveFilesAfterCommit(store::Store& store, std::vector<std::string> files) {
  if (files.empty()) return;
  store.AfterCommit([&store, files = std::move(files)](bool committed) {
    if (!committed) return;
    for (const std::string& f : files) store.Files().Remove(f);
  });
}

void ReleaseAfterCommit(store::Store& store, std::vector<Extent> extents) {
  if (extents.empty()) return;
  store.AfterCommit([&store, extents = std::move(extents)](bool committed) {
    if (!committed) return;
    for (const Extent& x : extents) store.Files().Release(x.file, x.start, x.end - x.start);
  });
}

}  // namespace orgtrail::services::logs
