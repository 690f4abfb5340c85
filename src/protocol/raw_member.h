// Raw list members of the JSON protocol (docs/architecture.md, "Raw list members").
//
// The protocol layer parses a request into a Value and validates it against the model; a
// handler never reads the wire. One exception, taken deliberately for bulk ingest: an operation
// may declare one list member of its input raw. For such an operation the JSON protocol parses
// the list without building a Value per element: in the same single pass over the request's
// text it checks every element against the model (required members, types, lengths, ranges,
// list length) and packs the elements' scalars, already unescaped, into one string Value (the
// packed form below), which the handler reads with RawList: no Value per element and no second
// parse. Whenever the pass cannot vouch for the list (a null, an unknown or duplicate key, a
// number that is not an integer, a value out of its constraints, any invalid member elsewhere in
// the input), the request takes the ordinary path and the member is a list Value as usual, with
// the model's exact errors. Internal callers (Registry::CallInternal) pass a list, or the packed
// form built with RawListWriter (elements they vouch for themselves, as the check would): a
// handler that declares a raw member accepts both forms and must treat them alike.
//
// Packed form (little endian): "RL1\0", u32 M, M x (u16 length, wire name of a member of the
// element structure, model order), u32 N elements, then per element and per member in that
// order one tag byte: 0 absent, 1 integer (i64), 2 boolean (u8), 3 string (u32 length, bytes).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orgtrail::protocol {

// Declares `member` (a list of structures whose members are strings, integers, longs or
// booleans without enums) of `operation`'s input raw. Call at registration. Declaring again
// replaces the declaration; an empty `member` withdraws it (tests).
void DeclareRawListMember(std::string_view service, std::string_view operation,
                          std::string_view member);

// The raw member declared for (service, operation), or "".
std::string_view RawListMember(std::string_view service, std::string_view operation);

// Reads the packed form of a raw member (the string Value the protocol produced). String views
// point into the packed text.
class RawList {
 public:
  // False when `packed` is not in the packed form.
  bool Open(std::string_view packed);
  uint32_t size() const { return count_; }
  // Index of the element member named `wire_name` on the wire, or -1.
  int Member(std::string_view wire_name) const;
  // Moves to the next element (the first on the first call); false after the last one, or
  // when the packed text is cut short.
  bool Next();
  std::optional<int64_t> Int(int member) const;
  std::optional<bool> Bool(int member) const;
  std::optional<std::string_view> String(int member) const;

 private:
  struct Field {
    uint8_t tag = 0;
    int64_t i = 0;
    std::string_view s;
  };
  std::string_view rest_;
  std::vector<std::string_view> names_;
  std::vector<Field> fields_;
  uint32_t count_ = 0;
  uint32_t read_ = 0;
};

// Builds the packed form for an internal caller: the element members' wire names, then per
// element each member in that order (Int, Bool, String or Absent), then Finish.
class RawListWriter {
 public:
  RawListWriter(std::initializer_list<std::string_view> members, size_t reserve = 0);
  void Int(int64_t v);
  void Bool(bool v);
  void String(std::string_view v);
  void Absent();
  // Ends the current element.
  void EndElement() { ++count_; }
  uint32_t size() const { return count_; }
  // The packed text (the writer is empty afterwards).
  std::string Finish();

 private:
  std::string packed_;
  size_t count_at_ = 0;
  uint32_t count_ = 0;
};

}  // namespace orgtrail::protocol
