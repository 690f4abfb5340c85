// The check of a raw list member against its model, run token by token while the request is
// parsed, and the packing of its elements (protocol/raw_member.h). Internal to the protocol
// layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_sax.h"
#include "spec/model.h"

namespace orgtrail::protocol::internal {

// Passes when the list is exactly what the model accepts without conversion: elements are
// objects, keys are known wire names (each once), values have the member's type (no null, no
// non-integral number) and satisfy its constraints, required members are present, and the
// element count is within the list's bounds. Anything else fails the check: the request then
// takes the ordinary path, which answers with the model's errors. The check never stops the
// parse (a stopped parse would read as a syntax error). Meanwhile it appends the packed form of
// the elements to `packed`.
class RawListCheck : public JsonSax {
 public:
  // Lists this check can vouch for: structures of strings (no enum), integers, longs, booleans.
  static bool Supported(const spec::Shape& list);
  RawListCheck(const spec::Shape& list, std::string& packed);

  bool ok() const { return !failed_ && level_ == 0 && ended_; }

  bool Null() override { return Fail(); }
  bool Bool(bool b) override;
  bool Int64(int64_t i) override;
  bool Double(double) override { return Fail(); }
  bool String(std::string_view v) override;
  bool Key(std::string_view k) override;
  bool StartObject() override;
  bool EndObject() override;
  bool StartArray() override;
  bool EndArray() override;

 private:
  struct Slot {
    uint8_t tag = 0;
    int64_t i = 0;
    std::string_view s;
  };
  bool Fail() {
    failed_ = true;
    level_ = -1;  // stays failed whatever follows
    return true;
  }

  const spec::Shape& list_;
  const spec::Shape& element_;
  std::string& packed_;
  size_t count_at_ = 0;  // offset of the element count in packed_
  std::vector<Slot> slots_;
  uint64_t required_ = 0;
  uint64_t seen_ = 0;
  int current_ = -1;
  uint32_t count_ = 0;
  int level_ = 0;  // 0 outside, 1 in the list, 2 in an element
  bool failed_ = false;
  bool ended_ = false;
};

}  // namespace orgtrail::protocol::internal
