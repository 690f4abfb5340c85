// The format of a ct_journal row (internal to src/events; docs/persistence.md): 'S', the
// journal's time high water mark (16 hex digits), length-prefixed fields
// ("<decimal length>:<bytes>") of the facts selectors, event history and delivery use, then the
// record's JSON to the end of the row. Rows of the earlier 'R' format (no high water mark) and
// the first format (a JSON object) are still read. A group row ('G', the high water mark, the
// number of records, then each record's 'S' row length-prefixed) holds the records of one group
// commit: its key is the sequence number of its last record, the others precede it by one each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/journal.h"
#include "events/record.h"

namespace orgtrail::events::journal_row {

// First byte of a ct_journal row in the current format: 'S', then the high water mark (16 hex
// digits, filled in when the row gets its sequence number), then the fields of the 'R' format.
// 'R' rows (no high water mark) and JSON objects (the first format) are still read.
constexpr char kRowFormat = 'S';
constexpr char kRowFormatR = 'R';
constexpr size_t kHwmDigits = 16;
// First byte of a group row: 'G', the high water mark (16 hex digits) of its last record, the
// number of records as a field, then each record's 'S' row as a field, in sequence order.
constexpr char kRowFormatGroup = 'G';
// First byte of a packed group row: 'Z', the high water mark (16 hex digits) of its last record,
// then the raw DEFLATE (ISA-L igzip, level 1) of the whole group row ('G' ...). Records compress
// ~10x, so the group commit writes, and the store checkpoints, a tenth of the bytes.
constexpr char kRowFormatPacked = 'Z';

// The table of the journal's rows, keyed by sequence number (Hex16).
inline constexpr std::string_view kJournalTable = "ct_journal";

// Sequence numbers and times as 16 lower-case hex digits.
void AppendHex16(std::string& out, uint64_t v);
std::string Hex16(uint64_t v);
void WriteHex16(char* out, uint64_t v);
// A key of the journal read back as its sequence number; nullopt when it is not hex digits.
std::optional<uint64_t> ParseHex16(std::string_view key);

// Appends the header of a record's row, its high water mark digits zero until the row gets its
// sequence number; the record's JSON text follows it to the end of the row (BuildRecordsText's
// RecordHead).
void AppendHeader(const RecordFacts<std::string_view>& facts, std::string& out);

// Starts a group row of `count` records (high water mark zero), with room for `bytes` more.
std::string GroupHeader(size_t count, size_t bytes);
// Appends one record's row to a group row.
void AppendMember(std::string& group, std::string_view row);
// Writes the header of a group row of `count` records (high water mark zero) so that it ends
// at `room`, in front of the members written there (AppendMember); returns where the group row
// starts, or std::string::npos when the header does not fit.
size_t WriteGroupHeader(std::string& text, size_t room, size_t count);

// Packs a finished group row (its high water mark filled in) into `packed`, in the 'Z' form;
// false (and `packed` unspecified) for rows under 16 KiB or where ISA-L cannot be opened: they
// stay as they are.
bool Pack(std::string_view group_row, std::string& packed);

// The records' rows of the row stored under sequence number `key`, each with its sequence
// number, in order: the row itself for a single-record row, its members for a group row (the
// last has sequence number `key`). A packed group row is inflated into `*storage`, which the
// views then point into (without `storage`, it has no members). Empty when a group row is
// malformed.
std::vector<std::pair<uint64_t, std::string_view>> Members(uint64_t key, std::string_view row,
                                                           std::string* storage = nullptr);

// The high water mark of an 'S', 'G' or 'Z' row: no record at or before it in the journal is newer.
std::optional<int64_t> HighWaterMark(std::string_view row);

// What event history needs first of a row, without copying: recipient, region, event time.
// False for rows of the first (JSON) format.
bool PeekRow(std::string_view row, std::string_view& account, std::string_view& region,
             int64_t& time_ms);

// The view of row `seq` (an 'S' or 'R' row; `row` must outlive it). False for rows of the
// first (JSON) format and malformed rows.
bool DecodeView(uint64_t seq, std::string_view row, JournalView& out);

// The entry of row `seq`. With `owned` (the row's own string, which `row` views), the record's
// JSON text is moved out of it instead of copied.
std::optional<JournalEntry> DecodeRow(uint64_t seq, std::string_view row,
                                      std::string* owned = nullptr);

}  // namespace orgtrail::events::journal_row
