// The JSON rows of the identity tables (docs/persistence.md, "IAM" and "Organizations"), each
// described once: a struct's `Fields(io, s)` names its fields in row order, with the value a
// row without the field reads as. RowWriter builds the row from that list and RowReader fills
// the struct from a row, so the two directions cannot disagree.
//
//   constexpr auto kGroupFields = [](auto& io, auto& g) {  // g: Group or const Group
//     io("AccountId", g.account_id);
//     io("Path", g.path, "/");
//     io("CreatedMs", g.created_ms);
//   };
//   Value row = WriteRow(g, kGroupFields);  Group g = ReadRow<Group>(row, kGroupFields);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/value.h"
#include "identity/directory.h"

namespace orgtrail::identity::row_fields {

using Pairs = std::vector<std::pair<std::string, std::string>>;  // OrgTags

// The integer fields (stored as JSON integers); bool has its own overloads.
template <typename N>
concept Number = std::is_integral_v<N> && !std::is_same_v<N, bool>;

// Builds a row: every field, in order. `Optional` fields are left out when empty.
class RowWriter {
 public:
  static constexpr bool kReading = false;

  void operator()(std::string_view key, const std::string& s, std::string_view = {}) {
    row_.Set(std::string(key), s);
  }
  template <Number N>
  void operator()(std::string_view key, N n, std::type_identity_t<N> = 0) {
    row_.Set(std::string(key), static_cast<int64_t>(n));
  }
  void operator()(std::string_view key, bool b) { row_.Set(std::string(key), b); }
  void operator()(std::string_view key, const std::vector<Tag>& tags) {
    Value list = Value::MakeList();
    for (const Tag& t : tags) list.Append(Value::MakeMap().Set("Key", t.key).Set("Value", t.value));
    row_.Set(std::string(key), std::move(list));
  }
  void operator()(std::string_view key, const Pairs& tags) {
    Value list = Value::MakeList();
    for (const auto& [k, v] : tags) list.Append(Value::MakeMap().Set("Key", k).Set("Value", v));
    row_.Set(std::string(key), std::move(list));
  }
  void operator()(std::string_view key, const std::vector<std::string>& items) {
    Value list = Value::MakeList();
    for (const std::string& s : items) list.Append(s);
    row_.Set(std::string(key), std::move(list));
  }
  // An enum stored as its name.
  template <typename E, typename ToName, typename FromName>
  void Enum(std::string_view key, E e, ToName to_name, FromName /*from_name*/) {
    row_.Set(std::string(key), std::string(to_name(e)));
  }
  template <typename T>
  void Optional(std::string_view key, const T& field) {
    if (!field.empty()) (*this)(key, field);
  }

  Value Take() && { return std::move(row_); }

 private:
  Value row_ = Value::MakeMap();
};

// Fills a struct from a row; a missing field reads as its default.
class RowReader {
 public:
  static constexpr bool kReading = true;
  explicit RowReader(const Value& row) : row_(row) {}

  void operator()(std::string_view key, std::string& s, std::string_view def = {}) {
    s = row_.GetString(key, def);
  }
  template <Number N>
  void operator()(std::string_view key, N& n, std::type_identity_t<N> def = 0) {
    n = static_cast<N>(row_[key].AsInt(def));
  }
  void operator()(std::string_view key, bool& b) { b = row_[key].AsBool(); }
  void operator()(std::string_view key, std::vector<Tag>& tags) {
    tags.clear();
    for (const Value& t : row_[key].AsList())
      tags.push_back({t.GetString("Key"), t.GetString("Value")});
  }
  void operator()(std::string_view key, Pairs& tags) {
    tags.clear();
    for (const Value& t : row_[key].AsList())
      tags.emplace_back(t.GetString("Key"), t.GetString("Value"));
  }
  void operator()(std::string_view key, std::vector<std::string>& items) {
    items.clear();
    for (const Value& s : row_[key].AsList()) items.push_back(s.AsString());
  }
  template <typename E, typename ToName, typename FromName>
  void Enum(std::string_view key, E& e, ToName /*to_name*/, FromName from_name) {
    e = from_name(row_.GetString(key));
  }
  template <typename T>
  void Optional(std::string_view key, T& field) {
    (*this)(key, field);
  }

 private:
  const Value& row_;
};

template <typename S, typename Describe>
Value WriteRow(const S& s, Describe describe) {
  RowWriter io;
  describe(io, s);
  return std::move(io).Take();
}

template <typename S, typename Describe>
S ReadRow(const Value& row, Describe describe) {
  S s;
  RowReader io(row);
  describe(io, s);
  return s;
}

}  // namespace orgtrail::identity::row_fields
