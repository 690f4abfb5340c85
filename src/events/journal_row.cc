// The ct_journal row format (journal_row.h).
#include "events/journal_row.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "core/isal.h"
#include "core/json.h"

namespace orgtrail::events::journal_row {
namespace {

// Reads one field; false when the row is malformed.
bool GetField(std::string_view& in, std::string_view& field) {
  // The length's digits read in place (a row is read for every record delivered, ~20 fields
  // each): at most 19, so it cannot overflow, then ':'.
  const char* p = in.data();
  const char* const end = p + std::min<size_t>(in.size(), 20);
  size_t len = 0;
  for (; p < end && static_cast<unsigned char>(*p - '0') < 10; ++p)
    len = len * 10 + static_cast<size_t>(*p - '0');
  if (p == in.data() || p == end || *p != ':') return false;
  size_t used = static_cast<size_t>(p - in.data()) + 1;
  if (in.size() - used < len) return false;
  field = in.substr(used, len);
  in.remove_prefix(used + len);
  return true;
}

bool GetField(std::string_view& in, std::string& field) {
  std::string_view v;
  if (!GetField(in, v)) return false;
  field.assign(v);
  return true;
}

bool GetField(std::string_view& in, int64_t& field) {
  std::string_view v;
  if (!GetField(in, v)) return false;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), field);
  return ec == std::errc() && p == v.data() + v.size();
}

bool GetField(std::string_view& in, bool& field) {
  std::string_view v;
  if (!GetField(in, v)) return false;
  field = v == "1";
  return true;
}

// The most a field takes in a row: its length (at most 20 digits), ':', its text.
size_t FieldBound(std::string_view s) { return s.size() + 21; }
size_t FieldBound(int64_t) { return 21 + 20; }
size_t FieldBound(bool) { return 21 + 1; }

// Writes one field at `p` (room for it checked by EncodeRow's bound); returns the end.
char* WriteField(char* p, std::string_view s) {
  p = std::to_chars(p, p + 20, s.size()).ptr;
  *p++ = ':';
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Numbers in decimal, flags as "1" or "0".
char* WriteField(char* p, int64_t v) {
  char digits[24];
  return WriteField(p,
                    std::string_view(digits, std::to_chars(digits, digits + sizeof digits, v).ptr));
}

char* WriteField(char* p, bool v) { return WriteField(p, std::string_view(v ? "1" : "0", 1)); }

// The first format: a JSON object with the record as an escaped string (data directories
// written before the compact rows).
std::optional<JournalEntry> EntryFromJson(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return std::nullopt;
  const Value& v = *parsed;
  JournalEntry e;
  e.seq = static_cast<uint64_t>(v["Seq"].AsInt());
  e.account_id = v.GetString("AccountId");
  e.region = v.GetString("Region");
  e.event_time_ms = v["EventTimeMs"].AsInt();
  e.event_id = v.GetString("EventId");
  e.event_source = v.GetString("EventSource");
  e.event_name = v.GetString("EventName");
  e.read_only = v["ReadOnly"].AsBool();
  e.management_event = v["ManagementEvent"].AsBool(true);
  e.event_category = v.GetString("EventCategory");
  e.error_code = v.GetString("ErrorCode");
  e.user_identity_arn = v.GetString("UserIdentityArn");
  e.username = v.GetString("Username");
  e.access_key_id = v.GetString("AccessKeyId");
  for (const Value& r : v["Resources"].AsList()) {
    e.resources.push_back({r.GetString("ARN"), r.GetString("accountId"), r.GetString("type")});
  }
  e.json = v.GetString("Record");
  return e;
}

}  // namespace

void AppendHex16(std::string& out, uint64_t v) {
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = "0123456789abcdef"[v & 15];
  out.append(buf, sizeof buf);
}

std::string Hex16(uint64_t v) {
  std::string out;
  AppendHex16(out, v);
  return out;
}

void WriteHex16(char* out, uint64_t v) {
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = "0123456789abcdef"[v & 15];
}

std::optional<uint64_t> ParseHex16(std::string_view key) {
  uint64_t seq = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), seq, 16);
  if (ec != std::errc() || p != key.data() + key.size()) return std::nullopt;
  return seq;
}

void AppendHeader(const RecordFacts<std::string_view>& facts, std::string& out) {
  // Written in place into room of an upper bound, then cut to its size.
  const auto fields = facts.Fields();
  const auto count = static_cast<int64_t>(facts.resources.size());
  size_t bound = 1 + kHwmDigits + FieldBound(count);
  std::apply([&bound](const auto&... f) { bound += (FieldBound(f) + ...); }, fields);
  for (const RecordResource& r : facts.resources)
    bound += FieldBound(r.arn) + FieldBound(r.account_id) + FieldBound(r.type);
  const size_t start = out.size();
  out.resize(start + bound);
  char* p = out.data() + start;
  *p++ = kRowFormat;
  std::memset(p, '0', kHwmDigits);
  p += kHwmDigits;
  std::apply([&p](const auto&... f) { ((p = WriteField(p, f)), ...); }, fields);
  p = WriteField(p, count);
  for (const RecordResource& r : facts.resources) {
    p = WriteField(p, r.arn);
    p = WriteField(p, r.account_id);
    p = WriteField(p, r.type);
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

std::string GroupHeader(size_t count, size_t bytes) {
  std::string out;
  out.reserve(1 + kHwmDigits + 42 + bytes);
  out.push_back(kRowFormatGroup);
  out.append(kHwmDigits, '0');
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, count).ptr;
  AppendMember(out, std::string_view(buf, end));
  return out;
}

void AppendMember(std::string& group, std::string_view row) {
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, row.size()).ptr;
  *end++ = ':';
  group.append(buf, end);
  group.append(row);
}

size_t WriteGroupHeader(std::string& text, size_t room, size_t count) {
  // The same bytes as GroupHeader's: 'G', the high water mark, the count as a field.
  char digits[24];
  const size_t n =
      static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, count).ptr - digits);
  char length[24];
  const size_t ln =
      static_cast<size_t>(std::to_chars(length, length + sizeof length, n).ptr - length);
  const size_t size = 1 + kHwmDigits + ln + 1 + n;
  if (size > room || room > text.size()) return std::string::npos;
  char* p = text.data() + (room - size);
  *p++ = kRowFormatGroup;
  std::memset(p, '0', kHwmDigits);
  p += kHwmDigits;
  std::memcpy(p, length, ln);
  p += ln;
  *p++ = ':';
  std::memcpy(p, digits, n);
  return room - size;
}

namespace {

// Smaller groups (an idle server's, a test's) stay unpacked: few bytes to save.
constexpr size_t kMinPackBytes = 16 * 1024;

// Inflates raw DEFLATE `in` into `out` with ISA-L (~3x faster than zlib), or zlib where it
// cannot be opened; false when it is not a whole stream.
bool Inflate(std::string_view in, std::string& out) {
  if (const Isal* isal = OpenIsal()) {
    thread_local std::unique_ptr<inflate_state> state = std::make_unique<inflate_state>();
    inflate_state& z = *state;
    isal->inflate_init(&z);
    z.crc_flag = ISAL_DEFLATE;
    z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uint32_t>(in.size());
    out.resize(in.size() * 8 + 4096);
    size_t done = 0;
    while (true) {
      z.next_out = reinterpret_cast<uint8_t*>(out.data()) + done;
      z.avail_out = static_cast<uint32_t>(out.size() - done);
      if (isal->inflate(&z) != ISAL_DECOMP_OK) return false;
      done = out.size() - z.avail_out;
      if (z.block_state == ISAL_BLOCK_FINISH) break;
      if (z.avail_out != 0) return false;  // input ended before the stream did
      out.resize(out.size() * 2);
    }
    out.resize(done);
    return true;
  }
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  out.resize(in.size() * 8 + 4096);
  size_t done = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (done == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data()) + done;
    zs.avail_out = static_cast<uInt>(out.size() - done);
    rc = inflate(&zs, Z_NO_FLUSH);
    done = out.size() - zs.avail_out;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) rc = Z_OK;  // room is all it needs
  }
  inflateEnd(&zs);
  out.resize(done);
  return rc == Z_STREAM_END;
}

}  // namespace

bool Pack(std::string_view group_row, std::string& packed) {
  if (group_row.size() < kMinPackBytes || group_row[0] != kRowFormatGroup) return false;
  const Isal* isal = OpenIsal();
  if (isal == nullptr) return false;
  isal_zstream& z = ThreadDeflateStream(*isal, IGZIP_DEFLATE);
  z.end_of_stream = 1;
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(group_row.data()));
  z.avail_in = static_cast<uint32_t>(group_row.size());
  packed.assign(1 + kHwmDigits + group_row.size() / 4 + 1024, '\0');
  packed[0] = kRowFormatPacked;
  std::memcpy(packed.data() + 1, group_row.data() + 1, kHwmDigits);
  size_t done = 1 + kHwmDigits;
  while (true) {
    z.next_out = reinterpret_cast<uint8_t*>(packed.data()) + done;
    z.avail_out = static_cast<uint32_t>(packed.size() - done);
    if (isal->deflate(&z) != COMP_OK) return false;
    done = packed.size() - z.avail_out;
    if (z.internal_state.state == ZSTATE_END) break;
    packed.resize(packed.size() * 2);
  }
  packed.resize(done);
  return true;
}

std::vector<std::pair<uint64_t, std::string_view>> Members(uint64_t key, std::string_view row,
                                                           std::string* storage) {
  std::vector<std::pair<uint64_t, std::string_view>> out;
  if (!row.empty() && row[0] == kRowFormatPacked) {
    if (storage == nullptr || row.size() < 1 + kHwmDigits ||
        !Inflate(row.substr(1 + kHwmDigits), *storage) || storage->empty() ||
        (*storage)[0] != kRowFormatGroup)
      return out;
    row = *storage;
  }
  if (row.empty() || row[0] != kRowFormatGroup) {
    out.emplace_back(key, row);
    return out;
  }
  if (row.size() < 1 + kHwmDigits) return out;
  row.remove_prefix(1 + kHwmDigits);
  int64_t count = 0;
  if (!GetField(row, count) || count <= 0 || static_cast<uint64_t>(count) > key) return out;
  out.reserve(static_cast<size_t>(count));
  uint64_t seq = key - static_cast<uint64_t>(count) + 1;
  for (int64_t i = 0; i < count; ++i) {
    std::string_view member;
    if (!GetField(row, member)) return {};
    out.emplace_back(seq++, member);
  }
  return out;
}

// The high water mark of an 'S' or 'G' row: no record at or before it in the journal is newer.
std::optional<int64_t> HighWaterMark(std::string_view row) {
  if (row.size() < 1 + kHwmDigits ||
      (row[0] != kRowFormat && row[0] != kRowFormatGroup && row[0] != kRowFormatPacked))
    return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(row.data() + 1, row.data() + 1 + kHwmDigits, v, 16);
  if (ec != std::errc() || p != row.data() + 1 + kHwmDigits) return std::nullopt;
  return static_cast<int64_t>(v);
}

// What event history needs first of a row, without copying: recipient, region, event time.
// False for rows of the first (JSON) format.
bool PeekRow(std::string_view row, std::string_view& account, std::string_view& region,
             int64_t& time_ms) {
  if (row.empty()) return false;
  if (row[0] == kRowFormat && row.size() >= 1 + kHwmDigits) {
    row.remove_prefix(1 + kHwmDigits);
  } else if (row[0] == kRowFormatR) {
    row.remove_prefix(1);
  } else {
    return false;
  }
  return GetField(row, account) && GetField(row, region) && GetField(row, time_ms);
}

bool DecodeView(uint64_t seq, std::string_view row, JournalView& e) {
  if (row.empty()) return false;
  if (row[0] == kRowFormat && row.size() >= 1 + kHwmDigits) {
    row.remove_prefix(1 + kHwmDigits);
  } else if (row[0] == kRowFormatR) {
    row.remove_prefix(1);
  } else {
    return false;
  }
  e.seq = seq;
  int64_t resources = 0;
  const bool ok =
      std::apply([&row](auto&... f) { return (GetField(row, f) && ...); }, e.Fields()) &&
      GetField(row, resources);
  if (!ok || resources < 0) return false;
  e.resources.clear();
  for (int64_t i = 0; i < resources; ++i) {
    RecordResource r;
    if (!GetField(row, r.arn) || !GetField(row, r.account_id) || !GetField(row, r.type))
      return false;
    e.resources.push_back(std::move(r));
  }
  e.json = row;
  return true;
}

// With `owned` (the row's own string, which `row` views), the record's JSON text is moved out of
// it instead of copied.
std::optional<JournalEntry> DecodeRow(uint64_t seq, std::string_view row, std::string* owned) {
  if (row.empty()) return std::nullopt;
  if (row[0] != kRowFormat && row[0] != kRowFormatR) return EntryFromJson(row);
  JournalView v;
  if (!DecodeView(seq, row, v)) return std::nullopt;
  if (owned == nullptr) return std::move(v).ToEntry(std::string(v.json));
  owned->erase(0, owned->size() - v.json.size());
  return std::move(v).ToEntry(std::move(*owned));
}

}  // namespace orgtrail::events::journal_row
