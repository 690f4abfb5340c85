// A SAX view of JSON text (RapidJSON's reader underneath), for the few callers that must not
// build a Value per element of a large list: the JSON protocol's raw list members
// (docs/architecture.md, "Raw list members").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"

namespace orgtrail {

// Receives the tokens of a JSON text in order. Numbers follow ParseJson's rule: integers that
// fit int64 come as Int64, every other number as Double. String and key views are valid until
// the parse returns. Returning false stops the parse.
class JsonSax {
 public:
  virtual ~JsonSax() = default;
  virtual bool Null() = 0;
  virtual bool Bool(bool b) = 0;
  virtual bool Int64(int64_t i) = 0;
  virtual bool Double(double d) = 0;
  virtual bool String(std::string_view s) = 0;
  virtual bool Key(std::string_view k) = 0;
  virtual bool StartObject() = 0;
  virtual bool EndObject() = 0;
  virtual bool StartArray() = 0;
  virtual bool EndArray() = 0;
};

// ParseJson, except that the value of the top-level object member `member`, when it is an
// array, goes token by token to `sax` instead of into the Value (which then lacks the member).
struct JsonDiversion {
  std::string_view member;
  JsonSax* sax = nullptr;
  // Out: whether an array was diverted, where its text lies in the document ([begin, end)),
  // and how many times `member` appeared at the top level (a duplicate key: 2 or more).
  bool diverted = false;
  size_t begin = 0;
  size_t end = 0;
  int occurrences = 0;
};
Result<Value> ParseJsonDiverting(std::string_view text, JsonDiversion& diversion);

}  // namespace orgtrail
