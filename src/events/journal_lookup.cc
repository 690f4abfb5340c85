// LookupEvents over the journal (journal.h, Journal::Lookup): the journal read newest first,
// its rows' high water marks bounding the times still to come.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/journal.h"
#include "events/journal_row.h"

namespace orgtrail::events {
namespace {

using journal_row::AppendHex16;
using journal_row::DecodeRow;
using journal_row::Hex16;
using journal_row::HighWaterMark;
using journal_row::kJournalTable;
using journal_row::Members;
using journal_row::ParseHex16;
using journal_row::PeekRow;

constexpr size_t kScanBatch = 256;

// Page tokens sort newest first: the time is stored as its distance to the largest time.
uint64_t Inverted(int64_t ms) {
  return static_cast<uint64_t>(INT64_MAX - std::max<int64_t>(ms, 0));
}

// A LookupEvents page token (the key format of the former index, so tokens handed out before
// stay valid): <account>/<region>/<inverted time, 16 hex>/<seq, 16 hex>
std::string HistoryKey(std::string_view account, std::string_view region, int64_t time_ms,
                       uint64_t seq) {
  std::string out;
  out.reserve(account.size() + region.size() + 35);
  out.append(account).append("/").append(region).append("/");
  AppendHex16(out, Inverted(time_ms));
  out.push_back('/');
  AppendHex16(out, seq);
  return out;
}

bool LookupMatches(const JournalEntry& e, const std::string& key, const std::string& value) {
  if (key.empty()) return true;
  if (key == "ResourceType" || key == "ResourceName") {
    for (const RecordResource& r : e.resources) {
      if ((key == "ResourceType" ? r.type : r.arn) == value) return true;
    }
    return false;
  }
  if (key == "EventId") return e.event_id == value;
  if (key == "EventName") return e.event_name == value;
  if (key == "ReadOnly") return (e.read_only ? "true" : "false") == value;
  if (key == "Username") return e.username == value;
  if (key == "EventSource") return e.event_source == value;
  if (key == "AccessKeyId") return e.access_key_id == value;
  return false;
}

}  // namespace

LookupPage Journal::Lookup(const LookupQuery& q) {
  (void)Flush();
  // Order: newest first, then by sequence number. The journal is read backwards in batches of
  // sequence numbers; a matching record waits in `ready` until no row not yet read can come
  // before it: every row at or below the lowest one read is at most as new as that row's high
  // water mark (rows of the 'R' format have none: their own time is taken, as they were
  // journaled nearly in time order).
  LookupPage page;
  int64_t upper_ms = q.end_ms;  // and, at upper_ms itself, only sequence numbers > after_seq
  uint64_t after_seq = 0;
  bool resume = false;
  if (!q.after.empty()) {
    // The token: <account>/<region>/<inverted time>/<seq> of the previous page's last event.
    std::string_view k = q.after;
    uint64_t inv = 0;
    std::optional<uint64_t> seq;
    if (k.size() < 33 ||
        std::from_chars(k.data() + k.size() - 33, k.data() + k.size() - 17, inv, 16).ec !=
            std::errc() ||
        !(seq = ParseHex16(k.substr(k.size() - 16))))
      return page;
    upper_ms = std::min<int64_t>(upper_ms, INT64_MAX - static_cast<int64_t>(inv));
    after_seq = *seq;
    resume = true;
  }
  auto before = [](const JournalEntry& a, const JournalEntry& b) {
    return a.event_time_ms != b.event_time_ms ? a.event_time_ms > b.event_time_ms : a.seq < b.seq;
  };
  std::vector<JournalEntry> ready;  // a heap: the next event to return on top
  auto heap_less = [&](const JournalEntry& a, const JournalEntry& b) { return before(b, a); };
  auto emit_above = [&](int64_t bound_ms) {
    while (!ready.empty() && ready.front().event_time_ms > bound_ms &&
           page.events.size() <= q.max_results) {
      std::pop_heap(ready.begin(), ready.end(), heap_less);
      page.events.push_back(std::move(ready.back()));
      ready.pop_back();
    }
  };
  uint64_t hi = LastSeq();
  uint64_t first = 0;  // the oldest row kept (older ones are pruned)
  for (const store::Row& row : store_.Scan(kJournalTable, "", "", 1))
    first = ParseHex16(row.key).value_or(0);
  while (hi >= first && hi > 0 && page.events.size() <= q.max_results) {
    const uint64_t lo = hi > kScanBatch ? hi - kScanBatch + 1 : 1;
    std::vector<store::Row> rows = store_.Scan(kJournalTable, "", Hex16(lo - 1), hi - lo + 1);
    int64_t bound_ms = INT64_MAX;  // no row at or below the lowest read is newer
    uint64_t next_hi = lo - 1;     // a group row read here may hold records below `lo`
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      std::optional<uint64_t> key = ParseHex16(it->key);
      if (!key || *key > hi) continue;
      const std::optional<int64_t> hwm = HighWaterMark(it->value);
      std::string storage;  // a packed group row, inflated
      const auto members = Members(*key, it->value, &storage);
      if (!members.empty()) next_hi = std::min(next_hi, members.front().first - 1);
      for (auto m = members.rbegin(); m != members.rend(); ++m) {
        const uint64_t seq = m->first;
        const std::string_view text = m->second;
        std::string_view account, region;
        int64_t time_ms = 0;
        std::optional<JournalEntry> e;
        if (!PeekRow(text, account, region, time_ms)) {
          e = DecodeRow(seq, text);  // first format
          if (!e) continue;
          account = e->account_id;
          region = e->region;
          time_ms = e->event_time_ms;
        }
        bound_ms = hwm.value_or(time_ms);
        if (account != q.account_id || region != q.region || time_ms < q.start_ms ||
            time_ms > upper_ms || (resume && time_ms == upper_ms && seq <= after_seq))
          continue;
        if (!e) e = DecodeRow(seq, text);
        if (!e || !e->management_event || !LookupMatches(*e, q.attribute_key, q.attribute_value))
          continue;
        ready.push_back(std::move(*e));
        std::push_heap(ready.begin(), ready.end(), heap_less);
      }
    }
    hi = next_hi;
    if (bound_ms < q.start_ms) break;  // nothing older can be in the time range
    emit_above(bound_ms);
  }
  emit_above(INT64_MIN);
  if (page.events.size() > q.max_results) {
    page.events.resize(q.max_results);
    const JournalEntry& last = page.events.back();
    page.next = HistoryKey(q.account_id, q.region, last.event_time_ms, last.seq);
  }
  return page;
}

}  // namespace orgtrail::events
