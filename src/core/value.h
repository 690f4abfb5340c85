// Value: the JSON-like tree that every handler receives and returns (DESIGN.md §3, principle 3).
//
// Protocol codecs turn wire input into a Value shaped by the operation's input shape, and turn a
// handler's Value back into wire output. Conventions, independent of protocol:
//   - structures and maps are kMap (member order is kept as inserted);
//   - lists are kList;
//   - timestamps are numbers of epoch seconds (fractional allowed; kInt or kDouble);
//   - blobs are kString holding the raw bytes (codecs base64 them where the wire needs it);
//   - absent members are simply not present.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace orgtrail {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  Value(std::nullptr_t) {}                            // NOLINT
  Value(bool b) : v_(b) {}                            // NOLINT
  Value(int i) : v_(static_cast<int64_t>(i)) {}       // NOLINT
  Value(int64_t i) : v_(i) {}                         // NOLINT
  Value(uint64_t i) : v_(static_cast<int64_t>(i)) {}  // NOLINT
  Value(double d) : v_(d) {}                          // NOLINT
  Value(std::string s) : v_(std::move(s)) {}          // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}   // NOLINT
  Value(const char* s) : v_(std::string(s)) {}        // NOLINT
  Value(List l) : v_(std::move(l)) {}                 // NOLINT
  Value(Map m) : v_(std::move(m)) {}                  // NOLINT

  static Value MakeMap() { return Value(Map{}); }
  static Value MakeList() { return Value(List{}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }

  // Lenient accessors: a value of another kind yields the default.
  bool AsBool(bool def = false) const;
  int64_t AsInt(int64_t def = 0) const;  // doubles are truncated
  double AsDouble(double def = 0) const;
  const std::string& AsString() const;  // "" unless a string
  const List& AsList() const;           // empty unless a list
  const Map& AsMap() const;             // empty unless a map
  List& MutableList();                  // turns a non-list into an empty list first
  Map& MutableMap();                    // turns a non-map into an empty map first

  // Map access. operator[] yields a shared null Value when the key is absent.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  const Value& operator[](std::string_view key) const;
  std::string GetString(std::string_view key, std::string_view def = "") const;
  Value& Set(std::string key, Value v);  // replaces or appends; returns *this
  bool Erase(std::string_view key);

  // List access.
  Value& Append(Value v);  // returns *this
  size_t size() const;     // list or map size, else 0

  bool operator==(const Value& other) const { return v_ == other.v_; }

  // Compact JSON rendering (blobs as they are stored; timestamps as numbers). For logs, admin
  // API and persistence rows.
  std::string ToJson() const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> v_;
};

}  // namespace orgtrail
