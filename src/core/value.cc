#include "core/value.h"

#include "core/json.h"

namespace orgtrail {
namespace {
const std::string kEmptyString;
const Value::List kEmptyList;
const Value::Map kEmptyMap;
const Value kNullValue;
}  // namespace

bool Value::AsBool(bool def) const {
  if (const bool* b = std::get_if<bool>(&v_)) return *b;
  return def;
}

int64_t Value::AsInt(int64_t def) const {
  if (const int64_t* i = std::get_if<int64_t>(&v_)) return *i;
  if (const double* d = std::get_if<double>(&v_)) return static_cast<int64_t>(*d);
  return def;
}

double Value::AsDouble(double def) const {
  if (const double* d = std::get_if<double>(&v_)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  return def;
}

const std::string& Value::AsString() const {
  if (const std::string* s = std::get_if<std::string>(&v_)) return *s;
  return kEmptyString;
}

const Value::List& Value::AsList() const {
  if (const List* l = std::get_if<List>(&v_)) return *l;
  return kEmptyList;
}

const Value::Map& Value::AsMap() const {
  if (const Map* m = std::get_if<Map>(&v_)) return *m;
  return kEmptyMap;
}

Value::List& Value::MutableList() {
  if (!is_list()) v_ = List{};
  return std::get<List>(v_);
}

Value::Map& Value::MutableMap() {
  if (!is_map()) v_ = Map{};
  return std::get<Map>(v_);
}

const Value* Value::Find(std::string_view key) const {
  if (const Map* m = std::get_if<Map>(&v_)) {
    for (const auto& [k, v] : *m)
      if (k == key) return &v;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  if (Map* m = std::get_if<Map>(&v_)) {
    for (auto& [k, v] : *m)
      if (k == key) return &v;
  }
  return nullptr;
}

const Value& Value::operator[](std::string_view key) const {
  const Value* v = Find(key);
  return v ? *v : kNullValue;
}

std::string Value::GetString(std::string_view key, std::string_view def) const {
  const Value* v = Find(key);
  if (v && v->is_string()) return v->AsString();
  return std::string(def);
}

Value& Value::Set(std::string key, Value v) {
  Map& m = MutableMap();
  for (auto& [k, existing] : m) {
    if (k == key) {
      existing = std::move(v);
      return *this;
    }
  }
  m.emplace_back(std::move(key), std::move(v));
  return *this;
}

bool Value::Erase(std::string_view key) {
  if (Map* m = std::get_if<Map>(&v_)) {
    for (auto it = m->begin(); it != m->end(); ++it) {
      if (it->first == key) {
        m->erase(it);
        return true;
      }
    }
  }
  return false;
}

Value& Value::Append(Value v) {
  MutableList().push_back(std::move(v));
  return *this;
}

size_t Value::size() const {
  if (const List* l = std::get_if<List>(&v_)) return l->size();
  if (const Map* m = std::get_if<Map>(&v_)) return m->size();
  return 0;
}

std::string Value::ToJson() const { return WriteJson(*this); }

}  // namespace orgtrail
