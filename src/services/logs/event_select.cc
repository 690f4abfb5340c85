// Reads of the event store (event_store.h): Select and ForEachEvent.
#include <algorithm>
#include <cstring>
#include <queue>

#include "services/logs/block_bloom.h"
#include "services/logs/event_store.h"

namespace orgtrail::services::logs {
namespace {

bool HasAll(std::string_view text, const std::vector<std::string>& literals) {
  for (const std::string& lit : literals) {
    if (lit.empty()) continue;
    if (!memmem(text.data(), text.size(), lit.data(), lit.size())) return false;
  }
  return true;
}

}  // namespace

Selection Select(store::Store& store, const SelectQuery& q) {
  Selection out;
  const size_t keep = q.limit + 1;  // one more than a page tells whether more exist
  // Heap whose top is the worst kept event (the newest when selecting the oldest).
  auto worse = [&q](const Selected& a, const Selected& b) {
    return q.newest ? b.key < a.key : a.key < b.key;
  };
  std::priority_queue<Selected, std::vector<Selected>, decltype(worse)> heap(worse);
  static const std::vector<std::string> no_literals;
  const std::vector<std::string>& literals =
      q.pattern ? q.pattern->RequiredLiterals() : no_literals;
  const bool match_all = !q.pattern || q.pattern->MatchesAll();
  // Per-event literal checks pay off before costly matchers (JSON, regex, space-delimited).
  const bool per_event_literals =
      !literals.empty() && q.pattern && q.pattern->kind() != filter::PatternKind::kTerms;

  // The longest required literal leads the search within a block.
  const std::string* lead = nullptr;
  if (!match_all) {
    for (const std::string& lit : literals)
      if (!lit.empty() && (lead == nullptr || lit.size() > lead->size())) lead = &lit;
  }
  std::string row;
  std::string buf;
  std::string bloom;
  store::AppendFileView view;
  BlockParts parts;

  int64_t from = q.from;
  int64_t to = q.to;
  if (q.after) from = std::max(from, q.after->timestamp);
  if (q.before) to = std::min(to, q.before->timestamp);

  for (uint32_t s = 0; s < q.streams.size(); ++s) {
    for (const BlockMeta& meta : ListBlocks(store, q.streams[s].key)) {
      if (meta.max_ts < from || meta.min_ts > to) {
        ++out.blocks_skipped;
        continue;
      }
      if (heap.size() >= keep) {
        const OrderKey& top = heap.top().key;
        if (q.newest ? meta.max_ts < top.timestamp : meta.min_ts > top.timestamp) {
          ++out.blocks_skipped;
          continue;
        }
      }
      if (!match_all && !literals.empty() && meta.segments == 0) {
        // The open block's Bloom filter is written when the block closes.
        if (store.GetInto(kBlockBloomTable, meta.key, bloom) && !BloomMayContain(bloom, literals)) {
          ++out.blocks_skipped;
          continue;
        }
      }
      if (!ReadBlock(store, meta, row, buf, view, parts)) continue;
      ++out.blocks_read;
      bool searched = false;
      for (size_t part = 0; part < parts.size(); ++part) {
        const BlockReader& block = parts[part];
        if (!match_all && !HasAll(block.text(), literals)) continue;
        searched = true;
        out.bytes_scanned += block.text().size();
        auto consider = [&](uint32_t i) {
          EventRef e = block.Event(i);
          if (e.key.timestamp < from || e.key.timestamp > to) return;
          if (q.after && !(*q.after < e.key)) return;
          if (q.before && !(e.key < *q.before)) return;
          if (heap.size() >= keep) {
            const OrderKey& top = heap.top().key;
            if (q.newest ? !(top < e.key) : !(e.key < top)) return;
          }
          if (!match_all) {
            if (per_event_literals && !HasAll(e.message, literals)) return;
            if (!q.pattern->Matches(e.message)) return;
          }
          heap.push({e.key, s, std::string(e.message)});
          if (heap.size() > keep) heap.pop();
        };
        if (lead != nullptr) {
          // Only events holding the lead literal can match: find them in the packed text.
          std::string_view text = block.text();
          size_t pos = 0;
          while (pos < text.size()) {
            const void* hit =
                memmem(text.data() + pos, text.size() - pos, lead->data(), lead->size());
            if (hit == nullptr) break;
            uint32_t i =
                block.EventAt(static_cast<size_t>(static_cast<const char*>(hit) - text.data()));
            consider(i);
            pos = block.MessageEnd(i);
          }
        } else {
          for (uint32_t i = 0; i < block.count(); ++i) consider(i);
        }
      }
      if (!searched) ++out.blocks_skipped;
    }
  }

  std::vector<Selected> all;
  all.reserve(heap.size());
  while (!heap.empty()) {
    all.push_back(std::move(const_cast<Selected&>(heap.top())));
    heap.pop();
  }
  std::sort(all.begin(), all.end(),
            [](const Selected& a, const Selected& b) { return a.key < b.key; });
  // Page: at most `limit` events and `max_bytes`, from the oldest (or the newest) end.
  size_t n = 0;
  size_t bytes = 0;
  size_t cap = std::min(all.size(), q.limit);
  for (; n < cap; ++n) {
    const Selected& e = q.newest ? all[all.size() - 1 - n] : all[n];
    size_t size = e.message.size() + kEventOverhead;
    if (n > 0 && bytes + size > q.max_bytes) break;
    bytes += size;
  }
  out.more = n < all.size();
  if (q.newest) {
    all.erase(all.begin(), all.end() - static_cast<ptrdiff_t>(n));
  } else {
    all.resize(n);
  }
  out.events = std::move(all);
  return out;
}

uint64_t ForEachEvent(store::Store& store, const std::vector<SelectStream>& streams, int64_t from,
                      int64_t to, EventVisitor visit, void* ctx) {
  uint64_t bytes = 0;
  std::string row;
  std::string buf;
  store::AppendFileView view;
  BlockParts parts;
  for (uint32_t s = 0; s < streams.size(); ++s) {
    for (const BlockMeta& meta : ListBlocks(store, streams[s].key)) {
      if (meta.max_ts < from || meta.min_ts > to) continue;
      if (!ReadBlock(store, meta, row, buf, view, parts)) continue;
      for (size_t part = 0; part < parts.size(); ++part) {
        const BlockReader& block = parts[part];
        for (uint32_t i = 0; i < block.count(); ++i) {
          EventRef e = block.Event(i);
          if (e.key.timestamp < from || e.key.timestamp > to) continue;
          bytes += e.message.size();
          if (!visit(ctx, s, e)) return bytes;
        }
      }
    }
  }
  return bytes;
}

}  // namespace orgtrail::services::logs
